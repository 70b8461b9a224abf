/**
 * The vault's strategy, step by step, as the contracts take it: the entry module that composes one kernel from its
 * concerns. One keeper cycle (keeperCycle.ts) decides what is due; PortfolioVault's rebalance (rebalance.ts), the
 * CollateralManager's actions (collateral.ts) and the HedgeModule's (hedge.ts) act, on Morpho Blue markets whose
 * interest accrues as Morpho's does (lending.ts), trading on Uniswap V3 pools (swaps.ts, prices.ts); fees
 * (fees.ts), NAV (valuation.ts), deposits and exits between cycles (exits.ts), liquidations in the Monte Carlo
 * (liquidations.ts), the state vector and accumulators (stateVector.ts), the shared setup and scratch (kernel.ts).
 *
 * This is Trimtab's one TypeScript home of the strategy's rules: the Monte Carlo, the backtest and the differential
 * tests against the contracts all run this kernel. It works on a Float64Array state (see `stateLayout`) without
 * allocating, so that millions of steps run in a second.
 */
import { secondsPerYear } from "../market/types.ts";
import { createCollateral } from "./collateral.ts";
import { createExits, type ExitArgs } from "./exits.ts";
import { createFees } from "./fees.ts";
import { createHedge } from "./hedge.ts";
import { createKeeperCycle } from "./keeperCycle.ts";
import {
  createKernelContext,
  loadParams,
  loadPools,
  poolCurvesOf,
  type PoolCurves,
  type StepOptions,
} from "./kernel.ts";
import { createLending } from "./lending.ts";
import { createLiquidations } from "./liquidations.ts";
import { createPrices } from "./prices.ts";
import { createRebalance } from "./rebalance.ts";
import { decodeState, encodeState, resetAccumulators, stateSizeOf } from "./stateVector.ts";
import { createSwaps } from "./swaps.ts";
import type { Pool, StrategyParams, VaultSetup, VaultState } from "./types.ts";
import { createValuation } from "./valuation.ts";

export { accumulatorLayout, stateLayout } from "./stateVector.ts";
export type { ActionRecord, StepOptions } from "./kernel.ts";
export type { ExitArgs } from "./exits.ts";

/**
 * What `runPath` needs to watch the modules' health within each step (see barrier.ts), and where it leaves the
 * result. It reads the state only: the path's cycles, NAVs and accumulators are the same with or without it.
 */
export type IntradayWatch = {
  /**
   * Per step k (1..steps), the variance over the step of the log price in the base asset of the collateral
   * manager's asset (`[2k]`) and of the hedged asset (`[2k + 1]`); length 2·(steps + 1).
   */
  variances: Float64Array;
  /** Written by `runPath`: `[0]` the probability the path's modules went unliquidated, Π(1 − p_k) over its steps. */
  survival: Float64Array;
};

