/**
 * The CollateralManager's actions on its Morpho market (CollateralManager.manage): deleverage and repay (from the
 * vault's base asset, then from collateral sold on the pool), post collateral, borrow, withdraw collateral. Its plan,
 * which decides the action and amount toward the target and maximum LTVs, is keeperCycle.ts's.
 */
import { CollateralAction, type CollateralActionCode } from "./actions.ts";
import type { Fees } from "./fees.ts";
import { actionGas } from "./gas.ts";
import { basisPoints, countRevert, paramLayout, type KernelContext } from "./kernel.ts";
import type { Lending } from "./lending.ts";
import type { Prices } from "./prices.ts";
import { accumulatorLayout, stateLayout } from "./stateVector.ts";
import { ROUNDING_UNITS, type Swaps } from "./swaps.ts";

// Basis points and the layouts' offsets as this module's constants: an imported one read in the hot loop is a chain
// of loads.
const { whole: BPS, inverse: INV_BPS } = basisPoints;
const { balances: BALANCES, cmCollateral: CM_COLLATERAL } = stateLayout;
const { collateralActions: COLLATERAL_ACTIONS, gas: GAS } = accumulatorLayout;
const { collateralMaxLtvBps: COLLATERAL_MAX_LTV_BPS, targetLtvBps: TARGET_LTV_BPS } = paramLayout;

export type Collateral = ReturnType<typeof createCollateral>;

export function createCollateral(context: KernelContext, lending: Lending, fees: Fees, prices: Prices, swaps: Swaps) {
  const {
    params,
    pricesInBase,
    unitSizes,
    sqrtPrices,
    trialSqrtPrices,
    swap,
    onAction,
    collateralAsset,
    collateralLltv,
    collateralFixedRatePerSecond: fixedRate,
  } = context;
  const { accrue, addBorrowCost, borrow, repay, collateralDebt } = lending;
  const { accrueFees } = fees;
  const { ensurePools } = prices;
  const { sellExact, deriskSlippage, chargeFill } = swaps;
  const position = CM_COLLATERAL;
  /** A repayment from collateral: the collateral sold and what it fetched (see `sellCollateralFor`). */
  const scratch = new Float64Array(2);
  const SOLD_COLLATERAL = 0;
  const SALE_PROCEEDS = 1;

  const reverted = (acc: Float64Array, action: CollateralActionCode) =>
    countRevert(context, acc, () => ({ kind: "collateral", action, amount: 0, reverted: true }));

  /**
   * CollateralManager._repayFromCollateral on trial pool prices: the repayment (the `shortfall` scaled so that the
   * LTV lands on the target once the collateral is sold), the collateral sold (worth it at the oracle price over the
   * de-risking slippage bound) and its proceeds, left in `scratch`; −1 when the sale would miss its minimum output
   * (the transaction reverts). `fromVault` is repaid first.
   */
  const sellCollateralFor = (vector: Float64Array, shortfall: number, fromVault: number) => {
    const risk = collateralAsset - 1;
    const price = pricesInBase[collateralAsset]!;
    const slippage = deriskSlippage(risk);
    const target = Math.min(params[TARGET_LTV_BPS]!, params[COLLATERAL_MAX_LTV_BPS]!);
    const debt = Math.max(collateralDebt() - fromVault, 0);
    let assets = BPS > slippage + target ? (shortfall * (BPS - slippage)) / (BPS - slippage - target) : debt;
    assets = Math.min(assets, debt);
    // The repayment over the bound, plus the pool's roundings (in base units).
    const collateralIn = Math.min(
      ((assets * BPS) / (BPS - slippage) + ROUNDING_UNITS * unitSizes[0]!) / price + unitSizes[collateralAsset]!,
      vector[position]!,
    );
    ensurePools();
    sellExact(risk, collateralIn);
    const minOut = Math.max(assets, collateralIn * price * (BPS - slippage) * INV_BPS);
    if (swap.amountOut < minOut) return -1;
    trialSqrtPrices[risk] = swap.sqrtPriceAfter;
    scratch[SOLD_COLLATERAL] = collateralIn;
    scratch[SALE_PROCEEDS] = swap.amountOut;
    return assets;
  };

  /** CollateralManager.manage of `action` and its `planned` amount: false when it would revert. */
  const manageCollateral = (
    vector: Float64Array,
    timeSeconds: number,
    acc: Float64Array,
    action: CollateralActionCode,
    planned: number,
  ) => {
    let amount = planned;
    const price = pricesInBase[collateralAsset]!;
    if (action === CollateralAction.Deleverage || action === CollateralAction.Repay) {
      // The vault's base asset first; what it cannot cover, collateral sold in the pool (Morpho's repay callback).
      if (!(amount > 0)) return reverted(acc, action);
      const fromVault = Math.min(amount, vector[BALANCES]!);
      let fromCollateral = 0;
      if (amount > fromVault) {
        fromCollateral = sellCollateralFor(vector, amount - fromVault, fromVault);
        if (fromCollateral < 0) return reverted(acc, action);
      }
      if (fromVault > 0)
        vector[BALANCES] =
          vector[BALANCES]! - fromVault + repay(vector, position, fixedRate, timeSeconds, fromVault, 1);
      if (fromCollateral > 0) {
        // `swap` still holds the collateral's sale (the repayment above does not trade).
        chargeFill(acc, collateralAsset - 1, true);
        vector[position] = vector[position]! - scratch[SOLD_COLLATERAL]!;
        sqrtPrices[collateralAsset - 1] = trialSqrtPrices[collateralAsset - 1]!;
        vector[BALANCES] = vector[BALANCES]! + scratch[SALE_PROCEEDS]! - fromCollateral;
        vector[BALANCES] = vector[BALANCES]! + repay(vector, position, fixedRate, timeSeconds, fromCollateral, 1);
      }
      amount = fromVault + fromCollateral;
    } else if (action === CollateralAction.PostCollateral) {
      if (!(amount > 0)) return reverted(acc, action);
      vector[BALANCES + collateralAsset] = vector[BALANCES + collateralAsset]! - amount;
      vector[position] = vector[position]! + amount;
    } else if (action === CollateralAction.Borrow) {
      // Morpho refuses a borrow past the market's LLTV, or beyond its liquidity.
      const unhealthy = collateralDebt() + amount > vector[position]! * price * collateralLltv;
      if (!(amount > 0) || unhealthy || !borrow(vector, position, fixedRate, timeSeconds, amount, 1))
        return reverted(acc, action);
      vector[BALANCES] = vector[BALANCES]! + amount;
    } else {
      addBorrowCost(accrue(vector, position, fixedRate, timeSeconds));
      vector[position] = vector[position]! - amount;
      vector[BALANCES + collateralAsset] = vector[BALANCES + collateralAsset]! + amount;
    }
    accrueFees(vector, timeSeconds, acc);
    acc[COLLATERAL_ACTIONS] = acc[COLLATERAL_ACTIONS]! + 1;
    acc[GAS] =
      acc[GAS]! +
      (action === CollateralAction.PostCollateral || action === CollateralAction.WithdrawCollateral
        ? actionGas.collateralPost
        : actionGas.collateralLoan);
    onAction?.({ kind: "collateral", action, amount, reverted: false });
    return true;
  };

  return { manageCollateral };
}
