import { describe, expect, it } from "vitest";
import { createRandom } from "../random.ts";
import {
  backtestVar,
  christoffersenIndependenceTest,
  dailyLogReturnsFromCsv,
  kupiecTest,
  varBreaches,
  varForecasts,
  varTest,
} from "./varBacktest.ts";
import { drawChiSquare } from "./likelihood.ts";

/** `days` zeros with ones at the given days. */
function hitsAt(days: number, ones: readonly number[]): number[] {
  const hits = new Array<number>(days).fill(0);
  for (const d of ones) hits[d] = 1;
  return hits;
}

describe("Kupiec's proportion-of-failures test", () => {
  it("10 breaches of a 99% VaR in 250 days: LR = 12.955 (Jorion's textbook case), p = 0.0003, rejected", () => {
    const { statistic, pValue } = kupiecTest(hitsAt(250, [3, 30, 60, 90, 120, 150, 180, 200, 220, 240]), 0.99);
    expect(statistic).toBeCloseTo(12.955491062356018, 9);
    expect(pValue).toBeCloseTo(0.000319, 5);
  });

  it("exactly the expected breaches (5 of 500 at 99%): LR = 0, p = 1; none at all: LR = −2·n·ln(1 − p)", () => {
    expect(kupiecTest(hitsAt(500, [1, 101, 201, 301, 401]), 0.99)).toEqual({ statistic: 0, pValue: 1 });
    expect(kupiecTest(hitsAt(500, []), 0.99).statistic).toBeCloseTo(-2 * 500 * Math.log(0.99), 9);
  });
});

describe("Christoffersen's tests", () => {
  it("independence of [0, 0, 0, 1, 1, 0] (n₀₀ = 2, n₀₁ = 1, n₁₀ = 1, n₁₁ = 1): LR = 0.138443", () => {
    expect(christoffersenIndependenceTest([0, 0, 0, 1, 1, 0]).statistic).toBeCloseTo(0.13844293808390606, 9);
  });

  it("rejects clustered breaches (5 in a row out of 250, p < 0.001) but not evenly spaced ones (p > 0.5)", () => {
    expect(christoffersenIndependenceTest(hitsAt(250, [100, 101, 102, 103, 104])).pValue).toBeLessThan(0.001);
    expect(christoffersenIndependenceTest(hitsAt(250, [20, 70, 120, 170, 220])).pValue).toBeGreaterThan(0.5);
  });

  it("conditional coverage adds Kupiec's and the independence statistics, on 2 degrees of freedom", () => {
    const hits = hitsAt(250, [100, 101, 102, 103, 104]);
    const test = varTest(hits, 0.99);
    expect(test.conditionalCoverageStatistic).toBeCloseTo(test.kupiecStatistic + test.independenceStatistic, 12);
    expect(test).toMatchObject({ days: 250, breaches: 5, expectedBreaches: 2.5000000000000022 });
    expect(test.conditionalCoveragePValue).toBeCloseTo(Math.exp(-test.conditionalCoverageStatistic / 2), 9);
  });

  it("names bad breaches", () => {
    expect(() => kupiecTest([0, 2, 0], 0.99)).toThrow("breaches[1] must be 0 or 1, got 2");
    expect(() => christoffersenIndependenceTest([0])).toThrow("breaches must have at least 2 days, got 1");
  });
});

describe("VaR forecasts", () => {
  const random = createRandom(21);
  const normalReturns = Array.from({ length: 2_250 }, () => 0.02 * random.normal());
  const tRandom = createRandom(22);
  const fatReturns = Array.from(
    { length: 2_250 },
    () => 0.02 * tRandom.normal() * Math.sqrt(1 / drawChiSquare(tRandom, 3)),
  );
  const options = { windowReturns: 250, refitEveryReturns: 50 };

  it("forecast every return after the window, with the levels' quantiles ordered (99% below 95%)", () => {
    const forecasts = varForecasts("gbm", normalReturns, options);
    expect(forecasts.first).toBe(250);
    expect(forecasts.quantiles.map((q) => q.length)).toEqual([2_000, 2_000]);
    forecasts.quantiles[1]!.forEach((q99, k) => expect(q99).toBeLessThan(forecasts.quantiles[0]![k]!));
    // A normal with deviation 0.02: the 99% VaR is near 2.326 × 0.02.
    expect(Math.abs(forecasts.quantiles[1]![0]! / -0.0465 - 1)).toBeLessThan(0.15);
    expect(varBreaches(forecasts, normalReturns)[0]!.length).toBe(2_000);
  });

  it("on normal returns GBM's 95% and 99% VaR pass Kupiec (p > 0.05)", () => {
    for (const test of backtestVar("gbm", normalReturns, options)) expect(test.kupiecPValue).toBeGreaterThan(0.05);
  });

  it("on Student-t returns (ν = 3) GBM's 99% VaR fails Kupiec (p < 0.01) and the Student-t model's passes (p > 0.05)", () => {
    expect(backtestVar("gbm", fatReturns, options)[1]!.kupiecPValue).toBeLessThan(0.01);
    expect(backtestVar("student-t", fatReturns, options)[1]!.kupiecPValue).toBeGreaterThan(0.05);
  });

  it("names bad options", () => {
    expect(() => varForecasts("gbm", normalReturns, { levels: [1.5] })).toThrow(
      "options.levels[0] must be a number in (0, 1), got 1.5",
    );
    expect(() => varForecasts("gbm", normalReturns.slice(0, 100))).toThrow(
      "returns has 100 entries: a backtest needs more than options.windowReturns (1000)",
    );
    expect(() => varForecasts("gbm", normalReturns, { refitEveryReturns: 0 })).toThrow(
      "options.refitEveryReturns must be an integer >= 1, got 0",
    );
  });
});

describe("dailyLogReturnsFromCsv", () => {
  it("gives the log returns between consecutive days and leaves out (and counts) a return across a missing day", () => {
    const csv = "date,close_usd\n2024-01-01,100\n2024-01-02,110\n2024-01-04,99\n2024-01-05,99\n";
    const parsed = dailyLogReturnsFromCsv(csv);
    expect(parsed.returns).toHaveLength(2);
    expect(parsed.returns[0]).toBeCloseTo(Math.log(1.1), 14);
    expect(parsed.returns[1]).toBe(0);
    expect(parsed).toMatchObject({ skippedGaps: 1, firstDate: "2024-01-01", lastDate: "2024-01-05" });
  });

  it("names a bad header or row", () => {
    expect(() => dailyLogReturnsFromCsv("day,price\n", "eth.csv")).toThrow(
      'eth.csv must start with the header "date,close_usd", got "day,price"',
    );
    expect(() => dailyLogReturnsFromCsv("date,close_usd\n2024-01-01,100\n2024-01-02,-3\n", "eth.csv")).toThrow(
      'eth.csv line 3 must be "YYYY-MM-DD,positive price", got "2024-01-02,-3"',
    );
  });
});
