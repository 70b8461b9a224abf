import { describe, expect, it } from "vitest";
import { measureOutcome, type ProposalOutcome, type UnmeasuredOutcome } from "../../../../sdk/proposal/outcome.ts";
import {
  counterfactualRows,
  coverageRows,
  formatMetricValue,
  formatSignedFraction,
  outcomeHeadline,
  trackRecords,
  unmeasuredReasonText,
} from "./outcome.ts";
import { horizonValues, outcomeInputs } from "../../../../test/fixtures/outcomeInputs.ts";

/** Proposal `id` measured over 3 days: growth 1.005 (in p25–p75), 0.97 (in p5–p95 only), 1.07 (outside both). */
function measured(id = "7"): ProposalOutcome {
  const unhedged = outcomeInputs().predicted;
  return measureOutcome(
    outcomeInputs({
      proposalId: id,
      title: `Proposal ${id}`,
      realized: { rebalances: 3, turnover: 0.105, fees: 0.02, ltv: null, hedgeRatio: null },
      predicted: {
        ...unhedged,
        current: horizonValues(unhedged.current.growth, { hedged: false }),
        proposed: horizonValues(unhedged.proposed.growth, { hedged: false }),
      },
    }),
  );
}

const unmeasured = (id: string, reason: UnmeasuredOutcome["reason"]): UnmeasuredOutcome => ({
  status: "unmeasured",
  proposalId: id,
  title: `Proposal ${id}`,
  reason,
  message: `proposal ${id}: ${reason}`,
});

describe("formatting an outcome's numbers", () => {
  it("signs a fraction's percentage, and leaves a zero unsigned", () => {
    expect(formatSignedFraction(0.0123)).toBe("+1.23%");
    expect(formatSignedFraction(-0.004)).toBe("-0.40%");
    expect(formatSignedFraction(0)).toBe("0.00%");
    expect(formatSignedFraction(0.000001)).toBe("0.00%");
  });

  it("writes rebalances as a count and the other metrics as shares", () => {
    expect(formatMetricValue("rebalances", 3)).toBe("3.0");
    expect(formatMetricValue("turnover", 0.105)).toBe("10.50%");
  });
});

describe("the Outcome section's tables", () => {
  it("counts the days inside each band against the 50% and 90% a calibrated model gives", () => {
    expect(coverageRows(measured().sharePrice.coverage)).toEqual([
      { band: "p25–p75", inside: 1, days: 3, share: "33%", expected: "50%" },
      { band: "p5–p95", inside: 2, days: 3, share: "67%", expected: "90%" },
    ]);
    expect(coverageRows({ days: 0, inside50: 0, inside90: 0, share50: null, share90: null })[0]!.share).toBe("—");
  });

  it("sets what happened beside the replays with and without the proposal, and the effect signed", () => {
    const rows = counterfactualRows(measured().counterfactual);
    expect(rows.map((r) => r.label)).toEqual([
      "What happened",
      "Replay with the proposal",
      "Replay without it",
      "Effect (with less without)",
    ]);
    expect(rows[0]).toEqual({
      label: "What happened",
      growth: "+7.00%",
      rebalances: "3",
      turnover: "10.50%",
      fees: "2.000%",
    });
    expect(rows[2]!.growth).toBe("+6.00%");
    // 1.065 − 1.06 = +0.5 points of growth, one more rebalance, 3 points more turnover, the same fees.
    expect(rows[3]).toEqual({
      label: "Effect (with less without)",
      growth: "+0.50%",
      rebalances: "+1",
      turnover: "+3.00%",
      fees: "0.000%",
    });
  });
});

describe("an outcome's headline", () => {
  it("gives the share price's change, the effect against without it, and the days in the bands", () => {
    expect(outcomeHeadline(measured())).toBe(
      "Share price +7.00% since execution (+0.50% against without it, by the model); 1 of 3 days in p25–p75, 2 in p5–p95",
    );
  });

  it("says in words why an outcome is not measured", () => {
    expect(outcomeHeadline(unmeasured("8", "too-few-days"))).toBe(
      "Executed too recently: an outcome needs 2 whole days since the execution.",
    );
    expect(outcomeHeadline(unmeasured("8", "no-cited-report"))).toBe(unmeasuredReasonText["no-cited-report"]);
  });
});

describe("delegates' track records", () => {
  const outcomes = [measured("7"), unmeasured("9", "no-cited-report")];

  it("joins each voter's votes on executed proposals to their outcomes, in the outcomes' order", () => {
    const records = trackRecords(
      [
        { voter: "0xAAAA", proposalId: "9", supportLabel: "Against" },
        { voter: "0xaaaa", proposalId: "7", supportLabel: "For" },
        { voter: "0xbbbb", proposalId: "7", supportLabel: "Abstain" },
      ],
      outcomes,
    );
    expect(Object.keys(records).sort()).toEqual(["0xaaaa", "0xbbbb"]);
    expect(records["0xaaaa"]).toEqual([
      { proposalId: "7", title: "Proposal 7", vote: "For", measured: true, headline: outcomeHeadline(outcomes[0]!) },
      {
        proposalId: "9",
        title: "Proposal 9",
        vote: "Against",
        measured: false,
        headline: unmeasuredReasonText["no-cited-report"],
      },
    ]);
    expect(records["0xbbbb"]!.map((e) => e.vote)).toEqual(["Abstain"]);
  });

  it("leaves out votes on proposals that have no outcome (not executed)", () => {
    expect(trackRecords([{ voter: "0xcccc", proposalId: "12", supportLabel: "For" }], outcomes)).toEqual({});
  });
});
