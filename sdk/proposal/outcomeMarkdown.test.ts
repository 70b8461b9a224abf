import { describe, expect, it } from "vitest";
import { calibrationMarkdown, outcomeMarkdown } from "./outcomeMarkdown.ts";
import { calibrationTable, type ProposalOutcome, type UnmeasuredOutcome } from "./outcome.ts";

const outcome: ProposalOutcome = {
  status: "measured",
  proposalId: "7",
  title: "Tighter band",
  report: {
    hash: `0x${"ab".repeat(32)}`,
    blockNumber: "100",
    startSeconds: 0,
    paths: 2_000,
    steps: 365,
    stepSeconds: 86_400,
    startNav: 200,
  },
  execution: { blockNumber: "150", timestampSeconds: 86_400 },
  horizon: { days: 2, fromSeconds: 86_400, toSeconds: 3 * 86_400, alignment: "Day d against step d." },
  sharePrice: {
    path: [
      { day: 0, realized: 1, bands: [1, 1, 1, 1, 1], navBase: 1_000 },
      { day: 1, realized: 1.005, bands: [0.98, 0.99, 1, 1.01, 1.02], navBase: 1_500.4 },
      { day: 2, realized: 0.97, bands: [0.96, 0.98, 1, 1.02, 1.04], navBase: null },
    ],
    coverage: { days: 2, inside50: 1, inside90: 2, share50: 0.5, share90: 1 },
    percentileRank: 0.1,
  },
  metrics: [
    {
      metric: "rebalances",
      label: "Rebalances",
      realized: 2,
      predicted: { p5: 0, p25: 1, p50: 1, p75: 2, p95: 3, mean: 1.2 },
      percentileRank: 0.7,
      inside50: true,
      inside90: true,
    },
  ],
  counterfactual: {
    realized: { growth: 0.97, rebalances: 2, turnover: 0.1, fees: 0.001, ltv: null, hedgeRatio: null },
    withProposal: { growth: 0.975, rebalances: 1, turnover: 0.05, fees: 0.001 },
    withoutProposal: { growth: 0.98, rebalances: 0, turnover: 0, fees: 0.001 },
    effect: { growth: -0.005, rebalances: 1, turnover: 0.05, fees: 0 },
  },
};
const unmeasured: UnmeasuredOutcome = {
  status: "unmeasured",
  proposalId: "9",
  title: "Fees",
  reason: "too-few-days",
  message: "proposal 9 was executed 1 whole day ago; an outcome needs 2",
};

describe("An outcome for humans", () => {
  it("shows each day against the fan, the metrics' ranks and the replays with the effect", () => {
    const text = outcomeMarkdown(outcome);
    expect(text).toContain(
      "Days inside p25–p75: 1 of 2 (50%; 50% expected). Inside p5–p95: 2 of 2 (100%; 90% expected).",
    );
    expect(text).toContain("| 1 | +0.50% | -2.00% | -1.00% | 0.00% | +1.00% | +2.00% | yes | yes | 1,500 |");
    expect(text).toContain("| 2 | -3.00% | -4.00% | -2.00% | 0.00% | +2.00% | +4.00% | no | yes | – |");
    expect(text).toContain("| Rebalances | 2.0 | 0.0 | 1.0 | 1.0 | 2.0 | 3.0 | 70% |");
    expect(text).toContain("| Replay without it | -2.00% | 0 | 0.00% | 0.100% |");
    expect(text).toContain("| Effect (with less without) | -0.50% | +1 | +5.00% | 0.000% |");
  });

  it("says why a proposal has no outcome", () => {
    expect(outcomeMarkdown(unmeasured)).toBe(
      "# Outcome of proposal 9\n\nproposal 9 was executed 1 whole day ago; an outcome needs 2.\n",
    );
  });

  it("pools the calibration table and lists the proposals left out", () => {
    const text = calibrationMarkdown(calibrationTable([outcome, unmeasured]));
    expect(text).toContain("| 7 Tighter band | 2 | 1 | 2 | 1 of 1 | 1 of 1 |");
    expect(text).toContain("| Share-price days | 1 of 2 (50%) | 2 of 2 (100%) |");
    expect(text).toContain("- 9 Fees: proposal 9 was executed 1 whole day ago; an outcome needs 2.");
  });
});
