/**
 * The strategy kernel's core, which every concern's module shares: what a vault setup fixes (assets, pools, the
 * modules' markets), the loaded parameter set (typed arrays the hot loop reads, which `loadParams` overwrites), the
 * scratch arrays reused by every step, and the action log's records.
 */
import { rateCodeOf, rateModelCode } from "./adaptiveCurveIrm.ts";
import type { CollateralActionCode, HedgeActionCode } from "./actions.ts";
import { accumulatorLayout } from "./stateVector.ts";
import type { Pool, StrategyParams, VaultSetup } from "./types.ts";
import { liquidityCurve, type LiquidityCurve, type SwapResult } from "./uniswapV3.ts";

/**
 * Basis points: the whole (10,000) and its inverse (multiplying by it is several times faster than dividing, one of
 * the model's hottest operations). Each module binds them to its own `BPS` and `INV_BPS`, as it binds the layouts'
 * offsets: an imported constant read in the hot loop is a chain of loads (bench:sim 5% slower).
 */
export const basisPoints = { whole: 10_000, inverse: 1 / 10_000 } as const;
const { whole: BPS } = basisPoints;

/** What one keeper action did, for the differential tests and the backtest's log. */
export type ActionRecord =
  | { kind: "rebalance"; trades: number; reverted: boolean }
  | { kind: "collateral"; action: CollateralActionCode; amount: number; reverted: boolean }
  | { kind: "hedge"; action: HedgeActionCode; amount: number; reverted: boolean }
  | { kind: "liquidation"; module: "collateral" | "hedge"; repaid: number };

export type StepOptions = {
  /** Liquidate a module's position, as a Morpho liquidator would, when its LTV passes the market's LLTV. */
  liquidations: boolean;
  /** Called for each action (the differential and unit tests pass one; the Monte Carlo does not). */
  onAction?: (record: ActionRecord) => void;
};

/** Offsets of the scalar parameters in `KernelContext.params`. */
export const paramLayout = {
  bandBps: 0,
  minIntervalSeconds: 1,
  maxTradeBps: 2,
  maxSlippageBps: 3,
  maxDeviationBps: 4,
  managementFeeBps: 5,
  performanceFeeBps: 6,
  pauseRebalance: 7,
  pauseLeverage: 8,
  targetLtvBps: 9,
  ltvBandBps: 10,
  postedBps: 11,
  hedgeRatioBps: 12,
  hedgeBandBps: 13,
  hedgeLtvBps: 14,
  /** The LTV above which the collateral manager deleverages: its maximum, or the LLTV less the health buffer. */
  collateralMaxLtvBps: 15,
  /** The LTV above which the hedge deleverages: its market's LLTV less the health buffer. */
  hedgeMaxLtvBps: 16,
  size: 17,
} as const;

