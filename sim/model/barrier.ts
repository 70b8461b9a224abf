/**
 * Liquidation within a step: the chance that a price touched a liquidation price between two keeper cycles, given
 * where it started and ended. The kernel checks a position's health once a cycle (daily), so a price that dipped
 * through the liquidation price and came back by the next cycle goes unseen; between cycles nothing acts on the
 * position, and its liquidation price is fixed.
 *
 * Method (Brownian-bridge barrier correction, e.g. Glasserman, "Monte Carlo Methods in Financial Engineering", §6.4):
 * the log price over a step is a Brownian motion with variance `v` over the step (its drift does not matter once
 * both ends are known). Conditioned on starting at distance `a` and ending at distance `b` (log distances from the
 * barrier, on the safe side: a, b > 0), the probability that it touched the barrier in between is exactly
 * exp(−2·a·b / v). A step that ends past the barrier is a touch (probability 1: the daily check sees it too).
 */
import { exp, ln } from "../detMath.ts";

/**
 * The probability that a Brownian bridge from log distance `startLogDistance` to `endLogDistance` (both measured
 * from the barrier, positive on the safe side) with variance `variance` over the step touches the barrier:
 * exp(−2·a·b / v) when both are positive, 1 when either is not, 0 when `variance` is 0 and both are positive.
 */
export function bridgeCrossingProbability(startLogDistance: number, endLogDistance: number, variance: number): number {
  if (!(startLogDistance > 0 && endLogDistance > 0)) return 1;
  if (!(variance > 0)) return 0;
  return exp((-2 * startLogDistance * endLogDistance) / variance);
}

/**
 * `bridgeCrossingProbability` of the price ratios `startRatio` and `endRatio` to the barrier (above 1 on the safe
 * side: price ÷ barrier for a barrier below, barrier ÷ price for one above), with `1 − p` the same to the bit. For
 * the kernel's hot loop: when a lower bound of the exponent, from ln x ≥ 2(x − 1)/(x + 1) for x ≥ 1, already makes
 * p smaller than 2^-54 (exp(−38) is), 1 − p rounds to exactly 1 and the two logarithms are skipped.
 */
export function bridgeCrossingProbabilityOfRatios(startRatio: number, endRatio: number, variance: number): number {
  if (!(startRatio > 1 && endRatio > 1)) return 1;
  const startBound = (2 * (startRatio - 1)) / (startRatio + 1);
  const endBound = (2 * (endRatio - 1)) / (endRatio + 1);
  if (2 * startBound * endBound > NEGLIGIBLE_EXPONENT * variance) return 0;
  return bridgeCrossingProbability(ln(startRatio), ln(endRatio), variance);
}

/** exp(−38) < 2^-54: a touch probability below it leaves 1 − p at exactly 1. */
const NEGLIGIBLE_EXPONENT = 38;

/**
 * A price ratio to the barrier (as in `bridgeCrossingProbabilityOfRatios`) at or beyond which, at both ends of a step
 * whose log variance is at most `variance`, the touch probability is below exp(−38), so that 1 − p is exactly 1:
 * ln r = √(19·v) makes 2·ln(r)² / v = 38. Raised by a relative 1e-9, far more than the rounding of the engine's
 * `Math.exp` and of a caller's products, so that a screen against it never skips a step that `1 − p` would count:
 * it only tells the kernel's hot loop which steps it may skip without computing the ratios. NaN for a NaN variance
 * (no comparison passes then).
 */
export function negligibleTouchRatio(variance: number): number {
  return Math.exp(Math.sqrt((NEGLIGIBLE_EXPONENT / 2) * variance)) * (1 + 1e-9);
}
