/**
 * The fitted market models (Student-t, GARCH, regimes): each fit recovers, within stated tolerances, the parameters of
 * a long history its own generator wrote; bad fields are named; paths are reproducible from a seed; and the paths'
 * moments are the model's (Student-t kurtosis, GARCH volatility clustering, regime durations 1/(1 − pᵢᵢ)).
 */
import { describe, expect, it } from "vitest";
import { ln } from "../detMath.ts";
import { createRandom } from "../random.ts";
import { validateMarketModel } from "./calibrate.ts";
import { fitMarketModel, marketModelKinds, marketModelLabel } from "./fit.ts";
import { marketModelFitMarkdown } from "./fitReport.ts";
import { drawChiSquare } from "./likelihood.ts";
import { createPathGenerator } from "./paths.ts";
import { stationaryProbabilities } from "./regimes.ts";
import type { GarchModel, MarketModel, PriceHistory, RegimeModel, StudentTModel } from "./types.ts";

const day = 86_400;
const symbols = ["USDC", "WETH", "WBTC"];
const correlation = [
  [1, 0, 0],
  [0, 1, 0.7],
  [0, 0.7, 1],
];
const initialPricesUsd = [1, 2_000, 30_000];

/** One path of `steps` daily steps from `model`, as a price history (USDC stays at $1: volatility 0). */
function historyOf(model: MarketModel, steps: number, seed: number): PriceHistory {
  const out = pathOf(model, steps, seed);
  const pricesUsd = Array.from({ length: steps + 1 }, (_, t) => [out[t * 3]!, out[t * 3 + 1]!, out[t * 3 + 2]!]);
  return { symbols, timestamps: pricesUsd.map((_, t) => 1_600_000_000 + t * day), pricesUsd };
}

function pathOf(model: MarketModel, steps: number, seed: number): Float64Array {
  const out = new Float64Array((steps + 1) * 3);
  createPathGenerator(model, [], { steps, stepSeconds: day, initialPricesUsd })(createRandom(seed), out, 0);
  return out;
}

/** Asset `asset`'s daily log returns along a path written by {@link pathOf}. */
function logReturnsOf(path: Float64Array, asset: number): number[] {
  const returns: number[] = [];
  for (let t = 1; 3 * t + asset < path.length; t++) returns.push(ln(path[3 * t + asset]! / path[3 * (t - 1) + asset]!));
  return returns;
}

function moments(values: readonly number[]): { variance: number; excessKurtosis: number } {
  const n = values.length;
  const m = values.reduce((s, v) => s + v, 0) / n;
  let m2 = 0;
  let m4 = 0;
  for (const v of values) {
    m2 += (v - m) ** 2 / n;
    m4 += (v - m) ** 4 / n;
  }
  return { variance: m2, excessKurtosis: m4 / (m2 * m2) - 3 };
}

function autocorrelation(values: readonly number[], lag: number): number {
  const n = values.length;
  const m = values.reduce((s, v) => s + v, 0) / n;
  let numerator = 0;
  let denominator = 0;
  for (let t = 0; t < n; t++) {
    denominator += (values[t]! - m) ** 2;
    if (t >= lag) numerator += (values[t]! - m) * (values[t - lag]! - m);
  }
  return numerator / denominator;
}

const studentT: StudentTModel = {
  kind: "student-t",
  symbols,
  logDriftPerYear: [0, 0.1, 0.05],
  volatilityPerYear: [0, 0.8, 0.6],
  correlation,
  degreesOfFreedom: 4,
};

const garch: GarchModel = {
  kind: "garch",
  symbols,
  stepSeconds: day,
  logDriftPerYear: [0, 0.1, 0.05],
  omegaPerStep: [0, 2e-5, 1e-5],
  alpha: [0, 0.1, 0.08],
  beta: [0, 0.85, 0.9],
  initialVariancePerStep: [0, 4e-4, 5e-4],
  correlation,
  degreesOfFreedom: 6,
};

