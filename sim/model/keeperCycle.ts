/**
 * One keeper cycle, what the devnet's keeper does each day: feeds move, arbitrageurs realign every pool to its
 * oracle price, a position past its market's LLTV is liquidated (in the Monte Carlo), then a rebalance if one is due,
 * up to three collateral actions, and one hedge action. Each action lives with its concern (rebalance.ts,
 * collateral.ts, hedge.ts, liquidations.ts); what is due is decided here, in the cycle's one function.
 *
 * Why here: most cycles act on nothing, and these checks run millions of times a second only when they are in line.
 * TurboFan inlines at most 920 bytes of bytecode into a function, its own body aside; the checks behind a call each
 * (a `rebalanceIfDue`, a `planCollateral`, a hedge plan) overran that budget and made `npm run bench:sim` 20–25%
 * slower.
 */
import { CollateralAction, HedgeAction, type CollateralActionCode } from "./actions.ts";
import type { Collateral } from "./collateral.ts";
import type { Hedge } from "./hedge.ts";
import { basisPoints, paramLayout, type KernelContext } from "./kernel.ts";
import type { Lending } from "./lending.ts";
import type { Liquidations } from "./liquidations.ts";
import type { Prices } from "./prices.ts";
import type { Rebalance } from "./rebalance.ts";
import { accumulatorLayout, stateLayout } from "./stateVector.ts";
import type { Valuation } from "./valuation.ts";

// Basis points and the layouts' offsets as this module's constants: an imported one read in the hot loop is a chain
// of loads.
const { whole: BPS, inverse: INV_BPS } = basisPoints;
const {
  balances: BALANCES,
  cmCollateral: CM_COLLATERAL,
  hCollateral: H_COLLATERAL,
  lastRebalance: LAST_REBALANCE,
} = stateLayout;
const {
  collateralActions: COLLATERAL_ACTIONS,
  exposurePnlSq: EXPOSURE_PNL_SQ,
  hedgeActions: HEDGE_ACTIONS,
  hedgedPnlSq: HEDGED_PNL_SQ,
  lastExposure: LAST_EXPOSURE,
  lastShort: LAST_SHORT,
  rebalances: REBALANCES,
} = accumulatorLayout;
const {
  bandBps: BAND_BPS,
  collateralMaxLtvBps: COLLATERAL_MAX_LTV_BPS,
  hedgeBandBps: HEDGE_BAND_BPS,
  hedgeLtvBps: HEDGE_LTV_BPS,
  hedgeMaxLtvBps: HEDGE_MAX_LTV_BPS,
  hedgeRatioBps: HEDGE_RATIO_BPS,
  ltvBandBps: LTV_BAND_BPS,
  minIntervalSeconds: MIN_INTERVAL_SECONDS,
  pauseLeverage: PAUSE_LEVERAGE,
  pauseRebalance: PAUSE_REBALANCE,
  postedBps: POSTED_BPS,
  targetLtvBps: TARGET_LTV_BPS,
} = paramLayout;

/** CollateralManager's COLLATERAL_TOLERANCE_BPS: posting or withdrawing less than this share is not worth it. */
const COLLATERAL_TOLERANCE_BPS = 100;
/** CollateralManager.manage calls a keeper makes in one cycle at the most. */
const COLLATERAL_ACTIONS_PER_CYCLE = 3;

export type KeeperCycleParts = {
  lending: Lending;
  prices: Prices;
  valuation: Valuation;
  rebalance: Rebalance;
  collateral: Collateral;
  hedge: Hedge;
  liquidations: Liquidations;
};