/** One kernel's setup, parameters and scratch. Fields are fixed at creation; the arrays' contents change. */
export type KernelContext = {
  setup: VaultSetup;
  /** Assets, base first, and risk assets (every asset but the base; risk asset `risk` is asset `risk + 1`). */
  assetCount: number;
  riskCount: number;
  /** The vault's virtual share and asset: one unit of the base asset, in whole tokens. */
  virtualUnit: number;
  /**
   * Per risk asset: its pool's liquidity at every price (fixed: swaps and arbitrage move the price along it, and a
   * pool realigned to the oracle has the liquidity of the range holding the oracle's price), and whether the risk
   * asset is the pool's token0.
   */
  poolCurves: LiquidityCurve[];
  riskIsToken0: boolean[];
  /** The setup's own pools' curves, which `loadPools` restores when a set gives none of its own. */
  setupPools: PoolCurves;
  /** Per asset: one unit (10^-decimals), in whole tokens. */
  unitSizes: Float64Array;

  hasCollateral: boolean;
  hasHedge: boolean;
  /** The collateral manager's and the hedge's asset (an index into the assets), −1 without the module. */
  collateralAsset: number;
  hedgeAsset: number;
  /** Their markets' liquidation LTVs, as fractions and in whole bps (0 without the module). */
  collateralLltv: number;
  hedgeLltv: number;
  collateralLltvBps: number;
  hedgeLltvBps: number;
  /** Their markets' borrow rates per second when fixed, else a `rateModelCode` (see adaptiveCurveIrm.ts). */
  collateralFixedRatePerSecond: number;
  hedgeFixedRatePerSecond: number;
  /**
   * A rate spike's borrow rate per second in force this step, 0 without one (every market charges at least it), and
   * whether every market accrues at each keeper cycle (1 while a spike schedule is loaded; see lending.ts).
   */
  borrowRateFloor: Float64Array;
  accrueEachStep: Uint8Array;

  /** The loaded parameter set: its scalars (at `paramLayout`), target weights per asset and pool fees per risk asset. */
  params: Float64Array;
  weightsBps: Float64Array;
  poolFeesPpm: Float64Array;

  /** Oracle prices in the base asset, per asset (see prices.ts). */
  pricesInBase: Float64Array;
  /** Each holding's value in the base asset, collateral included (see valuation.ts). */
  values: Float64Array;
  /** Per risk asset: its pool's √price, and the √price a transaction in progress has moved it to. */
  sqrtPrices: Float64Array;
  trialSqrtPrices: Float64Array;
  /** The last swap's fill. */
  swap: SwapResult;
  /**
   * The time of the last keeper cycle or deposit (`nav` right after it may use the debts and prices it cached),
   * NaN after anything else. A typed array: a mutable number captured by closures is boxed at every write.
   */
  cycleSeconds: Float64Array;
  onAction: ((record: ActionRecord) => void) | undefined;
};

/** Builds a kernel's context for `setup`, loaded with `params`. */
export function createKernelContext(
  setup: VaultSetup,
  params: StrategyParams,
  onAction: ((record: ActionRecord) => void) | undefined,
): KernelContext {
  const assetCount = setup.symbols.length;
  const riskCount = assetCount - 1;
  const { collateral, hedge } = setup;
  const collateralLltv = collateral ? collateral.market.lltv : 0;
  const hedgeLltv = hedge ? hedge.market.lltv : 0;
  const setupPools = poolCurvesOf(setup, setup.pools);
  const context: KernelContext = {
    setup,
    assetCount,
    riskCount,
    virtualUnit: 10 ** -(setup.decimals[0] ?? 6),
    poolCurves: [...setupPools.curves],
    riskIsToken0: [...setupPools.riskIsToken0],
    setupPools,
    unitSizes: Float64Array.from(setup.decimals.map((decimals) => 10 ** -decimals)),
    hasCollateral: collateral !== undefined,
    hasHedge: hedge !== undefined,
    collateralAsset: collateral ? collateral.assetIndex : -1,
    hedgeAsset: hedge ? hedge.assetIndex : -1,
    collateralLltv,
    hedgeLltv,
    collateralLltvBps: Math.floor(collateralLltv * BPS + 1e-9),
    hedgeLltvBps: Math.floor(hedgeLltv * BPS + 1e-9),
    collateralFixedRatePerSecond: collateral ? rateCodeOf(collateral.market.rate) : rateModelCode.utilization,
    hedgeFixedRatePerSecond: hedge ? rateCodeOf(hedge.market.rate) : rateModelCode.utilization,
    borrowRateFloor: new Float64Array(1),
    accrueEachStep: new Uint8Array(1),
    params: new Float64Array(paramLayout.size),
    weightsBps: new Float64Array(assetCount),
    poolFeesPpm: new Float64Array(riskCount),
    pricesInBase: new Float64Array(assetCount),
    values: new Float64Array(assetCount),
    sqrtPrices: new Float64Array(riskCount),
    trialSqrtPrices: new Float64Array(riskCount),
    swap: { amountIn: 0, amountOut: 0, sqrtPriceAfter: 0 },
    cycleSeconds: new Float64Array(1),
    onAction,
  };
  loadParams(context, params);
  return context;
}

