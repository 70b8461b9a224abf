import { describe, expect, it } from "vitest";
import { secondsPerYear } from "../market/types.ts";
import { adaptiveCurveBorrowRate, adaptiveCurveConstants, expLib } from "./adaptiveCurveIrm.ts";
import { taylorGrowth } from "./lending.ts";

/**
 * A direct transcription of morpho-org/morpho-blue-irm's AdaptiveCurveIrm.sol, ExpLib.sol, ConstantsLib.sol and
 * MathLib.sol in WAD integers (bigint division truncates toward zero, as Solidity's signed division does), and of
 * Morpho Blue's accrual (wTaylorCompounded).
 */
const WAD = 10n ** 18n;
const YEAR = BigInt(secondsPerYear);
const CURVE_STEEPNESS = 4n * WAD;
const ADJUSTMENT_SPEED = (50n * WAD) / YEAR;
const TARGET_UTILIZATION = (9n * WAD) / 10n;
const INITIAL_RATE_AT_TARGET = (4n * WAD) / 100n / YEAR;
const MIN_RATE_AT_TARGET = WAD / 1000n / YEAR;
const MAX_RATE_AT_TARGET = (2n * WAD) / YEAR;
const LN_2_INT = 693147180559945309n;
const LN_WEI_INT = -41446531673892822312n;
const WEXP_UPPER_BOUND = 93859467695000404319n;
const WEXP_UPPER_VALUE = 57716089161558943949701069502944508345128422502756744429568n;
const wMulToZero = (x: bigint, y: bigint) => (x * y) / WAD;
const wDivToZero = (x: bigint, y: bigint) => (x * WAD) / y;
const bound = (x: bigint, low: bigint, high: bigint) => (x > high ? high : x < low ? low : x);

function wExp(x: bigint): bigint {
  if (x < LN_WEI_INT) return 0n;
  if (x >= WEXP_UPPER_BOUND) return WEXP_UPPER_VALUE;
  const roundingAdjustment = x < 0n ? -(LN_2_INT / 2n) : LN_2_INT / 2n;
  const q = (x + roundingAdjustment) / LN_2_INT;
  const r = x - q * LN_2_INT;
  const expR = WAD + r + (r * r) / WAD / 2n;
  return q >= 0n ? expR << q : expR >> -q;
}

const curve = (rateAtTarget: bigint, err: bigint) => {
  const coeff = err < 0n ? WAD - wDivToZero(WAD, CURVE_STEEPNESS) : CURVE_STEEPNESS - WAD;
  return wMulToZero(wMulToZero(coeff, err) + WAD, rateAtTarget);
};
const newRateAtTarget = (start: bigint, linearAdaptation: bigint) =>
  bound(wMulToZero(start, wExp(linearAdaptation)), MIN_RATE_AT_TARGET, MAX_RATE_AT_TARGET);

/** `_borrowRate`: [average rate, end rate at target], WAD per second. */
function borrowRate(startRateAtTarget: bigint, borrow: bigint, supply: bigint, elapsed: bigint): [bigint, bigint] {
  const utilization = supply > 0n ? (borrow * WAD) / supply : 0n;
  const errNormFactor = utilization > TARGET_UTILIZATION ? WAD - TARGET_UTILIZATION : TARGET_UTILIZATION;
  const err = wDivToZero(utilization - TARGET_UTILIZATION, errNormFactor);
  if (startRateAtTarget === 0n) return [curve(INITIAL_RATE_AT_TARGET, err), INITIAL_RATE_AT_TARGET];
  const linearAdaptation = wMulToZero(ADJUSTMENT_SPEED, err) * elapsed;
  if (linearAdaptation === 0n) return [curve(startRateAtTarget, err), startRateAtTarget];
  const end = newRateAtTarget(startRateAtTarget, linearAdaptation);
  const middle = newRateAtTarget(startRateAtTarget, linearAdaptation / 2n);
  return [curve((startRateAtTarget + end + 2n * middle) / 4n, err), end];
}

/** Morpho Blue's MathLib.wTaylorCompounded. */
function wTaylorCompounded(x: bigint, n: bigint): bigint {
  const first = x * n;
  const second = (first * first) / (2n * WAD);
  const third = (second * first) / (3n * WAD);
  return first + second + third;
}

const perYear = (wadPerSecond: bigint) => (Number(wadPerSecond) / 1e18) * secondsPerYear;
const toWad = (perSecond: number) => BigInt(Math.round(perSecond * 1e18));
const day = 86_400;

