/**
 * The vault's strategy, step by step, as the contracts take it: PortfolioVault's rebalance (band trigger, minimum
 * interval, trades capped at `rebalance.maxTradeBps` of NAV, sells before buys, buys limited to the base asset at
 * hand, fills within the slippage bound on the Uniswap V3 pool), its fees (management streaming, performance above
 * the high-water mark, minted when a module acts), the CollateralManager's plan (deleverage, post, repay, borrow,
 * withdraw) and the HedgeModule's (deleverage, increase, decrease), on Morpho Blue markets whose interest accrues
 * as Morpho's does (Taylor-compounded, at each touch).
 *
 * This is Trimtab's one TypeScript home of the strategy's rules: the Monte Carlo, the backtest and the differential
 * tests against the contracts all run this kernel. It works on a Float64Array state (see `stateLayout`) without
 * allocating, so that millions of steps run in a second.
 *
 * One keeper cycle (`step`) is what the devnet's keeper does each day: feeds move, arbitrageurs realign every pool
 * to its oracle price, then a rebalance if one is due, up to three collateral actions, and one hedge action.
 */
import { secondsPerYear as YEAR_SECONDS } from "../market/types.ts";
import { CollateralAction, HedgeAction, type CollateralActionCode, type HedgeActionCode } from "./actions.ts";
import { actionGas } from "./gas.ts";
import type { StrategyParams, VaultSetup, VaultState } from "./types.ts";
import { accumulatorLayout, decodeState, encodeState, resetAccumulators, stateLayout } from "./stateVector.ts";
import { priceOfSqrt, sqrtPriceOf, swapExactIn, type SwapResult } from "./uniswapV3.ts";

export { accumulatorLayout, stateLayout } from "./stateVector.ts";

const BPS = 10_000;
/** Multiplying by these is several times faster than dividing by BPS or 6 (the model's hottest operations). */
const INV_BPS = 1 / BPS;
const ONE_SIXTH = 1 / 6;
/** CollateralManager's COLLATERAL_TOLERANCE_BPS: posting or withdrawing less than this share is not worth it. */
const COLLATERAL_TOLERANCE_BPS = 100;
/** SwapLib's DERISK_SLIPPAGE_OVER_FEE_BPS: exits and deleverages accept at least the pool fee plus this. */
const DERISK_SLIPPAGE_OVER_FEE_BPS = 20;
/** SwapLib's ROUNDING_WEI: units of input, and of output, a fill may lose to the pool's roundings. */
const ROUNDING_UNITS = 2;

const L = stateLayout;

/** Offsets of the scalar parameters in a kernel's parameter array. */
const P_BAND_BPS = 0;
const P_MIN_INTERVAL_SECONDS = 1;
const P_MAX_TRADE_BPS = 2;
const P_MAX_SLIPPAGE_BPS = 3;
const P_MAX_DEVIATION_BPS = 4;
const P_MANAGEMENT_FEE_BPS = 5;
const P_PERFORMANCE_FEE_BPS = 6;
const P_PAUSE_REBALANCE = 7;
const P_PAUSE_LEVERAGE = 8;
const P_TARGET_LTV_BPS = 9;
const P_LTV_BAND_BPS = 10;
const P_POSTED_BPS = 11;
const P_HEDGE_RATIO_BPS = 12;
const P_HEDGE_BAND_BPS = 13;
const P_HEDGE_LTV_BPS = 14;
const P_CM_MAX_LTV_BPS = 15;
const P_H_MAX_LTV_BPS = 16;
const P_SIZE = 17;

const A = accumulatorLayout;

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

/** The kernel for one vault setup; it runs whichever parameter set was loaded last. */
/** A withdrawal's arguments: the state vector, USD prices `usd[offset + asset]`, its time, the shares redeemed, where
 * to write the amounts paid (base first, whole tokens) and the accumulators the fees go into. */
export type ExitArgs = [
  vector: Float64Array,
  usd: Float64Array,
  offset: number,
  timeSeconds: number,
  shares: number,
  out: Float64Array,
  acc: Float64Array,
];

