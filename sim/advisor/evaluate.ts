/**
 * Evaluates many parameter sets on the same price paths, in this thread: each path is drawn once and every set runs
 * on it (common random numbers), on one shared strategy kernel, as the Monte Carlo runs its two sets. A set's
 * metrics are the advisor's (`PointMetrics`); its per-path returns are kept for paired intervals.
 *
 * The same base and seed give the same numbers whichever sets are evaluated together and in whatever batches: a set's
 * results depend only on the paths and on itself, which is what lets a pool of workers split the sets between them.
 */
import { createPathGenerator } from "../market/paths.ts";
import { secondsPerYear } from "../market/types.ts";
import { checkMarketAssets, pathMetrics, summarisePath, type PathMetric } from "../monteCarlo.ts";
import { validateParams } from "../model/params.ts";
import { accumulatorLayout, sharedStrategy } from "../model/strategy.ts";
import type { StrategyParams } from "../model/types.ts";
import { createRandom } from "../random.ts";
import { smallestBreakingShock, stressDirections } from "../reverseStress.ts";
import { checkRunShape } from "../runSettings.ts";
import { cvar, mean, quantile } from "../stats.ts";
import type { EvaluationBase, PointMetrics, SetEvaluation } from "./types.ts";

const metricIndex = Object.fromEntries(pathMetrics.map((m, i) => [m, i])) as Record<PathMetric, number>;

/** Checks a base; each error names the field. */
export function validateEvaluationBase(base: EvaluationBase): void {
  checkRunShape(base);
  checkMarketAssets(base.market, base.start.setup);
}

/** The breaking point of `params`: the smallest joint drop that liquidates a module (the maximum when none does). */
export function breakingDropOf(base: EvaluationBase, params: StrategyParams): number {
  const { setup, state, pricesUsd } = base.start;
  const breach = smallestBreakingShock(
    { setup, state, pricesUsd, params, market: base.market, stepSeconds: base.stepSeconds },
    "jointDrop",
    "liquidation",
  );
  return breach.size ?? stressDirections.jointDrop.max;
}

/**
 * Runs every set of `sets` on the base's paths and measures it. Throws, naming the set and the parameter, for a set
 * the contracts could not run.
 */
export function evaluateSets(base: EvaluationBase, sets: readonly StrategyParams[]): SetEvaluation[] {
  validateEvaluationBase(base);
  const { setup, state } = base.start;
  sets.forEach((params, i) => validateParams(params, setup, `parameter set ${i}`));
  const { paths, steps, stepSeconds } = base;
  const assets = setup.symbols.length;
  const generate = createPathGenerator(base.market, [], { steps, stepSeconds, initialPricesUsd: base.start.pricesUsd });
  const random = createRandom(base.seed);
  const strategy = sharedStrategy(setup, base.start.params);
  const startVector = strategy.encode(state, new Float64Array(strategy.stateSize));
  const usd = new Float64Array((steps + 1) * assets);
  const run = {
    nav: new Float64Array(steps + 1),
    sharePrice: new Float64Array(steps + 1),
    acc: new Float64Array(accumulatorLayout.size),
  };
  const vector = new Float64Array(strategy.stateSize);
  const stepsPerYear = secondsPerYear / stepSeconds;
  usd.set(base.start.pricesUsd);
  const startNav = strategy.nav(startVector, usd, 0, state.timeSeconds);
  if (!(startNav > 0)) throw new Error(`state: the vault's NAV at the start is ${startNav}: there is nothing to run`);
  const columns = sets.map(() => new Float64Array(pathMetrics.length * paths));
  for (let p = 0; p < paths; p++) {
    generate(random, usd, 0);
    for (let s = 0; s < sets.length; s++) {
      strategy.load(sets[s]!);
      strategy.runPath(
        startVector,
        vector,
        usd,
        steps,
        state.timeSeconds,
        stepSeconds,
        run.nav,
        run.sharePrice,
        run.acc,
      );
      summarisePath(run, steps, stepsPerYear, startNav, columns[s]!, p, paths);
    }
  }
  return sets.map((params, s) => {
    const column = (m: PathMetric) => columns[s]!.subarray(metricIndex[m] * paths, (metricIndex[m] + 1) * paths);
    const returns = Float64Array.from(column("return"));
    const metrics: PointMetrics = {
      returnMean: mean(returns),
      returnMedian: quantile(returns, 0.5),
      cvar95: cvar(returns, 0.95),
      cvar99: cvar(returns, 0.99),
      volatility: mean(column("volatility")),
      maxDrawdownP95: quantile(column("maxDrawdown"), 0.95),
      liquidationProbability: mean(column("liquidated")),
      turnover: mean(column("turnover")),
      feesBase: mean(column("feesBase")),
      breakingDrop: breakingDropOf(base, params),
    };
    for (const [name, value] of Object.entries(metrics))
      if (!Number.isFinite(value)) throw new Error(`parameter set ${s}: ${name} came out ${value}`);
    return { metrics, returns };
  });
}