const regimes: RegimeModel = {
  kind: "regimes",
  symbols,
  stepSeconds: day,
  regimes: [
    { name: "calm", logDriftPerYear: [0, 0.3, 0.2], volatilityPerYear: [0, 0.4, 0.3], correlation },
    {
      name: "stressed",
      logDriftPerYear: [0, -0.2, -0.1],
      volatilityPerYear: [0, 0.9, 0.7],
      correlation: [
        [1, 0, 0],
        [0, 1, 0.8],
        [0, 0.8, 1],
      ],
    },
    {
      name: "crash",
      logDriftPerYear: [0, -3, -2],
      volatilityPerYear: [0, 2, 1.6],
      correlation: [
        [1, 0, 0],
        [0, 1, 0.9],
        [0, 0.9, 1],
      ],
    },
  ],
  transitionPerStep: [
    [0.98, 0.015, 0.005],
    [0.03, 0.95, 0.02],
    [0.05, 0.1, 0.85],
  ],
  initialProbabilities: [1, 0, 0],
};

describe("Student-t market", () => {
  it("fitted to 5,000 daily returns it generated, recovers ν = 4 within ±0.8, volatilities within 5% and the correlation within ±0.03", () => {
    const { model } = fitMarketModel("student-t", historyOf(studentT, 5_000, 1), { holdoutFraction: 0 });
    if (model.kind !== "student-t") throw new Error("expected a Student-t model");
    expect(Math.abs(model.degreesOfFreedom - 4)).toBeLessThan(0.8);
    expect(model.volatilityPerYear[0]).toBe(0);
    expect(Math.abs(model.volatilityPerYear[1]! / 0.8 - 1)).toBeLessThan(0.05);
    expect(Math.abs(model.volatilityPerYear[2]! / 0.6 - 1)).toBeLessThan(0.05);
    expect(Math.abs(model.correlation[1]![2]! - 0.7)).toBeLessThan(0.03);
    expect(model.correlation[0]).toEqual([1, 0, 0]);
  });

  it("paths have the model's variance (±5%) and a Student-t's excess kurtosis 6/(ν − 4) = 1 for ν = 10 (within [0.7, 1.4], 200,000 returns)", () => {
    const returns = logReturnsOf(pathOf({ ...studentT, degreesOfFreedom: 10 }, 200_000, 7), 1);
    const { variance, excessKurtosis } = moments(returns);
    expect(Math.abs(variance / ((0.8 * 0.8) / 365) - 1)).toBeLessThan(0.05);
    expect(excessKurtosis).toBeGreaterThan(0.7);
    expect(excessKurtosis).toBeLessThan(1.4);
  });

  it("chi-square draws have mean ν and variance 2ν (within 3%, 100,000 draws of ν = 5)", () => {
    const random = createRandom(3);
    const draws = Array.from({ length: 100_000 }, () => drawChiSquare(random, 5));
    const m = draws.reduce((s, v) => s + v, 0) / draws.length;
    expect(Math.abs(m / 5 - 1)).toBeLessThan(0.03);
    expect(Math.abs(moments(draws).variance / 10 - 1)).toBeLessThan(0.03);
  });

  it("names each bad field", () => {
    expect(() => validateMarketModel({ ...studentT, degreesOfFreedom: 2 })).toThrow(
      "model.degreesOfFreedom must be a finite number > 2, got 2",
    );
    expect(() => validateMarketModel({ ...studentT, volatilityPerYear: [0, -1, 0.6] })).toThrow(
      "model.volatilityPerYear[1] must be a finite number >= 0, got -1",
    );
    expect(() => validateMarketModel({ ...studentT, logDriftPerYear: [0, Number.NaN, 0] })).toThrow(
      "model.logDriftPerYear[1] must be a finite number, got NaN",
    );
    expect(() =>
      validateMarketModel({
        ...studentT,
        correlation: [
          [1, 0, 0],
          [0, 1, 2],
          [0, 2, 1],
        ],
      }),
    ).toThrow("model.correlation[1][2] must be a number in [-1, 1], got 2");
  });
});

