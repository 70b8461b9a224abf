/**
 * The modules' positions against their markets' liquidation LTVs: the lowest health factor a path sees, and the
 * liquidations a Morpho liquidator would make once a position's LTV passes its LLTV (in the Monte Carlo only: nobody
 * liquidates on the differential tests' devnet).
 */
import { bridgeCrossingProbabilityOfRatios, negligibleTouchRatio } from "./barrier.ts";
import type { KernelContext } from "./kernel.ts";
import type { Lending } from "./lending.ts";
import { accumulatorLayout, stateLayout } from "./stateVector.ts";

// The layouts' offsets as this module's constants: an imported layout's field read in the hot loop is a chain of loads.
const { cmCollateral: CM_COLLATERAL, hCollateral: H_COLLATERAL } = stateLayout;
const { liquidations: LIQUIDATIONS, minHealth: MIN_HEALTH } = accumulatorLayout;

/** Morpho's liquidation incentive factor for a market's LLTV: min(1.15, 1 / (1 − 0.3 · (1 − lltv))). */
export const liquidationIncentive = (lltv: number): number => Math.min(1.15, 1 / (1 - 0.3 * (1 - lltv)));

export type Liquidations = ReturnType<typeof createLiquidations>;

/** The smallest normal double: from it up, a product is rounded by at most 2^-53 of itself. */
const MIN_NORMAL = 2 ** -1022;

/**
 * a × b > c × d, as rounded, only where the rounding cannot matter to the intraday watch's shortcut: c × d normal
 * and a × b finite, so that each side is within 2^-53 of its exact value (far inside `negligibleTouchRatio`'s margin
 * of 1e-9). False otherwise (the step is then computed in full). With c itself normal (the ratio times a debt).
 */
const productAbove = (a: number, b: number, c: number, d: number) => {
  const above = a * b;
  const below = c * d;
  return below >= MIN_NORMAL && above > below && above < Infinity;
};

