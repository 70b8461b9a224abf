/**
 * Morpho's AdaptiveCurveIrm (morpho-org/morpho-blue-irm, src/adaptive-curve-irm/AdaptiveCurveIrm.sol, ExpLib.sol,
 * ConstantsLib.sol) in real numbers, rates per second: the borrow rate is a curve of the market's utilization around
 * a "rate at target" (the rate at 90% utilization) that itself drifts, exponentially, at 50/year times the
 * utilization's normalised distance from the target, bounded to [0.1%, 200%] a year. Each accrual returns the rate
 * averaged over the time elapsed (the contract's trapezoid with two intervals over the rate at target's path) and
 * leaves the rate at target where the elapsed time took it. The exponential is ExpLib's (a second-order Taylor
 * polynomial around the nearest multiple of ln 2), so the sim and the contract differ by their roundings only.
 */
import { secondsPerYear } from "../market/types.ts";
import type { BorrowRateModel } from "./types.ts";

/** ConstantsLib, per second (the contract's are in WAD per second: 50 ether / 365 days, …). */
export const adaptiveCurveConstants = {
  /** CURVE_STEEPNESS: the rate at 100% utilization is 4× the rate at target, at 0% a quarter of it. */
  curveSteepness: 4,
  /** ADJUSTMENT_SPEED: 50 per year. */
  adjustmentSpeedPerSecond: 50 / secondsPerYear,
  /** TARGET_UTILIZATION: 90%. */
  targetUtilization: 0.9,
  /** INITIAL_RATE_AT_TARGET: 4% a year (a market's first accrual). */
  initialRateAtTargetPerSecond: 0.04 / secondsPerYear,
  /** MIN_RATE_AT_TARGET: 0.1% a year. */
  minRateAtTargetPerSecond: 0.001 / secondsPerYear,
  /** MAX_RATE_AT_TARGET: 200% a year. */
  maxRateAtTargetPerSecond: 2 / secondsPerYear,
} as const;

const {
  curveSteepness: STEEPNESS,
  adjustmentSpeedPerSecond: SPEED,
  targetUtilization: TARGET,
  initialRateAtTargetPerSecond: INITIAL,
  minRateAtTargetPerSecond: MIN_RATE,
  maxRateAtTargetPerSecond: MAX_RATE,
} = adaptiveCurveConstants;

/** ExpLib's constants: ln 2, ln(1e-18) (below it e^x rounds to 0) and the clip above which e^x is held. */
const LN_2 = 0.693147180559945309;
const LN_WEI = -41.446531673892822312;
const WEXP_UPPER_BOUND = 93.859467695000404319;
const WEXP_UPPER_VALUE = 57716089161558943949701069502944508345128.422502756744429568;

/**
 * ExpLib.wExp: x = q·ln 2 + r with q = x / ln 2 rounded half toward zero, e^r ≈ 1 + r + r²/2, e^x = 2^q · e^r.
 * The power of two is built by doubling (exact in floating point, and the same in every engine).
 */
export function expLib(x: number): number {
  if (x < LN_WEI) return 0;
  if (x >= WEXP_UPPER_BOUND) return WEXP_UPPER_VALUE;
  const q = Math.trunc((x + (x < 0 ? -LN_2 / 2 : LN_2 / 2)) / LN_2);
  const r = x - q * LN_2;
  let value = 1 + r + (r * r) / 2;
  if (q >= 0) for (let k = 0; k < q; k++) value *= 2;
  else for (let k = 0; k > q; k--) value *= 0.5;
  return value;
}

/** The utilization's normalised distance from the target, in [−1, 1]: (u − 0.9) / 0.1 above it, / 0.9 below. */
export function utilizationError(utilization: number): number {
  return (utilization - TARGET) / (utilization > TARGET ? 1 - TARGET : TARGET);
}

/** `_curve`: the rate at `err` on the curve through `rateAtTarget` (slope 1 − 1/4 below the target, 4 − 1 above). */
export function curveRate(rateAtTarget: number, err: number): number {
  const coefficient = err < 0 ? 1 - 1 / STEEPNESS : STEEPNESS - 1;
  return (coefficient * err + 1) * rateAtTarget;
}

/** `_newRateAtTarget`: `start` · e^`linearAdaptation`, held within the minimum and maximum rate at target. */
export function newRateAtTarget(start: number, linearAdaptation: number): number {
  const next = start * expLib(linearAdaptation);
  return next > MAX_RATE ? MAX_RATE : next < MIN_RATE ? MIN_RATE : next;
}

/**
 * `_borrowRate` for a market at `utilization` whose last accrual was `elapsedSeconds` ago with rate at target
 * `startRateAtTarget` (per second; 0 before the market's first accrual): writes the average borrow rate over the
 * elapsed time (per second) to `out[0]` and the rate at target at its end to `out[1]`.
 */
export function adaptiveCurveBorrowRate(
  startRateAtTarget: number,
  utilization: number,
  elapsedSeconds: number,
  out: Float64Array,
): Float64Array {
  const err = utilizationError(utilization);
  let average: number;
  let end: number;
  if (startRateAtTarget === 0) {
    average = INITIAL;
    end = INITIAL;
  } else {
    const linearAdaptation = SPEED * err * elapsedSeconds;
    if (linearAdaptation === 0) {
      average = startRateAtTarget;
      end = startRateAtTarget;
    } else {
      end = newRateAtTarget(startRateAtTarget, linearAdaptation);
      const middle = newRateAtTarget(startRateAtTarget, linearAdaptation / 2);
      average = (startRateAtTarget + end + 2 * middle) / 4;
    }
  }
  out[0] = curveRate(average, err);
  out[1] = end;
  return out;
}

/**
 * How the kernel passes a market's rate model around (see lending.ts): a fixed rate per second (≥ 0), or one of
 * these codes.
 */
export const rateModelCode = { utilization: -1, adaptiveCurve: -2 } as const;

/** The kernel's code for `model`: its rate per second when fixed, else its `rateModelCode`. */
export function rateCodeOf(model: BorrowRateModel): number {
  if (model.kind === "fixed") return model.ratePerYear / secondsPerYear;
  return model.kind === "utilization" ? rateModelCode.utilization : rateModelCode.adaptiveCurve;
}
