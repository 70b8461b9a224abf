/**
 * Holder-centred metrics of a Monte Carlo run: what the strategy cost the holders over the horizon, broken down
 * (pool fees, slippage, borrow interest, protocol fees; the keeper's gas beside them), and the holders' return in US
 * dollars (a share is worth base-asset tokens, and the base asset is worth dollars only while it holds its peg).
 * Both are per path, so each set's means and tails come with paired-bootstrap intervals of their difference, as
 * the main comparison's do.
 */
import { pairedBootstrap, type Difference, type PairedStatistic } from "./intervals.ts";
import { accumulatorLayout as A, stateLayout } from "./model/strategy.ts";
import { createRandom } from "./random.ts";
import { cvar, mean } from "./stats.ts";

/**
 * The cost breakdown's metrics, each a value in base-asset tokens over the horizon (a share of the start NAV when
 * divided by it), all better lower:
 * - `poolFeesBase`: the pools' fee tier on every fill's input (rebalances, the hedge, collateral sold to repay);
 * - `slippageBase`: what the fills fell short of the oracle's price beyond the fee (price impact, any pool–oracle gap);
 * - `borrowCostBase`: interest on the modules' debts, as it is charged when a position is touched;
 * - `protocolFeesBase`: the management and performance fee shares minted, at their value when minted, and those
 *   pending at the horizon (a redemption then would pay them): `managementFeesBase` + `performanceFeesBase` +
 *   `pendingFeesBase`;
 * - `holderCostsBase`: what the holders bore: pool fees + slippage + borrow interest + protocol fees;
 * - `gasCostBase`: the keeper's gas at the run's gas price (paid by the keeper, not from the vault: not in the total);
 * - `hedgeCostBase`: the hedge's part of the costs: its short's interest, its fills' pool fees and slippage.
 */
export const costMetrics = {
  poolFeesBase: "lower",
  slippageBase: "lower",
  borrowCostBase: "lower",
  managementFeesBase: "lower",
  performanceFeesBase: "lower",
  pendingFeesBase: "lower",
  protocolFeesBase: "lower",
  holderCostsBase: "lower",
  gasCostBase: "lower",
  hedgeCostBase: "lower",
} as const;
export type CostMetric = keyof typeof costMetrics;
export const costMetricNames = Object.keys(costMetrics) as CostMetric[];

/**
 * The holders' return in US dollars: a share's value in base tokens times the base asset's USD price, at the horizon
 * over the start. `returnUsdMean` is better higher, `cvar95Usd` (the expected loss in the worst 5% of paths, a
 * positive fraction) lower.
 */
export const usdMetrics = { returnUsdMean: "higher", cvar95Usd: "lower" } as const;
export type UsdMetric = keyof typeof usdMetrics;

/** Each cost's mean over paths, in base-asset tokens. */
export type CostBreakdown = Record<CostMetric, number>;
export type UsdSummary = Record<UsdMetric, number>;

/** The holder-centred results of a run (`report.results.holder`). */
export type HolderResults = {
  /** Each set's costs over the horizon (means over paths, base-asset tokens) and proposed less current. */
  costs: { current: CostBreakdown; proposed: CostBreakdown; difference: Record<CostMetric, Difference | null> };
  /** Each set's return in US dollars, and proposed less current. */
  usd: { current: UsdSummary; proposed: UsdSummary; difference: Record<UsdMetric, Difference | null> };
  /** The hedge's value for money, set by set (present when a set hedges; see `hedgeValue`). */
  hedge?: HedgeValue;
};

/** What one set's path run leaves for the columns: its share price and NAV series, accumulators and state. */
type SetRun = { run: { nav: Float64Array; sharePrice: Float64Array; acc: Float64Array }; vector: Float64Array };

/** Per-path columns of the holder metrics, filled path by path as a run goes (see `createMonteCarlo`). */
export type HolderColumns = {
  /**
   * Records path `path` of every set from `sets` (their runs still hold it) and the USD prices `usd` it ran on
   * (`assets` per row, base first, `steps` + 1 rows).
   */
  record(path: number, sets: readonly SetRun[], usd: Float64Array, assets: number, steps: number): void;
  /** Each set's means and the paired differences, with `gasCost[set][path]` the keeper's gas in base tokens. */
  results(gasCost: readonly Float64Array[], seed: number, resamples: number): Omit<HolderResults, "hedge">;
  /** Raises the columns to `paths` paths, keeping the paths recorded (for a run whose path count grows). */
  grow(paths: number): void;
};

