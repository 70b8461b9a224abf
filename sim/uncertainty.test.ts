import { describe, expect, it } from "vitest";
import { devnetMarketModel, devnetStartPoint } from "../devnet/startPoint.ts";
import type { Difference } from "./intervals.ts";
import { calibrateGbm, cholesky } from "./market/calibrate.ts";
import type { GbmModel, PriceHistory } from "./market/types.ts";
import { createMonteCarlo, type MonteCarlo, type MonteCarloInputs } from "./monteCarlo.ts";
import { withChanges } from "./model/params.ts";
import { createMarketDraws } from "./parameterDraws.ts";
import { createRandom } from "./random.ts";
import { canonicalJson, renderMarkdown } from "./report.ts";
import { simulate, simulateNow, type SimulationRequest } from "./simulate.ts";
import {
  headlineLabels,
  headlineMetrics,
  sensitivityTable,
  signFlipLine,
  signSettled,
  type HeadlineDifferences,
  type UncertaintyReportView,
} from "./uncertainty.ts";
import { createAdaptivePathCount } from "./uncertaintyRuns.ts";

const start = devnetStartPoint();
const symbols = start.setup.symbols;

/** A month of falling ETH and BTC prices (the history a devnet calibrates on), seeded. */
function month(): PriceHistory {
  const random = createRandom(5);
  const z = new Float64Array(2);
  const rows = [[1, 2_000, 40_000]];
  for (let t = 1; t <= 30; t++) {
    random.fillNormals(z, 0, 2);
    const [, eth, btc] = rows[t - 1]!;
    rows.push([1, eth! * Math.exp(-0.006 + 0.035 * z[0]!), btc! * Math.exp(-0.005 + 0.028 * z[1]!)]);
  }
  return { symbols, timestamps: rows.map((_, t) => 1_700_000_000 + t * 86_400), pricesUsd: rows };
}
const history = month();
const fitted = calibrateGbm(history);

/** A hedge ratio raised from the catalog's to 80%: which way its return goes depends on the drift. */
const request = (overrides: Partial<SimulationRequest> = {}): SimulationRequest => ({
  start,
  changes: { "hedge.ratioBps": 8_000 },
  market: fitted,
  paths: 200,
  steps: 90,
  seed: 7,
  ...overrides,
});

const width = (d: Difference | null) => d!.high95 - d!.low95;

