/**
 * Monte Carlo of the vault's strategy under two parameter sets on the same price paths (common random numbers):
 * each path is drawn once and both sets run on it, so their difference is measured path by path, without the
 * noise of two independent samples.
 *
 * A run is a session of chunks (`runPaths`), so that a Web Worker can report progress and stop between them; its
 * results do not depend on the chunk sizes.
 */
import { bandProbabilities, quantilesOfFloat32 } from "./bands.ts";
import { checkRunShape, defaultRiskFreePerYear, navPointsProblem, simulationLimits } from "./runSettings.ts";
import {
  addPathSums,
  createExcessReturnSums,
  type ExcessReturnSums,
  pooledSharpe,
  pooledSortino,
  riskFreePerStep as riskFreeShareOfStep,
} from "./pooledRatios.ts";
import { createPathGenerator } from "./market/paths.ts";
import { borrowRateFloors, stressScenarios, type StressScenarioName } from "./market/stress.ts";
import { secondsPerYear, type MarketModel } from "./market/types.ts";
import { validateParams } from "./model/params.ts";
import { accumulatorLayout as A, sharedStrategy } from "./model/strategy.ts";
import type { Pool, PoolGapModel, StrategyParams, VaultSetup, VaultState } from "./model/types.ts";
import { pairedBootstrap, pairedProportionDifference, type Difference, type PairedStatistic } from "./intervals.ts";
import { createRandom } from "./random.ts";
import { createHolderColumns, type HolderResults } from "./holderMetrics.ts";
import {
  intradayLiquidation,
  modelStepLogVariances,
  realisedStepLogVariances,
  type IntradayLiquidation,
} from "./intradayLiquidation.ts";
import { clopperPearson, mean, quantile, sortValues, type Interval } from "./stats.ts";

/** Everything a Monte Carlo run depends on (and all a report needs to reproduce it). */
export type MonteCarloInputs = {
  setup: VaultSetup;
  state: VaultState;
  /** USD prices at the start, one per asset (base first). */
  pricesUsd: readonly number[];
  params: { current: StrategyParams; proposed: StrategyParams };
  market: MarketModel;
  /** Named stress scenarios applied to every path. */
  stress: readonly StressScenarioName[];
  paths: number;
  steps: number;
  stepSeconds: number;
  seed: number;
  /** Gas price the keeper pays, to value `gas` in the base asset. */
  gasPriceGwei: number;
  /**
   * The rate Sharpe and Sortino count returns in excess of, a simple rate per year (0.04 = 4%). Default
   * `defaultRiskFreePerYear` (sim/runSettings.ts).
   */
  riskFreePerYear?: number;
  /**
   * Parameter uncertainty: the market of each path (0-based), re-drawn by the caller from its parameters' sampling
   * distribution (see sim/parameterDraws.ts), called once per path in path order; `market` for every path otherwise.
   * It draws from its own stream, so path p's normals (or historical rows) are the same as without it.
   */
  marketOfPath?: (path: number) => MarketModel;
  /** How the pools' prices follow the oracles' between keeper cycles (see `PoolGapModel`); default `aligned`. */
  poolGap?: PoolGapModel;
  /**
   * The pools the proposed set trades on, one per risk asset, when it changes a `poolFee.<SYMBOL>` (the pool at the
   * proposed fee tier, see sim/coverage.ts); absent: the setup's pools, as the current set.
   */
  proposedPools?: readonly Pool[];
};

/** ETH's price in the base asset for valuing gas when the vault holds no ETH to read it from. */
const ethInBaseWithoutEth = 3_000;

/** The most NAVs (4 bytes each) the bands gather at once: 16 MB, a year of days for 10,000 paths. */
const bandColumnValues = 1 << 22;

export { maxNavPoints } from "./runSettings.ts";

/** Per-path outcomes of one parameter set. */
export const pathMetrics = [
  "return",
  "volatility",
  "sharpe",
  "sortino",
  "maxDrawdown",
  "turnover",
  "rebalances",
  "trades",
  "feesBase",
  "gasUnits",
  "liquidated",
  "minHealth",
  "hedgeEffectiveness",
  "reverts",
  "borrowCostBase",
  "collateralActions",
  "hedgeActions",
  "tradeCapBound",
] as const;
export type PathMetric = (typeof pathMetrics)[number];
const M = Object.fromEntries(pathMetrics.map((m, i) => [m, i])) as Record<PathMetric, number>;