/** Per risk asset: its pool's liquidity at every price, and whether the risk asset is the pool's token0. */
export type PoolCurves = { curves: readonly LiquidityCurve[]; riskIsToken0: readonly boolean[] };

/** The curves of `pools` (one per risk asset of `setup`, in its decimals). */
export function poolCurvesOf(setup: VaultSetup, pools: readonly Pool[]): PoolCurves {
  if (pools.length !== setup.symbols.length - 1)
    throw new Error(`pools must give one pool per risk asset (${setup.symbols.length - 1}), got ${pools.length}`);
  return {
    curves: pools.map((pool, risk) => {
      const [baseDecimals, riskDecimals] = [setup.decimals[0]!, setup.decimals[risk + 1]!];
      return pool.riskIsToken0
        ? liquidityCurve(pool, riskDecimals, baseDecimals)
        : liquidityCurve(pool, baseDecimals, riskDecimals);
    }),
    riskIsToken0: pools.map((pool) => pool.riskIsToken0),
  };
}

/**
 * Trades on `pools` from now on (a proposed set on the pools of its own fee tiers), or on the setup's own pools when
 * none are given. The arrays are written in place: the modules hold them.
 */
export function loadPools(context: KernelContext, pools: PoolCurves = context.setupPools): void {
  pools.curves.forEach((curve, risk) => (context.poolCurves[risk] = curve));
  pools.riskIsToken0.forEach((token0, risk) => (context.riskIsToken0[risk] = token0));
}

/**
 * Writes a parameter set into the context's arrays. One kernel runs any number of sets: a second kernel for the same
 * code would halve V8's speed on both, as its call sites turn polymorphic.
 */
export function loadParams(context: KernelContext, next: StrategyParams): void {
  const { params } = context;
  context.weightsBps.set(next.weightsBps);
  context.poolFeesPpm.set(next.poolFeesPpm);
  const { collateral, hedge } = next;
  params[paramLayout.bandBps] = next.bandBps;
  params[paramLayout.minIntervalSeconds] = next.minIntervalSeconds;
  params[paramLayout.maxTradeBps] = next.maxTradeBps;
  params[paramLayout.maxSlippageBps] = next.maxSlippageBps;
  params[paramLayout.maxDeviationBps] = next.maxDeviationBps;
  params[paramLayout.managementFeeBps] = next.managementFeeBps;
  params[paramLayout.performanceFeeBps] = next.performanceFeeBps;
  params[paramLayout.pauseRebalance] = next.pauseRebalance ? 1 : 0;
  params[paramLayout.pauseLeverage] = next.pauseLeverage ? 1 : 0;
  params[paramLayout.targetLtvBps] = collateral.targetLtvBps;
  params[paramLayout.ltvBandBps] = collateral.ltvBandBps;
  params[paramLayout.postedBps] = collateral.postedBps;
  params[paramLayout.hedgeRatioBps] = hedge.ratioBps;
  params[paramLayout.hedgeBandBps] = hedge.bandBps;
  params[paramLayout.hedgeLtvBps] = hedge.ltvBps;
  // Deleverage above the maximum LTV, or within the health buffer of the market's liquidation LTV.
  const { collateralLltvBps, hedgeLltvBps } = context;
  const buffer = collateral.healthBufferBps;
  params[paramLayout.collateralMaxLtvBps] = Math.min(
    collateral.maxLtvBps,
    collateralLltvBps > buffer ? collateralLltvBps - buffer : 0,
  );
  params[paramLayout.hedgeMaxLtvBps] = hedgeLltvBps > buffer ? hedgeLltvBps - buffer : 0;
}

/** A keeper transaction that would revert: counted, logged as `record` describes it, and nothing else changes. */
export function countRevert(context: KernelContext, acc: Float64Array, record: () => ActionRecord): false {
  acc[accumulatorLayout.reverts] = acc[accumulatorLayout.reverts]! + 1;
  context.onAction?.(record());
  return false;
}