/** The kernel for one vault setup; it runs whichever parameter set was loaded last. */
export type Strategy = {
  stateSize: number;
  /**
   * Switches the kernel to another parameter set (the Monte Carlo runs both sets on one kernel, path by path), trading
   * on `pools` (one per risk asset: a proposed fee tier's pools) or, when none are given, on the setup's own.
   */
  load(params: StrategyParams, pools?: readonly Pool[]): void;
  /** Writes `state` into a state vector. */
  encode(state: VaultState, into: Float64Array): Float64Array;
  /** Reads a state vector back (debts accrued to each market's last update). */
  decode(vector: Float64Array, timeSeconds: number): VaultState;
  /**
   * One keeper cycle at `timeSeconds`, with USD prices `usd[offset + asset]`. With `pricesFresh` false (a feed's
   * answer is older than its asset's `oracle.maxStalenessSec.<SYMBOL>`, and `usd` holds the last answers) the contracts refuse every
   * action, and so does the cycle: interest accrues, nothing else.
   */
  step(
    vector: Float64Array,
    usd: Float64Array,
    offset: number,
    timeSeconds: number,
    acc: Float64Array,
    pricesFresh?: boolean,
  ): void;
  /** NAV in base-asset tokens at USD prices `usd[offset + asset]`. */
  nav(vector: Float64Array, usd: Float64Array, offset: number, timeSeconds: number): number;
  /** Base-asset tokens per share, net of the fees pending at `nav` (what a redemption would convert at). */
  sharePrice(vector: Float64Array, nav: number, timeSeconds: number): number;
  /**
   * PortfolioVault.deposit of `assets` base tokens at `timeSeconds`, with USD prices `usd[offset + asset]` (the
   * pools realigned to them, as at the start of a keeper cycle): fees accrued at the feeds' prices (into `acc`),
   * then shares at entry prices. Returns the shares minted.
   */
  deposit(
    vector: Float64Array,
    usd: Float64Array,
    offset: number,
    timeSeconds: number,
    assets: number,
    acc: Float64Array,
  ): number;
  /**
   * PortfolioVault.redeemInKind of `shares` at `timeSeconds`: the fees a cash exit accrues (management and
   * performance, at USD prices `usd[offset + asset]`, into `acc`), or with `exitPricesValid` false (a feed is down
   * or older than a cash exit accepts) the management fee alone; then the shares' part of each token, their part of
   * the collateral manager's debt repaid from their base and of the hedge's short from their part of the shorted
   * asset, and the collateral those repayments free added in. Writes the amounts paid out (base first, whole
   * tokens) into `out`.
   */
  redeemInKind(...args: [...exit: ExitArgs, exitPricesValid?: boolean]): void;
  /**
   * PortfolioVault.redeem of `shares` at `timeSeconds`: what `redeemInKind` does (the fees, then the shares' part of
   * each token with the modules' releases), then each risk part sold on its pool (exact input, at least its value at
   * the oracle price less the exit's slippage bound). Returns the base tokens paid, or −1 when a sale misses its
   * minimum (the transaction reverts, and the state is left as it was). `out` holds the parts before their sale.
   */
  redeem(...args: ExitArgs): number;
  /**
   * `nav` and `sharePrice` written to `navs[index]` and `sharePrices[index]` (a loop over many steps returns no
   * numbers: each would be a heap allocation).
   */
  record(
    vector: Float64Array,
    usd: Float64Array,
    offset: number,
    timeSeconds: number,
    navs: Float64Array,
    sharePrices: Float64Array,
    index: number,
  ): void;
  /** Sets the per-path accumulators to their starting values. */
  resetAccumulators(acc: Float64Array): void;
  /**
   * A rate spike for the following `runPath`s: over step k every market charges at least `perYearByStep[k]` a year
   * (index 0 unused; 0 for no floor), and every market accrues at each cycle; `undefined` removes it.
   */
  setBorrowRateFloors(perYearByStep: Float64Array | undefined): void;
  /**
   * A whole path: from `start` (copied into `vector`), `steps` keeper cycles along the USD prices `usd` ((steps + 1)
   * rows of one price per asset, row 0 the start), writing NAV and share price at every step into `navs` and
   * `sharePrices` (index 0 the start) and the path's totals into `acc`. The same cycles as `step` and `record`,
   * with the loop inside the kernel, where the optimiser can see it whole. With `intraday`, also the probability
   * that a module was liquidated within a step (see `IntradayWatch`).
   */
  runPath(
    start: Float64Array,
    vector: Float64Array,
    usd: Float64Array,
    steps: number,
    startSeconds: number,
    stepSeconds: number,
    navs: Float64Array,
    sharePrices: Float64Array,
    acc: Float64Array,
    intraday?: IntradayWatch,
  ): void;
};