/** A set's results over all paths. Ratios are fractions (0.05 = 5%), values in base-asset tokens. */
export type SetSummary = {
  returnMean: number;
  returnMedian: number;
  /** Annualised volatility of the share price's step returns, mean over paths. */
  volatility: number;
  /**
   * Sharpe and Sortino ratios (annualised) of the share price's step returns in excess of the risk-free rate, pooled
   * over all paths (one mean and one deviation of every step of every path; see sim/pooledRatios.ts), not averaged
   * per path.
   */
  sharpe: number;
  sortino: number;
  maxDrawdownP50: number;
  maxDrawdownP95: number;
  /** Share of paths whose maximum drawdown falls in each bin of `drawdownBinEdges` (below the first edge, between
   * two edges, at or above the last). */
  maxDrawdownHistogram: number[];
  /** Expected loss of the horizon return in the worst 5% (1%) of paths, as a positive fraction. */
  cvar95: number;
  cvar99: number;
  /** Value traded (rebalances and hedge) over the horizon as a share of the starting NAV, mean over paths. */
  turnover: number;
  rebalances: number;
  trades: number;
  feesBase: number;
  gasUnits: number;
  /** `gasUnits` at `gasPriceGwei` and the paths' ETH price, in base-asset tokens (paid by the keeper). */
  gasCostBase: number;
  liquidationProbability: number;
  /** 5th percentile and minimum over paths of the lowest health factor seen; null when nothing was borrowed. */
  minHealthP5: number | null;
  minHealthWorst: number | null;
  /** 1 − Σ(hedged P&L)² / Σ(exposure P&L)², mean over paths; null without a hedge. */
  hedgeEffectiveness: number | null;
  reverts: number;
  borrowCostBase: number;
  collateralActions: number;
  hedgeActions: number;
  /** Median over paths of the holders' NAV at the horizon (after fee dilution, as the bands). */
  finalNavMedian: number;
};

/** The maximum-drawdown bins of the distribution a summary carries (fractions): under 5%, 5–10%, …, 50% or more. */
export const drawdownBinEdges = [0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5] as const;

function histogram(values: Float64Array, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) {
    let bin = 0;
    while (bin < edges.length && v >= edges[bin]!) bin++;
    counts[bin]!++;
  }
  return counts.map((c) => (values.length > 0 ? c / values.length : 0));
}

export type { Difference } from "./intervals.ts";

/** Which way a metric is better for the vault's holders ("neither" for activity counts, whose cost shows elsewhere). */
export type Better = "higher" | "lower" | "neither";

/**
 * The summary fields a comparison gives a difference with a Monte Carlo interval, and which way each is better.
 * Means, quantiles and tails get paired-bootstrap intervals; the liquidation probability an exact binomial one.
 */
export const comparedMetrics = {
  returnMean: "higher",
  returnMedian: "higher",
  volatility: "lower",
  sharpe: "higher",
  sortino: "higher",
  maxDrawdownP50: "lower",
  maxDrawdownP95: "lower",
  cvar95: "lower",
  cvar99: "lower",
  turnover: "neither",
  rebalances: "neither",
  trades: "neither",
  feesBase: "lower",
  gasUnits: "lower",
  gasCostBase: "lower",
  liquidationProbability: "lower",
  minHealthP5: "higher",
  hedgeEffectiveness: "higher",
  reverts: "lower",
  borrowCostBase: "lower",
  collateralActions: "neither",
  hedgeActions: "neither",
  finalNavMedian: "higher",
} as const satisfies Partial<Record<keyof SetSummary, Better>>;
export type ComparedMetric = keyof typeof comparedMetrics;

/** Resamples of the paired bootstrap: enough for 2.5%/97.5% percentiles to about a tenth of the interval's width. */
export const bootstrapResamples = 400;