/** The keeper cycle over `parts`; with `liquidate`, a liquidator watches the modules' positions. */
export function createKeeperCycle(context: KernelContext, parts: KeeperCycleParts, liquidate: boolean) {
  const {
    assetCount,
    params,
    weightsBps,
    values,
    pricesInBase,
    unitSizes,
    cycleSeconds,
    hasCollateral,
    hasHedge,
    collateralAsset,
    hedgeAsset,
    collateralLltv,
    hedgeLltv,
  } = context;
  const { refreshDebts, chargeInterestTo, collateralDebt, hedgeShort, accrueMarkets } = parts.lending;
  const { realignPools } = parts.prices;
  const { fillValues } = parts.valuation;
  const { rebalance } = parts.rebalance;
  const { manageCollateral } = parts.collateral;
  const { manageHedge, exposure } = parts.hedge;
  const { liquidateCollateral, liquidateHedge, trackHealth } = parts.liquidations;

  /**
   * One keeper cycle at `timeSeconds`, with USD prices `usd[offset + asset]`. With `pricesFresh` false the contracts
   * refuse every action, and so does the cycle: interest accrues, nothing else.
   */
  const step = (
    vector: Float64Array,
    usd: Float64Array,
    offset: number,
    timeSeconds: number,
    acc: Float64Array,
    pricesFresh = true,
  ) => {
    chargeInterestTo(acc);
    accrueMarkets(vector, timeSeconds, usd, offset);
    refreshDebts(vector, timeSeconds);
    cycleSeconds[0] = timeSeconds;
    if (hasHedge) {
      // The hedge's P&L over the step against the P&L of the exposure it offsets, at the old positions.
      const move = usd[offset + hedgeAsset]! / usd[offset]! - pricesInBase[hedgeAsset]!;
      if (acc[LAST_EXPOSURE]! > 0 && pricesInBase[hedgeAsset]! > 0) {
        const exposurePnl = acc[LAST_EXPOSURE]! * move;
        const hedgedPnl = exposurePnl - acc[LAST_SHORT]! * move;
        acc[EXPOSURE_PNL_SQ] = acc[EXPOSURE_PNL_SQ]! + exposurePnl * exposurePnl;
        acc[HEDGED_PNL_SQ] = acc[HEDGED_PNL_SQ]! + hedgedPnl * hedgedPnl;
      }
    }
    realignPools(usd, offset);
    trackHealth(vector, acc);

    // A position whose LTV passed its market's LLTV since the last cycle is liquidated (in the Monte Carlo).
    if (liquidate) {
      if (
        hasCollateral &&
        collateralDebt() > 0 &&
        collateralDebt() > vector[CM_COLLATERAL]! * pricesInBase[collateralAsset]! * collateralLltv
      )
        liquidateCollateral(vector, timeSeconds, acc);
      if (hasHedge && hedgeShort() > 0 && hedgeShort() * pricesInBase[hedgeAsset]! > vector[H_COLLATERAL]! * hedgeLltv)
        liquidateHedge(vector, timeSeconds, acc);
    }
    // The vault and its modules price every action with answers no older than their asset's `oracle.maxStalenessSec.<SYMBOL>`.
    if (!pricesFresh) return;
    const actionsBefore = acc[REBALANCES]! + acc[COLLATERAL_ACTIONS]! + acc[HEDGE_ACTIONS]!;

    // PortfolioVault.rebalance is due when a holding's gross weight is further than the band from its target, once
    // the minimum interval has passed, unless rebalancing is paused.
    if (params[PAUSE_REBALANCE] === 0 && timeSeconds >= vector[LAST_REBALANCE]! + params[MIN_INTERVAL_SECONDS]!) {
      const total = fillValues(vector);
      let due = false;
      for (let asset = 0; asset < assetCount; asset++) {
        const target = total * weightsBps[asset]! * INV_BPS;
        // |value − target| as Math.abs: the same bits as a branch on which is larger (a − b and b − a are each
        // other's negation, exactly), without a branch the CPU mispredicts as holdings cross their targets.
        const gap = Math.abs(values[asset]! - target);
        if (gap * BPS > params[BAND_BPS]! * total) due = true;
      }
      if (due) rebalance(vector, timeSeconds, acc, total);
    }

    // CollateralManager.plan, then manage, up to three times as the keeper does: deleverage first (LTV above the
    // maximum or the LLTV less the health buffer), then post the target share, then hold the target LTV within the
    // band, then give back collateral above the target share.
    if (hasCollateral) {
      for (let round = 0; round < COLLATERAL_ACTIONS_PER_CYCLE; round++) {
        const collateral = vector[CM_COLLATERAL]!;
        const debt = collateralDebt();
        const price = pricesInBase[collateralAsset]!;
        const value = collateral * price;
        // CollateralManager.plan steers to the maximum when the target is above it.
        const targetLtv = Math.min(params[TARGET_LTV_BPS]!, params[COLLATERAL_MAX_LTV_BPS]!);
        const band = params[LTV_BAND_BPS]!;
        const targetDebt = value * targetLtv * INV_BPS;
        const spot = vector[BALANCES + collateralAsset]!;
        const posted = (spot + collateral) * params[POSTED_BPS]! * INV_BPS;
        const tolerance = posted * COLLATERAL_TOLERANCE_BPS * INV_BPS;
        let action: CollateralActionCode = CollateralAction.None;
        let amount = 0;
        if (debt > 0 && debt * BPS > params[COLLATERAL_MAX_LTV_BPS]! * value) {
          action = CollateralAction.Deleverage;
          amount = debt - targetDebt;
        } else if (posted > collateral + tolerance) {
          action = CollateralAction.PostCollateral;
          amount = Math.min(posted - collateral, spot);
        } else if (debt * BPS > (targetLtv + band) * value) {
          action = CollateralAction.Repay;
          amount = debt - targetDebt;
        } else if (params[PAUSE_LEVERAGE] === 0 && targetLtv > band && debt * BPS < (targetLtv - band) * value) {
          action = CollateralAction.Borrow;
          amount = targetDebt - debt;
        } else {
          // Collateral above max(posted, backing) + tolerance goes back, backing = debt / target LTV / price (+ one
          // unit): compared without dividing, since this runs every cycle.
          const spare = collateral - tolerance;
          const backed =
            targetLtv === 0 ? debt === 0 : (spare - unitSizes[collateralAsset]!) * targetLtv * price > debt * BPS;
          if (spare > posted && backed) {
            action = CollateralAction.WithdrawCollateral;
            const backing = targetLtv === 0 ? 0 : (debt * BPS) / targetLtv / price + unitSizes[collateralAsset]!;
            amount = collateral - Math.max(posted, backing);
          }
        }
        if (action === CollateralAction.None || !manageCollateral(vector, timeSeconds, acc, action, amount)) break;
      }
    }

    // HedgeModule.plan: deleverage within the health buffer of the LLTV, else hold the ratio within the band.
    if (hasHedge) {
      const collateral = vector[H_COLLATERAL]!;
      const short = hedgeShort();
      const price = pricesInBase[hedgeAsset]!;
      if (short > 0 && short * price * BPS > params[HEDGE_MAX_LTV_BPS]! * collateral) {
        const keep = (collateral * params[HEDGE_LTV_BPS]! * INV_BPS) / price;
        manageHedge(vector, timeSeconds, acc, HedgeAction.Deleverage, short - Math.min(short, keep));
      } else {
        const held = exposure(vector);
        const target = held * params[HEDGE_RATIO_BPS]! * INV_BPS;
        const gap = target > short ? target - short : short - target;
        if (gap * BPS > params[HEDGE_BAND_BPS]! * held && gap !== 0)
          manageHedge(vector, timeSeconds, acc, target > short ? HedgeAction.Increase : HedgeAction.Decrease, gap);
      }
    }

    const actionsAfter = acc[REBALANCES]! + acc[COLLATERAL_ACTIONS]! + acc[HEDGE_ACTIONS]!;
    if (actionsAfter !== actionsBefore) trackHealth(vector, acc);
    if (hasHedge) {
      acc[LAST_EXPOSURE] = exposure(vector);
      acc[LAST_SHORT] = hedgeShort();
    }
  };

  return { step };
}