describe("The drift sensitivity table: every headline difference under a bear, a flat and a bull drift", () => {
  const report = simulateNow(request({ sensitivity: {} }));

  it("gives every headline metric, in each drift, its difference with a 95% interval and a verdict", () => {
    const drift = report.results.uncertainty!.drift!;
    for (const scenario of ["bear", "flat", "bull"] as const)
      for (const metric of headlineMetrics) expect(drift[scenario][metric], `${scenario} ${metric}`).not.toBeNull();
    // The flat column is the main run's first paths: its differences are the main comparison's (same paths, drift 0).
    expect(drift.flat.returnMean).toEqual(report.results.difference.returnMean);
    const table = sensitivityTable(report)!;
    expect(table.rows.slice(2).map((r) => r.label)).toEqual(headlineMetrics.map((m) => `Δ ${headlineLabels[m].label}`));
    expect(table.rows.slice(2).every((r) => r.verdicts && r.better)).toBe(true);
    const markdown = renderMarkdown(report);
    // Coloured by which way is better: lower volatility is "better", lower Sharpe "worse", turnover only "higher".
    expect(markdown).toMatch(/\| Δ Volatility \(yearly\) \| -[\d.]+% \(95%: -[\d.]+% to -[\d.]+%\) better \|/);
    expect(markdown).toMatch(/\| Δ Sharpe \| -[\d.]+ \(95%: -[\d.]+ to -[\d.]+\) worse \|/);
    expect(markdown).toMatch(/\| Δ Turnover \(of NAV\) \| \+[\d.]+% \(95%: \+[\d.]+% to \+[\d.]+%\) higher \|/);
    expect(markdown).toContain("| Δ CVaR 99 (loss) |");
    expect(markdown).toContain("| Δ Borrow cost |");
  });

  it("says where the sign flips between drifts: the mean return of a larger hedge, not its volatility", () => {
    const drift = report.results.uncertainty!.drift!;
    // The table's own signs: the mean return's estimate is above zero under the bear drift and below under the bull.
    expect(drift.bear.returnMean!.estimate).toBeGreaterThan(0);
    expect(drift.bull.returnMean!.estimate).toBeLessThan(0);
    const line = signFlipLine(report)!;
    expect(line).toMatch(
      /^The sign flips between drifts for Mean return \(bear \+[\d.]+%, flat -[\d.]+%, bull -[\d.]+%\)/,
    );
    expect(line).not.toContain("Volatility");
    expect(renderMarkdown(report)).toContain(line);
  });

  it("names exactly the metrics whose signs differ across the columns, and says so when none does", () => {
    const d = (estimate: number): Difference => ({
      estimate,
      low95: estimate - 0.01,
      high95: estimate + 0.01,
      method: "paired-bootstrap",
    });
    const all = (value: number) => Object.fromEntries(headlineMetrics.map((m) => [m, d(value)])) as HeadlineDifferences;
    const levels = Object.fromEntries(headlineMetrics.map((m) => [m, 0]));
    const view = (drift: Record<"bear" | "flat" | "bull", HeadlineDifferences>): UncertaintyReportView => ({
      seed: 1,
      model: { drift: { assets: [] }, paths: 10 },
      inputs: { setup: { symbols } },
      results: {
        startNav: 1_000_000,
        sensitivity: {
          paths: 10,
          driftPerYear: { bear: -0.3, flat: 0, bull: 0.3 },
          scenarios: Object.fromEntries(
            ["bear", "flat", "bull"].map((s) => [s, { current: levels, proposed: levels }]),
          ) as never,
        },
        uncertainty: { drift },
      },
    });
    const none = view({ bear: all(0.02), flat: all(0.01), bull: all(0.03) });
    expect(signFlipLine(none)).toBe("No headline difference changes sign between the bear, flat and bull drifts.");
    const flipped = view({
      bear: { ...all(0.02), sharpe: d(-0.2), cvar99: d(0.01) },
      flat: all(0.01),
      bull: { ...all(0.03), cvar99: d(-0.004) },
    });
    const line = signFlipLine(flipped)!;
    expect(line).toContain("Sharpe (bear -0.20, flat +0.01, bull +0.03)");
    expect(line).toContain("CVaR 99 (loss) (bear +1.00%, flat +1.00%, bull -0.40%)");
    expect(line).not.toContain("Mean return");
  });
});

describe("Parameter uncertainty: the market's parameters re-drawn per path, beside Monte Carlo error alone", () => {
  const report = simulateNow(request({ history, uncertainty: {} }));
  const { models, paths } = report.results.uncertainty!.parameters!;

  it("runs the comparison under the fitted GBM and the history's block bootstrap, on the same paths", () => {
    expect(paths).toBe(200);
    expect(models.map((m) => [m.name, m.kind, m.history])).toEqual([
      ["GBM", "gbm", { returns: 30, stepSeconds: 86_400 }],
      ["Block bootstrap of the history", "bootstrap", { returns: 30, stepSeconds: 86_400 }],
    ]);
    // The GBM's fixed run is the main comparison (the same paths, the same parameters): Monte Carlo error only.
    expect(models[0]!.fixed.returnMean).toEqual(report.results.difference.returnMean);
    expect(models[0]!.fixed.cvar95).toEqual(report.results.difference.cvar95);
  });

  it("widens the intervals of the return differences compared to Monte Carlo error only on the same paths", () => {
    for (const model of models) {
      expect(width(model.redrawn!.returnMean), model.name).toBeGreaterThan(1.3 * width(model.fixed.returnMean));
      expect(width(model.redrawn!.returnMedian), model.name).toBeGreaterThan(width(model.fixed.returnMedian));
    }
    const markdown = renderMarkdown(report);
    expect(markdown).toContain("## Parameter uncertainty");
    expect(markdown).toContain(
      "Parameter uncertainty: the market's parameters re-drawn per path from what a history of 30 days can tell",
    );
    expect(markdown).toContain("| Metric | Better | GBM: Monte Carlo only | GBM: parameters re-drawn |");
  });

  it("is the same report, bit for bit, however the run is chunked (with no progress listener too)", async () => {
    const chunked = await simulate(request({ history, uncertainty: {} }), { chunkPaths: 170 });
    expect(chunked.contentHash).toBe(report.contentHash);
  });

  it("takes any list of named market models, and names what is wrong with the settings", () => {
    const handWritten = devnetMarketModel(); // not fitted to a history
    const two = simulateNow(
      request({
        paths: 60,
        steps: 30,
        uncertainty: {
          historyReturns: 90,
          models: [
            { name: "Devnet GBM", market: handWritten },
            { name: "Fitted GBM", market: fitted },
          ],
        },
      }),
    ).results.uncertainty!.parameters!;
    expect(two.models.map((m) => [m.name, m.history!.returns])).toEqual([
      ["Devnet GBM", 90],
      ["Fitted GBM", 90],
    ]);
    expect(() => simulateNow(request({ market: handWritten, uncertainty: {} }))).toThrow(
      'uncertainty.historyReturns: the market "GBM" was not fitted to a history',
    );
    expect(() => simulateNow(request({ uncertainty: { paths: 0 } }))).toThrow(
      "uncertainty.paths must be a whole number from 1 to 1000000, got 0",
    );
    expect(() => simulateNow(request({ uncertainty: { historyReturns: 1 } }))).toThrow(
      "uncertainty.historyReturns must be a whole number of daily returns ≥ 2, got 1",
    );
    const twice = { name: "A", market: fitted };
    expect(() => simulateNow(request({ uncertainty: { models: [twice, twice] } }))).toThrow(
      'uncertainty: two market models are named "A"',
    );
  });
});

