/**
 * The HedgeModule's actions: a short of the hedged asset on its Morpho market against base-asset collateral, increased
 * (margin posted, the asset borrowed and sold within the slippage bound) or decreased and deleveraged (bought back
 * within the de-risking bound, repaid, the margin not needed released); and the exposure it hedges. When each is due
 * (`hedge.ratioBps` of the exposure, within `hedge.bandBps`, or past the health buffer) is keeperCycle.ts's.
 */
import { HedgeAction, type HedgeActionCode } from "./actions.ts";
import type { Fees } from "./fees.ts";
import { actionGas } from "./gas.ts";
import { basisPoints, countRevert, paramLayout, type KernelContext } from "./kernel.ts";
import type { Lending } from "./lending.ts";
import type { Prices } from "./prices.ts";
import { accumulatorLayout, positionLayout, stateLayout } from "./stateVector.ts";
import type { Swaps } from "./swaps.ts";

// Basis points and the layouts' offsets as this module's constants: an imported one read in the hot loop is a chain
// of loads.
const { whole: BPS, inverse: INV_BPS } = basisPoints;
const { balances: BALANCES, cmCollateral: CM_COLLATERAL, hCollateral: H_COLLATERAL } = stateLayout;
const { lastUpdate: LAST_UPDATE } = positionLayout;
const {
  borrowCost: BORROW_COST,
  gas: GAS,
  hedgeActions: HEDGE_ACTIONS,
  hedgeBorrowCost: HEDGE_BORROW_COST,
  hedgeTradeCost: HEDGE_TRADE_COST,
  turnover: TURNOVER,
} = accumulatorLayout;
const { hedgeLtvBps: HEDGE_LTV_BPS } = paramLayout;

export type Hedge = ReturnType<typeof createHedge>;

export function createHedge(context: KernelContext, lending: Lending, fees: Fees, prices: Prices, swaps: Swaps) {
  const {
    riskCount,
    params,
    pricesInBase,
    unitSizes,
    sqrtPrices,
    trialSqrtPrices,
    swap,
    onAction,
    collateralAsset,
    hedgeAsset,
    hedgeFixedRatePerSecond: fixedRate,
  } = context;
  const { accrue, addBorrowCost, borrow, repay, hedgeShort, refreshHedgeShort } = lending;
  const { accrueFees } = fees;
  const { ensurePools } = prices;
  const { swapWithinSlippage, deriskSlippage, chargeFill } = swaps;
  const position = H_COLLATERAL;
  const risk = hedgeAsset - 1;
  const reverted = (acc: Float64Array, action: HedgeActionCode) =>
    countRevert(context, acc, () => ({ kind: "hedge", action, amount: 0, reverted: true }));

  /** The vault's exposure to the hedged asset: its balance, and the collateral manager's collateral when the same. */
  const exposure = (vector: Float64Array) =>
    vector[BALANCES + hedgeAsset]! + (collateralAsset === hedgeAsset ? vector[CM_COLLATERAL]! : 0);

  /** HedgeModule.manage of `action` and its `planned` amount. */
  const manageHedge = (
    vector: Float64Array,
    timeSeconds: number,
    acc: Float64Array,
    action: HedgeActionCode,
    planned: number,
  ) => {
    const price = pricesInBase[hedgeAsset]!;
    ensurePools();
    for (let pool = 0; pool < riskCount; pool++) trialSqrtPrices[pool] = sqrtPrices[pool]!;
    let amount = planned;
    let traded = 0;
    if (action === HedgeAction.Increase) {
      const collateral = vector[position]!;
      const short = hedgeShort();
      const needed = ((short + amount) * price * BPS) / params[HEDGE_LTV_BPS]!;
      const margin = needed > collateral ? Math.min(needed - collateral, vector[BALANCES]!) : 0;
      if (margin < needed - Math.min(needed, collateral)) {
        const affordable = ((collateral + margin) * params[HEDGE_LTV_BPS]! * INV_BPS) / price;
        amount = affordable > short ? affordable - short : 0;
      }
      if (amount > 0) {
        // Work on a copy: a swap that reverts undoes the margin and the borrow. (`step` charges interest to `acc`.)
        const saved = vector.slice(position, position + LAST_UPDATE + 1);
        const savedBase = vector[BALANCES]!;
        const savedCost = acc[BORROW_COST]!;
        const savedHedgeCost = acc[HEDGE_BORROW_COST]!;
        vector[BALANCES] = vector[BALANCES]! - margin;
        vector[position] = collateral + margin;
        if (
          !borrow(vector, position, fixedRate, timeSeconds, amount, price) ||
          !swapWithinSlippage(risk, true, amount)
        ) {
          vector.set(saved, position);
          refreshHedgeShort(vector, timeSeconds);
          vector[BALANCES] = savedBase;
          acc[BORROW_COST] = savedCost;
          acc[HEDGE_BORROW_COST] = savedHedgeCost;
          return reverted(acc, action);
        }
        const sold = swap.amountIn;
        acc[HEDGE_TRADE_COST] = acc[HEDGE_TRADE_COST]! + chargeFill(acc, risk, true);
        if (sold < amount) {
          vector[BALANCES + hedgeAsset] =
            vector[BALANCES + hedgeAsset]! + repay(vector, position, fixedRate, timeSeconds, amount - sold, price);
        }
        vector[BALANCES] = vector[BALANCES]! + swap.amountOut;
        traded = swap.amountOut;
        amount = sold;
      }
    } else {
      // HedgeModule._decrease: the de-risking bound (never below the pool fee + 20 bps), no deviation guard.
      const slippage = deriskSlippage(risk);
      let cost = amount * price * (BPS + slippage) * INV_BPS;
      cost = Math.min(cost, vector[BALANCES]!);
      let bought = 0;
      let spent = 0;
      if (cost > 0) {
        if (!swapWithinSlippage(risk, false, cost, slippage, BPS)) return reverted(acc, action);
        spent = swap.amountIn;
        bought = swap.amountOut;
        acc[HEDGE_TRADE_COST] = acc[HEDGE_TRADE_COST]! + chargeFill(acc, risk, false);
        vector[BALANCES] = vector[BALANCES]! - spent;
        if (bought > 0) {
          vector[BALANCES + hedgeAsset] =
            vector[BALANCES + hedgeAsset]! + repay(vector, position, fixedRate, timeSeconds, bought, price);
        }
      }
      const short = hedgeShort();
      const needed = (short * price * BPS) / params[HEDGE_LTV_BPS]!;
      const collateral = vector[position]!;
      // One unit more than needed stays while there is a short; none once it is closed.
      const keep = short === 0 ? 0 : needed + unitSizes[0]!;
      if (collateral > keep) {
        addBorrowCost(accrue(vector, position, fixedRate, timeSeconds) * price);
        const released = collateral - keep;
        vector[position] = collateral - released;
        vector[BALANCES] = vector[BALANCES]! + released;
      }
      traded = spent;
      amount = bought;
    }
    sqrtPrices[risk] = trialSqrtPrices[risk]!;
    accrueFees(vector, timeSeconds, acc);
    acc[TURNOVER] = acc[TURNOVER]! + traded;
    acc[HEDGE_ACTIONS] = acc[HEDGE_ACTIONS]! + 1;
    acc[GAS] = acc[GAS]! + actionGas.hedge;
    onAction?.({ kind: "hedge", action, amount, reverted: false });
  };

  return { manageHedge, exposure };
}