describe("GARCH(1,1) market", () => {
  it("fitted to 6,000 daily returns it generated, recovers α within ±0.03, β within ±0.05, the long-run variance within 20%, ν = 6 within ±1.5 and the correlation within ±0.04", () => {
    const { model } = fitMarketModel("garch", historyOf(garch, 6_000, 2), { holdoutFraction: 0 });
    if (model.kind !== "garch") throw new Error("expected a GARCH model");
    for (const i of [1, 2]) {
      expect(Math.abs(model.alpha[i]! - garch.alpha[i]!)).toBeLessThan(0.03);
      expect(Math.abs(model.beta[i]! - garch.beta[i]!)).toBeLessThan(0.05);
      const longRun = (m: GarchModel) => m.omegaPerStep[i]! / (1 - m.alpha[i]! - m.beta[i]!);
      expect(Math.abs(longRun(model) / longRun(garch) - 1)).toBeLessThan(0.2);
    }
    expect(Math.abs(model.degreesOfFreedom! - 6)).toBeLessThan(1.5);
    expect(Math.abs(model.correlation[1]![2]! - 0.7)).toBeLessThan(0.04);
    expect([model.omegaPerStep[0], model.alpha[0], model.beta[0]]).toEqual([0, 0, 0]);
  });

  it("paths cluster volatility: squared returns have the lag-1 autocorrelation α(1 − αβ − β²)/(1 − 2αβ − β²) = 0.18 of normal shocks (within ±0.06), GBM's none (within ±0.02)", () => {
    const normal: GarchModel = { ...garch, degreesOfFreedom: undefined };
    delete normal.degreesOfFreedom;
    const squared = logReturnsOf(pathOf(normal, 100_000, 5), 1).map((r) => r * r);
    expect(Math.abs(autocorrelation(squared, 1) - 0.179)).toBeLessThan(0.06);
    const plain = logReturnsOf(pathOf({ ...studentT, degreesOfFreedom: 1_000 }, 100_000, 5), 1).map((r) => r * r);
    expect(Math.abs(autocorrelation(plain, 1))).toBeLessThan(0.02);
  });

  it("paths have the long-run variance ω / (1 − α − β) (within 10%, 100,000 returns)", () => {
    const returns = logReturnsOf(pathOf(garch, 100_000, 6), 2);
    expect(Math.abs(moments(returns).variance / (1e-5 / 0.02) - 1)).toBeLessThan(0.1);
  });

  it("names each bad field, and a step other than the model's", () => {
    expect(() => validateMarketModel({ ...garch, alpha: [0, 0.2, 0.08] })).toThrow(
      "model.alpha[1] + model.beta[1] must be < 1 (a stationary variance), got 0.2 + 0.85",
    );
    expect(() => validateMarketModel({ ...garch, omegaPerStep: [0, -1, 0] })).toThrow(
      "model.omegaPerStep[1] must be a finite number >= 0, got -1",
    );
    expect(() => validateMarketModel({ ...garch, stepSeconds: 0 })).toThrow(
      "model.stepSeconds must be a positive finite number, got 0",
    );
    expect(() => validateMarketModel({ ...garch, degreesOfFreedom: 1.5 })).toThrow(
      "model.degreesOfFreedom must be a finite number > 2, got 1.5",
    );
    expect(() => validateMarketModel({ ...garch, initialVariancePerStep: [0, 1] })).toThrow(
      "model.initialVariancePerStep must have 3 entries (one per symbol), got 2",
    );
    expect(() => createPathGenerator(garch, [], { steps: 2, stepSeconds: 3_600, initialPricesUsd })).toThrow(
      "options.stepSeconds must equal the garch model's step model.stepSeconds (86400), got 3600",
    );
  });
});

