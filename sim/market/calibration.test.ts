import { describe, expect, it } from "vitest";
import { createRandom } from "../random.ts";
import { calibrateBootstrap, calibrateGbm } from "./calibrate.ts";
import { calibrationLimits, describeCalibration, type Calibration } from "./calibration.ts";
import { createPathGenerator } from "./paths.ts";
import { secondsPerYear, type GbmModel, type PriceHistory } from "./types.ts";

const day = 86_400;
const start = 1_700_000_000;
const symbols = ["USDC", "WETH", "WBTC"];

/** A market to draw histories from: USDC fixed at $1, WETH and WBTC volatile and correlated 0.6. */
const truth: GbmModel = {
  kind: "gbm",
  symbols,
  driftPerYear: [0, 0.5, 0.3],
  volatilityPerYear: [0, 0.8, 0.6],
  correlation: [
    [1, 0, 0],
    [0, 1, 0.6],
    [0, 0.6, 1],
  ],
};

/** `returns` daily returns of `model` drawn with `seed`, as a price history. */
function historyFrom(model: GbmModel, returns: number, seed: number): PriceHistory {
  const out = new Float64Array((returns + 1) * 3);
  createPathGenerator(model, [], { steps: returns, stepSeconds: day, initialPricesUsd: [1, 2_000, 30_000] })(
    createRandom(seed),
    out,
    0,
  );
  const pricesUsd = Array.from({ length: returns + 1 }, (_, t) => Array.from(out.subarray(t * 3, t * 3 + 3)));
  return { symbols, timestamps: pricesUsd.map((_, t) => start + t * day), pricesUsd };
}

const calibrationOf = (history: PriceHistory): Calibration => {
  const calibration = describeCalibration(calibrateGbm(history));
  if (!calibration) throw new Error("a calibrated GBM has a calibration");
  return calibration;
};

/** The sample standard deviation. */
const deviation = (values: number[]) => {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1));
};