/** Builds the kernel, loaded with `params`. Parameter sets must have passed `validateParams` (see params.ts). */
export function createStrategy(setup: VaultSetup, params: StrategyParams, options: StepOptions): Strategy {
  const context = createKernelContext(setup, params, options.onAction);
  const { assetCount, cycleSeconds, borrowRateFloor, accrueEachStep } = context;
  let rateFloors: Float64Array | undefined;
  // Curves of the pools a set trades on, computed once per pools given (not at every path's load).
  const curves = new WeakMap<readonly Pool[], PoolCurves>();
  /** The pools last loaded (undefined: the setup's own). */
  const loadedPools: (readonly Pool[] | undefined)[] = [undefined];
  const curvesOf = (pools: readonly Pool[]) => {
    let found = curves.get(pools);
    if (!found) curves.set(pools, (found = poolCurvesOf(setup, pools)));
    return found;
  };
  const lending = createLending(context);
  const prices = createPrices(context);
  const swaps = createSwaps(context);
  const valuation = createValuation(context, lending, prices);
  const fees = createFees(context, valuation);
  const rebalance = createRebalance(context, valuation, prices, swaps);
  const collateral = createCollateral(context, lending, fees, prices, swaps);
  const hedge = createHedge(context, lending, fees, prices, swaps);
  const liquidations = createLiquidations(context, lending);
  const { deposit, redeemInKind, redeem } = createExits(context, lending, prices, valuation, fees, swaps);
  const { step } = createKeeperCycle(
    context,
    { lending, prices, valuation, rebalance, collateral, hedge, liquidations },
    options.liquidations,
  );
  const { refreshDebts } = lending;
  const { watchPath, crossingWithinStep } = liquidations;
  const { setPrices, forgetPrices, resetPools } = prices;
  const { valuesAndNav } = valuation;
  const { sharePrice } = fees;

  const nav: Strategy["nav"] = (vector, usd, offset, timeSeconds) => {
    // The step at `timeSeconds` just before leaves its cached debts and prices current; at any other time, start afresh.
    if (cycleSeconds[0] !== timeSeconds) {
      refreshDebts(vector, timeSeconds);
      forgetPrices();
    }
    setPrices(usd, offset);
    return valuesAndNav(vector);
  };

  const record: Strategy["record"] = (vector, usd, offset, timeSeconds, navs, sharePrices, index) => {
    const value = nav(vector, usd, offset, timeSeconds);
    navs[index] = value;
    sharePrices[index] = sharePrice(vector, value, timeSeconds);
  };

  /**
   * `record` right after `step` at `timeSeconds`: the cycle left its debts, prices and pools current (`nav`'s checks
   * would find them so), so NAV is read off the holdings directly. The same numbers as `record`, with less code in
   * `runPath`'s loop for V8 to inline (the loop's inlining budget is what keeps it fast; see keeperCycle.ts).
   */
  const recordAfterCycle = (
    vector: Float64Array,
    timeSeconds: number,
    navs: Float64Array,
    sharePrices: Float64Array,
    index: number,
  ) => {
    const value = valuesAndNav(vector);
    navs[index] = value;
    sharePrices[index] = sharePrice(vector, value, timeSeconds);
  };

  const encode = (state: VaultState, into: Float64Array) => {
    cycleSeconds[0] = NaN;
    forgetPrices();
    resetPools();
    return encodeState(setup, state, into);
  };

  const decode = (vector: Float64Array, timeSeconds: number) => decodeState(setup, vector, timeSeconds);

  const runPath: Strategy["runPath"] = (
    start,
    vector,
    usd,
    steps,
    startSeconds,
    stepSeconds,
    navs,
    sharePrices,
    acc,
    intraday,
  ) => {
    vector.set(start);
    resetAccumulators(acc);
    cycleSeconds[0] = NaN;
    forgetPrices();
    resetPools();
    record(vector, usd, 0, startSeconds, navs, sharePrices, 0);
    let survival = 1;
    if (intraday) watchPath(intraday.variances, steps);
    for (let stepIndex = 1; stepIndex <= steps; stepIndex++) {
      const timeSeconds = startSeconds + stepIndex * stepSeconds;
      if (intraday && survival > 0) {
        const from = (stepIndex - 1) * assetCount;
        survival *= 1 - crossingWithinStep(vector, usd, from, from + assetCount, intraday.variances, stepIndex);
      }
      if (rateFloors) borrowRateFloor[0] = rateFloors[stepIndex]! / secondsPerYear;
      step(vector, usd, stepIndex * assetCount, timeSeconds, acc);
      recordAfterCycle(vector, timeSeconds, navs, sharePrices, stepIndex);
    }
    if (intraday) intraday.survival[0] = survival;
    borrowRateFloor[0] = 0;
  };

  const setBorrowRateFloors = (perYearByStep: Float64Array | undefined) => {
    rateFloors = perYearByStep;
    accrueEachStep[0] = perYearByStep ? 1 : 0;
  };

  return {
    stateSize: stateSizeOf(setup),
    load: (next: StrategyParams, pools?: readonly Pool[]) => {
      loadParams(context, next);
      // Most runs trade both sets on the setup's pools: the curves are swapped only when the pools change.
      if (pools === loadedPools[0]) return;
      loadPools(context, pools && curvesOf(pools));
      loadedPools[0] = pools;
    },
    encode,
    decode,
    step,
    nav,
    sharePrice,
    deposit,
    redeemInKind,
    redeem,
    record,
    resetAccumulators,
    setBorrowRateFloors,
    runPath,
  };
}

/** Kernels by setup: reused across runs (see `sharedStrategy`). */
const kernels = new Map<string, Strategy>();

/**
 * A Monte Carlo kernel (liquidations on, no action log) for `setup`, loaded with `params`: the same kernel for the
 * same setup every time. V8 optimises a kernel's code for the closures it has seen, and a second kernel of the same
 * code halves the speed of both; reusing one keeps every run as fast as the first. Runs use it one path at a time
 * (each `runPath` starts afresh), so runs that take turns, as chunked runs in one worker do, share it safely.
 */
export function sharedStrategy(setup: VaultSetup, params: StrategyParams): Strategy {
  const key = JSON.stringify(setup);
  let kernel = kernels.get(key);
  if (!kernel) {
    if (kernels.size >= 8) kernels.delete(kernels.keys().next().value!);
    kernel = createStrategy(setup, params, { liquidations: true });
    kernels.set(key, kernel);
  }
  kernel.load(params);
  kernel.setBorrowRateFloors(undefined);
  return kernel;
}