describe("regime-switching market", () => {
  it("fitted by EM to 8,000 daily returns it generated, recovers each regime's persistence within ±0.03 and volatilities within 12%, labelled calm / stressed / crash", () => {
    const { model, fit } = fitMarketModel("regimes", historyOf(regimes, 8_000, 3), { holdoutFraction: 0 });
    if (model.kind !== "regimes") throw new Error("expected a regime model");
    expect(model.regimes.map((r) => r.name)).toEqual(["calm", "stressed", "crash"]);
    model.regimes.forEach((regime, k) => {
      expect(Math.abs(model.transitionPerStep[k]![k]! - regimes.transitionPerStep[k]![k]!)).toBeLessThan(0.03);
      for (const i of [1, 2])
        expect(Math.abs(regime.volatilityPerYear[i]! / regimes.regimes[k]!.volatilityPerYear[i]! - 1)).toBeLessThan(
          0.12,
        );
    });
    const probabilities = fit.regimeProbabilities!;
    expect(probabilities.names).toEqual(["calm", "stressed", "crash"]);
    expect(probabilities.probabilities).toHaveLength(8_000);
    for (const row of probabilities.probabilities)
      expect(Math.abs(row.reduce((s, p) => s + p, 0) - 1)).toBeLessThan(1e-9);
  });

  it("paths stay in a regime 1/(1 − pᵢᵢ) steps on average (50, 20, 6.7; within 10%, 200,000 steps) and visit them at the stationary rates (within ±0.02)", () => {
    // WETH's drift reveals the regime exactly: it has no volatility and a different drift in each regime (chosen so
    // that the stationary mean is 0 and the price stays finite over 200,000 steps).
    const pi = stationaryProbabilities(regimes);
    const markers = [0.01, -0.01, (pi[1]! * 0.01 - pi[0]! * 0.01) / pi[2]!];
    const marker: RegimeModel = {
      ...regimes,
      regimes: regimes.regimes.map((r, k) => ({
        ...r,
        logDriftPerYear: [0, 365 * markers[k]!, 0],
        volatilityPerYear: [0, 0, 0.5],
      })),
    };
    const nearest = (r: number) =>
      markers.reduce((best, m, k) => (Math.abs(r - m) < Math.abs(r - markers[best]!) ? k : best), 0);
    const states = logReturnsOf(pathOf(marker, 200_000, 9), 1).map(nearest);
    const runs: number[][] = [[], [], []];
    let start = 0;
    for (let t = 1; t <= states.length; t++)
      if (t === states.length || states[t] !== states[t - 1]) {
        runs[states[start]!]!.push(t - start);
        start = t;
      }
    runs.forEach((lengths, k) => {
      const meanLength = lengths.reduce((s, v) => s + v, 0) / lengths.length;
      expect(Math.abs(meanLength * (1 - regimes.transitionPerStep[k]![k]!) - 1)).toBeLessThan(0.1);
    });
    pi.forEach((p, k) => expect(Math.abs(states.filter((s) => s === k).length / states.length - p)).toBeLessThan(0.02));
  });

  it("names each bad field", () => {
    expect(() =>
      validateMarketModel({
        ...regimes,
        transitionPerStep: [
          [0.98, 0.015, 0.005],
          [0.5, 0.6, 0],
          [0.05, 0.1, 0.85],
        ],
      }),
    ).toThrow("model.transitionPerStep[1] must sum to 1, got 1.1");
    expect(() => validateMarketModel({ ...regimes, initialProbabilities: [1, 0] })).toThrow(
      "model.initialProbabilities must have 3 entries, got 2",
    );
    expect(() =>
      validateMarketModel({
        ...regimes,
        regimes: [
          regimes.regimes[0]!,
          { ...regimes.regimes[1]!, volatilityPerYear: [0, -0.1, 0.7] },
          regimes.regimes[2]!,
        ],
      }),
    ).toThrow("model.regimes[1].volatilityPerYear[1] must be a finite number >= 0, got -0.1");
    expect(() => validateMarketModel({ ...regimes, regimes: [] })).toThrow("model.regimes must be a non-empty array");
  });
});