export type MonteCarloResults = {
  startNav: number;
  current: SetSummary;
  proposed: SetSummary;
  /**
   * Proposed less current for each compared metric, with a 95% interval of its Monte Carlo error (other draws of
   * as many paths: not the market model's or its calibration's uncertainty); null where a set has no value.
   */
  difference: Record<ComparedMetric, Difference | null>;
  /** Exact binomial (Clopper–Pearson) 95% intervals of each set's liquidation probability. */
  liquidationProbability: { current: Interval; proposed: Interval };
  /** Resamples behind the paired-bootstrap intervals (seeded from the run's seed). */
  bootstrapResamples: number;
  /**
   * Each set's probability that a module was liquidated within a day, between keeper cycles (Brownian-bridge
   * correction, sim/intradayLiquidation.ts), with an exact 95% interval: the daily check's `liquidationProbability`
   * misses a price that dips through the liquidation price and comes back.
   */
  intradayLiquidation?: { current: IntradayLiquidation; proposed: IntradayLiquidation };
  /** Per set: the paths on which `rebalance.maxTradeBps` bound, and the rebalances it bound in all (sim/coverage.ts). */
  tradeCapBound?: { current: TradeCapBound; proposed: TradeCapBound };
  /** Quantiles (p5, p25, p50, p75, p95) of the holders' NAV (start NAV × share price growth, after fee dilution) at
   * each step 0..steps, in base-asset tokens. */
  bands: { current: number[][]; proposed: number[][] };
  /** The holders' costs broken down and their return in US dollars (sim/holderMetrics.ts). */
  holder: Omit<HolderResults, "hedge">;
};

/** How often a set's trades were cut to `rebalance.maxTradeBps`: on how many paths, in how many rebalances. */
export type TradeCapBound = { paths: number; rebalances: number };

/** Refuses a market whose assets are not the vault's, in the vault's order. */
export function checkMarketAssets(market: MarketModel, setup: VaultSetup): void {
  if (market.symbols.join() !== setup.symbols.join())
    throw new Error(
      `market.symbols (${market.symbols.join(", ")}) must be the vault's assets (${setup.symbols.join(", ")})`,
    );
}

/** Checks the inputs; each error names the input. */
export function validateMonteCarloInputs(inputs: MonteCarloInputs): void {
  const { setup, paths, steps, stepSeconds } = inputs;
  checkRunShape(inputs);
  if (!(Number.isFinite(inputs.gasPriceGwei) && inputs.gasPriceGwei >= 0))
    throw new Error(`gasPriceGwei must be a number ≥ 0, got ${inputs.gasPriceGwei}`);
  riskFreeShareOfStep(inputs.riskFreePerYear ?? defaultRiskFreePerYear, secondsPerYear / stepSeconds);
  const tooMany = navPointsProblem(paths, steps);
  if (tooMany) throw new Error(tooMany);
  checkMarketAssets(inputs.market, setup);
  inputs.pricesUsd.forEach((p, i) => {
    if (!(Number.isFinite(p) && p > 0))
      throw new Error(`pricesUsd[${i}] (${setup.symbols[i]}) must be a positive price, got ${p}`);
  });
  inputs.state.balances.forEach((b, i) => {
    if (!(Number.isFinite(b) && b >= 0))
      throw new Error(`state.balances[${i}] (${setup.symbols[i]}) must be a non-negative amount, got ${b}`);
  });
  const gap = inputs.poolGap;
  if (gap && gap.kind !== "aligned" && gap.kind !== "arbitrageBand")
    throw new Error(
      `poolGap.kind must be "aligned" or "arbitrageBand", got ${JSON.stringify((gap as { kind: unknown }).kind)}`,
    );
  if (
    gap?.kind === "arbitrageBand" &&
    !(Number.isFinite(gap.thresholdBps) && gap.thresholdBps >= 0 && gap.thresholdBps < 10_000)
  )
    throw new Error(`poolGap.thresholdBps must be a number of bps from 0 to below 10000, got ${gap.thresholdBps}`);
  for (const name of inputs.stress)
    if (!(name in stressScenarios))
      throw new Error(`stress scenario "${name}" is unknown: use ${Object.keys(stressScenarios).join(", ")}`);
  validateParams(inputs.params.current, setup, "current parameters");
  validateParams(inputs.params.proposed, setup, "proposed parameters");
}