/** The sim's rate over one accrual, yearly: [average, end rate at target]. */
function simRate(rateAtTargetPerYear: number, utilization: number, elapsedSeconds: number): [number, number] {
  const out = adaptiveCurveBorrowRate(
    rateAtTargetPerYear / secondsPerYear,
    utilization,
    elapsedSeconds,
    new Float64Array(2),
  );
  return [out[0]! * secondsPerYear, out[1]! * secondsPerYear];
}

describe("Morpho's AdaptiveCurveIrm, as the sim computes it", () => {
  it("has the contract's constants: steepness 4, target 90%, speed 50/year, rate at target from 0.1% to 200%", () => {
    const c = adaptiveCurveConstants;
    expect(c.curveSteepness).toBe(4);
    expect(c.targetUtilization).toBe(0.9);
    // The contract's per-second constants are floored to the wei: the same to 1e-12.
    expect(Math.abs(Number(ADJUSTMENT_SPEED) / 1e18 / c.adjustmentSpeedPerSecond - 1)).toBeLessThan(1e-12);
    expect(c.adjustmentSpeedPerSecond * secondsPerYear).toBeCloseTo(50, 12);
    expect(c.initialRateAtTargetPerSecond * secondsPerYear).toBeCloseTo(0.04, 15);
    expect(c.minRateAtTargetPerSecond * secondsPerYear).toBeCloseTo(0.001, 15);
    expect(c.maxRateAtTargetPerSecond * secondsPerYear).toBeCloseTo(2, 15);
  });

  it("approximates e^x as ExpLib.wExp does (2nd-order Taylor around the nearest multiple of ln 2)", () => {
    const contract = (x: number) => Number(wExp(BigInt(Math.round(x * 1e6)) * 10n ** 12n)) / 1e18;
    // The contract's right shift floors 2^q·e^r to the wei: 1e-9 of it at ln 1e-9.
    expect(Math.abs(expLib(-20.72) / contract(-20.72) - 1)).toBeLessThan(1e-8);
    for (const x of [-3.3, -0.5, -0.1, 0, 1e-6, 0.1, 0.3465, 0.3466, 1, 2.5, 10, 50, 93.8])
      expect(Math.abs(expLib(x) / contract(x) - 1)).toBeLessThan(1e-12);
    // Below ln 1e-9 both are within a wei of 0 (the contract's right shift floors to whole wei).
    for (const x of [-41, -30, -25]) expect(Math.abs(expLib(x) - contract(x))).toBeLessThan(1e-17);
    // ExpLibTest.testWExp: within 1% of the true exponential on [ln 1e-9, the clip].
    for (let x = -20; x <= 90; x += 0.37) expect(Math.abs(expLib(x) / Math.exp(x) - 1)).toBeLessThan(0.01);
    expect(expLib(-42)).toBe(0);
    expect(expLib(100)).toBe(expLib(93.86));
  });

  it("gives the contract's own tests' values (AdaptiveCurveIrmTest)", () => {
    const initial = 0.04;
    // testFirstBorrowRateUtilizationZero / One: a first accrual sets the initial rate at target; the rate is its
    // quarter at 0% utilization and four times it at 100%.
    expect(simRate(0, 0, 0)).toEqual([initial / 4, initial].map((r) => expect.closeTo(r, 15)));
    expect(simRate(0, 1, 0)[0]).toBeCloseTo(initial * 4, 15);
    // testRateAfterUtilizationOne: five days at 100% from 4%: "Expected rate: 22.976%" (the test's tolerance 10%).
    expect(simRate(initial, 1, 5 * day)[0] / 0.22976 - 1).toBeLessThan(0.1);
    expect(simRate(initial, 1, 5 * day)[0] / 0.22976 - 1).toBeGreaterThan(-0.1);
    // testRateAfterUtilizationZero: five days at 0%: "Expected rate: 0.7240%".
    expect(Math.abs(simRate(initial, 0, 5 * day)[0] / 0.00724 - 1)).toBeLessThan(0.1);
    // testRateAfter45DaysUtilizationAboveTargetNoPing: error 50% for 45 days: "4% * exp(50 * 45 / 365 * 50%) = 87.22%".
    expect(Math.abs(simRate(initial, 0.95, 45 * day)[1] / 0.8722 - 1)).toBeLessThan(0.005);
    // testRateAfterUtilizationTargetNoPing: at the target the rate at target never moves.
    expect(simRate(initial, 0.9, 400 * day)).toEqual([initial, initial].map((r) => expect.closeTo(r, 15)));
  });

  it("equals the contract's formulas transcribed in WAD integers, to their roundings", () => {
    for (const rateAtTarget of [0, 0.001, 0.02, 0.04, 0.3, 1.9, 2])
      for (const utilization of [0, 0.2, 0.5, 0.8, 0.9, 0.93, 0.99, 1])
        for (const elapsed of [0, 12, 3_600, day, 7 * day, 90 * day]) {
          const supply = 10n ** 24n;
          const borrow = BigInt(Math.round(utilization * 1e6)) * 10n ** 18n;
          const [average, end] = borrowRate(toWad(rateAtTarget / secondsPerYear), borrow, supply, BigInt(elapsed));
          const [simAverage, simEnd] = simRate(rateAtTarget, utilization, elapsed);
          expect(Math.abs(simAverage / perYear(average) - 1)).toBeLessThan(1e-6);
          expect(Math.abs(simEnd / perYear(end) - 1)).toBeLessThan(1e-6);
        }
  });

  it("follows the contract's rate path over a year of daily accruals, interest included, within the bounds", () => {
    // A market that fills up (to 100% for two months), then drains (to 10%): utilization set each day, and the
    // interest the IRM's average rate accrues added to both totals, as Morpho's _accrueInterest does.
    const utilizationOn = (d: number) => (d < 60 ? 0.9 : d < 120 ? 1 : d < 200 ? 0.6 : d < 300 ? 0.1 : 0.92);
    let wadRateAtTarget = INITIAL_RATE_AT_TARGET;
    let simRateAtTarget = 0.04 / secondsPerYear;
    const out = new Float64Array(2);
    let simDebt = 1;
    let wadDebt = WAD;
    const { minRateAtTargetPerSecond: min, maxRateAtTargetPerSecond: max } = adaptiveCurveConstants;
    for (let d = 0; d < 365; d++) {
      const u = utilizationOn(d);
      const supply = 10n ** 24n;
      const [average, end] = borrowRate(wadRateAtTarget, BigInt(Math.round(u * 1e6)) * 10n ** 18n, supply, BigInt(day));
      wadRateAtTarget = end;
      wadDebt += wMulToZero(wadDebt, wTaylorCompounded(average, BigInt(day)));
      adaptiveCurveBorrowRate(simRateAtTarget, u, day, out);
      simRateAtTarget = out[1]!;
      simDebt += simDebt * taylorGrowth(out[0]! * day);
      expect(Math.abs(simRateAtTarget / (Number(wadRateAtTarget) / 1e18) - 1)).toBeLessThan(1e-6);
      expect(simRateAtTarget).toBeGreaterThanOrEqual(min);
      expect(simRateAtTarget).toBeLessThanOrEqual(max);
      expect(out[0]!).toBeGreaterThanOrEqual(min / 4);
      expect(out[0]!).toBeLessThanOrEqual(max * 4);
    }
    expect(Math.abs(simDebt / (Number(wadDebt) / 1e18) - 1)).toBeLessThan(1e-6);
    // Two months at 100% take the rate at target to its maximum; a hundred days at 10% to its minimum.
    expect(borrowRate(INITIAL_RATE_AT_TARGET, supplyAt(1), 10n ** 24n, BigInt(60 * day))[1]).toBe(MAX_RATE_AT_TARGET);
    expect(simRate(0.04, 1, 60 * day)[1]).toBeCloseTo(2, 12);
    expect(simRate(0.04, 0.1, 100 * day)[1]).toBeCloseTo(0.001, 12);
  });
});

const supplyAt = (utilization: number) => BigInt(Math.round(utilization * 1e6)) * 10n ** 18n;

describe("Which markets the start point models with the adaptive curve", () => {
  it("knows the AdaptiveCurveIrm of every real network's address book; the devnet's IrmMock is not one", async () => {
    const { knownAdaptiveCurveIrms } = await import("../chain.ts");
    const { mainnet, base, arbitrum } = await import("../../networks/index.ts");
    for (const book of [mainnet, base, arbitrum]) {
      expect(book.morpho.irm.kind).toBe("adaptiveCurve");
      expect(knownAdaptiveCurveIrms).toContain(book.morpho.irm.address.toLowerCase());
      for (const market of book.morpho.markets) expect(market.irm).toBe(book.morpho.irm.address);
    }
  });
});
