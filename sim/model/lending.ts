/**
 * The modules' Morpho Blue markets: interest accrued as Morpho accrues it (Taylor-compounded, at each touch), borrows
 * and repayments, and both modules' debts now, cached for the step. Interest accrued on the modules' debts is charged
 * to the accumulators of the cycle in progress.
 */
import { secondsPerYear } from "../market/types.ts";
import { adaptiveCurveBorrowRate, rateModelCode } from "./adaptiveCurveIrm.ts";
import type { KernelContext } from "./kernel.ts";
import { accumulatorLayout, positionLayout, stateLayout } from "./stateVector.ts";

// The year and the layouts' offsets as this module's constants: an imported one read in the hot loop is a chain of
// loads.
const SECONDS_PER_YEAR = secondsPerYear;
const {
  cmCollateral: CM_COLLATERAL,
  cmRateAtTarget: CM_RATE_AT_TARGET,
  hCollateral: H_COLLATERAL,
  hRateAtTarget: H_RATE_AT_TARGET,
} = stateLayout;
const { adaptiveCurve: ADAPTIVE_CURVE } = rateModelCode;
const {
  borrowShare: BORROW_SHARE,
  lastUpdate: LAST_UPDATE,
  marketBorrow: MARKET_BORROW,
  marketSupply: MARKET_SUPPLY,
} = positionLayout;
const { borrowCost: BORROW_COST, hedgeBorrowCost: HEDGE_BORROW_COST } = accumulatorLayout;

const ONE_SIXTH = 1 / 6;

/** Morpho's `wTaylorCompounded`: e^x − 1 to the third order. */
export const taylorGrowth = (exponent: number): number =>
  exponent + exponent * exponent * 0.5 + exponent * exponent * exponent * ONE_SIXTH;

/**
 * A module's debt `elapsed` seconds after its market's last update (Morpho's `expectedBorrowAssets`) on a market whose
 * borrow rate per second is fixed (`fixedRate` ≥ 0) or follows utilization (`rateModelCode.utilization`): its `share`
 * of the market's `borrowed` (of `supply`) with the interest since, at no less than `floorPerSecond` (a rate spike's).
 * A function of its arguments, small enough for V8 to inline wherever it is called (see `refreshDebts`).
 */
export function expectedDebtOf(
  share: number,
  borrowed: number,
  supply: number,
  elapsed: number,
  fixedRate: number,
  floorPerSecond: number,
): number {
  if (share === 0) return 0;
  if (!(elapsed > 0)) return share * borrowed;
  let rate = fixedRate;
  if (fixedRate < 0) rate = supply > 0 ? borrowed / (supply * SECONDS_PER_YEAR) : 0;
  if (!(rate > floorPerSecond)) rate = floorPerSecond;
  return share * (borrowed + borrowed * taylorGrowth(rate * elapsed));
}

export type Lending = ReturnType<typeof createLending>;

/** A borrow or repayment of `amount` on a module's market at `timeSeconds` (interest valued at `price` in base). */
type MarketChange<Result> = (
  vector: Float64Array,
  position: number,
  fixedRate: number,
  timeSeconds: number,
  amount: number,
  price: number,
) => Result;

/**
 * A market's functions take the state vector, the position's first slot (`stateLayout.cmCollateral` or
 * `hCollateral`) and its market's fixed rate per second (or a `rateModelCode`: −1 when the rate follows utilization,
 * −2 on Morpho's AdaptiveCurveIrm).
 */
