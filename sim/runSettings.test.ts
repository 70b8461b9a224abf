/** The readers of a proposal file's simulation settings: what each accepts, and why it refuses the rest. */
import { describe, expect, it } from "vitest";
import { readMarketModelSetting, readMaxPathsSetting, readPoolGapSetting } from "./runSettings.ts";

describe("readMaxPathsSetting (simulation.maxPaths)", () => {
  const run = { paths: 2_000, steps: 365 };

  it("reads a whole number of paths at least the paths asked for", () => {
    expect(readMaxPathsSetting(8_000, run)).toEqual({ ok: true, maxPaths: 8_000 });
    expect(readMaxPathsSetting(2_000, run)).toEqual({ ok: true, maxPaths: 2_000 });
  });

  it("refuses a cap below the paths asked for, outside the limits, not whole, or with too many NAV points", () => {
    expect(readMaxPathsSetting(1_000, run)).toEqual({
      ok: false,
      reason: "must be at least the paths asked for (2000), got 1000",
    });
    expect(readMaxPathsSetting(2_000_000, run)).toEqual({
      ok: false,
      reason: "must be a whole number of paths from 1 to 1,000,000, got 2000000",
    });
    expect(readMaxPathsSetting(2_500.5, run)).toMatchObject({ ok: false });
    expect(readMaxPathsSetting("8000", run)).toEqual({
      ok: false,
      reason: 'must be a whole number of paths from 1 to 1,000,000, got "8000"',
    });
    const tooMany = readMaxPathsSetting(100_000, run);
    expect(tooMany.ok).toBe(false);
    expect(!tooMany.ok && tooMany.reason).toMatch(/^paths × \(steps \+ 1\) = 36,600,000 NAV points per parameter set/);
  });
});

describe("readPoolGapSetting (simulation.poolGap)", () => {
  it("reads aligned, arbitrage-band (10 bps beyond the fee) and an arbitrage band with its own threshold", () => {
    expect(readPoolGapSetting("aligned")).toEqual({ ok: true, poolGap: { kind: "aligned" } });
    expect(readPoolGapSetting("arbitrage-band")).toEqual({
      ok: true,
      poolGap: { kind: "arbitrageBand", thresholdBps: 10 },
    });
    expect(readPoolGapSetting({ "arbitrage-band": "25 bps" })).toEqual({
      ok: true,
      poolGap: { kind: "arbitrageBand", thresholdBps: 25 },
    });
    expect(readPoolGapSetting({ "arbitrage-band": 0 })).toEqual({
      ok: true,
      poolGap: { kind: "arbitrageBand", thresholdBps: 0 },
    });
  });

  it("refuses anything else, saying what it expected", () => {
    const help = 'must be "aligned", "arbitrage-band" or { arbitrage-band: "<threshold> bps" }';
    expect(readPoolGapSetting("arbitrageBand")).toEqual({ ok: false, reason: `${help}, got "arbitrageBand"` });
    expect(readPoolGapSetting({ aligned: "1 bps" })).toEqual({ ok: false, reason: `${help}, got {"aligned":"1 bps"}` });
    expect(readPoolGapSetting(["aligned"])).toEqual({ ok: false, reason: `${help}, got ["aligned"]` });
    expect(readPoolGapSetting({ "arbitrage-band": "10000 bps" })).toEqual({
      ok: false,
      reason:
        'arbitrage-band\'s threshold must be a number of bps from 0 to below 10,000, such as "10 bps", got "10000 bps"',
    });
    expect(readPoolGapSetting({ "arbitrage-band": 25 })).toMatchObject({ ok: false });
  });
});

describe("readMarketModelSetting (simulation.marketModel)", () => {
  it("reads the four models and refuses any other name", () => {
    for (const model of ["gbm", "student-t", "garch", "regimes"] as const)
      expect(readMarketModelSetting(model)).toEqual({ ok: true, marketModel: model });
    expect(readMarketModelSetting("bootstrap")).toEqual({
      ok: false,
      reason: 'must be one of "gbm", "student-t", "garch", "regimes", got "bootstrap"',
    });
  });
});