describe("Parameter draws: what a history of n returns can tell about a GBM's parameters", () => {
  const model = { ...fitted, driftPerYear: fitted.volatilityPerYear.map((s) => (s * s) / 2) }; // zero log drift
  const draws = createMarketDraws(model, { returns: 30, stepSeconds: 86_400 }, 3)!;
  const drawn = Array.from({ length: 2_000 }, (_, p) => draws(p) as GbmModel);

  it("spreads the drift by its standard error σ/√T, and the volatility by σ/√(2n), around the fitted ones", () => {
    const weth = 1;
    const sigma = fitted.volatilityPerYear[weth]!;
    const logDrifts = drawn.map((m) => m.driftPerYear[weth]! - m.volatilityPerYear[weth]! ** 2 / 2);
    const sd = (xs: number[]) => {
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      return { mean, sd: Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1)) };
    };
    const drift = sd(logDrifts);
    const standardError = sigma / Math.sqrt(30 / 365);
    expect(drift.mean).toBeCloseTo(0, 0);
    expect(drift.sd / standardError).toBeGreaterThan(0.93);
    expect(drift.sd / standardError).toBeLessThan(1.07);
    const volatility = sd(drawn.map((m) => m.volatilityPerYear[weth]!));
    expect(volatility.mean / sigma).toBeGreaterThan(0.97);
    expect(volatility.mean / sigma).toBeLessThan(1.01);
    expect(volatility.sd / (sigma / Math.sqrt(60))).toBeGreaterThan(0.9);
    expect(volatility.sd / (sigma / Math.sqrt(60))).toBeLessThan(1.1);
    // The stablecoin does not move in any draw.
    expect(drawn.every((m) => m.volatilityPerYear[0] === 0)).toBe(true);
  });

  it("keeps every correlation matrix valid (symmetric, unit diagonal, positive semi-definite)", () => {
    for (const m of drawn.slice(0, 200)) {
      expect(() => cholesky(m.correlation, "drawn")).not.toThrow();
      expect(m.correlation.map((row, i) => row[i])).toEqual([1, 1, 1]);
      expect(m.correlation[1]![2]).toBe(m.correlation[2]![1]);
    }
    expect(() => draws(5)).toThrow("parameters are drawn path by path in order: path 2000 is next, not 5");
    expect(() => createMarketDraws(model, { returns: 1, stepSeconds: 86_400 }, 3)).toThrow(
      "the history must hold at least 2 returns to re-draw parameters from, got 1",
    );
  });
});

