/**
 * Liquidation within the day, for the Monte Carlo: the variances the kernel's barrier correction needs (see
 * sim/model/barrier.ts), and a set's intraday liquidation probability with an exact interval.
 *
 * Each path gets q = 1 − Π(1 − p_k), the probability that a module was liquidated at some moment between its keeper
 * cycles, p_k the Brownian-bridge probability of step k given the step's end prices (1 for a step that ends past the
 * liquidation price, so q is at least the daily check's 0 or 1). The set's probability is the mean of q over paths.
 *
 * Its interval is exact: each path's q is turned into one Bernoulli(q) draw (from a stream derived from the run's
 * seed), so the count of draws is Binomial(n, mean q) and its Clopper–Pearson interval covers the intraday
 * probability at least 95% of the time, even at 0 paths liquidated by the daily check.
 */
import { ln } from "./detMath.ts";
import { secondsPerYear, type MarketModel, type StressOverlay } from "./market/types.ts";
import type { VaultSetup } from "./model/types.ts";
import { createRandom } from "./random.ts";
import { clopperPearson, mean, type Interval } from "./stats.ts";

/** A set's intraday liquidation probability (mean over paths of q) and its exact 95% interval. */
export type IntradayLiquidation = { probability: number } & Interval;

/** How the report states the method, beside the numbers. */
export const intradayMethod =
  "Brownian-bridge barrier correction: per step, P(touch) = exp(−2·ln(S₀/B)·ln(S₁/B)/σ²Δt) at the positions the last keeper cycle left; per path 1 − Π(1 − p); exact (randomised Clopper–Pearson) 95% interval";

/** The two assets the kernel watches: the collateral manager's (slot 0) and the hedged one (slot 1); −1 when absent. */
const watchedAssets = (setup: VaultSetup) => [setup.collateral?.assetIndex ?? -1, setup.hedge?.assetIndex ?? -1];

/** Per step, the factor a volatility spike puts on the random part of every return (1 outside any spike). */
function spikeFactors(overlays: readonly StressOverlay[], steps: number): Float64Array {
  const factors = new Float64Array(steps + 1).fill(1);
  for (const overlay of overlays)
    if (overlay.kind === "volSpike")
      for (let k = overlay.fromStep; k <= Math.min(overlay.toStep, steps); k++) factors[k]! *= overlay.multiplier;
  return factors;
}

/**
 * The model's variance over each step of the log price in the base asset of the watched assets (see
 * `IntradayWatch` in sim/model/strategy.ts): for a GBM (σₐ² + σ₀² − 2ρσₐσ₀)·Δt, for a bootstrap the sample variance
 * of the history's (rₐ − r₀), each times the square of a volatility spike's multiplier where one applies (a crash or
 * a depeg moves the step's ends, which the bridge sees). Undefined for a model whose step variance is not known in
 * advance: use `realisedStepLogVariances` on each path.
 */
export function modelStepLogVariances(
  market: MarketModel,
  overlays: readonly StressOverlay[],
  setup: VaultSetup,
  steps: number,
  stepSeconds: number,
): Float64Array | undefined {
  const perStep = watchedAssets(setup).map((asset) => {
    if (asset < 0) return 0;
    if (market.kind === "gbm") {
      const [sa, s0] = [market.volatilityPerYear[asset]!, market.volatilityPerYear[0]!];
      const rho = market.correlation[asset]![0]!;
      return Math.max(0, sa * sa + s0 * s0 - 2 * rho * sa * s0) * (stepSeconds / secondsPerYear);
    }
    if (market.kind === "bootstrap") {
      const spreads = market.logReturns.map((row) => row[asset]! - row[0]!);
      const m = mean(spreads);
      return spreads.length > 1 ? spreads.reduce((s, r) => s + (r - m) * (r - m), 0) / (spreads.length - 1) : 0;
    }
    return NaN;
  });
  if (perStep.some(Number.isNaN)) return undefined;
  const factors = spikeFactors(overlays, steps);
  const variances = new Float64Array(2 * (steps + 1));
  for (let k = 1; k <= steps; k++) {
    const f2 = factors[k]! * factors[k]!;
    variances[2 * k] = perStep[0]! * f2;
    variances[2 * k + 1] = perStep[1]! * f2;
  }
  return variances;
}

/**
 * The path's own realised variance per step of the watched assets' log prices in the base asset (the mean squared
 * step log return, the same for every step): for a market model whose variance changes along the path.
 */
export function realisedStepLogVariances(
  usd: Float64Array,
  setup: VaultSetup,
  steps: number,
  out: Float64Array,
): Float64Array {
  const assets = setup.symbols.length;
  watchedAssets(setup).forEach((asset, slot) => {
    let sumSq = 0;
    if (asset >= 0) {
      // Each step's log price is the next step's previous one: one logarithm per step.
      let before = ln(usd[asset]! / usd[0]!);
      for (let k = 1; k <= steps; k++) {
        const now = ln(usd[k * assets + asset]! / usd[k * assets]!);
        const r = now - before;
        sumSq += r * r;
        before = now;
      }
    }
    for (let k = 1; k <= steps; k++) out[2 * k + slot] = sumSq / steps;
  });
  return out;
}

/**
 * A set's intraday liquidation probability from its paths' q (see the module's comment), with the exact interval
 * of `seed`'s Bernoulli draws.
 */
export function intradayLiquidation(pathProbabilities: Float64Array, seed: number): IntradayLiquidation {
  if (pathProbabilities.length === 0) throw new Error("pathProbabilities must hold at least one path");
  const random = createRandom((seed ^ 0x1b873593) | 0);
  let count = 0;
  for (const q of pathProbabilities) {
    if (!(q >= 0 && q <= 1)) throw new Error(`a path's liquidation probability must be in [0, 1], got ${q}`);
    if (random.next() < q) count++;
  }
  return { probability: mean(pathProbabilities), ...clopperPearson(count, pathProbabilities.length) };
}
