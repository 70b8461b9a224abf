/**
 * PortfolioVault's fees: the management fee streams as shares minted for the time elapsed, the performance fee as
 * shares for the gain above the high-water mark; both minted when a module acts (`accrueFees`) and counted in
 * what a share is worth.
 */
import { secondsPerYear } from "../market/types.ts";
import { basisPoints, paramLayout, type KernelContext } from "./kernel.ts";
import { accumulatorLayout, stateLayout } from "./stateVector.ts";
import type { Valuation } from "./valuation.ts";

// Basis points and the layouts' offsets as this module's constants: an imported one read in the hot loop is a chain
// of loads.
const { whole: BPS, inverse: INV_BPS } = basisPoints;
const { highWaterMark: HIGH_WATER_MARK, lastFeeAccrual: LAST_FEE_ACCRUAL, supply: SUPPLY } = stateLayout;
const { fees: FEES, managementFees: MANAGEMENT_FEES } = accumulatorLayout;
const { managementFeeBps: MANAGEMENT_FEE_BPS, performanceFeeBps: PERFORMANCE_FEE_BPS } = paramLayout;

export type Fees = ReturnType<typeof createFees>;

export function createFees(context: KernelContext, valuation: Valuation) {
  const { params, virtualUnit } = context;
  const { valuesAndNav } = valuation;
  /** What `pendingFees` found: the fee shares due, and the high-water mark after them. */
  const pending = new Float64Array(3);
  const PENDING_SHARES = 0;
  const PENDING_MARK = 1;
  /** The management fee's part of the shares due. */
  const PENDING_MANAGEMENT = 2;
  /** The fee time (bps × seconds) that would take the whole supply: a year at 100%. */
  const wholeFeeTime = BPS * secondsPerYear;

  /** FeeMathLib.managementFeeSharesDown: the shares minted for `elapsed` seconds of the management fee on `supply`. */
  const managementFeeShares = (supply: number, elapsed: number) => {
    let feeTime = params[MANAGEMENT_FEE_BPS]! * elapsed;
    if (feeTime >= wholeFeeTime) feeTime = wholeFeeTime * 0.99;
    return (supply * feeTime) / (wholeFeeTime - feeTime);
  };

  /** PortfolioVault._pendingFees at `nav`: the fee shares due and the high-water mark after them, in `pending`. */
  const pendingFees = (vector: Float64Array, nav: number, timeSeconds: number) => {
    pending[PENDING_SHARES] = 0;
    pending[PENDING_MANAGEMENT] = 0;
    const mark = vector[HIGH_WATER_MARK]!;
    pending[PENDING_MARK] = mark;
    const supply = vector[SUPPLY]!;
    if (supply === 0) return;
    const management = managementFeeShares(supply, timeSeconds - vector[LAST_FEE_ACCRUAL]!);
    const after = supply + management;
    const price = (nav + virtualUnit) / (after + virtualUnit);
    pending[PENDING_SHARES] = management;
    pending[PENDING_MANAGEMENT] = management;
    if (price <= mark) return;
    // Under one whole share in issue, no performance fee (the vault's rounding outweighs any gain); the mark moves.
    const performanceFeeBps = params[PERFORMANCE_FEE_BPS]!;
    const performanceAssets =
      performanceFeeBps === 0 || after < 1 ? 0 : ((nav * (price - mark)) / price) * performanceFeeBps * INV_BPS;
    const performance =
      performanceAssets === 0 || performanceAssets >= nav ? 0 : (performanceAssets * after) / (nav - performanceAssets);
    pending[PENDING_SHARES] = management + performance;
    pending[PENDING_MARK] = (nav + virtualUnit) / (after + performance + virtualUnit);
  };

  /** PortfolioVault.accrueFees, as each module action calls it: mints the fee shares, their value into `acc`. */
  const accrueFees = (vector: Float64Array, timeSeconds: number, acc: Float64Array) => {
    const nav = valuesAndNav(vector);
    pendingFees(vector, nav, timeSeconds);
    vector[LAST_FEE_ACCRUAL] = timeSeconds;
    vector[HIGH_WATER_MARK] = pending[PENDING_MARK]!;
    const feeShares = pending[PENDING_SHARES]!;
    if (feeShares > 0) {
      const supply = vector[SUPPLY]! + feeShares;
      vector[SUPPLY] = supply;
      acc[FEES] = acc[FEES]! + (feeShares * (nav + virtualUnit)) / (supply + virtualUnit);
      acc[MANAGEMENT_FEES] =
        acc[MANAGEMENT_FEES]! + (pending[PENDING_MANAGEMENT]! * (nav + virtualUnit)) / (supply + virtualUnit);
    }
  };

  /** PortfolioVault._accrueManagementFee (an exit without valid prices accrues this fee alone). */
  const accrueManagementFee = (vector: Float64Array, timeSeconds: number) => {
    const supplyBefore = vector[SUPPLY]!;
    const elapsed = timeSeconds - vector[LAST_FEE_ACCRUAL]!;
    vector[LAST_FEE_ACCRUAL] = timeSeconds;
    if (supplyBefore > 0 && elapsed > 0) vector[SUPPLY] = supplyBefore + managementFeeShares(supplyBefore, elapsed);
  };

  /** Base-asset tokens per share at `nav`, net of the fees pending (what a redemption would convert at). */
  const sharePrice = (vector: Float64Array, nav: number, timeSeconds: number) => {
    pendingFees(vector, nav, timeSeconds);
    return (nav + virtualUnit) / (vector[SUPPLY]! + pending[PENDING_SHARES]! + virtualUnit);
  };

  return { accrueFees, accrueManagementFee, sharePrice };
}