describe("describeCalibration: the fitted market, its standard errors and the window", () => {
  it("states σ/√(2n), σ/√T and (1 − ρ²)/√n as the standard errors of volatility, drift and correlation", () => {
    const history = historyFrom(truth, 120, 5);
    const model = calibrateGbm(history);
    const calibration = calibrationOf(history);
    const years = (120 * day) / secondsPerYear;
    expect(calibration.kind).toBe("gbm");
    expect(calibration.window).toEqual({
      fromSeconds: start,
      toSeconds: start + 120 * day,
      returns: 120,
      stepSeconds: day,
    });
    calibration.assets.forEach((a, i) => {
      const sigma = model.volatilityPerYear[i]!;
      expect(a.symbol).toBe(symbols[i]);
      expect(a.volatilityPerYear).toBe(sigma);
      expect(a.volatilityStandardError).toBeCloseTo(sigma / Math.sqrt(240), 12);
      expect(a.logDriftPerYear).toBe(model.driftFit!.logDriftPerYear[i]);
      expect(a.driftStandardErrorPerYear).toBeCloseTo(sigma / Math.sqrt(years), 12);
    });
    const rho = model.correlation[1]![2]!;
    expect(calibration.correlation).toEqual(model.correlation);
    expect(calibration.correlationStandardError[1]![2]).toBeCloseTo((1 - rho * rho) / Math.sqrt(120), 12);
    expect(calibration.correlationStandardError[2]![1]).toBe(calibration.correlationStandardError[1]![2]);
    expect(calibration.correlationStandardError[1]![1]).toBe(0);
    // USDC does not move: its correlations are 0 by convention, not estimates.
    expect(calibration.correlationStandardError[0]).toEqual([0, 0, 0]);
  });

  it("gives standard errors that match the spread of the estimates over many histories from the same market", () => {
    // 400 histories of 120 daily returns: the deviation of 400 estimates is within ±7% of the true one (2 standard
    // errors of a sample deviation, 1/√(2·399) ≈ 3.5%); a tolerance of 12% still tells σ/√T from σ/√n or σ/√(n·dt).
    const n = 120;
    const drifts: number[] = [];
    const vols: number[] = [];
    const rhos: number[] = [];
    for (let seed = 1; seed <= 400; seed++) {
      const calibration = calibrationOf(historyFrom(truth, n, 1_000 + seed));
      drifts.push(calibration.assets[1]!.logDriftPerYear);
      vols.push(calibration.assets[1]!.volatilityPerYear);
      rhos.push(calibration.correlation[1]![2]!);
    }
    const sigma = truth.volatilityPerYear[1]!;
    const rho = truth.correlation[1]![2]!;
    expect(Math.abs(deviation(drifts) / (sigma / Math.sqrt((n * day) / secondsPerYear)) - 1)).toBeLessThan(0.12);
    expect(Math.abs(deviation(vols) / (sigma / Math.sqrt(2 * n)) - 1)).toBeLessThan(0.12);
    expect(Math.abs(deviation(rhos) / ((1 - rho * rho) / Math.sqrt(n)) - 1)).toBeLessThan(0.12);
  });

  it("warns that a month of history cannot estimate a drift, correlations or volatilities", () => {
    const calibration = calibrationOf(historyFrom(truth, 30, 9));
    const { warnings } = calibration;
    // WETH's drift over 30 days: ±σ/√(30/365), about ±280% a year for σ = 80%.
    const weth = calibration.assets[1]!;
    expect(weth.driftStandardErrorPerYear).toBeGreaterThan(2);
    expect(warnings.find((w) => w.startsWith("WETH:"))).toContain(
      `has a standard error of ±${+(weth.driftStandardErrorPerYear * 100).toFixed(1)}% a year, more than 50% a year`,
    );
    expect(warnings.find((w) => w.startsWith("WETH:"))).toMatch(/the history is too short to estimate a drift\.$/);
    expect(warnings.some((w) => w.startsWith("WBTC:"))).toBe(true);
    // USDC does not move: its drift is known exactly, nothing to warn about.
    expect(warnings.some((w) => w.startsWith("USDC:"))).toBe(false);
    expect(warnings).toContain(
      `The correlations come from 30 returns, fewer than ${calibrationLimits.minReturnsForCorrelation}: each is known only to ±${Math.max(...calibration.correlationStandardError.flat()).toFixed(2)} (one standard error, the widest).`,
    );
    expect(warnings).toContain(
      "The volatilities come from 30 returns, fewer than 50: each is known only to ±12.9% of its value (one standard error).",
    );
  });

  it("warns about nothing when the history is long enough for every estimate", () => {
    // Four years of a calm market with a strong drift: drift ±10% a year, well inside 50% and the drift itself.
    const calm: GbmModel = { ...truth, driftPerYear: [0, 0.6, 0.6], volatilityPerYear: [0, 0.2, 0.2] };
    expect(calibrationOf(historyFrom(calm, 4 * 365, 3)).warnings).toEqual([]);
  });

  it("warns about a drift smaller than its standard error even when the error is below 50% a year", () => {
    const flat: GbmModel = { ...truth, driftPerYear: [0, 0.02, 0.6], volatilityPerYear: [0, 0.2, 0.2] };
    // Seed 5 fits WETH's drift at +2.3% a year, ±9.8%: noise, though well inside 50% a year.
    const warnings = calibrationOf(historyFrom(flat, 4 * 365, 5)).warnings;
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^WETH: .*, more than the drift itself: the history is too short/);
  });

  it("describes a bootstrap by its returns (no dates), and nothing for a GBM written by hand", () => {
    const history = historyFrom(truth, 120, 5);
    const bootstrap = describeCalibration(calibrateBootstrap(history, { blockLength: 5 }))!;
    const gbm = calibrationOf(history);
    expect(bootstrap.kind).toBe("bootstrap");
    expect(bootstrap.window).toEqual({ returns: 120, stepSeconds: day });
    bootstrap.assets.forEach((a, i) => {
      expect(a.volatilityPerYear).toBeCloseTo(gbm.assets[i]!.volatilityPerYear, 9);
      expect(a.driftStandardErrorPerYear).toBeCloseTo(gbm.assets[i]!.driftStandardErrorPerYear, 9);
    });
    expect(bootstrap.correlation[1]![2]).toBeCloseTo(gbm.correlation[1]![2]!, 12);
    expect(describeCalibration(truth)).toBeUndefined();
  });
});
