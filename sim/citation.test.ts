import { describe, expect, it } from "vitest";
import { devnetMarketModel, devnetStartPoint } from "../devnet/startPoint.ts";
import { citationProblem, minCitablePaths, rerunDisagreements, rerunOf } from "./citation.ts";
import type { ComparedMetric, Difference } from "./monteCarlo.ts";
import { renderMarkdown, verifyReport } from "./report.ts";
import { simulateNow, type SimulationRequest } from "./simulate.ts";

const start = devnetStartPoint();
const request = (overrides: Partial<SimulationRequest> = {}): SimulationRequest => ({
  start,
  changes: { "rebalance.bandBps": 300 },
  market: devnetMarketModel(),
  paths: 100,
  steps: 60,
  seed: 5,
  ...overrides,
});

const difference = (estimate: number): Difference => ({
  estimate,
  low95: estimate - 1,
  high95: estimate + 1,
  method: "paired-bootstrap",
});
const differences = (value: (key: ComparedMetric) => number | null) =>
  new Proxy({} as Record<ComparedMetric, Difference | null>, {
    get: (_, key) => {
      const v = value(key as ComparedMetric);
      return v === null ? null : difference(v);
    },
  });

describe("A report a proposal can cite", () => {
  it("needs at least the stated number of paths", () => {
    expect(minCitablePaths).toBe(2_000);
    expect(citationProblem(2_000)).toBeUndefined();
    expect(citationProblem(1_999)).toBe(
      "1,999 paths is fewer than the 2,000 a report needs to be cited by a proposal: this report is a draft",
    );
  });

  it("marks a report of fewer paths as a draft at the top of its markdown", () => {
    const markdown = renderMarkdown(simulateNow(request()));
    expect(markdown).toContain("**Draft, not citable:** 100 paths is fewer than the 2,000");
  });
});

describe("The second-seed rerun", () => {
  it("flags the differences whose two seeds disagree on the sign, and only those", () => {
    const first = differences((key) => (key === "returnMean" ? 0.01 : key === "sharpe" ? null : -0.02));
    const second = differences((key) => (key === "returnMean" ? -0.003 : key === "volatility" ? 0 : -0.01));
    const rerun = rerunOf(9, 2_000, first, second);
    expect(rerun.metrics.returnMean.signsDisagree).toBe(true);
    // A zero is no sign, and a missing value cannot disagree.
    expect(rerun.metrics.volatility.signsDisagree).toBe(false);
    expect(rerun.metrics.sharpe.signsDisagree).toBe(false);
    expect(rerunDisagreements(rerun)).toEqual(["returnMean"]);
  });

  it("runs the headline differences again on as many paths with the second seed, beside the first", () => {
    const report = simulateNow(request({ rerunSeed: 12_345 }));
    expect(verifyReport(report)).toBe(true);
    const rerun = report.results.rerun!;
    expect(rerun.seed).toBe(12_345);
    expect(rerun.paths).toBe(100);
    expect(rerun.metrics.returnMean.first).toEqual(report.results.difference.returnMean);
    expect(rerun.metrics.returnMean.second).not.toEqual(rerun.metrics.returnMean.first);
    // The second seed's run is the run a report of that seed would make.
    const second = simulateNow(request({ seed: 12_345 }));
    expect(rerun.metrics.volatility.second).toEqual(second.results.difference.volatility);
    const markdown = renderMarkdown(report);
    expect(markdown).toContain("## The same comparison with a second seed");
    expect(markdown).toContain("| Metric | Seed 5 | Seed 12345 | |");
  });

  it("refuses a second seed that is not a whole number, naming it", () => {
    expect(() => simulateNow(request({ rerunSeed: 1.5 }))).toThrow("rerunSeed must be an integer, got 1.5");
  });

  it("leaves a report without a second seed as before: no rerun, no section", () => {
    const report = simulateNow(request());
    expect(report.results.rerun).toBeUndefined();
    expect(renderMarkdown(report)).not.toContain("second seed");
  });
});
