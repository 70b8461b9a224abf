import { describe, expect, it } from "vitest";
import {
  chiSquareCdf,
  cvar,
  maxDrawdown,
  mean,
  normalCdf,
  quantile,
  quantilesInPlace,
  regularizedLowerIncompleteGamma,
  sharpeRatio,
  sortinoRatio,
  sortValues,
  standardDeviation,
  studentTCdf,
} from "./stats.ts";

describe("mean and standardDeviation", () => {
  it("give the arithmetic mean and the sample (n − 1) standard deviation", () => {
    expect(mean([2, 4, 4, 4, 5, 5, 7, 9])).toBe(5);
    // Squared deviations sum to 32 over 8 values: sample variance 32 / 7.
    expect(standardDeviation([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 15);
  });

  it("take typed arrays as well as arrays", () => {
    expect(mean(Float64Array.of(1, 2, 3, 4))).toBe(2.5);
    expect(standardDeviation(Float64Array.of(1, 3))).toBe(Math.sqrt(2));
  });

  it("are 0 for no values, and the deviation is 0 for one value or equal values (however the mean rounds)", () => {
    expect(mean([])).toBe(0);
    expect(standardDeviation([])).toBe(0);
    expect(standardDeviation([3])).toBe(0);
    // 0.1 × 3 / 3 is not exactly 0.1, yet equal values have no deviation.
    expect(standardDeviation([0.1, 0.1, 0.1])).toBe(0);
  });

  it("refuse non-finite values, naming the first", () => {
    expect(() => mean([1, NaN])).toThrow("values[1] must be a finite number, got NaN");
    expect(() => standardDeviation([Infinity])).toThrow("values[0] must be a finite number, got Infinity");
  });
});

describe("quantile", () => {
  it("interpolates linearly between order statistics (type 7)", () => {
    const values = [10, 40, 20, 30]; // sorted: 10 20 30 40
    expect(quantile(values, 0)).toBe(10);
    expect(quantile(values, 1)).toBe(40);
    expect(quantile(values, 0.5)).toBe(25); // h = 1.5
    expect(quantile(values, 0.25)).toBe(17.5); // h = 0.75
    expect(quantile(values, 1 / 3)).toBe(20); // h = 1 exactly
  });

  it("matches R's quantile(type = 7) on an odd sample", () => {
    // R: quantile(c(1, 3, 7, 15, 31), c(0.1, 0.9)) → 1.8, 24.6
    expect(quantile([31, 1, 15, 3, 7], 0.1)).toBeCloseTo(1.8, 12);
    expect(quantile([31, 1, 15, 3, 7], 0.9)).toBeCloseTo(24.6, 12);
  });

  it("leaves its input alone", () => {
    const values = [3, 1, 2];
    quantile(values, 0.5);
    expect(values).toEqual([3, 1, 2]);
  });

  it("is 0 for no values and the value itself for one", () => {
    expect(quantile([], 0.5)).toBe(0);
    expect(quantile([7], 0.3)).toBe(7);
  });

  it("refuses a probability outside [0, 1] and non-finite values", () => {
    expect(() => quantile([1], 1.5)).toThrow("probability must be a number in [0, 1], got 1.5");
    expect(() => quantile([1], NaN)).toThrow("probability must be a number in [0, 1], got NaN");
    expect(() => quantile([1, NaN], 0.5)).toThrow("values[1] must be a finite number, got NaN");
  });
});

describe("quantilesInPlace", () => {
  it("gives the same quantiles as quantile, in the order asked, and sorts its input", () => {
    const data = [5, -1, 3, 9, 0, 2.5, 7];
    const values = Float64Array.from(data);
    const probabilities = [0.95, 0.05, 0.5, 0, 1];
    expect(quantilesInPlace(values, probabilities)).toEqual(probabilities.map((p) => quantile(data, p)));
    expect(Array.from(values)).toEqual([...data].sort((a, b) => a - b));
  });

  it("gives 0 for each probability when there are no values", () => {
    expect(quantilesInPlace(new Float64Array(0), [0.1, 0.9])).toEqual([0, 0]);
  });

  it("refuses a bad probability by its index", () => {
    expect(() => quantilesInPlace(Float64Array.of(1), [0.5, -0.1])).toThrow(
      "probabilities[1] must be a number in [0, 1], got -0.1",
    );
  });
});

describe("cvar", () => {
  it("is minus the mean of the returns at or below the (1 − confidence) quantile", () => {
    // 20 returns −0.19, −0.18, …, 0: the 10% quantile is at h = 1.9, between −0.18 and −0.17 (−0.171),
    // so the tail is {−0.19, −0.18} and CVaR90 = 0.185.
    const returns = Array.from({ length: 20 }, (_, i) => (i - 19) / 100);
    expect(cvar(returns, 0.9)).toBeCloseTo(0.185, 15);
    // Confidence 1: the worst return alone; confidence 0: every return.
    expect(cvar(returns, 1)).toBe(0.19);
    expect(cvar(returns, 0)).toBeCloseTo(-mean(returns), 15);
  });

  it("includes ties with the quantile in the tail", () => {
    expect(cvar([-0.5, -0.5, -0.5, 1], 0.5)).toBe(0.5);
  });

  it("is negative when even the worst outcomes are gains", () => {
    expect(cvar([0.1, 0.2, 0.3], 0.95)).toBeCloseTo(-0.1, 15);
  });

  it("is 0 for no returns and +0 (not −0) when the tail is flat at zero", () => {
    expect(cvar([], 0.95)).toBe(0);
    expect(Object.is(cvar([0, 0, 1], 0.95), 0)).toBe(true);
  });

  it("refuses a confidence outside [0, 1] and non-finite returns", () => {
    expect(() => cvar([1], 95)).toThrow("confidence must be a number in [0, 1], got 95");
    expect(() => cvar([-Infinity], 0.95)).toThrow("returns[0] must be a finite number, got -Infinity");
  });
});

describe("sortValues", () => {
  it("gives every quantile and CVaR that quantile and cvar give, bit for bit, and leaves its input as it was", () => {
    const values = Float64Array.from({ length: 1_001 }, (_, i) => Math.sin(i * 12.9898) * 0.3 - 0.01);
    const copy = values.slice();
    const sorted = sortValues(values);
    for (const p of [0, 0.01, 0.05, 0.25, 0.5, 0.95, 0.999, 1]) {
      expect(Object.is(sorted.quantile(p), quantile(values, p))).toBe(true);
      expect(Object.is(sorted.cvar(p), cvar(values, p))).toBe(true);
    }
    expect(values).toEqual(copy);
    expect([sortValues([]).quantile(0.5), sortValues([]).cvar(0.95)]).toEqual([0, 0]);
  });

  it("refuses non-finite values and a probability or confidence outside [0, 1]", () => {
    expect(() => sortValues([1, NaN])).toThrow("values[1] must be a finite number, got NaN");
    expect(() => sortValues([1]).quantile(-0.1)).toThrow("probability must be a number in [0, 1], got -0.1");
    expect(() => sortValues([1]).cvar(2)).toThrow("confidence must be a number in [0, 1], got 2");
  });
});

describe("sharpeRatio", () => {
  it("annualises the mean excess return over its sample standard deviation by √stepsPerYear", () => {
    const returns = [0.01, -0.02, 0.03, 0.0, 0.015];
    const expected = (mean(returns) / standardDeviation(returns)) * Math.sqrt(365);
    expect(sharpeRatio(returns, { stepsPerYear: 365 })).toBeCloseTo(expected, 12);
  });

  it("subtracts riskFreePerYear / stepsPerYear from each return", () => {
    const returns = [0.01, -0.02, 0.03, 0.0, 0.015];
    const excess = returns.map((r) => r - 0.0365 / 365);
    const expected = (mean(excess) / standardDeviation(excess)) * Math.sqrt(365);
    expect(sharpeRatio(returns, { stepsPerYear: 365, riskFreePerYear: 0.0365 })).toBeCloseTo(expected, 12);
    expect(sharpeRatio(returns, { stepsPerYear: 365, riskFreePerYear: 0.0365 })).toBeLessThan(
      sharpeRatio(returns, { stepsPerYear: 365 }),
    );
  });

  it("is 0 for returns that do not vary, a single return or none", () => {
    expect(sharpeRatio([0.001, 0.001, 0.001], { stepsPerYear: 365 })).toBe(0);
    expect(sharpeRatio([0.05], { stepsPerYear: 365 })).toBe(0);
    expect(sharpeRatio([], { stepsPerYear: 365 })).toBe(0);
  });

  it("refuses bad options and non-finite returns", () => {
    expect(() => sharpeRatio([0.1], { stepsPerYear: 0 })).toThrow(
      "options.stepsPerYear must be a positive finite number, got 0",
    );
    expect(() => sharpeRatio([0.1], { stepsPerYear: 365, riskFreePerYear: NaN })).toThrow(
      "options.riskFreePerYear must be a finite number, got NaN",
    );
    expect(() => sharpeRatio([0.1, NaN], { stepsPerYear: 365 })).toThrow(
      "returnsPerStep[1] must be a finite number, got NaN",
    );
  });
});

describe("sortinoRatio", () => {
  it("divides the mean excess return by the downside deviation over all returns, annualised", () => {
    const returns = [0.02, -0.01, 0.03, -0.03];
    // Downside deviation √((0.01² + 0.03²) / 4); mean 0.0025.
    const expected = (0.0025 / Math.sqrt((0.01 ** 2 + 0.03 ** 2) / 4)) * Math.sqrt(52);
    expect(sortinoRatio(returns, { stepsPerYear: 52 })).toBeCloseTo(expected, 12);
  });

  it("counts returns below the risk-free rate as downside", () => {
    // Every return is positive, but below the 36.5% risk-free rate's 0.1% a day.
    const ratio = sortinoRatio([0.0005, 0.0008], { stepsPerYear: 365, riskFreePerYear: 0.365 });
    expect(ratio).toBeLessThan(0);
    expect(ratio).toBeCloseTo(-Math.sqrt(365) * (0.00035 / Math.sqrt((0.0005 ** 2 + 0.0002 ** 2) / 2)), 10);
  });

  it("is 0 without downside (including no returns)", () => {
    expect(sortinoRatio([0.01, 0.02], { stepsPerYear: 365 })).toBe(0);
    expect(sortinoRatio([], { stepsPerYear: 365 })).toBe(0);
  });
});

describe("maxDrawdown", () => {
  it("is the largest fall from a running peak, as a positive fraction of that peak", () => {
    // Falls: 100 → 80 (20%), then a new peak 120 → 60 (50%), then 60 → 90 is a rise.
    expect(maxDrawdown([100, 80, 120, 90, 60, 90])).toBe(0.5);
    expect(maxDrawdown(Float64Array.of(100, 75))).toBe(0.25);
  });

  it("is 1 for a series that is wiped out", () => {
    expect(maxDrawdown([100, 0])).toBe(1);
  });

  it("is 0 for a series that never falls, one value or none", () => {
    expect(maxDrawdown([1, 2, 2, 3])).toBe(0);
    expect(maxDrawdown([5])).toBe(0);
    expect(maxDrawdown([])).toBe(0);
    expect(maxDrawdown([0, 0, 1])).toBe(0);
  });

  it("refuses negative and non-finite values", () => {
    expect(() => maxDrawdown([1, -1])).toThrow("series[1] must be >= 0, got -1");
    expect(() => maxDrawdown([NaN])).toThrow("series[0] must be a finite number, got NaN");
  });
});

describe("chi-square, normal and Student-t distribution functions", () => {
  it("chiSquareCdf gives the textbook critical values: 3.8415 (1 df) and 5.9915 (2 df) at 95%, 6.6349 (1 df) at 99%", () => {
    expect(chiSquareCdf(3.841458820694124, 1)).toBeCloseTo(0.95, 12);
    expect(chiSquareCdf(6.634896601021214, 1)).toBeCloseTo(0.99, 12);
    expect(chiSquareCdf(5.991464547107979, 2)).toBeCloseTo(0.95, 12);
    expect(chiSquareCdf(0, 1)).toBe(0);
    expect(chiSquareCdf(-1, 3)).toBe(0);
  });

  it("chiSquareCdf with 2 df is 1 − e^(−x/2), on both sides of the series/continued-fraction switch", () => {
    for (const x of [0.1, 1, 3.9, 4.1, 20]) expect(chiSquareCdf(x, 2)).toBeCloseTo(1 - Math.exp(-x / 2), 13);
  });

  it("regularizedLowerIncompleteGamma(1, x) is 1 − e^−x and refuses a bad shape, naming it", () => {
    expect(regularizedLowerIncompleteGamma(1, 2.5)).toBeCloseTo(1 - Math.exp(-2.5), 13);
    expect(() => regularizedLowerIncompleteGamma(0, 1)).toThrow("a must be a positive finite number, got 0");
    expect(() => chiSquareCdf(1, -2)).toThrow("degreesOfFreedom must be a positive finite number, got -2");
  });

  it("normalCdf is Φ to 1e-7: Φ(1.959964) = 0.975, Φ(−2.326348) = 0.01, Φ(0) = 0.5", () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 7);
    expect(normalCdf(-2.3263478740408408)).toBeCloseTo(0.01, 7);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
  });

  it("studentTCdf gives t tables' values: t(10) 0.975 quantile 2.228139, t(3) 0.01 quantile −4.540703", () => {
    expect(studentTCdf(2.228138851986274, 10)).toBeCloseTo(0.975, 10);
    expect(studentTCdf(-4.540702858698419, 3)).toBeCloseTo(0.01, 10);
    expect(studentTCdf(0, 5)).toBe(0.5);
  });
});
