import { describe, expect, it } from "vitest";
import { devnetMarketModel, devnetStartPoint } from "../devnet/startPoint.ts";
import { predictAtHorizon } from "./horizon.ts";
import { simulateNow } from "./simulate.ts";
import { quantile } from "./stats.ts";

const start = devnetStartPoint();
const report = simulateNow({
  start,
  changes: { "rebalance.bandBps": 300, "rebalance.maxTradeBps": 1_500 },
  market: devnetMarketModel(),
  paths: 200,
  steps: 60,
  seed: 11,
});
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
/** The report's bands are float32: a growth read back from them is within float32 rounding of the path's. */
const float32 = 1e-6;

describe("A report's paths run to a shorter horizon", () => {
  it("at the report's own horizon, gives back the report's per-path means and its last band row", () => {
    const at = predictAtHorizon(report, report.model.steps);
    for (const [set, summary] of [
      [at.current, report.results.current],
      [at.proposed, report.results.proposed],
    ] as const) {
      expect(mean(set.rebalances)).toBeCloseTo(summary.rebalances, 12);
      expect(mean(set.turnover)).toBeCloseTo(summary.turnover, 12);
      expect(mean(set.feesBase)).toBeCloseTo(summary.feesBase, 9);
    }
    const last = report.results.bands.proposed[report.model.steps]!;
    const startNav = report.results.startNav;
    [0.05, 0.25, 0.5, 0.75, 0.95].forEach((p, i) =>
      expect(Math.abs(quantile(at.proposed.growth, p) - last[i]! / startNav)).toBeLessThan(float32),
    );
  });

  it("at day 10, the paths' growth quantiles are the report's band row 10, and counts only grow with the horizon", () => {
    const at10 = predictAtHorizon(report, 10);
    const at30 = predictAtHorizon(report, 30);
    const row = report.results.bands.proposed[10]!;
    [0.05, 0.25, 0.5, 0.75, 0.95].forEach((p, i) =>
      expect(Math.abs(quantile(at10.proposed.growth, p) - row[i]! / report.results.startNav)).toBeLessThan(float32),
    );
    at10.proposed.rebalances.forEach((r, path) => expect(r).toBeLessThanOrEqual(at30.proposed.rebalances[path]!));
    expect(mean(at30.proposed.rebalances)).toBeGreaterThan(mean(at10.proposed.rebalances));
    // The devnet's vault has both modules: LTV and hedge ratio are read at the horizon on every path.
    expect(at10.proposed.ltv).toHaveLength(report.model.paths);
    expect(at10.proposed.hedgeRatio).toHaveLength(report.model.paths);
    for (const ltv of at10.proposed.ltv!) expect(ltv).toBeGreaterThan(0);
  });

  it("refuses a horizon outside the report's steps, naming it", () => {
    expect(() => predictAtHorizon(report, 0)).toThrow(
      "horizonSteps must be a whole number from 1 to the report's 60 steps, got 0",
    );
    expect(() => predictAtHorizon(report, 61)).toThrow("got 61");
  });
});