/**
 * Columns for `paths` paths of two sets; `virtualUnit` is the vault's virtual share and asset (one unit of the
 * base asset, in whole tokens), needed to value the fees pending at the horizon.
 */
export function createHolderColumns(startPaths: number, virtualUnit: number): HolderColumns {
  let paths = startPaths;
  const perSet = () => ({
    costs: Object.fromEntries(costMetricNames.map((m) => [m, new Float64Array(paths)])) as Record<
      CostMetric,
      Float64Array
    >,
    returnUsd: new Float64Array(paths),
  });
  let sets = [perSet(), perSet()];

  const record: HolderColumns["record"] = (path, runs, usd, assets, steps) => {
    runs.forEach(({ run, vector }, index) => {
      const { costs, returnUsd } = sets[index]!;
      const { acc, nav, sharePrice } = run;
      const minted = acc[A.fees]!;
      const management = acc[A.managementFees]!;
      // A share's price nets the fee shares pending: (nav + v) / (supply + pending + v). Their value at it:
      const pending = Math.max(
        0,
        nav[steps]! + virtualUnit - sharePrice[steps]! * (vector[stateLayout.supply]! + virtualUnit),
      );
      costs.poolFeesBase[path] = acc[A.poolFees]!;
      costs.slippageBase[path] = acc[A.slippage]!;
      costs.borrowCostBase[path] = acc[A.borrowCost]!;
      costs.managementFeesBase[path] = management;
      costs.performanceFeesBase[path] = minted - management;
      costs.pendingFeesBase[path] = pending;
      costs.protocolFeesBase[path] = minted + pending;
      costs.holderCostsBase[path] = acc[A.poolFees]! + acc[A.slippage]! + acc[A.borrowCost]! + minted + pending;
      costs.hedgeCostBase[path] = acc[A.hedgeBorrowCost]! + acc[A.hedgeTradeCost]!;
      const start = sharePrice[0]! * usd[0]!;
      returnUsd[path] = start > 0 ? (sharePrice[steps]! * usd[steps * assets]!) / start - 1 : 0;
    });
  };

  const results: HolderColumns["results"] = (gasCost, seed, resamples) => {
    sets.forEach((set, index) => set.costs.gasCostBase.set(gasCost[index]!));
    const [current, proposed] = sets as [ReturnType<typeof perSet>, ReturnType<typeof perSet>];
    const means = (set: typeof current) =>
      Object.fromEntries(costMetricNames.map((m) => [m, mean(set.costs[m])])) as CostBreakdown;
    const usd = (set: typeof current): UsdSummary => ({
      returnUsdMean: mean(set.returnUsd),
      cvar95Usd: cvar(set.returnUsd, 0.95),
    });
    const statistics: Record<CostMetric | UsdMetric, PairedStatistic> = {
      ...(Object.fromEntries(
        costMetricNames.map((m) => [
          m,
          { statistic: { kind: "mean" }, current: current.costs[m], proposed: proposed.costs[m] },
        ]),
      ) as Record<CostMetric, PairedStatistic>),
      returnUsdMean: { statistic: { kind: "mean" }, current: current.returnUsd, proposed: proposed.returnUsd },
      cvar95Usd: {
        statistic: { kind: "cvar", confidence: 0.95 },
        current: current.returnUsd,
        proposed: proposed.returnUsd,
      },
    };
    // Its own stream, derived from the run's seed (the main comparison's resampling is not shifted by it).
    const difference = pairedBootstrap(statistics, paths, resamples, createRandom((seed ^ 0x2c1b3c6d) | 0));
    const pick = <K extends string>(keys: readonly K[]) =>
      Object.fromEntries(keys.map((k) => [k, difference[k as CostMetric | UsdMetric]])) as Record<K, Difference | null>;
    return {
      costs: { current: means(current), proposed: means(proposed), difference: pick(costMetricNames) },
      usd: {
        current: usd(current),
        proposed: usd(proposed),
        difference: pick(Object.keys(usdMetrics) as UsdMetric[]),
      },
    };
  };

  const grow: HolderColumns["grow"] = (more) => {
    const grown = (old: Float64Array) => {
      const next = new Float64Array(more);
      next.set(old);
      return next;
    };
    sets = sets.map((set) => ({
      costs: Object.fromEntries(costMetricNames.map((m) => [m, grown(set.costs[m])])) as Record<
        CostMetric,
        Float64Array
      >,
      returnUsd: grown(set.returnUsd),
    }));
    paths = more;
  };

  return { record, results, grow };
}