export function createLiquidations(context: KernelContext, lending: Lending) {
  const {
    hasCollateral,
    hasHedge,
    pricesInBase,
    onAction,
    collateralAsset,
    hedgeAsset,
    collateralLltv,
    hedgeLltv,
    collateralFixedRatePerSecond,
    hedgeFixedRatePerSecond,
  } = context;
  const { accrue, addBorrowCost, repay, collateralDebt, hedgeShort } = lending;

  /** A liquidator repays the collateral manager's debt and seizes its collateral (what it does not cover is bad debt). */
  const liquidateCollateral = (vector: Float64Array, timeSeconds: number, acc: Float64Array) => {
    const debt = collateralDebt();
    const price = pricesInBase[collateralAsset]!;
    const collateralValue = vector[CM_COLLATERAL]! * price;
    const seized = Math.min(debt * liquidationIncentive(collateralLltv), collateralValue);
    addBorrowCost(accrue(vector, CM_COLLATERAL, collateralFixedRatePerSecond, timeSeconds));
    vector[CM_COLLATERAL] = vector[CM_COLLATERAL]! - seized / price;
    repay(vector, CM_COLLATERAL, collateralFixedRatePerSecond, timeSeconds, Infinity, 1);
    acc[LIQUIDATIONS] = acc[LIQUIDATIONS]! + 1;
    onAction?.({ kind: "liquidation", module: "collateral", repaid: debt });
  };

  /** A liquidator repays the hedge's short and seizes its base-asset collateral. */
  const liquidateHedge = (vector: Float64Array, timeSeconds: number, acc: Float64Array) => {
    const short = hedgeShort();
    const price = pricesInBase[hedgeAsset]!;
    const collateral = vector[H_COLLATERAL]!;
    const seized = Math.min(short * price * liquidationIncentive(hedgeLltv), collateral);
    addBorrowCost(accrue(vector, H_COLLATERAL, hedgeFixedRatePerSecond, timeSeconds) * price);
    vector[H_COLLATERAL] = collateral - seized;
    repay(vector, H_COLLATERAL, hedgeFixedRatePerSecond, timeSeconds, Infinity, price);
    acc[LIQUIDATIONS] = acc[LIQUIDATIONS]! + 1;
    onAction?.({ kind: "liquidation", module: "hedge", repaid: short });
  };

  /** Health factors now (lltv × collateral value / debt): keeps the lowest in `acc`. */
  const trackHealth = (vector: Float64Array, acc: Float64Array) => {
    if (hasCollateral) {
      const debt = collateralDebt();
      // Divided only when it is a new low.
      const covered = vector[CM_COLLATERAL]! * pricesInBase[collateralAsset]! * collateralLltv;
      if (debt > 0 && covered < acc[MIN_HEALTH]! * debt) acc[MIN_HEALTH] = covered / debt;
    }
    if (hasHedge) {
      const short = hedgeShort();
      const price = pricesInBase[hedgeAsset]!;
      const covered = vector[H_COLLATERAL]! * hedgeLltv;
      if (short > 0 && covered < acc[MIN_HEALTH]! * short * price) acc[MIN_HEALTH] = covered / (short * price);
    }
  };

  /** Per module (collateral manager, hedge): `negligibleTouchRatio` of the largest variance of a path's steps. */
  const farRatios = new Float64Array(2);

  /**
   * Readies `crossingWithinStep` for a path of `steps` steps with the variances `variances` (as it takes them): a
   * step both of whose ends lie beyond `farRatios` of the barrier is skipped without a division, since its touch
   * probability would leave the survival exactly as it is.
   */
  const watchPath = (variances: Float64Array, steps: number) => {
    let collateral = 0;
    let hedge = 0;
    for (let k = 1; k <= steps; k++) {
      collateral = Math.max(collateral, variances[2 * k]!);
      hedge = Math.max(hedge, variances[2 * k + 1]!);
    }
    farRatios[0] = negligibleTouchRatio(collateral);
    farRatios[1] = negligibleTouchRatio(hedge);
  };

  /**
   * The probability that a module was liquidated within the step from USD prices `usd[from + asset]` to
   * `usd[to + asset]`, at the positions the last cycle left (see barrier.ts): the collateral manager when its
   * collateral's price in the base asset touched debt / (collateral × LLTV) from above, the hedge when its asset's
   * touched collateral × LLTV / short from below. `variances[2k]` and `variances[2k + 1]` are the variances over
   * the step of the two prices' logs (collateral's, hedged asset's). The modules' touches are taken as independent
   * given the step's ends: 1 − (1 − p_collateral)(1 − p_hedge). Reads the state only; `watchPath` first.
   */
  const crossingWithinStep = (
    vector: Float64Array,
    usd: Float64Array,
    from: number,
    to: number,
    variances: Float64Array,
    k: number,
  ) => {
    let survival = 1;
    if (hasCollateral) {
      const debt = collateralDebt();
      const covered = vector[CM_COLLATERAL]! * collateralLltv;
      // Far above the barrier at both ends (price × covered > ratio × debt, in USD prices): nothing to count.
      const far = farRatios[0]! * debt;
      const skip =
        debt >= MIN_NORMAL &&
        productAbove(usd[from + collateralAsset]!, covered, far, usd[from]!) &&
        productAbove(usd[to + collateralAsset]!, covered, far, usd[to]!);
      if (debt > 0 && !skip) {
        const barrier = debt / covered;
        const start = usd[from + collateralAsset]! / usd[from]!;
        const end = usd[to + collateralAsset]! / usd[to]!;
        survival *= 1 - bridgeCrossingProbabilityOfRatios(start / barrier, end / barrier, variances[2 * k]!);
      }
    }
    if (hasHedge) {
      const short = hedgeShort();
      const covered = vector[H_COLLATERAL]! * hedgeLltv;
      // Far below the barrier at both ends (covered > ratio × short × price, in USD prices).
      const far = farRatios[1]! * short;
      const skip =
        short >= MIN_NORMAL &&
        productAbove(covered, usd[from]!, far, usd[from + hedgeAsset]!) &&
        productAbove(covered, usd[to]!, far, usd[to + hedgeAsset]!);
      if (short > 0 && !skip) {
        const barrier = covered / short;
        const start = usd[from + hedgeAsset]! / usd[from]!;
        const end = usd[to + hedgeAsset]! / usd[to]!;
        survival *= 1 - bridgeCrossingProbabilityOfRatios(barrier / start, barrier / end, variances[2 * k + 1]!);
      }
    }
    return 1 - survival;
  };

  return { liquidateCollateral, liquidateHedge, trackHealth, watchPath, crossingWithinStep };
}