describe("every fitted model", () => {
  it.each([
    ["student-t", studentT],
    ["garch", garch],
    ["regimes", regimes],
  ] as const)("%s: the same seed gives the same path, bit for bit; another seed another path", (_, model) => {
    const a = pathOf(model, 300, 11);
    expect(pathOf(model, 300, 11)).toEqual(a);
    expect(pathOf(model, 300, 12)).not.toEqual(a);
    expect(a.every((price) => Number.isFinite(price) && price > 0)).toBe(true);
  });

  it("fitMarketModel holds out the last 20% by default, scores it, and counts parameters for AIC = 2k − 2·LL and BIC = k·ln n − 2·LL", () => {
    const history = historyOf(studentT, 1_000, 4);
    for (const kind of marketModelKinds) {
      const { fit } = fitMarketModel(kind, history);
      expect([fit.inSampleReturns, fit.outOfSampleReturns]).toEqual([800, 200]);
      expect(fit.splitSeconds).toBe(history.timestamps[800]);
      expect(fit.aic).toBeCloseTo(2 * fit.parameters - 2 * fit.logLikelihoodIn, 6);
      expect(fit.bic).toBeCloseTo(fit.parameters * Math.log(800) - 2 * fit.logLikelihoodIn, 6);
      expect(Number.isFinite(fit.logLikelihoodOut)).toBe(true);
    }
    // Two moving assets: GBM 2·2 + 1, Student-t one more (ν), GARCH 4·2 + 1 + ν, regimes 3·(2 + 3) + 6 + 2.
    expect(marketModelKinds.map((kind) => fitMarketModel(kind, history).fit.parameters)).toEqual([5, 6, 10, 23]);
  });

  it("on fat-tailed data the Student-t model fits better than GBM out of sample, and GARCH better than GBM on GARCH data", () => {
    const fat = historyOf(studentT, 2_000, 8);
    expect(fitMarketModel("student-t", fat).fit.logLikelihoodOut).toBeGreaterThan(
      fitMarketModel("gbm", fat).fit.logLikelihoodOut,
    );
    const clustered = historyOf(garch, 2_000, 8);
    expect(fitMarketModel("garch", clustered).fit.logLikelihoodOut).toBeGreaterThan(
      fitMarketModel("gbm", clustered).fit.logLikelihoodOut,
    );
  });

  it("refuses an unknown kind, a bad holdout and a history too short, naming them", () => {
    const history = historyOf(studentT, 100, 4);
    expect(() => fitMarketModel("jump" as "gbm", history)).toThrow(
      'kind must be one of "gbm", "student-t", "garch", "regimes", got "jump"',
    );
    expect(() => fitMarketModel("garch", history, { holdoutFraction: 1 })).toThrow(
      "options.holdoutFraction must be a number in [0, 1), got 1",
    );
    expect(() => fitMarketModel("regimes", history, { holdoutFraction: 0.5 })).toThrow(
      "history has 100 returns, 50 of them in sample after holding out 0.5: the fit needs at least 60",
    );
  });

  it("labels each model for a report", () => {
    expect(marketModelLabel(studentT)).toBe("correlated Student-t, ν = 4.0");
    expect(marketModelLabel(garch)).toBe("GARCH(1,1) with constant correlation, Student-t (ν = 6.0) shocks");
    expect(marketModelLabel(regimes)).toBe("3-regime Markov switching (calm / stressed / crash)");
  });
});

describe("the report's fit section", () => {
  const history = historyOf(studentT, 400, 4);

  it("states the model, the windows in and out of sample, the log-likelihoods, parameters, AIC and BIC", () => {
    const { model, fit } = fitMarketModel("garch", history);
    const markdown = marketModelFitMarkdown({ market: model, fit }).join("\n");
    expect(markdown).toContain("## The market model's fit");
    expect(markdown).toContain("fitted by maximum likelihood to 320 returns (2020-09-13 to 2021-07-30)");
    expect(markdown).toContain("scored on the 80 held out after them (to 2021-10-18)");
    expect(markdown).toContain(`| ${fit.logLikelihoodIn.toFixed(1)} | ${fit.logLikelihoodOut.toFixed(1)} | 10 |`);
    expect(marketModelFitMarkdown({ market: model })).toEqual([]);
  });

  it("warns when a Student-t's ν is below 3 (tails carrying the volatility), and not otherwise", () => {
    const { fit } = fitMarketModel("student-t", history);
    const note = (nu: number) =>
      marketModelFitMarkdown({ market: { ...studentT, degreesOfFreedom: nu }, fit }).some((line) =>
        line.startsWith("**Note:** ν = "),
      );
    expect([note(2.4), note(4)]).toEqual([true, false]);
  });

  it("for regimes, gives each regime's share of the history, mean stay 1/(1 − pᵢᵢ) and today's probability", () => {
    const { model, fit } = fitMarketModel("regimes", historyOf(regimes, 600, 4));
    const rows = marketModelFitMarkdown({ market: model, fit }).filter((line) =>
      /^\| (calm|stressed|crash) \|/.test(line),
    );
    expect(rows).toHaveLength(3);
    if (model.kind !== "regimes") throw new Error("expected a regime model");
    expect(rows[0]).toContain(`| ${(1 / (1 - model.transitionPerStep[0]![0]!)).toFixed(1)} |`);
  });

  it("validateMarketModel checks a Student-t's driftFit as a GBM's, naming the field", () => {
    const driftFit = {
      logDriftPerYear: [0, 0.1, 0],
      standardErrorPerYear: [0, -1, 0],
      fromSeconds: 0,
      toSeconds: 1,
      returns: 1,
    };
    expect(() => validateMarketModel({ ...studentT, driftFit })).toThrow(
      "model.driftFit.standardErrorPerYear[1] must be a finite number >= 0, got -1",
    );
  });
});