export function createLending(context: KernelContext) {
  const {
    hasCollateral,
    hasHedge,
    collateralFixedRatePerSecond,
    hedgeFixedRatePerSecond,
    hedgeAsset,
    borrowRateFloor,
    accrueEachStep,
  } = context;
  /** The collateral manager's debt and the hedge's short now (see `refreshDebts`). */
  const debts = new Float64Array(2);
  /** The accumulators interest is charged to: the keeper cycle's in progress, or the last one's. */
  let chargedAcc: Float64Array = new Float64Array(accumulatorLayout.size);
  /** The position `accrue` last accrued: the one whose interest `addBorrowCost` charges next (a typed array: see
   * `KernelContext.cycleSeconds`). */
  const lastAccrued = new Float64Array(1);

  /** An adaptive-curve market's average rate and end rate at target over an accrual (see adaptiveCurveIrm.ts). */
  const curve = new Float64Array(2);

  /**
   * The borrow rate per second over the `elapsed` seconds since the market's last update: fixed, (IrmMock) the
   * market's utilization per year, or the AdaptiveCurveIrm's average (its end rate at target left in `curve[1]`);
   * during a rate spike (see `borrowRateFloor`) at least the spike's rate.
   */
  const ratePerSecond = (vector: Float64Array, position: number, fixedRate: number, elapsed: number) => {
    let rate = fixedRate;
    if (fixedRate < 0) {
      const supply = vector[position + MARKET_SUPPLY]!;
      if (fixedRate === ADAPTIVE_CURVE) {
        const slot = position === CM_COLLATERAL ? CM_RATE_AT_TARGET : H_RATE_AT_TARGET;
        const utilization = supply > 0 ? vector[position + MARKET_BORROW]! / supply : 0;
        rate = adaptiveCurveBorrowRate(vector[slot]!, utilization, elapsed, curve)[0]!;
      } else rate = supply > 0 ? vector[position + MARKET_BORROW]! / (supply * SECONDS_PER_YEAR) : 0;
    }
    return rate > borrowRateFloor[0]! ? rate : borrowRateFloor[0]!;
  };

  /** Accrues the market's interest to `timeSeconds` (what any borrow, repay or withdrawal does first); returns the
   * module's part of the interest. */
  const accrue = (vector: Float64Array, position: number, fixedRate: number, timeSeconds: number) => {
    lastAccrued[0] = position;
    const elapsed = timeSeconds - vector[position + LAST_UPDATE]!;
    if (elapsed <= 0) return 0;
    const rate = ratePerSecond(vector, position, fixedRate, elapsed);
    // AdaptiveCurveIrm.borrowRate stores the rate at target the elapsed time took it to.
    if (fixedRate === ADAPTIVE_CURVE)
      vector[position === CM_COLLATERAL ? CM_RATE_AT_TARGET : H_RATE_AT_TARGET] = curve[1]!;
    const interest = vector[position + MARKET_BORROW]! * taylorGrowth(rate * elapsed);
    vector[position + MARKET_BORROW] = vector[position + MARKET_BORROW]! + interest;
    vector[position + MARKET_SUPPLY] = vector[position + MARKET_SUPPLY]! + interest;
    vector[position + LAST_UPDATE] = timeSeconds;
    return interest * vector[position + BORROW_SHARE]!;
  };

  /** The module's debt at `timeSeconds`, interest included, without touching the market (`expectedBorrowAssets`). */
  const expectedDebt = (vector: Float64Array, position: number, fixedRate: number, timeSeconds: number) => {
    const share = vector[position + BORROW_SHARE]!;
    const elapsed = timeSeconds - vector[position + LAST_UPDATE]!;
    const borrowed = vector[position + MARKET_BORROW]!;
    if (fixedRate !== ADAPTIVE_CURVE)
      return expectedDebtOf(
        share,
        borrowed,
        vector[position + MARKET_SUPPLY]!,
        elapsed,
        fixedRate,
        borrowRateFloor[0]!,
      );
    if (share === 0) return 0;
    return (
      share *
      (elapsed > 0
        ? borrowed + borrowed * taylorGrowth(ratePerSecond(vector, position, fixedRate, elapsed) * elapsed)
        : borrowed)
    );
  };

  /**
   * Both modules' debts at `timeSeconds`, kept for the rest of the step: every read of a debt is a load, and every
   * borrow, repay or accrual (which leave the market accrued to now) updates its copy. The debt on a market of a
   * fixed or utilization rate (most) is `expectedDebtOf` called here, not through `expectedDebt`: V8 then compiles
   * this function small and in one piece, without the adaptive curve's branch (the kernel 10–12% faster, measured as
   * the best of 400 runs of 100 paths).
   */
  const refreshDebts = (vector: Float64Array, timeSeconds: number) => {
    debts[0] = !hasCollateral
      ? 0
      : collateralFixedRatePerSecond === ADAPTIVE_CURVE
        ? expectedDebt(vector, CM_COLLATERAL, ADAPTIVE_CURVE, timeSeconds)
        : expectedDebtOf(
            vector[CM_COLLATERAL + BORROW_SHARE]!,
            vector[CM_COLLATERAL + MARKET_BORROW]!,
            vector[CM_COLLATERAL + MARKET_SUPPLY]!,
            timeSeconds - vector[CM_COLLATERAL + LAST_UPDATE]!,
            collateralFixedRatePerSecond,
            borrowRateFloor[0]!,
          );
    debts[1] = !hasHedge
      ? 0
      : hedgeFixedRatePerSecond === ADAPTIVE_CURVE
        ? expectedDebt(vector, H_COLLATERAL, ADAPTIVE_CURVE, timeSeconds)
        : expectedDebtOf(
            vector[H_COLLATERAL + BORROW_SHARE]!,
            vector[H_COLLATERAL + MARKET_BORROW]!,
            vector[H_COLLATERAL + MARKET_SUPPLY]!,
            timeSeconds - vector[H_COLLATERAL + LAST_UPDATE]!,
            hedgeFixedRatePerSecond,
            borrowRateFloor[0]!,
          );
  };

  /** The hedge's short at `timeSeconds` again (after a transaction that reverted put its market back). */
  const refreshHedgeShort = (vector: Float64Array, timeSeconds: number) => {
    debts[1] = expectedDebt(vector, H_COLLATERAL, hedgeFixedRatePerSecond, timeSeconds);
  };

  /** Records the debt of a module whose market was just accrued to now. */
  const settled = (vector: Float64Array, position: number) => {
    debts[position === CM_COLLATERAL ? 0 : 1] = vector[position + BORROW_SHARE]! * vector[position + MARKET_BORROW]!;
  };

  /**
   * A keeper cycle's first act on adaptive-curve markets (and on every market while a rate spike may be scheduled):
   * the market accrued to `timeSeconds`, as the market's other users' transactions accrue it through the step, so
   * that its rate at target moves step by step and a spike's rate applies to its own steps only. The hedge's interest
   * is valued at its asset's price in base from the USD prices `usd[offset + asset]`, divided only when a hedge
   * market accrues (most cycles accrue none); the collateral manager borrows the base asset.
   */
  const accrueMarkets = (vector: Float64Array, timeSeconds: number, usd: Float64Array, offset: number) => {
    const every = accrueEachStep[0] === 1;
    if (hasCollateral && (every || collateralFixedRatePerSecond === ADAPTIVE_CURVE))
      addBorrowCost(accrue(vector, CM_COLLATERAL, collateralFixedRatePerSecond, timeSeconds));
    if (hasHedge && (every || hedgeFixedRatePerSecond === ADAPTIVE_CURVE)) {
      const hedgePrice = usd[offset + hedgeAsset]! / usd[offset]!;
      addBorrowCost(accrue(vector, H_COLLATERAL, hedgeFixedRatePerSecond, timeSeconds) * hedgePrice);
    }
  };

  const collateralDebt = () => debts[0]!;
  const hedgeShort = () => debts[1]!;

  /** Charges interest worth `value` in the base asset to the cycle's accumulators. */
  const addBorrowCost = (value: number) => {
    chargedAcc[BORROW_COST] = chargedAcc[BORROW_COST]! + value;
    // Every caller charges the interest `accrue` just returned: the hedge's part is told apart by its position.
    if (lastAccrued[0] === H_COLLATERAL) chargedAcc[HEDGE_BORROW_COST] = chargedAcc[HEDGE_BORROW_COST]! + value;
  };

  /** From now on, interest is charged to `acc` (each keeper cycle's first act). */
  const chargeInterestTo = (acc: Float64Array) => {
    chargedAcc = acc;
  };

  /**
   * Borrows `amount` (after accruing, the interest valued at `price` in the base asset); false when the market lacks
   * the liquidity.
   */
  const borrow: MarketChange<boolean> = (vector, position, fixedRate, timeSeconds, amount, price) => {
    addBorrowCost(accrue(vector, position, fixedRate, timeSeconds) * price);
    const total = vector[position + MARKET_BORROW]!;
    if (total + amount > vector[position + MARKET_SUPPLY]!) return false;
    const debt = vector[position + BORROW_SHARE]! * total;
    vector[position + MARKET_BORROW] = total + amount;
    vector[position + BORROW_SHARE] = (debt + amount) / (total + amount);
    settled(vector, position);
    return true;
  };

  /** Repays `amount` (all of the debt when it covers it); returns what was left over. */
  const repay: MarketChange<number> = (vector, position, fixedRate, timeSeconds, amount, price) => {
    addBorrowCost(accrue(vector, position, fixedRate, timeSeconds) * price);
    const total = vector[position + MARKET_BORROW]!;
    const debt = vector[position + BORROW_SHARE]! * total;
    if (amount >= debt) {
      vector[position + MARKET_BORROW] = total - debt > 0 ? total - debt : 0;
      vector[position + BORROW_SHARE] = 0;
      settled(vector, position);
      return amount - debt;
    }
    vector[position + MARKET_BORROW] = total - amount;
    vector[position + BORROW_SHARE] = (debt - amount) / (total - amount);
    settled(vector, position);
    return 0;
  };

  return {
    accrue,
    accrueMarkets,
    refreshDebts,
    refreshHedgeShort,
    collateralDebt,
    hedgeShort,
    addBorrowCost,
    chargeInterestTo,
    borrow,
    repay,
  };
}