describe("The adaptive path count: paths grow until every headline difference's sign is settled, or a cap", () => {
  it("gives, bit for bit, the results of a single run of the final count, and stops at the cap with the unsettled", async () => {
    const progress: { done: number; total: number }[] = [];
    const grown = await simulate(request({ paths: 100, steps: 60, adaptive: { maxPaths: 300 } }), {
      chunkPaths: 70,
      onProgress: (p) => progress.push(p),
    });
    const adaptive = grown.results.uncertainty!.adaptive!;
    expect(adaptive.stages).toEqual([100, 200, 300]);
    expect(adaptive.paths).toBe(300);
    expect(grown.model.paths).toBe(300);
    // No path liquidates in either set: 300 paths bound the difference to ±1.5 points, not within 0.1 of zero.
    expect(adaptive.unsettled).toContain("liquidationProbability");
    const fixed = simulateNow(request({ paths: 300, steps: 60 }));
    const { uncertainty: _u, ...results } = grown.results;
    expect(canonicalJson(results)).toBe(canonicalJson(fixed.results));
    expect(canonicalJson(grown.model)).toBe(canonicalJson(fixed.model));
    // The same report however it is chunked; progress counts up to a total that grows with the paths: the hedge
    // change's unhedged comparison runs on the main run's paths and grows with them.
    expect(simulateNow(request({ paths: 100, steps: 60, adaptive: { maxPaths: 300 } })).contentHash).toBe(
      grown.contentHash,
    );
    expect(progress.map((p) => p.done)).toEqual([70, 140, 210, 280, 350, 420, 490, 560, 600]);
    expect(progress.at(-1)).toEqual({ done: 600, total: 600 });
    expect(progress[0]!.total).toBe(200);
    expect(progress[1]!.total).toBe(400);
    const markdown = renderMarkdown(grown);
    expect(markdown).toContain("## Paths run");
    expect(markdown).toMatch(
      /Paths grew from 100 to 300 \(checked at 100, 200, 300; cap 300\), and stopped at the cap with \d+ differences? unsettled: [^(]*P\(liquidation\)/,
    );
  });

  it("stops as soon as every sign is settled: an interval excluding zero, or within the negligible width", () => {
    const d = (low95: number, high95: number): Difference => ({
      estimate: (low95 + high95) / 2,
      low95,
      high95,
      method: "paired-bootstrap",
    });
    expect(signSettled(d(0.001, 0.02), 0.001)).toBe(true);
    expect(signSettled(d(-0.0005, 0.0009), 0.001)).toBe(true);
    expect(signSettled(d(-0.0005, 0.002), 0.001)).toBe(false);
    expect(signSettled(null, 0.001)).toBe(true);
    const settled = Object.fromEntries(headlineMetrics.map((m) => [m, d(0.01, 0.02)]));
    let extended = 0;
    const fake: MonteCarlo = {
      done: () => 100,
      startNav: 1_000_000,
      runPaths: () => 100,
      results: () => {
        throw new Error("not needed");
      },
      differences: () => settled as never,
      extend: () => void extended++,
      pathValues: () => {
        throw new Error("not needed");
      },
    };
    const count = createAdaptivePathCount(fake, { startPaths: 100, maxPaths: 10_000 });
    expect(count.check()).toBe(false);
    expect(count.outcome()).toMatchObject({ paths: 100, stages: [100], unsettled: [] });
    expect(extended).toBe(0);
  });

  it("grows a Monte Carlo run to the same numbers as one created with the final count", () => {
    const inputs: MonteCarloInputs = {
      setup: start.setup,
      state: start.state,
      pricesUsd: start.pricesUsd,
      params: { current: start.params, proposed: withChanges(start.params, { "hedge.ratioBps": 8_000 }, symbols) },
      market: fitted,
      stress: [],
      paths: 40,
      steps: 30,
      stepSeconds: 86_400,
      seed: 3,
      gasPriceGwei: 5,
    };
    const grown = createMonteCarlo(inputs);
    grown.runPaths(40);
    grown.extend(90);
    grown.runPaths(50);
    const once = createMonteCarlo({ ...inputs, paths: 90 });
    once.runPaths(90);
    expect(canonicalJson(grown.results())).toBe(canonicalJson(once.results()));
    expect(() => grown.extend(90)).toThrow("paths can only grow, to a whole number up to 1000000: 90 → 90");
  });

  it("names a bad cap", () => {
    expect(() => simulateNow(request({ adaptive: { maxPaths: 100 } }))).toThrow(
      "adaptive.maxPaths (100) must be at least the paths asked for (200)",
    );
    expect(() => simulateNow(request({ adaptive: { maxPaths: 2.5 } }))).toThrow(
      "adaptive.maxPaths must be a whole number from 1 to 1000000, got 2.5",
    );
    expect(() => simulateNow(request({ steps: 365, adaptive: { maxPaths: 100_000 } }))).toThrow(
      "adaptive.maxPaths: paths × (steps + 1)",
    );
  });
});
