import { describe, expect, it } from "vitest";
import {
  bandCoverage,
  calibrationTable,
  compareMetric,
  measureOutcome,
  percentileRank,
  type ProposalOutcomeResult,
} from "./outcome.ts";
import { outcomeInputs } from "../../test/fixtures/outcomeInputs.ts";

describe("Band coverage of a realized path", () => {
  const bands = [
    [0.9, 0.95, 1, 1.05, 1.1],
    [0.9, 0.95, 1, 1.05, 1.1],
    [0.8, 0.9, 1, 1.1, 1.2],
    [0.8, 0.9, 1, 1.1, 1.2],
    [0.8, 0.9, 1, 1.1, 1.2],
  ];

  it("counts the days inside p25–p75 and p5–p95, bounds included", () => {
    // Day by day: inside both; on p75 (inside both); between p75 and p95; on p5 (inside 90 only); below p5.
    expect(bandCoverage([1, 1.05, 1.15, 0.8, 0.79], bands)).toEqual({
      days: 5,
      inside50: 2,
      inside90: 4,
      share50: 0.4,
      share90: 0.8,
    });
  });

  it("has no shares for no days", () => {
    expect(bandCoverage([], [])).toEqual({ days: 0, inside50: 0, inside90: 0, share50: null, share90: null });
  });

  it("refuses bands that do not pair with the days, or a row that is not five ascending quantiles", () => {
    expect(() => bandCoverage([1, 1], bands)).toThrow("realized has 2 days but bands has 5 rows");
    expect(() => bandCoverage([1], [[1, 0.9, 1, 1.1, 1.2]])).toThrow("bands[0] must be five ascending quantiles");
    expect(() => bandCoverage([1], [[0.9, 1, 1.1]])).toThrow("bands[0] must be five ascending quantiles");
  });
});

describe("Percentile rank in a predicted sample", () => {
  it("is the share below, ties counted half", () => {
    expect(percentileRank(3, [1, 2, 3, 4])).toBe(0.625);
    expect(percentileRank(0, [1, 2, 3, 4])).toBe(0);
    expect(percentileRank(9, [1, 2, 3, 4])).toBe(1);
    expect(percentileRank(2, [2, 2, 2, 2])).toBe(0.5);
    expect(percentileRank(2.5, [4, 1, 3, 2])).toBe(0.5);
  });

  it("refuses an empty sample or a value that is not a number", () => {
    expect(() => percentileRank(1, [])).toThrow("the sample is empty");
    expect(() => percentileRank(Number.NaN, [1])).toThrow("value must be a finite number, got NaN");
  });
});

describe("A realized metric against its predicted distribution", () => {
  // 0, 1, …, 20: type-7 quantiles fall on whole numbers: p5 = 1, p25 = 5, p50 = 10, p75 = 15, p95 = 19.
  const sample = Array.from({ length: 21 }, (_, i) => i);

  it("gives the quantiles, the rank, and whether it fell in the central bands", () => {
    expect(compareMetric("rebalances", 4, sample)).toEqual({
      metric: "rebalances",
      label: "Rebalances",
      realized: 4,
      predicted: { p5: 1, p25: 5, p50: 10, p75: 15, p95: 19, mean: 10 },
      percentileRank: 4.5 / 21,
      inside50: false,
      inside90: true,
    });
    expect(compareMetric("rebalances", 15, sample).inside50).toBe(true);
    expect(compareMetric("rebalances", 20, sample).inside90).toBe(false);
  });
});

const inputs = outcomeInputs;