export type Strategy = {
  stateSize: number;
  /** Switches the kernel to another parameter set (the Monte Carlo runs both sets on one kernel, path by path). */
  load(params: StrategyParams): void;
  /** Writes `state` into a state vector. */
  encode(state: VaultState, into: Float64Array): Float64Array;
  /** Reads a state vector back (debts accrued to each market's last update). */
  decode(vector: Float64Array, timeSeconds: number): VaultState;
  /**
   * One keeper cycle at `timeSeconds`, with USD prices `usd[offset + asset]`. With `pricesFresh` false (a feed's
   * answer is older than its heartbeat plus `oracle.maxStalenessSec`, and `usd` holds the last answers) the contracts refuse every
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
   * A whole path: from `start` (copied into `vector`), `steps` keeper cycles along the USD prices `usd` ((steps + 1)
   * rows of one price per asset, row 0 the start), writing NAV and share price at every step into `navs` and
   * `sharePrices` (index 0 the start) and the path's totals into `acc`. The same cycles as `step` and `record`,
   * with the loop inside the kernel, where the optimiser can see it whole.
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
  ): void;
};

/** Builds the kernel, loaded with `params`. Parameter sets must have passed `validateParams` (see params.ts). */
export function createStrategy(setup: VaultSetup, params: StrategyParams, options: StepOptions): Strategy {
  const n = setup.symbols.length;
  const risks = n - 1;
  const stateSize = L.balances + n;
  const virtualUnit = 10 ** -(setup.decimals[0] ?? 6);
  const onAction = options.onAction;

  // Pools.
  const poolLiquidity = Float64Array.from(setup.pools.map((p) => p.liquidity));
  const riskIsToken0 = setup.pools.map((p) => p.riskIsToken0);
  const units = Float64Array.from(setup.decimals.map((d) => 10 ** -d));

  // Modules.
  const cm = setup.collateral;
  const hedge = setup.hedge;
  const cmAsset = cm ? cm.assetIndex : -1;
  const hAsset = hedge ? hedge.assetIndex : -1;
  const cmLltv = cm ? cm.market.lltv : 0;
  const hLltv = hedge ? hedge.market.lltv : 0;
  const cmLltvBps = Math.floor(cmLltv * BPS + 1e-9);
  const hLltvBps = Math.floor(hLltv * BPS + 1e-9);
  const cmFixedRate = cm?.market.rate.kind === "fixed" ? cm.market.rate.ratePerYear / YEAR_SECONDS : -1;
  const hFixedRate = hedge?.market.rate.kind === "fixed" ? hedge.market.rate.ratePerYear / YEAR_SECONDS : -1;

  // The parameter set, in typed arrays that `load` overwrites: one kernel runs any number of sets (a second kernel
  // for the same code would halve V8's speed on both, as its call sites turn polymorphic).
  const P = new Float64Array(P_SIZE);
  const weights = new Float64Array(n);
  const poolFees = new Float64Array(risks);
  const load = (next: StrategyParams) => {
    weights.set(next.weightsBps);
    poolFees.set(next.poolFeesPpm);
    const c = next.collateral;
    const h = next.hedge;
    P[P_BAND_BPS] = next.bandBps;
    P[P_MIN_INTERVAL_SECONDS] = next.minIntervalSeconds;
    P[P_MAX_TRADE_BPS] = next.maxTradeBps;
    P[P_MAX_SLIPPAGE_BPS] = next.maxSlippageBps;
    P[P_MAX_DEVIATION_BPS] = next.maxDeviationBps;
    P[P_MANAGEMENT_FEE_BPS] = next.managementFeeBps;
    P[P_PERFORMANCE_FEE_BPS] = next.performanceFeeBps;
    P[P_PAUSE_REBALANCE] = next.pauseRebalance ? 1 : 0;
    P[P_PAUSE_LEVERAGE] = next.pauseLeverage ? 1 : 0;
    P[P_TARGET_LTV_BPS] = c.targetLtvBps;
    P[P_LTV_BAND_BPS] = c.ltvBandBps;
    P[P_POSTED_BPS] = c.postedBps;
    P[P_HEDGE_RATIO_BPS] = h.ratioBps;
    P[P_HEDGE_BAND_BPS] = h.bandBps;
    P[P_HEDGE_LTV_BPS] = h.ltvBps;
    // Deleverage above the maximum LTV, or within the health buffer of the market's liquidation LTV.
    P[P_CM_MAX_LTV_BPS] = Math.min(c.maxLtvBps, cmLltvBps > c.healthBufferBps ? cmLltvBps - c.healthBufferBps : 0);
    P[P_H_MAX_LTV_BPS] = hLltvBps > c.healthBufferBps ? hLltvBps - c.healthBufferBps : 0;
  };
  load(params);

  // Scratch, reused by every step.
  const rel = new Float64Array(n);
  const values = new Float64Array(n);
  const sqrtPrices = new Float64Array(risks);
  const trialBalances = new Float64Array(n);
  const trialSqrt = new Float64Array(risks);
  const planAsset = new Int32Array(risks);
  const planAmount = new Float64Array(risks);
  const planSell = new Uint8Array(risks);
  const swap: SwapResult = { amountIn: 0, amountOut: 0, sqrtPriceAfter: 0 };
  /**
   * Scalars shared between the kernel's functions. They live in a typed array because a mutable number captured by
   * closures is boxed on the heap at every write: millions of allocations per second for the garbage collector.
   */
  const scratch = new Float64Array(10);
  const FEE_SHARES = 0;
  const FEE_HWM = 1;
  /** The collateral manager's debt and the hedge's short now, in two slots (see `refreshDebts`). */
  const DEBT = 3;
  /** The time of the last step (`nav` right after it may use its cached debts). */
  const STEP_TIME = 5;
  /** Where `rel` was read from (`usd` offset), and whether the pools still sit at those prices. */
  const PRICE_OFFSET = 6;
  const POOLS_ALIGNED = 7;
  /** A repayment from collateral: the collateral sold and what it fetched (see `sellCollateralFor`). */
  const SOLD_COLLATERAL = 8;
  const SALE_PROCEEDS = 9;

  /* MORPHO BLUE */

  /** Morpho's `wTaylorCompounded`: e^x − 1 to the third order. */
  const growth = (x: number) => x + x * x * 0.5 + x * x * x * ONE_SIXTH;
  const ratePerSecond = (v: Float64Array, o: number, fixed: number) => {
    if (fixed >= 0) return fixed;
    const supply = v[o + 2]!;
    return supply > 0 ? v[o + 3]! / (supply * YEAR_SECONDS) : 0;
  };
  /** Accrues the market's interest to `t` (what any borrow, repay or withdrawal does first); returns the interest. */
  const accrue = (v: Float64Array, o: number, fixed: number, t: number) => {
    const elapsed = t - v[o + 4]!;
    if (elapsed <= 0) return 0;
    const interest = v[o + 3]! * growth(ratePerSecond(v, o, fixed) * elapsed);
    v[o + 3] = v[o + 3]! + interest;
    v[o + 2] = v[o + 2]! + interest;
    v[o + 4] = t;
    return interest * v[o + 1]!;
  };
  /** The module's debt at `t`, interest included, without touching the market (`expectedBorrowAssets`). */
  const expectedDebt = (v: Float64Array, o: number, fixed: number, t: number) => {
    const share = v[o + 1]!;
    if (share === 0) return 0;
    const elapsed = t - v[o + 4]!;
    const borrow = v[o + 3]!;
    return share * (elapsed > 0 ? borrow + borrow * growth(ratePerSecond(v, o, fixed) * elapsed) : borrow);
  };
  /**
   * Both modules' debts at `t`, kept in `scratch` for the rest of the step: every read of a debt is a load, and
   * every borrow, repay or accrual (which leave the market accrued to `t`) updates its copy.
   */
  const refreshDebts = (v: Float64Array, t: number) => {
    scratch[DEBT] = cm ? expectedDebt(v, L.cmCollateral, cmFixedRate, t) : 0;
    scratch[DEBT + 1] = hedge ? expectedDebt(v, L.hCollateral, hFixedRate, t) : 0;
  };
  /** Records the debt of a module whose market was just accrued to now. */
  const settled = (v: Float64Array, o: number) => {
    scratch[DEBT + (o === L.cmCollateral ? 0 : 1)] = v[o + 1]! * v[o + 3]!;
  };
  const cmDebt = () => scratch[DEBT]!;
  const hedgeShort = () => scratch[DEBT + 1]!;
  /** Borrows `amount` (after accruing); false when the market lacks the liquidity. */
  const borrow = (v: Float64Array, o: number, fixed: number, t: number, amount: number, price: number) => {
    addBorrowCost(accrue(v, o, fixed, t) * price);
    const total = v[o + 3]!;
    if (total + amount > v[o + 2]!) return false;
    const debt = v[o + 1]! * total;
    v[o + 3] = total + amount;
    v[o + 1] = (debt + amount) / (total + amount);
    settled(v, o);
    return true;
  };
  /** Repays `amount` (all of the debt when it covers it); returns what was left over. */
  const repay = (v: Float64Array, o: number, fixed: number, t: number, amount: number, price: number) => {
    addBorrowCost(accrue(v, o, fixed, t) * price);
    const total = v[o + 3]!;
    const debt = v[o + 1]! * total;
    if (amount >= debt) {
      v[o + 3] = total - debt > 0 ? total - debt : 0;
      v[o + 1] = 0;
      settled(v, o);
      return amount - debt;
    }
    v[o + 3] = total - amount;
    v[o + 1] = (debt - amount) / (total - amount);
    settled(v, o);
    return 0;
  };
  let accCurrent: Float64Array = new Float64Array(A.size);
  const addBorrowCost = (value: number) => {
    accCurrent[A.borrowCost] = accCurrent[A.borrowCost]! + value;
  };

  /* VALUES AND FEES */

  /** Fills `values` (each holding in base, collateral included) and returns their sum. */
  const fillValues = (v: Float64Array) => {
    let gross = v[L.balances]!;
    values[0] = gross;
    for (let i = 1; i < n; i++) {
      let amount = v[L.balances + i]!;
      if (i === cmAsset) amount += v[L.cmCollateral]!;
      const value = amount * rel[i]!;
      values[i] = value;
      gross += value;
    }
    return gross;
  };
  /** Fills `values` and returns NAV. */
  const valuesAndNav = (v: Float64Array) => navOf(v, fillValues(v));
  /** NAV from the holdings' gross value: less the collateral manager's debt, plus the hedge's net value. */
  const navOf = (v: Float64Array, gross: number, shortPrice = hedge ? rel[hAsset]! : 0) => {
    const debt = cm ? cmDebt() : 0;
    let nav = gross > debt ? gross - debt : 0;
    if (hedge) {
      const value = nav + v[L.hCollateral]!;
      const shortValue = hedgeShort() * shortPrice;
      nav = value > shortValue ? value - shortValue : 0;
    }
    return nav;
  };

  /** FeeMathLib.managementFeeSharesDown: the shares minted for `elapsed` seconds of the management fee on `supply`. */
  const managementFeeShares = (supply: number, elapsed: number) => {
    let feeTime = P[P_MANAGEMENT_FEE_BPS]! * elapsed;
    const whole = BPS * YEAR_SECONDS;
    if (feeTime >= whole) feeTime = whole * 0.99;
    return (supply * feeTime) / (whole - feeTime);
  };

  /** PortfolioVault._pendingFees: sets the fee shares due and the high-water mark after them in `scratch`. */
  const pendingFees = (v: Float64Array, nav: number, t: number) => {
    scratch[FEE_SHARES] = 0;
    const mark = v[L.highWaterMark]!;
    scratch[FEE_HWM] = mark;
    const supply = v[L.supply]!;
    if (supply === 0) return;
    const management = managementFeeShares(supply, t - v[L.lastFeeAccrual]!);
    const after = supply + management;
    const price = (nav + virtualUnit) / (after + virtualUnit);
    scratch[FEE_SHARES] = management;
    if (price <= mark) return;
    // Under one whole share in issue, no performance fee (the vault's rounding outweighs any gain); the mark moves.
    const performanceAssets =
      P[P_PERFORMANCE_FEE_BPS]! === 0 || after < 1
        ? 0
        : ((nav * (price - mark)) / price) * P[P_PERFORMANCE_FEE_BPS]! * INV_BPS;
    const performance =
      performanceAssets === 0 || performanceAssets >= nav ? 0 : (performanceAssets * after) / (nav - performanceAssets);
    scratch[FEE_SHARES] = management + performance;
    scratch[FEE_HWM] = (nav + virtualUnit) / (after + performance + virtualUnit);
  };

  /** PortfolioVault.accrueFees, as each module action calls it. */
  const accrueFees = (v: Float64Array, t: number, acc: Float64Array) => {
    const nav = valuesAndNav(v);
    pendingFees(v, nav, t);
    v[L.lastFeeAccrual] = t;
    v[L.highWaterMark] = scratch[FEE_HWM]!;
    const feeShares = scratch[FEE_SHARES]!;
    if (feeShares > 0) {
      const supply = v[L.supply]! + feeShares;
      v[L.supply] = supply;
      acc[A.fees] = acc[A.fees]! + (feeShares * (nav + virtualUnit)) / (supply + virtualUnit);
    }
  };

  /* TRADES */

  /**
   * SwapLib.swapWithinSlippage on risk asset `i`'s pool against `trialSqrt`: fills up to `amountIn` until the pool's
   * marginal price is the slippage bound less the pool fee away from the oracle. Sets `swap`; returns false when the
   * transaction would revert (pool price past the deviation bound, or a fill below the minimum output less the
   * pool's roundings: SwapLib.ROUNDING_WEI units of input and of output).
   */
  const swapWithinSlippage = (
    i: number,
    sellRisk: boolean,
    amountIn: number,
    slippageBps = P[P_MAX_SLIPPAGE_BPS]!,
    deviationBps = P[P_MAX_DEVIATION_BPS]!,
  ) => {
    swap.amountIn = 0;
    swap.amountOut = 0;
    const oracle = rel[i + 1]!;
    const token0 = riskIsToken0[i]!;
    const sqrtNow = trialSqrt[i]!;
    const poolPrice = priceOfSqrt(sqrtNow, token0);
    const gap = poolPrice > oracle ? poolPrice - oracle : oracle - poolPrice;
    if (gap * BPS > oracle * deviationBps) return false;
    const feeBps = Math.floor(poolFees[i]! / 100);
    if (slippageBps <= feeBps || amountIn <= 0) return true;
    const limit = sellRisk
      ? oracle * (BPS - (slippageBps - feeBps)) * INV_BPS
      : oracle * (BPS + slippageBps - feeBps) * INV_BPS;
    if (sellRisk ? poolPrice <= limit : poolPrice >= limit) return true;
    // Selling the risk asset lowers its price: token0 in when it is token0, token1 in otherwise.
    const zeroForOne = sellRisk === token0;
    swapExactIn(poolLiquidity[i]!, sqrtNow, zeroForOne, amountIn, poolFees[i]!, sqrtPriceOf(limit, token0), swap);
    trialSqrt[i] = swap.sqrtPriceAfter;
    const unitIn = sellRisk ? units[i + 1]! : units[0]!;
    const unitOut = sellRisk ? units[0]! : units[i + 1]!;
    const usedLessRounding = Math.max(swap.amountIn - ROUNDING_UNITS * unitIn, 0);
    const fair = sellRisk ? usedLessRounding * oracle : usedLessRounding / oracle;
    return swap.amountOut + ROUNDING_UNITS * unitOut >= fair * (BPS - slippageBps) * INV_BPS;
  };

  /**
   * PortfolioVault.rebalance, once `step` found it due (with `values` filled and their sum `total`): plans the trades
   * and runs them, or records a revert.
   */
  const rebalance = (v: Float64Array, t: number, acc: Float64Array, total: number) => {
    const nav = navOf(v, total);
    if (nav === 0) return;

    // Plan: sells first (they fund the buys), then buys limited to the base asset at hand.
    const maxTrade = nav * P[P_MAX_TRADE_BPS]! * INV_BPS;
    let baseAvailable = values[0]!;
    let count = 0;
    for (let i = 1; i < n; i++) {
      const target = total * weights[i]! * INV_BPS;
      if (values[i]! <= target) continue;
      const sellValue = Math.min(values[i]! - target, maxTrade);
      const amountIn = Math.min(sellValue / rel[i]!, v[L.balances + i]!);
      if (amountIn < units[i]!) continue;
      baseAvailable += amountIn * rel[i]! * (BPS - P[P_MAX_SLIPPAGE_BPS]!) * INV_BPS;
      planAsset[count] = i;
      planAmount[count] = amountIn;
      planSell[count++] = 1;
    }
    for (let i = 1; i < n; i++) {
      const target = total * weights[i]! * INV_BPS;
      if (values[i]! >= target) continue;
      const buyValue = Math.min(target - values[i]!, maxTrade, baseAvailable);
      if (buyValue < units[0]!) continue;
      baseAvailable -= buyValue;
      planAsset[count] = i;
      planAmount[count] = buyValue;
      planSell[count++] = 0;
    }

    // Execute on trial balances and pool prices: a revert anywhere undoes the whole transaction.
    for (let i = 0; i < n; i++) trialBalances[i] = v[L.balances + i]!;
    ensurePools();
    for (let i = 0; i < risks; i++) trialSqrt[i] = sqrtPrices[i]!;
    let executed = 0;
    let traded = 0;
    let complete = true;
    for (let k = 0; k < count; k++) {
      const i = planAsset[k]!;
      const sell = planSell[k] === 1;
      // A buy spends at most the base asset at hand: a sale the slippage bound cut short funds less than planned.
      const amountIn = sell ? planAmount[k]! : Math.min(planAmount[k]!, trialBalances[0]!);
      if (!swapWithinSlippage(i - 1, sell, amountIn))
        return revert(acc, () => ({ kind: "rebalance", trades: 0, reverted: true }));
      if (!(swap.amountIn >= planAmount[k]!)) complete = false;
      if (swap.amountIn <= 0) continue;
      const inIndex = sell ? i : 0;
      if (swap.amountIn > trialBalances[inIndex]! * (1 + 1e-12))
        return revert(acc, () => ({ kind: "rebalance", trades: 0, reverted: true }));
      trialBalances[inIndex] = trialBalances[inIndex]! - swap.amountIn;
      trialBalances[sell ? 0 : i] = trialBalances[sell ? 0 : i]! + swap.amountOut;
      traded += sell ? swap.amountOut : swap.amountIn;
      executed++;
    }
    // Nothing filled: the transaction reverts (VaultRebalanceNoFill). Only a plan filled in full starts the interval.
    if (executed === 0) return revert(acc, () => ({ kind: "rebalance", trades: 0, reverted: true }));
    for (let i = 0; i < n; i++) v[L.balances + i] = trialBalances[i]!;
    for (let i = 0; i < risks; i++) sqrtPrices[i] = trialSqrt[i]!;
    if (complete) v[L.lastRebalance] = t;
    acc[A.rebalances] = acc[A.rebalances]! + 1;
    acc[A.trades] = acc[A.trades]! + executed;
    acc[A.turnover] = acc[A.turnover]! + traded;
    acc[A.gas] = acc[A.gas]! + actionGas.rebalanceBase + executed * actionGas.rebalancePerTrade;
    onAction?.({ kind: "rebalance", trades: executed, reverted: false });
  };

  /** A keeper transaction that would revert: counted, logged as `record`, and nothing else changes. */
  const revert = (acc: Float64Array, record: () => ActionRecord) => {
    acc[A.reverts] = acc[A.reverts]! + 1;
    onAction?.(record());
    return false;
  };

  /* COLLATERAL MANAGER */

  /** CollateralManager.manage of the `action` and `planned` amount `step` found due: false when it would revert. */
  const collateralManage = (
    v: Float64Array,
    t: number,
    acc: Float64Array,
    action: CollateralActionCode,
    planned: number,
  ) => {
    let amount = planned;
    const price = rel[cmAsset]!;
    if (action === CollateralAction.Deleverage || action === CollateralAction.Repay) {
      // The vault's base asset first; what it cannot cover, collateral sold in the pool (Morpho's repay callback).
      if (!(amount > 0)) return revert(acc, () => ({ kind: "collateral", action, amount: 0, reverted: true }));
      const fromVault = Math.min(amount, v[L.balances]!);
      let fromCollateral = 0;
      if (amount > fromVault) {
        fromCollateral = sellCollateralFor(v, amount - fromVault, fromVault);
        if (fromCollateral < 0) return revert(acc, () => ({ kind: "collateral", action, amount: 0, reverted: true }));
      }
      if (fromVault > 0)
        v[L.balances] = v[L.balances]! - fromVault + repay(v, L.cmCollateral, cmFixedRate, t, fromVault, 1);
      if (fromCollateral > 0) {
        v[L.cmCollateral] = v[L.cmCollateral]! - scratch[SOLD_COLLATERAL]!;
        sqrtPrices[cmAsset - 1] = trialSqrt[cmAsset - 1]!;
        v[L.balances] = v[L.balances]! + scratch[SALE_PROCEEDS]! - fromCollateral;
        v[L.balances] = v[L.balances]! + repay(v, L.cmCollateral, cmFixedRate, t, fromCollateral, 1);
      }
      amount = fromVault + fromCollateral;
    } else if (action === CollateralAction.PostCollateral) {
      if (!(amount > 0)) return revert(acc, () => ({ kind: "collateral", action, amount: 0, reverted: true }));
      v[L.balances + cmAsset] = v[L.balances + cmAsset]! - amount;
      v[L.cmCollateral] = v[L.cmCollateral]! + amount;
    } else if (action === CollateralAction.Borrow) {
      // Morpho refuses a borrow past the market's LLTV, or beyond its liquidity.
      const unhealthy = cmDebt() + amount > v[L.cmCollateral]! * price * cmLltv;
      if (!(amount > 0) || unhealthy || !borrow(v, L.cmCollateral, cmFixedRate, t, amount, 1))
        return revert(acc, () => ({ kind: "collateral", action, amount: 0, reverted: true }));
      v[L.balances] = v[L.balances]! + amount;
    } else {
      addBorrowCost(accrue(v, L.cmCollateral, cmFixedRate, t));
      v[L.cmCollateral] = v[L.cmCollateral]! - amount;
      v[L.balances + cmAsset] = v[L.balances + cmAsset]! + amount;
    }
    accrueFees(v, t, acc);
    acc[A.collateralActions] = acc[A.collateralActions]! + 1;
    acc[A.gas] =
      acc[A.gas]! +
      (action === CollateralAction.PostCollateral || action === CollateralAction.WithdrawCollateral
        ? actionGas.collateralPost
        : actionGas.collateralLoan);
    onAction?.({ kind: "collateral", action, amount, reverted: false });
    return true;
  };

  /**
   * An exact-input sale of `amountIn` of risk asset `i` on its pool at `sqrtPrices[i]`, with no price limit
   * (SwapLib.swapExact): the minimum output is the only bound. Sets `swap`.
   */
  const sellExact = (i: number, amountIn: number) => {
    const token0 = riskIsToken0[i]!;
    const sqrtNow = sqrtPrices[i]!;
    swapExactIn(
      poolLiquidity[i]!,
      sqrtNow,
      token0,
      amountIn,
      poolFees[i]!,
      token0 ? sqrtNow * 1e-6 : sqrtNow * 1e6,
      swap,
    );
  };

  /** SwapLib.deriskSlippageBps for risk asset `i`'s pool: the slippage bound of exits and deleverages. */
  const deriskSlippage = (i: number) =>
    Math.max(P[P_MAX_SLIPPAGE_BPS]!, Math.floor(poolFees[i]! / 100) + DERISK_SLIPPAGE_OVER_FEE_BPS);

  /**
   * CollateralManager._repayFromCollateral on trial pool prices: the repayment (the `shortfall` scaled so that the
   * LTV lands on the target once the collateral is sold), the collateral sold (worth it at the oracle price over the
   * de-risking slippage bound) and its proceeds, left in `scratch`; −1 when the sale would miss its minimum output
   * (the transaction reverts). `fromVault` is repaid first.
   */
  const sellCollateralFor = (v: Float64Array, shortfall: number, fromVault: number) => {
    const i = cmAsset - 1;
    const price = rel[cmAsset]!;
    const slippage = deriskSlippage(i);
    const target = Math.min(P[P_TARGET_LTV_BPS]!, P[P_CM_MAX_LTV_BPS]!);
    const debt = Math.max(cmDebt() - fromVault, 0);
    let assets = BPS > slippage + target ? (shortfall * (BPS - slippage)) / (BPS - slippage - target) : debt;
    assets = Math.min(assets, debt);
    // CollateralManager._repayFromCollateral: the repayment over the bound, plus the pool's roundings (in base units).
    const collateralIn = Math.min(
      ((assets * BPS) / (BPS - slippage) + ROUNDING_UNITS * units[0]!) / price + units[cmAsset]!,
      v[L.cmCollateral]!,
    );
    ensurePools();
    sellExact(i, collateralIn);
    const minOut = Math.max(assets, collateralIn * price * (BPS - slippage) * INV_BPS);
    if (swap.amountOut < minOut) return -1;
    trialSqrt[i] = swap.sqrtPriceAfter;
    scratch[SOLD_COLLATERAL] = collateralIn;
    scratch[SALE_PROCEEDS] = swap.amountOut;
    return assets;
  };

  /* HEDGE */

  const exposure = (v: Float64Array) => v[L.balances + hAsset]! + (cmAsset === hAsset ? v[L.cmCollateral]! : 0);

  /** HedgeModule.manage of the `action` and `planned` amount `step` found due. */
  const hedgeManage = (v: Float64Array, t: number, acc: Float64Array, action: HedgeActionCode, planned: number) => {
    const i = hAsset - 1;
    const price = rel[hAsset]!;
    ensurePools();
    for (let k = 0; k < risks; k++) trialSqrt[k] = sqrtPrices[k]!;
    let amount = planned;
    let traded = 0;
    if (action === HedgeAction.Increase) {
      const collateral = v[L.hCollateral]!;
      const short = hedgeShort();
      const needed = ((short + amount) * price * BPS) / P[P_HEDGE_LTV_BPS]!;
      const margin = needed > collateral ? Math.min(needed - collateral, v[L.balances]!) : 0;
      if (margin < needed - Math.min(needed, collateral)) {
        const affordable = ((collateral + margin) * P[P_HEDGE_LTV_BPS]! * INV_BPS) / price;
        amount = affordable > short ? affordable - short : 0;
      }
      if (amount > 0) {
        // Work on a copy: a swap that reverts undoes the margin and the borrow.
        const saved = v.slice(L.hCollateral, L.hLastUpdate + 1);
        const savedBase = v[L.balances]!;
        const savedCost = accCurrent[A.borrowCost]!;
        v[L.balances] = v[L.balances]! - margin;
        v[L.hCollateral] = collateral + margin;
        if (!borrow(v, L.hCollateral, hFixedRate, t, amount, price) || !swapWithinSlippage(i, true, amount)) {
          v.set(saved, L.hCollateral);
          scratch[DEBT + 1] = expectedDebt(v, L.hCollateral, hFixedRate, t);
          v[L.balances] = savedBase;
          accCurrent[A.borrowCost] = savedCost;
          return revert(acc, () => ({ kind: "hedge", action, amount: 0, reverted: true }));
        }
        const sold = swap.amountIn;
        if (sold < amount) {
          v[L.balances + hAsset] =
            v[L.balances + hAsset]! + repay(v, L.hCollateral, hFixedRate, t, amount - sold, price);
        }
        v[L.balances] = v[L.balances]! + swap.amountOut;
        traded = swap.amountOut;
        amount = sold;
      }
    } else {
      // HedgeModule._decrease: the de-risking bound (never below the pool fee + 20 bps), no deviation guard.
      const slippage = deriskSlippage(i);
      let cost = amount * price * (BPS + slippage) * INV_BPS;
      cost = Math.min(cost, v[L.balances]!);
      let bought = 0;
      let spent = 0;
      if (cost > 0) {
        if (!swapWithinSlippage(i, false, cost, slippage, BPS))
          return revert(acc, () => ({ kind: "hedge", action, amount: 0, reverted: true }));
        spent = swap.amountIn;
        bought = swap.amountOut;
        v[L.balances] = v[L.balances]! - spent;
        if (bought > 0) {
          v[L.balances + hAsset] = v[L.balances + hAsset]! + repay(v, L.hCollateral, hFixedRate, t, bought, price);
        }
      }
      const short = hedgeShort();
      const needed = (short * price * BPS) / P[P_HEDGE_LTV_BPS]!;
      const collateral = v[L.hCollateral]!;
      // One unit more than needed stays while there is a short; none once it is closed.
      const keep = short === 0 ? 0 : needed + units[0]!;
      if (collateral > keep) {
        addBorrowCost(accrue(v, L.hCollateral, hFixedRate, t) * price);
        const released = collateral - keep;
        v[L.hCollateral] = collateral - released;
        v[L.balances] = v[L.balances]! + released;
      }
      traded = spent;
      amount = bought;
    }
    sqrtPrices[i] = trialSqrt[i]!;
    accrueFees(v, t, acc);
    acc[A.turnover] = acc[A.turnover]! + traded;
    acc[A.hedgeActions] = acc[A.hedgeActions]! + 1;
    acc[A.gas] = acc[A.gas]! + actionGas.hedge;
    onAction?.({ kind: "hedge", action, amount, reverted: false });
  };

  /* LIQUIDATIONS (Monte Carlo only: nobody liquidates on the differential tests' devnet) */

  /** Morpho's liquidation incentive factor for a market's LLTV: min(1.15, 1 / (1 − 0.3 · (1 − lltv))). */
  const incentive = (lltv: number) => Math.min(1.15, 1 / (1 - 0.3 * (1 - lltv)));

  /** A liquidator repays the collateral manager's debt and seizes its collateral (what it does not cover is bad debt). */
  const liquidateCollateral = (v: Float64Array, t: number, acc: Float64Array) => {
    const debt = cmDebt();
    const price = rel[cmAsset]!;
    const collateralValue = v[L.cmCollateral]! * price;
    const seized = Math.min(debt * incentive(cmLltv), collateralValue);
    addBorrowCost(accrue(v, L.cmCollateral, cmFixedRate, t));
    v[L.cmCollateral] = v[L.cmCollateral]! - seized / price;
    repay(v, L.cmCollateral, cmFixedRate, t, Infinity, 1);
    acc[A.liquidations] = acc[A.liquidations]! + 1;
    onAction?.({ kind: "liquidation", module: "collateral", repaid: debt });
  };

  /** A liquidator repays the hedge's short and seizes its base-asset collateral. */
  const liquidateHedge = (v: Float64Array, t: number, acc: Float64Array) => {
    const short = hedgeShort();
    const price = rel[hAsset]!;
    const collateral = v[L.hCollateral]!;
    const seized = Math.min(short * price * incentive(hLltv), collateral);
    addBorrowCost(accrue(v, L.hCollateral, hFixedRate, t) * price);
    v[L.hCollateral] = collateral - seized;
    repay(v, L.hCollateral, hFixedRate, t, Infinity, price);
    acc[A.liquidations] = acc[A.liquidations]! + 1;
    onAction?.({ kind: "liquidation", module: "hedge", repaid: short });
  };

  /** Health factors now; tracks the minimum and the hedge's P&L against the exposure it offsets. */
  const track = (v: Float64Array, t: number, acc: Float64Array) => {
    if (cm) {
      const debt = cmDebt();
      // health = lltv × collateral value / debt; divided only when it is a new low.
      const covered = v[L.cmCollateral]! * rel[cmAsset]! * cmLltv;
      if (debt > 0 && covered < acc[A.minHealth]! * debt) acc[A.minHealth] = covered / debt;
    }
    if (hedge) {
      const short = hedgeShort();
      const price = rel[hAsset]!;
      const covered = v[L.hCollateral]! * hLltv;
      if (short > 0 && covered < acc[A.minHealth]! * short * price) acc[A.minHealth] = covered / (short * price);
    }
  };

  /** Oracle prices in the base asset; the pools are realigned to them (their prices computed when a trade needs them). */
  let pricesFrom: Float64Array | undefined;
  /** The price offset of a cash exit that moved the pools since the cycle's realignment (see `step`). */
  let exitMovedPools: number | undefined;
  const setPrices = (usd: Float64Array, offset: number) => {
    if (pricesFrom === usd && scratch[PRICE_OFFSET] === offset) return;
    pricesFrom = usd;
    scratch[PRICE_OFFSET] = offset;
    scratch[POOLS_ALIGNED] = 1;
    const perBase = 1 / usd[offset]!;
    rel[0] = 1;
    for (let i = 1; i < n; i++) rel[i] = usd[offset + i]! * perBase;
  };
  const ensurePools = () => {
    if (scratch[POOLS_ALIGNED] === 0) return;
    scratch[POOLS_ALIGNED] = 0;
    for (let i = 1; i < n; i++) sqrtPrices[i - 1] = sqrtPriceOf(rel[i]!, riskIsToken0[i - 1]!);
  };

  /**
   * One keeper cycle. What is due (a liquidation, the rebalance band, the collateral manager's and the hedge's plans)
   * is worked out here, written out in this one function, and only the actions it finds due are calls: most cycles
   * act on nothing, and V8 runs these checks several times faster in line than behind calls.
   */
  const step = (
    v: Float64Array,
    usd: Float64Array,
    offset: number,
    t: number,
    acc: Float64Array,
    pricesFresh = true,
  ) => {
    accCurrent = acc;
    refreshDebts(v, t);
    scratch[STEP_TIME] = t;
    if (hedge) {
      // The hedge's P&L over the step against the P&L of the exposure it offsets, at the old positions.
      const move = usd[offset + hAsset]! / usd[offset]! - rel[hAsset]!;
      if (acc[A.lastExposure]! > 0 && rel[hAsset]! > 0) {
        const exposurePnl = acc[A.lastExposure]! * move;
        const hedgedPnl = exposurePnl - acc[A.lastShort]! * move;
        acc[A.exposurePnlSq] = acc[A.exposurePnlSq]! + exposurePnl * exposurePnl;
        acc[A.hedgedPnlSq] = acc[A.hedgedPnlSq]! + hedgedPnl * hedgedPnl;
      }
    }
    // The arbitrageurs realign every pool to the feeds, but a cash exit made since at these prices (`redeem`, between
    // the realignment and the keeper) leaves the pools where its sales moved them.
    if (exitMovedPools !== offset) pricesFrom = undefined;
    exitMovedPools = undefined;
    setPrices(usd, offset);
    track(v, t, acc);

    // A position whose LTV passed its market's LLTV since the last cycle is liquidated (in the Monte Carlo).
    if (options.liquidations) {
      if (cm && cmDebt() > 0 && cmDebt() > v[L.cmCollateral]! * rel[cmAsset]! * cmLltv) liquidateCollateral(v, t, acc);
      if (hedge && hedgeShort() > 0 && hedgeShort() * rel[hAsset]! > v[L.hCollateral]! * hLltv)
        liquidateHedge(v, t, acc);
    }
    // The vault and its modules price every action with answers no older than their heartbeat plus the grace.
    if (!pricesFresh) return;
    const before = acc[A.rebalances]! + acc[A.collateralActions]! + acc[A.hedgeActions]!;

    // PortfolioVault.rebalance is due when a holding's gross weight is further than the band from its target, once
    // the minimum interval has passed, unless rebalancing is paused.
    if (P[P_PAUSE_REBALANCE] === 0 && t >= v[L.lastRebalance]! + P[P_MIN_INTERVAL_SECONDS]!) {
      const total = fillValues(v);
      let due = false;
      for (let i = 0; i < n; i++) {
        const target = total * weights[i]! * INV_BPS;
        const gap = values[i]! > target ? values[i]! - target : target - values[i]!;
        if (gap * BPS > P[P_BAND_BPS]! * total) due = true;
      }
      if (due) rebalance(v, t, acc, total);
    }

    // CollateralManager.plan, then manage, up to three times as the keeper does: deleverage first (LTV above the
    // maximum or the LLTV less the health buffer), then post the target share, then hold the target LTV within the
    // band, then give back collateral above the target share.
    if (cm) {
      for (let k = 0; k < 3; k++) {
        const collateral = v[L.cmCollateral]!;
        const debt = cmDebt();
        const price = rel[cmAsset]!;
        const value = collateral * price;
        // CollateralManager.plan steers to the maximum when the target is above it.
        const targetLtv = Math.min(P[P_TARGET_LTV_BPS]!, P[P_CM_MAX_LTV_BPS]!);
        const band = P[P_LTV_BAND_BPS]!;
        const targetDebt = value * targetLtv * INV_BPS;
        const spot = v[L.balances + cmAsset]!;
        const posted = (spot + collateral) * P[P_POSTED_BPS]! * INV_BPS;
        const tolerance = posted * COLLATERAL_TOLERANCE_BPS * INV_BPS;
        let action: CollateralActionCode = CollateralAction.None;
        let amount = 0;
        if (debt > 0 && debt * BPS > P[P_CM_MAX_LTV_BPS]! * value) {
          action = CollateralAction.Deleverage;
          amount = debt - targetDebt;
        } else if (posted > collateral + tolerance) {
          action = CollateralAction.PostCollateral;
          amount = Math.min(posted - collateral, spot);
        } else if (debt * BPS > (targetLtv + band) * value) {
          action = CollateralAction.Repay;
          amount = debt - targetDebt;
        } else if (P[P_PAUSE_LEVERAGE] === 0 && targetLtv > band && debt * BPS < (targetLtv - band) * value) {
          action = CollateralAction.Borrow;
          amount = targetDebt - debt;
        } else {
          // Collateral above max(posted, backing) + tolerance goes back, backing = debt / target LTV / price (+ one
          // unit): compared without dividing, since this runs every cycle.
          const spare = collateral - tolerance;
          const backed = targetLtv === 0 ? debt === 0 : (spare - units[cmAsset]!) * targetLtv * price > debt * BPS;
          if (spare > posted && backed) {
            action = CollateralAction.WithdrawCollateral;
            const backing = targetLtv === 0 ? 0 : (debt * BPS) / targetLtv / price + units[cmAsset]!;
            amount = collateral - Math.max(posted, backing);
          }
        }
        if (action === CollateralAction.None || !collateralManage(v, t, acc, action, amount)) break;
      }
    }

    // HedgeModule.plan: deleverage within the health buffer of the LLTV, else hold the ratio within the band.
    if (hedge) {
      const collateral = v[L.hCollateral]!;
      const short = hedgeShort();
      const price = rel[hAsset]!;
      if (short > 0 && short * price * BPS > P[P_H_MAX_LTV_BPS]! * collateral) {
        const keep = (collateral * P[P_HEDGE_LTV_BPS]! * INV_BPS) / price;
        hedgeManage(v, t, acc, HedgeAction.Deleverage, short - Math.min(short, keep));
      } else {
        const held = exposure(v);
        const target = held * P[P_HEDGE_RATIO_BPS]! * INV_BPS;
        const gap = target > short ? target - short : short - target;
        if (gap * BPS > P[P_HEDGE_BAND_BPS]! * held && gap !== 0)
          hedgeManage(v, t, acc, target > short ? HedgeAction.Increase : HedgeAction.Decrease, gap);
      }
    }

    if (acc[A.rebalances]! + acc[A.collateralActions]! + acc[A.hedgeActions]! !== before) track(v, t, acc);
    if (hedge) {
      acc[A.lastExposure] = exposure(v);
      acc[A.lastShort] = hedgeShort();
    }
  };

  const nav = (v: Float64Array, usd: Float64Array, offset: number, t: number) => {
    // The step at `t` just before leaves its cached debts and prices current; at any other time, start afresh.
    if (scratch[STEP_TIME] !== t) {
      refreshDebts(v, t);
      pricesFrom = undefined;
    }
    setPrices(usd, offset);
    return valuesAndNav(v);
  };

  const sharePrice = (v: Float64Array, navNow: number, t: number) => {
    pendingFees(v, navNow, t);
    return (navNow + virtualUnit) / (v[L.supply]! + scratch[FEE_SHARES]! + virtualUnit);
  };

  /**
   * NAV at entry prices (PortfolioVault._entryPriceWad): each risk asset the vault holds at the higher of its oracle
   * price and its pool's, what the hedge owes at the lower.
   */
  const entryNavOf = (v: Float64Array) => {
    ensurePools();
    let gross = v[L.balances]!;
    for (let i = 1; i < n; i++) {
      let amount = v[L.balances + i]!;
      if (i === cmAsset) amount += v[L.cmCollateral]!;
      if (amount === 0) continue;
      gross += amount * Math.max(rel[i]!, priceOfSqrt(sqrtPrices[i - 1]!, riskIsToken0[i - 1]!));
    }
    if (!hedge) return navOf(v, gross);
    return navOf(v, gross, Math.min(rel[hAsset]!, priceOfSqrt(sqrtPrices[hAsset - 1]!, riskIsToken0[hAsset - 1]!)));
  };

  const deposit = (
    v: Float64Array,
    usd: Float64Array,
    offset: number,
    t: number,
    assets: number,
    acc: Float64Array,
  ) => {
    refreshDebts(v, t);
    scratch[STEP_TIME] = t;
    pricesFrom = undefined;
    setPrices(usd, offset);
    accrueFees(v, t, acc);
    const nav = valuesAndNav(v);
    const entryNav = entryNavOf(v);
    const supply = v[L.supply]!;
    const shares = (assets * (supply + virtualUnit)) / (entryNav + virtualUnit);
    v[L.balances] = v[L.balances]! + assets;
    v[L.supply] = supply + shares;
    // PortfolioVault._afterEntry: the first holders' price starts the high-water mark.
    if (supply === 0) v[L.highWaterMark] = (nav + assets + virtualUnit) / (shares + virtualUnit);
    return shares;
  };

  const redeemInKind = (
    v: Float64Array,
    usd: Float64Array,
    offset: number,
    t: number,
    shares: number,
    out: Float64Array,
    acc: Float64Array,
    exitPricesValid = true,
  ) => {
    refreshDebts(v, t);
    scratch[STEP_TIME] = NaN;
    pricesFrom = undefined;
    if (exitPricesValid) {
      setPrices(usd, offset);
      accrueFees(v, t, acc);
    } else {
      // PortfolioVault._accrueManagementFee.
      const supplyBefore = v[L.supply]!;
      const elapsed = t - v[L.lastFeeAccrual]!;
      v[L.lastFeeAccrual] = t;
      if (supplyBefore > 0 && elapsed > 0) v[L.supply] = supplyBefore + managementFeeShares(supplyBefore, elapsed);
    }
    // ExitPlanLib.plan: every repayment from the redeemer's own amounts before any collateral is counted in.
    const part = shares / (v[L.supply]! + virtualUnit);
    for (let i = 0; i < n; i++) {
      out[i] = v[L.balances + i]! * part;
      v[L.balances + i] = v[L.balances + i]! - out[i]!;
    }
    let released = 0;
    if (cm) {
      const debtPart = cmDebt() * part;
      const repaid = Math.min(out[0]!, debtPart);
      released = v[L.cmCollateral]! * part * (debtPart > 0 ? repaid / debtPart : 1);
      out[0] = out[0]! - repaid;
      if (repaid > 0) repay(v, L.cmCollateral, cmFixedRate, t, repaid, 1);
      v[L.cmCollateral] = v[L.cmCollateral]! - released;
    }
    if (hedge) {
      const shortPart = hedgeShort() * part;
      const repaid = Math.min(out[hAsset]!, shortPart);
      const margin = v[L.hCollateral]! * part * (shortPart > 0 ? repaid / shortPart : 1);
      out[hAsset] = out[hAsset]! - repaid;
      if (repaid > 0) repay(v, L.hCollateral, hFixedRate, t, repaid, rel[hAsset]!);
      v[L.hCollateral] = v[L.hCollateral]! - margin;
      out[0] = out[0]! + margin;
    }
    if (cm) out[cmAsset] = out[cmAsset]! + released;
    v[L.supply] = v[L.supply]! - shares;
  };

  const redeem = (...args: ExitArgs) => {
    const [v, , offset, , , out, acc] = args;
    // All or nothing, as a transaction: what a revert puts back (a withdrawal is no hot path).
    const [savedVector, savedAcc, savedSqrt] = [v.slice(), acc.slice(), sqrtPrices.slice()];
    redeemInKind(...args);
    ensurePools();
    let assets = out[0]!;
    for (let i = 1; i < n; i++) {
      const amountIn = out[i]!;
      if (amountIn === 0) continue;
      const k = i - 1;
      sellExact(k, amountIn);
      if (swap.amountOut < amountIn * rel[i]! * (BPS - deriskSlippage(k)) * INV_BPS) {
        v.set(savedVector);
        acc.set(savedAcc);
        sqrtPrices.set(savedSqrt);
        // The pools stand where the step's arbitrageurs left them: at the feeds' prices.
        pricesFrom = undefined;
        return -1;
      }
      sqrtPrices[k] = swap.sqrtPriceAfter;
      assets += swap.amountOut;
    }
    exitMovedPools = offset;
    return assets;
  };

  const record = (
    v: Float64Array,
    usd: Float64Array,
    offset: number,
    t: number,
    navs: Float64Array,
    sharePrices: Float64Array,
    index: number,
  ) => {
    const value = nav(v, usd, offset, t);
    navs[index] = value;
    sharePrices[index] = sharePrice(v, value, t);
  };

  const encode = (state: VaultState, into: Float64Array) => {
    scratch[STEP_TIME] = NaN;
    pricesFrom = undefined;
    return encodeState(setup, state, into);
  };

  const decode = (v: Float64Array, timeSeconds: number) => decodeState(setup, v, timeSeconds);

  const runPath = (
    start: Float64Array,
    v: Float64Array,
    usd: Float64Array,
    steps: number,
    startSeconds: number,
    stepSeconds: number,
    navs: Float64Array,
    sharePrices: Float64Array,
    acc: Float64Array,
  ) => {
    v.set(start);
    resetAccumulators(acc);
    scratch[STEP_TIME] = NaN;
    pricesFrom = undefined;
    record(v, usd, 0, startSeconds, navs, sharePrices, 0);
    for (let k = 1; k <= steps; k++) {
      const t = startSeconds + k * stepSeconds;
      step(v, usd, k * n, t, acc);
      record(v, usd, k * n, t, navs, sharePrices, k);
    }
  };

  return {
    stateSize,
    load,
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
  return kernel;
}