/** One path under one parameter set: its NAV and share price at each step, and its accumulators. */
export type PathRun = { nav: Float64Array; sharePrice: Float64Array; acc: Float64Array };

/**
 * Fills `out[M.*]` from a path's run (see `pathMetrics`); the path's own Sharpe and Sortino count its step returns in
 * excess of `riskFreePerStep` (a run's summary pools them over paths instead, see sim/pooledRatios.ts). With
 * `pooled`, also adds the path's excess returns to the pooled sums (as `addExcessReturns` would, from the same walk),
 * writing the path's own at `pooledAt` of `pooledByPath`.
 */
export function summarisePath(
  run: PathRun,
  steps: number,
  stepsPerYear: number,
  startNav: number,
  out: Float64Array,
  column: number,
  stride: number,
  riskFreePerStep = 0,
  pooled?: ExcessReturnSums,
  pooledByPath?: Float64Array,
  pooledAt = 0,
): void {
  const prices = run.sharePrice;
  let sum = 0;
  let sumSq = 0;
  let downSq = 0;
  let peak = prices[0]!;
  let drawdown = 0;
  for (let k = 1; k <= steps; k++) {
    const p = prices[k]!;
    const r = (prices[k - 1]! > 0 ? p / prices[k - 1]! - 1 : 0) - riskFreePerStep;
    sum += r;
    sumSq += r * r;
    if (r < 0) downSq += r * r;
    if (p > peak) peak = p;
    else if (peak > 0 && (peak - p) / peak > drawdown) drawdown = (peak - p) / peak;
  }
  if (pooled) addPathSums(pooled, steps, sum, sumSq, downSq, pooledByPath, pooledAt);
  const meanStep = sum / steps;
  const variance = steps > 1 ? Math.max(0, (sumSq - steps * meanStep * meanStep) / (steps - 1)) : 0;
  const sd = Math.sqrt(variance);
  const downside = Math.sqrt(downSq / steps);
  const acc = run.acc;
  const set = (m: number, value: number) => (out[m * stride + column] = value);
  set(M.return, prices[0]! > 0 ? prices[steps]! / prices[0]! - 1 : 0);
  set(M.volatility, sd * Math.sqrt(stepsPerYear));
  set(M.sharpe, sd > 0 ? (meanStep / sd) * Math.sqrt(stepsPerYear) : 0);
  set(M.sortino, downside > 0 ? (meanStep / downside) * Math.sqrt(stepsPerYear) : 0);
  set(M.maxDrawdown, drawdown);
  set(M.turnover, startNav > 0 ? acc[A.turnover]! / startNav : 0);
  set(M.rebalances, acc[A.rebalances]!);
  set(M.trades, acc[A.trades]!);
  set(M.feesBase, acc[A.fees]!);
  set(M.gasUnits, acc[A.gas]!);
  set(M.liquidated, acc[A.liquidations]! > 0 ? 1 : 0);
  set(M.minHealth, acc[A.minHealth]!);
  const exposureSq = acc[A.exposurePnlSq]!;
  set(M.hedgeEffectiveness, exposureSq > 0 ? 1 - acc[A.hedgedPnlSq]! / exposureSq : 0);
  set(M.reverts, acc[A.reverts]!);
  set(M.borrowCostBase, acc[A.borrowCost]!);
  set(M.collateralActions, acc[A.collateralActions]!);
  set(M.hedgeActions, acc[A.hedgeActions]!);
  set(M.tradeCapBound, acc[A.tradeCapBound]!);
}

/**
 * The holders' NAV along a path, into `navs` from `row`: the start NAV grown at the share price, so that fee shares
 * minted dilute it (a fan chart of the vault's gross NAV would not move when fees change); the gross NAV when the
 * first share price is not positive. The test on the first price is made once, outside the loop (a float32 store
 * rounds each value as `set` converts it: the same bits either way).
 */