describe("One proposal's outcome", () => {
  it("measures the share price's days against the report's bands over its start NAV, day d against step d", () => {
    const outcome = measureOutcome(inputs());
    expect(outcome.horizon).toMatchObject({ days: 3, fromSeconds: 500_000, toSeconds: 500_000 + 3 * 86_400 });
    expect(outcome.sharePrice.path.map((p) => p.realized)).toEqual([1, 1.005, 0.97, 1.07]);
    expect(outcome.sharePrice.path[2]!.bands).toEqual([0.96, 0.98, 1, 1.02, 1.04]);
    // Day 1: 1.005 in [0.99, 1.01]; day 2: 0.97 in [0.96, 1.04] but below 0.98; day 3: 1.07 above 1.06.
    expect(outcome.sharePrice.coverage).toEqual({ days: 3, inside50: 1, inside90: 2, share50: 1 / 3, share90: 2 / 3 });
    // Growth at day 3 (1.07) among 0.95, 0.96, …, 1.05: above all 11.
    expect(outcome.sharePrice.percentileRank).toBe(1);
    // Without the vault's NAV, none is shown; with it, each day's beside its growth (not measured: flows move it).
    expect(outcome.sharePrice.path.map((p) => p.navBase)).toEqual([null, null, null, null]);
    const withNav = measureOutcome(inputs({ realizedNavBase: [100, 150, 149, 160] }));
    expect(withNav.sharePrice.path.map((p) => p.navBase)).toEqual([100, 150, 149, 160]);
    expect(withNav.sharePrice.coverage).toEqual(outcome.sharePrice.coverage);
    expect(() => measureOutcome(inputs({ realizedNavBase: [100] }))).toThrow(
      "realizedNavBase has 1 days but realizedSharePrices 4",
    );
  });

  it("ranks each metric the model has a sample for; fees as a share of the report's start NAV", () => {
    const outcome = measureOutcome(inputs());
    // No LTV sample (no collateral manager in the model): compared metrics skip it.
    expect(outcome.metrics.map((m) => m.metric)).toEqual(["rebalances", "turnover", "fees", "hedgeRatio"]);
    const byName = Object.fromEntries(outcome.metrics.map((m) => [m.metric, m]));
    // Rebalances 3 among 0..10: three below, one tied.
    expect(byName.rebalances!.percentileRank).toBe(3.5 / 11);
    // Turnover 0.105 among 0, 0.01, …, 0.1: all below.
    expect(byName.turnover!.percentileRank).toBe(1);
    // Fees 0.02 of NAV = 4 base tokens on a start NAV of 200, among 0..10 tokens: four below, one tied.
    expect(byName.fees!.percentileRank).toBe(4.5 / 11);
    // Hedge ratio 0.55 among 0, 0.1, …, 1: six below (0 to 0.5), no tie.
    expect(byName.hedgeRatio!.percentileRank).toBe(6 / 11);
  });

  it("puts what happened beside the replays with and without the proposal, and their difference", () => {
    const { counterfactual } = measureOutcome(inputs());
    expect(counterfactual.realized).toEqual({
      growth: 1.07,
      rebalances: 3,
      turnover: 0.105,
      fees: 0.02,
      ltv: 0.3,
      hedgeRatio: 0.55,
    });
    expect(counterfactual.effect.rebalances).toBe(1);
    expect(counterfactual.effect.turnover).toBeCloseTo(0.03, 12);
    expect(counterfactual.effect.growth).toBeCloseTo(0.005, 12);
    expect(counterfactual.effect.fees).toBe(0);
  });

  it("refuses too few days, a prediction at another horizon, or bands shorter than the days", () => {
    expect(() => measureOutcome(inputs({ realizedSharePrices: [2, 2.01] }))).toThrow(
      "realizedSharePrices covers 1 days since execution; an outcome needs 2",
    );
    expect(() => measureOutcome(inputs({ realizedSharePrices: [2, 2, 2, 2, 2] }))).toThrow(
      "predicted covers 3 steps but the realized path 4 days",
    );
    const short = inputs();
    expect(() => measureOutcome({ ...short, report: { ...short.report, proposedBands: [[1, 1, 1, 1, 1]] } })).toThrow(
      "the report's bands reach 0 days, fewer than the 3 elapsed",
    );
  });
});

describe("The calibration table across proposals", () => {
  it("pools every measured proposal's days and metrics, and lists those left out with their reason", () => {
    const first = measureOutcome(inputs());
    const second = measureOutcome(
      inputs({ proposalId: "8", realizedSharePrices: [1, 1, 1, 1] }), // every day on the median: inside both
    );
    const results: ProposalOutcomeResult[] = [
      first,
      { status: "unmeasured", proposalId: "9", title: "Fees", reason: "no-cited-report", message: "no report" },
      second,
    ];
    const table = calibrationTable(results);
    expect(table.expected).toEqual({ share50: 0.5, share90: 0.9 });
    expect(table.rows.map((r) => [r.proposalId, r.days, r.inside50, r.inside90])).toEqual([
      ["7", 3, 1, 2],
      ["8", 3, 3, 3],
    ]);
    expect(table.days).toEqual({ count: 6, inside50: 4, inside90: 5, share50: 4 / 6, share90: 5 / 6 });
    // Per proposal, against 0..10 (p5 0.5, p25 2.5, p75 7.5, p95 9.5, scaled): rebalances 3 inside p25–p75,
    // turnover 0.105 above p95 (0.095), fees 4 tokens inside, hedge ratio 0.55 inside.
    expect(first.metrics.map((m) => [m.metric, m.inside50, m.inside90])).toEqual([
      ["rebalances", true, true],
      ["turnover", false, false],
      ["fees", true, true],
      ["hedgeRatio", true, true],
    ]);
    expect(table.metrics).toEqual({ count: 8, inside50: 6, inside90: 6, share50: 0.75, share90: 0.75 });
    expect(table.unmeasured.map((u) => [u.proposalId, u.reason])).toEqual([["9", "no-cited-report"]]);
  });

  it("has no shares when nothing was measured", () => {
    const table = calibrationTable([]);
    expect(table.days).toEqual({ count: 0, inside50: 0, inside90: 0, share50: null, share90: null });
  });
});
