/**
 * PortfolioVault.rebalance, once it is due (the band trigger is keeperCycle.ts's): trades planned toward the target
 * weights, each capped at `rebalance.maxTradeBps` of NAV, sells before buys, buys limited to the base asset at hand;
 * each filled within the slippage bound on its pool, and the whole transaction reverted when any fill would.
 */
import { basisPoints, countRevert, paramLayout, type KernelContext } from "./kernel.ts";
import { actionGas } from "./gas.ts";
import type { Prices } from "./prices.ts";
import { accumulatorLayout, stateLayout } from "./stateVector.ts";
import type { Swaps } from "./swaps.ts";
import type { Valuation } from "./valuation.ts";

// Basis points and the layouts' offsets as this module's constants: an imported one read in the hot loop is a chain
// of loads.
const { whole: BPS, inverse: INV_BPS } = basisPoints;
const { balances: BALANCES, lastRebalance: LAST_REBALANCE } = stateLayout;
const {
  gas: GAS,
  poolFees: POOL_FEES,
  rebalances: REBALANCES,
  slippage: SLIPPAGE,
  trades: TRADES,
  turnover: TURNOVER,
  tradeCapBound: TRADE_CAP_BOUND,
} = accumulatorLayout;
const { maxSlippageBps: MAX_SLIPPAGE_BPS, maxTradeBps: MAX_TRADE_BPS } = paramLayout;

export type Rebalance = ReturnType<typeof createRebalance>;

export function createRebalance(context: KernelContext, valuation: Valuation, prices: Prices, swaps: Swaps) {
  const {
    assetCount,
    riskCount,
    params,
    weightsBps,
    values,
    pricesInBase,
    unitSizes,
    sqrtPrices,
    trialSqrtPrices,
    swap,
    onAction,
  } = context;
  const { navOf } = valuation;
  const { ensurePools } = prices;
  const { swapWithinSlippage, costOfFill, fillCost } = swaps;
  // The plan (asset, amount in, sell or buy per trade) and the balances as its trades fill, reused by every rebalance.
  const planAsset = new Int32Array(riskCount);
  const planAmount = new Float64Array(riskCount);
  const planSell = new Uint8Array(riskCount);
  const trialBalances = new Float64Array(assetCount);

  const reverted = (acc: Float64Array) =>
    countRevert(context, acc, () => ({ kind: "rebalance", trades: 0, reverted: true }));

  /**
   * The rebalance, once found due (with `values` filled and their sum `total`): plans the trades and runs them, or
   * records a revert.
   */
  const rebalance = (vector: Float64Array, timeSeconds: number, acc: Float64Array, total: number) => {
    const nav = navOf(vector, total);
    if (nav === 0) return;

    // Plan: sells first (they fund the buys), then buys limited to the base asset at hand.
    const maxTrade = nav * params[MAX_TRADE_BPS]! * INV_BPS;
    let baseAvailable = values[0]!;
    let count = 0;
    let capBound = false;
    for (let asset = 1; asset < assetCount; asset++) {
      const target = total * weightsBps[asset]! * INV_BPS;
      if (values[asset]! <= target) continue;
      if (values[asset]! - target > maxTrade) capBound = true;
      const sellValue = Math.min(values[asset]! - target, maxTrade);
      const amountIn = Math.min(sellValue / pricesInBase[asset]!, vector[BALANCES + asset]!);
      if (amountIn < unitSizes[asset]!) continue;
      baseAvailable += amountIn * pricesInBase[asset]! * (BPS - params[MAX_SLIPPAGE_BPS]!) * INV_BPS;
      planAsset[count] = asset;
      planAmount[count] = amountIn;
      planSell[count++] = 1;
    }
    for (let asset = 1; asset < assetCount; asset++) {
      const target = total * weightsBps[asset]! * INV_BPS;
      if (values[asset]! >= target) continue;
      if (target - values[asset]! > maxTrade && baseAvailable > maxTrade) capBound = true;
      const buyValue = Math.min(target - values[asset]!, maxTrade, baseAvailable);
      if (buyValue < unitSizes[0]!) continue;
      baseAvailable -= buyValue;
      planAsset[count] = asset;
      planAmount[count] = buyValue;
      planSell[count++] = 0;
    }

    // Execute on trial balances and pool prices: a revert anywhere undoes the whole transaction.
    for (let asset = 0; asset < assetCount; asset++) trialBalances[asset] = vector[BALANCES + asset]!;
    ensurePools();
    for (let risk = 0; risk < riskCount; risk++) trialSqrtPrices[risk] = sqrtPrices[risk]!;
    let executed = 0;
    let traded = 0;
    let poolFees = 0;
    let slippage = 0;
    let complete = true;
    for (let trade = 0; trade < count; trade++) {
      const asset = planAsset[trade]!;
      const sell = planSell[trade] === 1;
      // A buy spends at most the base asset at hand: a sale the slippage bound cut short funds less than planned.
      const amountIn = sell ? planAmount[trade]! : Math.min(planAmount[trade]!, trialBalances[0]!);
      if (!swapWithinSlippage(asset - 1, sell, amountIn)) return reverted(acc);
      if (!(swap.amountIn >= planAmount[trade]!)) complete = false;
      if (swap.amountIn <= 0) continue;
      const inIndex = sell ? asset : 0;
      if (swap.amountIn > trialBalances[inIndex]! * (1 + 1e-12)) return reverted(acc);
      trialBalances[inIndex] = trialBalances[inIndex]! - swap.amountIn;
      trialBalances[sell ? 0 : asset] = trialBalances[sell ? 0 : asset]! + swap.amountOut;
      traded += sell ? swap.amountOut : swap.amountIn;
      costOfFill(asset - 1, sell);
      poolFees += fillCost[0]!;
      slippage += fillCost[1]!;
      executed++;
    }
    // Nothing filled: the transaction reverts (VaultRebalanceNoFill). Only a plan filled in full starts the interval.
    if (executed === 0) return reverted(acc);
    for (let asset = 0; asset < assetCount; asset++) vector[BALANCES + asset] = trialBalances[asset]!;
    for (let risk = 0; risk < riskCount; risk++) sqrtPrices[risk] = trialSqrtPrices[risk]!;
    if (complete) vector[LAST_REBALANCE] = timeSeconds;
    acc[REBALANCES] = acc[REBALANCES]! + 1;
    if (capBound) acc[TRADE_CAP_BOUND] = acc[TRADE_CAP_BOUND]! + 1;
    acc[TRADES] = acc[TRADES]! + executed;
    acc[TURNOVER] = acc[TURNOVER]! + traded;
    acc[POOL_FEES] = acc[POOL_FEES]! + poolFees;
    acc[SLIPPAGE] = acc[SLIPPAGE]! + slippage;
    acc[GAS] = acc[GAS]! + actionGas.rebalanceBase + executed * actionGas.rebalancePerTrade;
    onAction?.({ kind: "rebalance", trades: executed, reverted: false });
  };

  return { rebalance };
}
