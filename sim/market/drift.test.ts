import { describe, expect, it } from "vitest";
import { calibrateGbm } from "./calibrate.ts";
import { modelDrift, resolveDrift, withDrift } from "./drift.ts";
import { secondsPerYear, type BootstrapModel, type GbmModel, type PriceHistory } from "./types.ts";

const day = 86_400;
/** 31 daily prices: USDC flat, WETH falling 1% a day with a ±2% zigzag, WBTC rising 0.5% a day with a ±1% one. */
const falling: PriceHistory = {
  symbols: ["USDC", "WETH", "WBTC"],
  timestamps: Array.from({ length: 31 }, (_, t) => 1_700_000_000 + t * day),
  pricesUsd: Array.from({ length: 31 }, (_, t) => [
    1,
    2_000 * Math.exp(-0.01 * t + (t % 2 === 0 ? 0.02 : -0.02)),
    40_000 * Math.exp(0.005 * t + (t % 2 === 0 ? 0.01 : -0.01)),
  ]),
};

describe("The drift a simulation assumes", () => {
  it("is fitted with its standard error σ/√T and the window it saw, so a month's fit shows how little it knows", () => {
    const model = calibrateGbm(falling);
    const fit = model.driftFit!;
    const years = (30 * day) / secondsPerYear;
    // The log returns' mean per year: −1% a day (the zigzag cancels out from the first price to the last).
    expect(fit.logDriftPerYear[1]).toBeCloseTo(-0.3 / years, 10);
    expect(fit.standardErrorPerYear[1]).toBeCloseTo(model.volatilityPerYear[1]! / Math.sqrt(years), 10);
    expect(fit.standardErrorPerYear[0]).toBe(0);
    expect(fit).toMatchObject({ fromSeconds: 1_700_000_000, toSeconds: 1_700_000_000 + 30 * day, returns: 30 });
    // A month of a 2%-a-day zigzag: the yearly drift's standard error is several hundred percent.
    expect(fit.standardErrorPerYear[1]).toBeGreaterThan(2);
  });

  it("is zero unless chosen: the fitted drift is replaced, and stated beside the one used", () => {
    const model = calibrateGbm(falling);
    const { market, drift } = resolveDrift(model, "zero");
    expect(market.kind === "gbm" && market.driftPerYear).toEqual(model.volatilityPerYear.map((s) => (s * s) / 2));
    expect(modelDrift(market).logDriftPerYear).toEqual(model.driftFit!.logDriftPerYear); // the fit travels with it
    expect(drift.assets.map((a) => [a.symbol, a.source, a.logDriftPerYear])).toEqual([
      ["USDC", "zero", 0],
      ["WETH", "zero", 0],
      ["WBTC", "zero", 0],
    ]);
    expect(drift.assets[1]!.fittedPerYear).toBeLessThan(-3);
    expect(drift.window).toEqual({ fromSeconds: 1_700_000_000, toSeconds: 1_700_000_000 + 30 * day, returns: 30 });
  });

  it("honours fitted, a set rate and a choice per asset (an unlisted asset at zero)", () => {
    const model = calibrateGbm(falling);
    const fitted = resolveDrift(model, "fitted");
    expect(fitted.market).toMatchObject({ driftPerYear: model.driftPerYear });
    expect(fitted.drift.assets.map((a) => a.logDriftPerYear)).toEqual(model.driftFit!.logDriftPerYear);
    const set = resolveDrift(model, 0.08).drift.assets.map((a) => [a.source, a.logDriftPerYear]);
    expect(set).toEqual([
      ["set", 0.08],
      ["set", 0.08],
      ["set", 0.08],
    ]);
    const perAsset = resolveDrift(model, { WETH: "fitted", WBTC: -0.1 }).drift.assets;
    expect(perAsset.map((a) => [a.symbol, a.source])).toEqual([
      ["USDC", "zero"],
      ["WETH", "fitted"],
      ["WBTC", "set"],
    ]);
    expect(perAsset[2]!.logDriftPerYear).toBe(-0.1);
  });

  it("refuses a drift it cannot use, naming the field", () => {
    const model = calibrateGbm(falling);
    expect(() => resolveDrift(model, { CBBTC: 0.1 })).toThrow(
      "drift.CBBTC: CBBTC is not an asset of the vault (USDC, WETH, WBTC)",
    );
    expect(() => resolveDrift(model, 5)).toThrow("drift must be a yearly drift from -200% to +200%, got 500%");
    expect(() => resolveDrift(model, { WETH: Number.NaN })).toThrow("drift.WETH must be a yearly drift");
    expect(() => resolveDrift(model, "up" as "zero")).toThrow('drift must be "zero", "fitted" or a yearly rate');
  });

  it("moves a bootstrap's returns by the drift alone: their mean shifts, their deviations stay", () => {
    const bootstrap: BootstrapModel = {
      kind: "bootstrap",
      symbols: ["USDC", "WETH"],
      logReturns: [
        [0, 0.03],
        [0, -0.01],
        [0, 0.01],
      ],
      stepSeconds: day,
      blockLength: 2,
    };
    const dt = day / secondsPerYear;
    expect(modelDrift(bootstrap).logDriftPerYear[1]).toBeCloseTo(0.01 / dt, 10);
    const flat = withDrift(bootstrap, [0, 0]) as BootstrapModel;
    expect(flat.logReturns.map((r) => r[1])).toEqual([0.02, -0.02, 0].map((x) => expect.closeTo(x, 12) as number));
    const gbm: GbmModel = {
      kind: "gbm",
      symbols: ["USDC"],
      driftPerYear: [0.5],
      volatilityPerYear: [0.2],
      correlation: [[1]],
    };
    expect(modelDrift(gbm).logDriftPerYear[0]).toBeCloseTo(0.48, 12); // μ − σ²/2, no fit known
  });
});
