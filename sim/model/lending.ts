/**
 * The modules' Morpho Blue markets: interest accrued as Morpho accrues it (Taylor-compounded, at each touch), borrows
 * and repayments, and both modules' debts now, cached for the step. Interest accrued on the modules' debts is charged
 * to the accumulators of the cycle in progress.
 */
import { secondsPerYear } from "../market/types.ts";
import type { KernelContext } from "./kernel.ts";
import { accumulatorLayout, positionLayout, stateLayout } from "./stateVector.ts";

// The year and the layouts' offsets as this module's constants: an imported one read in the hot loop is a chain of
// loads.
const SECONDS_PER_YEAR = secondsPerYear;
const { cmCollateral: CM_COLLATERAL, hCollateral: H_COLLATERAL } = stateLayout;
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
 * `hCollateral`) and its market's fixed rate per second (−1 when the rate follows utilization).
 */
export function createLending(context: KernelContext) {
  const { hasCollateral, hasHedge, collateralFixedRatePerSecond, hedgeFixedRatePerSecond } = context;
  /** The collateral manager's debt and the hedge's short now (see `refreshDebts`). */
  const debts = new Float64Array(2);
  /** The accumulators interest is charged to: the keeper cycle's in progress, or the last one's. */
  let chargedAcc: Float64Array = new Float64Array(accumulatorLayout.size);
  /** The position `accrue` last accrued: the one whose interest `addBorrowCost` charges next (a typed array: see
   * `KernelContext.cycleSeconds`). */
  const lastAccrued = new Float64Array(1);

  /** The borrow rate per second: fixed, or (IrmMock) the market's utilization per year. */
  const ratePerSecond = (vector: Float64Array, position: number, fixedRate: number) => {
    if (fixedRate >= 0) return fixedRate;
    const supply = vector[position + MARKET_SUPPLY]!;
    return supply > 0 ? vector[position + MARKET_BORROW]! / (supply * SECONDS_PER_YEAR) : 0;
  };

  /** Accrues the market's interest to `timeSeconds` (what any borrow, repay or withdrawal does first); returns the
   * module's part of the interest. */
  const accrue = (vector: Float64Array, position: number, fixedRate: number, timeSeconds: number) => {
    lastAccrued[0] = position;
    const elapsed = timeSeconds - vector[position + LAST_UPDATE]!;
    if (elapsed <= 0) return 0;
    const interest =
      vector[position + MARKET_BORROW]! * taylorGrowth(ratePerSecond(vector, position, fixedRate) * elapsed);
    vector[position + MARKET_BORROW] = vector[position + MARKET_BORROW]! + interest;
    vector[position + MARKET_SUPPLY] = vector[position + MARKET_SUPPLY]! + interest;
    vector[position + LAST_UPDATE] = timeSeconds;
    return interest * vector[position + BORROW_SHARE]!;
  };

  /** The module's debt at `timeSeconds`, interest included, without touching the market (`expectedBorrowAssets`). */
  const expectedDebt = (vector: Float64Array, position: number, fixedRate: number, timeSeconds: number) => {
    const share = vector[position + BORROW_SHARE]!;
    if (share === 0) return 0;
    const elapsed = timeSeconds - vector[position + LAST_UPDATE]!;
    const borrowed = vector[position + MARKET_BORROW]!;
    return (
      share *
      (elapsed > 0
        ? borrowed + borrowed * taylorGrowth(ratePerSecond(vector, position, fixedRate) * elapsed)
        : borrowed)
    );
  };

  /**
   * Both modules' debts at `timeSeconds`, kept for the rest of the step: every read of a debt is a load, and every
   * borrow, repay or accrual (which leave the market accrued to now) updates its copy.
   */
  const refreshDebts = (vector: Float64Array, timeSeconds: number) => {
    debts[0] = hasCollateral ? expectedDebt(vector, CM_COLLATERAL, collateralFixedRatePerSecond, timeSeconds) : 0;
    debts[1] = hasHedge ? expectedDebt(vector, H_COLLATERAL, hedgeFixedRatePerSecond, timeSeconds) : 0;
  };

  /** The hedge's short at `timeSeconds` again (after a transaction that reverted put its market back). */
  const refreshHedgeShort = (vector: Float64Array, timeSeconds: number) => {
    debts[1] = expectedDebt(vector, H_COLLATERAL, hedgeFixedRatePerSecond, timeSeconds);
  };

  /** Records the debt of a module whose market was just accrued to now. */
  const settled = (vector: Float64Array, position: number) => {
    debts[position === CM_COLLATERAL ? 0 : 1] = vector[position + BORROW_SHARE]! * vector[position + MARKET_BORROW]!;
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
