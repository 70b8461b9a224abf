/**
 * Proposals' outcomes after execution as the app shows them (sdk/proposal/outcome.ts measures them): the proposal
 * page's Outcome section (OutcomePanel.svelte), the proposals list's calibration table and the delegates' track
 * records. Pure and locale-fixed, so that the server's rendering and the browser's agree.
 */
import {
  minimumOutcomeDays,
  type BandCoverage,
  type OutcomeMetric,
  type ProposalOutcome,
  type ProposalOutcomeResult,
  type ReplayNumbers,
  type UnmeasuredReason,
} from "../../../../sdk/proposal/outcome.ts";
import { formatFraction, formatNumber } from "../format.ts";

/** Why an outcome is not measured, in words (the result's `message` gives the particulars). */
export const unmeasuredReasonText: Record<UnmeasuredReason, string> = {
  "not-executed": "Not executed: an outcome is measured from the execution.",
  "no-cited-report": "Its description cites no impact report: there is no prediction to measure against.",
  "too-few-days": `Executed too recently: an outcome needs ${minimumOutcomeDays} whole days since the execution.`,
  "report-not-reproduced": "The impact report it cites does not reproduce from the chain.",
  unsupported: "The report it cites cannot be read at the elapsed horizon.",
  unreadable: "The chain or the subgraph could not be read for it.",
};

/** A fraction as a signed percentage: 0.0123 → "+1.23%", -0.004 → "-0.40%", 0 → "0.00%". */
export function formatSignedFraction(fraction: number, fractionDigits = 2): string {
  const text = formatFraction(fraction, fractionDigits);
  return fraction > 0 && Number(text.replace(/[%,]/g, "")) !== 0 ? `+${text}` : text;
}

/** A metric's value as its table shows it: rebalances as a count, the rest as a share. */
export function formatMetricValue(metric: OutcomeMetric, value: number): string {
  return metric === "rebalances" ? formatNumber(value, 1) : formatFraction(value, 2);
}

/** One band's row of the coverage table: the realized days inside it, of how many, against what a fit expects. */
export type CoverageRow = { band: string; inside: number; days: number; share: string; expected: string };

/** The share price's days inside the central 50% and 90% bands, against 50% and 90%. */
export function coverageRows(coverage: BandCoverage): CoverageRow[] {
  const share = (x: number | null) => (x === null ? "—" : formatFraction(x, 0));
  return [
    {
      band: "p25–p75",
      inside: coverage.inside50,
      days: coverage.days,
      share: share(coverage.share50),
      expected: "50%",
    },
    { band: "p5–p95", inside: coverage.inside90, days: coverage.days, share: share(coverage.share90), expected: "90%" },
  ];
}

/** One row of the counterfactual table: share-price change, rebalances, turnover and fees, as text. */
export type CounterfactualRow = { label: string; growth: string; rebalances: string; turnover: string; fees: string };

/** What happened, the model's replays with and without the proposal, and the effect (with less without). */
export function counterfactualRows(counterfactual: ProposalOutcome["counterfactual"]): CounterfactualRow[] {
  const row = (label: string, r: ReplayNumbers, effect = false): CounterfactualRow => ({
    label,
    growth: formatSignedFraction(effect ? r.growth : r.growth - 1),
    rebalances: effect && r.rebalances > 0 ? `+${r.rebalances}` : String(r.rebalances),
    turnover: effect ? formatSignedFraction(r.turnover) : formatFraction(r.turnover),
    fees: effect ? formatSignedFraction(r.fees, 3) : formatFraction(r.fees, 3),
  });
  return [
    row("What happened", counterfactual.realized),
    row("Replay with the proposal", counterfactual.withProposal),
    row("Replay without it", counterfactual.withoutProposal),
    row("Effect (with less without)", counterfactual.effect, true),
  ];
}

/**
 * An outcome in one line: the share price's change since execution, the proposal's effect on it by the model's
 * replays, and the days inside the bands; or why there is none.
 *
 * @example outcomeHeadline(measured) // "Share price +1.20% since execution (+0.30% against without it, by the model); 4 of 7 days in p25–p75, 7 in p5–p95"
 */
export function outcomeHeadline(result: ProposalOutcomeResult): string {
  if (result.status === "unmeasured") return unmeasuredReasonText[result.reason];
  const { realized, effect } = result.counterfactual;
  const { coverage } = result.sharePrice;
  return (
    `Share price ${formatSignedFraction(realized.growth - 1)} since execution ` +
    `(${formatSignedFraction(effect.growth)} against without it, by the model); ` +
    `${coverage.inside50} of ${coverage.days} days in p25–p75, ${coverage.inside90} in p5–p95`
  );
}

/** A delegate's vote on an executed proposal, as the subgraph holds it. */
export type ExecutedVote = { voter: string; proposalId: string; supportLabel: string };

/** One line of a delegate's track record: their vote on an executed proposal and its outcome's headline. */
export type TrackRecordEntry = {
  proposalId: string;
  title: string;
  vote: string;
  measured: boolean;
  headline: string;
};

/**
 * Each voter's track record (voter address, lower case → entries in `outcomes`' order): for every executed proposal
 * in `outcomes` they voted on, their vote and the outcome's headline. Votes on proposals not in `outcomes` are left
 * out; voters without one are absent.
 */
export function trackRecords(
  votes: readonly ExecutedVote[],
  outcomes: readonly ProposalOutcomeResult[],
): Record<string, TrackRecordEntry[]> {
  const order = new Map(outcomes.map((o, i) => [o.proposalId, i]));
  const records: Record<string, TrackRecordEntry[]> = {};
  for (const vote of votes) {
    const index = order.get(vote.proposalId);
    if (index === undefined) continue;
    const outcome = outcomes[index]!;
    (records[vote.voter.toLowerCase()] ??= []).push({
      proposalId: outcome.proposalId,
      title: outcome.title,
      vote: vote.supportLabel,
      measured: outcome.status === "measured",
      headline: outcomeHeadline(outcome),
    });
  }
  for (const entries of Object.values(records))
    entries.sort((a, b) => order.get(a.proposalId)! - order.get(b.proposalId)!);
  return records;
}