function writeHolderNavs(run: PathRun, startNav: number, navs: Float32Array, row: number): void {
  const prices = run.sharePrice;
  const firstPrice = prices[0]!;
  if (!(firstPrice > 0)) {
    navs.set(run.nav, row);
    return;
  }
  const steps = prices.length - 1;
  for (let k = 0; k <= steps; k++) navs[row + k] = (startNav * prices[k]!) / firstPrice;
}

/** A Monte Carlo session: run paths in chunks, then read the results. */
export type MonteCarlo = {
  /** Paths simulated so far. */
  readonly done: () => number;
  /** The vault's NAV at the start, in base-asset tokens (the same for every path). */
  readonly startNav: number;
  /** Simulates up to `count` more paths; returns how many are done in all. */
  runPaths(count: number): number;
  /** The results, once every path is done. */
  results(): MonteCarloResults;
  /** Only the differences of `results()` (the same numbers), once every path is done: cheaper, for a stopping rule. */
  differences(): Record<ComparedMetric, Difference | null>;
  /**
   * Raises the run's path count to `paths` (more than now), keeping the paths done: running the new paths then gives
   * the same results, bit for bit, as a run created with `paths` (path p's draws depend only on p and the seed).
   */
  extend(paths: number): void;
  /** One set's per-path values of `metric` (0 current, 1 proposed), path by path: for comparisons across runs. */
  pathValues(set: 0 | 1, metric: PathMetric): Float64Array;
};