/* THE HEDGE'S VALUE FOR MONEY */

/** What one set's hedge buys and what it costs, against the same set with `hedge.ratioBps` 0 on the same paths. */
export type HedgeValueOfSet = {
  /** The hedge's costs (its short's interest, its fills' pool fees and slippage) as a share of the start NAV a year. */
  costPerYear: number;
  /** Volatility (yearly) and CVaR 95 without the hedge less with it: positive when the hedge cuts them. */
  volatilityCut: number;
  cvar95Cut: number;
  /** Mean return with the hedge less without it (the hedge's all-in effect on the mean, costs included). */
  returnMeanChange: number;
  /** `cvar95Cut` per unit of `costPerYear` (points of CVaR cut per point of NAV a year); null without a cost. */
  cvar95CutPerCost: number | null;
  volatilityCutPerCost: number | null;
  /** 95% intervals (Monte Carlo error, paired bootstrap over the paths both runs share) of the two cuts. */
  intervals?: { volatilityCut: Difference | null; cvar95Cut: Difference | null };
};

export type HedgeValue = {
  /** What the hedge was measured against: each set again with its hedge ratio at zero, on the same paths. */
  baseline: "hedge.ratioBps = 0, same paths";
  current: HedgeValueOfSet | null;
  proposed: HedgeValueOfSet | null;
  /**
   * The proposal's change of the hedge at the margin: the proposed set against the current one (its extra hedge cost
   * a year, and the volatility and CVaR 95 it cuts beyond the current set's).
   */
  marginal: HedgeValueOfSet;
};

/**
 * Paired-bootstrap 95% intervals of the cuts a hedge makes, from each path's volatility and return with the hedge
 * and without it (the same paths), resampled from a stream of `seed`'s own.
 */
export function hedgeCutIntervals(
  hedged: { volatility: Float64Array; returns: Float64Array },
  unhedged: { volatility: Float64Array; returns: Float64Array },
  seed: number,
  resamples: number,
): NonNullable<HedgeValueOfSet["intervals"]> {
  // "Proposed" less "current": the unhedged run less the hedged one, the cut.
  return pairedBootstrap(
    {
      volatilityCut: { statistic: { kind: "mean" }, current: hedged.volatility, proposed: unhedged.volatility },
      cvar95Cut: { statistic: { kind: "cvar", confidence: 0.95 }, current: hedged.returns, proposed: unhedged.returns },
    },
    hedged.returns.length,
    resamples,
    createRandom((seed ^ 0x6b43a9b5) | 0),
  );
}

/** The numbers a set's hedge value is made of: the hedged run's and the unhedged run's summaries. */
export type HedgeValueInputs = {
  hedged: { volatility: number; cvar95: number; returnMean: number; hedgeCostBase: number };
  unhedged: { volatility: number; cvar95: number; returnMean: number };
  startNav: number;
  years: number;
};

/**
 * One set's hedge value (see {@link HedgeValueOfSet}): "cuts CVaR 95 by 3.1 points for 0.8% of NAV a year". The
 * per-cost ratios are null when the hedge cost nothing.
 */
export function hedgeValueOfSet({ hedged, unhedged, startNav, years }: HedgeValueInputs): HedgeValueOfSet {
  if (!(startNav > 0 && years > 0)) throw new Error(`startNav and years must be positive, got ${startNav}, ${years}`);
  const costPerYear = hedged.hedgeCostBase / startNav / years;
  const volatilityCut = unhedged.volatility - hedged.volatility;
  const cvar95Cut = unhedged.cvar95 - hedged.cvar95;
  const per = (cut: number) => (costPerYear > 0 ? cut / costPerYear : null);
  return {
    costPerYear,
    volatilityCut,
    cvar95Cut,
    returnMeanChange: hedged.returnMean - unhedged.returnMean,
    cvar95CutPerCost: per(cvar95Cut),
    volatilityCutPerCost: per(volatilityCut),
  };
}