export function createMonteCarlo(inputs: MonteCarloInputs): MonteCarlo {
  validateMonteCarloInputs(inputs);
  const { setup, state, steps, stepSeconds } = inputs;
  let paths = inputs.paths;
  const assets = setup.symbols.length;
  const startSeconds = state.timeSeconds;
  const stepsPerYear = secondsPerYear / stepSeconds;
  const riskFreePerStep = riskFreeShareOfStep(inputs.riskFreePerYear ?? defaultRiskFreePerYear, stepsPerYear);
  const overlays = inputs.stress.flatMap((name) => stressScenarios[name](setup.symbols, steps));
  // A rate spike moves no price: the kernel charges its rate (set before every path: runs may share the kernel).
  const rateFloors = borrowRateFloors(overlays, steps);
  const generate = createPathGenerator(inputs.market, overlays, {
    steps,
    stepSeconds,
    initialPricesUsd: inputs.pricesUsd,
  });
  const random = createRandom(inputs.seed);
  // One kernel for both sets (see `Strategy.load`); each set keeps its own state and results. The pool model is the
  // kernel's (a kernel per model).
  const kernelSetup = inputs.poolGap?.kind === "arbitrageBand" ? { ...setup, poolGap: inputs.poolGap } : setup;
  const strategy = sharedStrategy(kernelSetup, inputs.params.current);
  const startVector = strategy.encode(state, new Float64Array(strategy.stateSize));
  const sets = [inputs.params.current, inputs.params.proposed].map((params, index) => {
    return {
      params,
      pools: index === 1 ? inputs.proposedPools : undefined,
      vector: new Float64Array(strategy.stateSize),
      run: {
        nav: new Float64Array(steps + 1),
        sharePrice: new Float64Array(steps + 1),
        acc: new Float64Array(A.size),
      },
      metrics: new Float64Array(pathMetrics.length * paths),
      /** Holders' NAV (after fees) by path, then step (written as each path runs; `bands` reads it back a block of
       * steps at a time). */
      navs: new Float32Array((steps + 1) * paths),
      /** Excess step returns over every path so far, for the pooled Sharpe and Sortino. */
      excess: createExcessReturnSums(),
      /** Each path's excess-return sums (three per path), for the pooled ratios' bootstrap. */
      excessByPath: new Float64Array(3 * paths),
      /** Each path's probability of a liquidation within a day (see sim/intradayLiquidation.ts). */
      intraday: new Float64Array(paths),
    };
  });
  const usd = new Float64Array((steps + 1) * assets);
  usd.set(inputs.pricesUsd);
  // A market re-drawn per path has its own variances: the path's realised ones are used then.
  const modelVariances = inputs.marketOfPath
    ? undefined
    : modelStepLogVariances(inputs.market, overlays, setup, steps, stepSeconds);
  const watch = { variances: modelVariances ?? new Float64Array(2 * (steps + 1)), survival: new Float64Array(1) };
  const startNav = strategy.nav(startVector, usd, 0, startSeconds);
  if (!(startNav > 0))
    throw new Error(`state: the vault's NAV at the start is ${startNav}: there is nothing to simulate`);
  // Gas is paid in ETH: valued at the path's mean ETH price when the vault holds ETH, else at `ethInBaseWithoutEth`.
  const ethIndex = setup.symbols.findIndex((s) => s === "WETH" || s === "ETH");
  const ethPerGas = inputs.gasPriceGwei * 1e-9;
  const gasCost = sets.map(() => new Float64Array(paths));
  const holder = createHolderColumns(paths, 10 ** -(setup.decimals[0] ?? 6));

  const { marketOfPath } = inputs;
  const pathOptions = { steps, stepSeconds, initialPricesUsd: inputs.pricesUsd };

  let done = 0;
  const runPaths = (count: number) => {
    const end = Math.min(paths, done + count);
    for (let p = done; p < end; p++) {
      if (marketOfPath) createPathGenerator(marketOfPath(p), overlays, pathOptions)(random, usd, 0);
      else generate(random, usd, 0);
      if (!modelVariances) realisedStepLogVariances(usd, setup, steps, watch.variances);
      for (const set of sets) {
        strategy.load(set.params, set.pools);
        strategy.setBorrowRateFloors(rateFloors);
        const { run } = set;
        strategy.runPath(
          startVector,
          set.vector,
          usd,
          steps,
          startSeconds,
          stepSeconds,
          run.nav,
          run.sharePrice,
          run.acc,
          watch,
        );
        set.intraday[p] = run.acc[A.liquidations]! > 0 ? 1 : 1 - watch.survival[0]!;
        summarisePath(
          set.run,
          steps,
          stepsPerYear,
          startNav,
          set.metrics,
          p,
          paths,
          riskFreePerStep,
          set.excess,
          set.excessByPath,
          3 * p,
        );
        writeHolderNavs(run, startNav, set.navs, p * (steps + 1));
      }
      if (ethPerGas > 0) {
        let ethInBase = ethInBaseWithoutEth;
        if (ethIndex > 0) {
          let sum = 0;
          for (let k = 0; k <= steps; k++) sum += usd[k * assets + ethIndex]! / usd[k * assets]!;
          ethInBase = sum / (steps + 1);
        }
        sets.forEach((set, i) => (gasCost[i]![p] = set.metrics[M.gasUnits * paths + p]! * ethPerGas * ethInBase));
      }
      holder.record(p, sets, usd, assets, steps);
    }
    done = end;
    return done;
  };

  const column = (set: (typeof sets)[number], m: PathMetric) => set.metrics.subarray(M[m] * paths, (M[m] + 1) * paths);

  /** Each path's holders' NAV at the horizon (a plain loop: `Float64Array.from` with a callback calls it per path). */
  const finalNavs = (index: number) => {
    const { navs } = sets[index]!;
    const values = new Float64Array(paths);
    for (let p = 0; p < paths; p++) values[p] = navs[p * (steps + 1) + steps]!;
    return values;
  };

  const summary = (index: number): SetSummary => {
    const set = sets[index]!;
    const col = (m: PathMetric) => column(set, m);
    const health = Float64Array.from(col("minHealth")).filter((h) => Number.isFinite(h));
    // Each column sorted once for all its quantiles and tails.
    const returns = sortValues(col("return"));
    const drawdowns = sortValues(col("maxDrawdown"));
    return {
      returnMean: mean(col("return")),
      returnMedian: returns.quantile(0.5),
      volatility: mean(col("volatility")),
      sharpe: pooledSharpe(set.excess, stepsPerYear),
      sortino: pooledSortino(set.excess, stepsPerYear),
      maxDrawdownP50: drawdowns.quantile(0.5),
      maxDrawdownP95: drawdowns.quantile(0.95),
      maxDrawdownHistogram: histogram(col("maxDrawdown"), drawdownBinEdges),
      cvar95: returns.cvar(0.95),
      cvar99: returns.cvar(0.99),
      turnover: mean(col("turnover")),
      rebalances: mean(col("rebalances")),
      trades: mean(col("trades")),
      feesBase: mean(col("feesBase")),
      gasUnits: mean(col("gasUnits")),
      gasCostBase: mean(gasCost[index]!),
      liquidationProbability: mean(col("liquidated")),
      minHealthP5: health.length > 0 ? quantile(health, 0.05) : null,
      minHealthWorst: health.length > 0 ? health.reduce((a, b) => Math.min(a, b)) : null,
      hedgeEffectiveness: setup.hedge ? mean(col("hedgeEffectiveness")) : null,
      reverts: mean(col("reverts")),
      borrowCostBase: mean(col("borrowCostBase")),
      collateralActions: mean(col("collateralActions")),
      hedgeActions: mean(col("hedgeActions")),
      finalNavMedian: quantile(finalNavs(index), 0.5),
    };
  };

  /** The paired statistics of every compared metric but the liquidation probability (see `comparedMetrics`). */
  const statistics = (): Record<Exclude<ComparedMetric, "liquidationProbability">, PairedStatistic> => {
    const both = (values: (index: number) => Float64Array, statistic: PairedStatistic["statistic"]) => ({
      statistic,
      current: values(0),
      proposed: values(1),
    });
    const col = (m: PathMetric) => (index: number) => column(sets[index]!, m);
    const mean = (m: PathMetric) => both(col(m), { kind: "mean" });
    const at = (m: PathMetric, probability: number) => both(col(m), { kind: "quantile", probability });
    const pooled = (ratio: "sharpe" | "sortino") =>
      both((index) => sets[index]!.excessByPath, { kind: "pooledRatio", ratio, stepsPerPath: steps, stepsPerYear });
    // Without a hedge every path's effectiveness is 0 and the summary's is null: no difference either.
    const hedge = setup.hedge
      ? mean("hedgeEffectiveness")
      : both(() => new Float64Array(paths).fill(NaN), { kind: "mean" });
    return {
      returnMean: mean("return"),
      returnMedian: at("return", 0.5),
      volatility: mean("volatility"),
      // The summary's own statistic: the ratios pooled over the drawn paths.
      sharpe: pooled("sharpe"),
      sortino: pooled("sortino"),
      maxDrawdownP50: at("maxDrawdown", 0.5),
      maxDrawdownP95: at("maxDrawdown", 0.95),
      cvar95: both(col("return"), { kind: "cvar", confidence: 0.95 }),
      cvar99: both(col("return"), { kind: "cvar", confidence: 0.99 }),
      turnover: mean("turnover"),
      rebalances: mean("rebalances"),
      trades: mean("trades"),
      feesBase: mean("feesBase"),
      gasUnits: mean("gasUnits"),
      gasCostBase: both((index) => gasCost[index]!, { kind: "mean" }),
      minHealthP5: at("minHealth", 0.05),
      hedgeEffectiveness: hedge,
      reverts: mean("reverts"),
      borrowCostBase: mean("borrowCostBase"),
      collateralActions: mean("collateralActions"),
      hedgeActions: mean("hedgeActions"),
      finalNavMedian: both(finalNavs, { kind: "quantile", probability: 0.5 }),
    };
  };

  const differences = (): Record<ComparedMetric, Difference | null> => {
    // Its own stream, derived from the run's seed: the paths' draws are not shifted by the resampling.
    const random = createRandom((inputs.seed ^ 0x5bd1e995) | 0);
    return {
      ...pairedBootstrap(statistics(), paths, bootstrapResamples, random),
      liquidationProbability: pairedProportionDifference(
        column(sets[0]!, "liquidated"),
        column(sets[1]!, "liquidated"),
      ),
    };
  };

  const tradeCapBound = (index: number): TradeCapBound => {
    let [paths, rebalances] = [0, 0];
    for (const count of column(sets[index]!, "tradeCapBound"))
      if (count > 0) [paths, rebalances] = [paths + 1, rebalances + count];
    return { paths, rebalances };
  };

  const liquidations = (index: number) => {
    let count = 0;
    for (const v of column(sets[index]!, "liquidated")) if (v > 0) count++;
    return clopperPearson(count, paths);
  };

  /** Each set's quantile bands at each step 0..steps (see `MonteCarloResults.bands`). */
  const bands = () => {
    const width = steps + 1;
    // Columns are gathered a block of steps at a time, each path's row read once per block; the block's columns lie
    // end to end in one array (column j at j × paths), so the gather is one typed-array store, not a lookup of the
    // column's array then a store. A block is as many steps as `bandColumnValues` allows (the whole row for 10,000
    // paths of a year's days): a row read from start to end streams from memory, where short pieces of rows a row's
    // length apart (1.5 kB) wait for memory one by one (the gather 1.7 times faster than in blocks of 32 steps).
    const block = Math.min(width, Math.max(32, Math.floor(bandColumnValues / paths)));
    const columns = new Uint32Array(block * paths);
    const out = new Float64Array(bandProbabilities.length);
    const ofSet = (index: number) => {
      // NAVs are never negative, so their float32 bits order like them (see `quantilesOfFloat32`).
      const navs = new Uint32Array(sets[index]!.navs.buffer);
      const rows: number[][] = [];
      for (let first = 0; first < width; first += block) {
        const count = Math.min(block, width - first);
        for (let p = 0; p < paths; p++) {
          const row = p * width + first;
          for (let j = 0, at = p; j < count; j++, at += paths) columns[at] = navs[row + j]!;
        }
        for (let j = 0; j < count; j++) {
          const column = columns.subarray(j * paths, (j + 1) * paths);
          rows.push(Array.from(quantilesOfFloat32(column, paths, bandProbabilities, out)));
        }
      }
      return rows;
    };
    return { current: ofSet(0), proposed: ofSet(1) };
  };

  const extend = (more: number) => {
    if (!(Number.isInteger(more) && more > paths && more <= simulationLimits.paths.max))
      throw new Error(`paths can only grow, to a whole number up to ${simulationLimits.paths.max}: ${paths} → ${more}`);
    const tooMany = navPointsProblem(more, steps);
    if (tooMany) throw new Error(tooMany);
    const grown = <T extends Float64Array | Float32Array>(old: T, size: number): T => {
      const next = new (old.constructor as new (size: number) => T)(size);
      next.set(old);
      return next;
    };
    for (const set of sets) {
      // Metrics are laid out [metric][path]: each metric's column moves to its new place.
      const metrics = new Float64Array(pathMetrics.length * more);
      for (let m = 0; m < pathMetrics.length; m++)
        metrics.set(set.metrics.subarray(m * paths, (m + 1) * paths), m * more);
      set.metrics = metrics;
      set.navs = grown(set.navs, (steps + 1) * more);
      set.excessByPath = grown(set.excessByPath, 3 * more);
      set.intraday = grown(set.intraday, more);
    }
    gasCost.forEach((costs, i) => (gasCost[i] = grown(costs, more)));
    holder.grow(more);
    paths = more;
  };

  return {
    done: () => done,
    startNav,
    pathValues: (set, metric) => column(sets[set]!, metric),
    runPaths,
    extend,
    differences() {
      if (done < paths) throw new Error(`the run is not finished: ${done} of ${paths} paths done`);
      return differences();
    },
    results() {
      if (done < paths) throw new Error(`the run is not finished: ${done} of ${paths} paths done`);
      return {
        startNav,
        current: summary(0),
        proposed: summary(1),
        difference: differences(),
        liquidationProbability: { current: liquidations(0), proposed: liquidations(1) },
        intradayLiquidation: {
          current: intradayLiquidation(sets[0]!.intraday, inputs.seed),
          proposed: intradayLiquidation(sets[1]!.intraday, inputs.seed),
        },
        bootstrapResamples,
        tradeCapBound: { current: tradeCapBound(0), proposed: tradeCapBound(1) },
        bands: bands(),
        holder: holder.results(gasCost, inputs.seed, bootstrapResamples),
      };
    },
  };
}
