/**
 * A proposal's outcome and the calibration table for humans: Markdown, rendered once (the CLI prints it; a page can
 * render it or read the same plain objects).
 */
import type { CalibrationTable, PooledCoverage, ProposalOutcomeResult, ReplayNumbers } from "./outcome.ts";

const percent = (x: number | null, digits = 1) => (x === null ? "–" : `${(x * 100).toFixed(digits)}%`);
const signedPercent = (x: number, digits = 2) => {
  const text = (x * 100).toFixed(digits);
  return Number(text) === 0 ? `${(0).toFixed(digits)}%` : `${x > 0 ? "+" : ""}${text}%`;
};
const dateOf = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 16).replace("T", " ");
const metricValue = (metric: string, x: number) => (metric === "rebalances" ? x.toFixed(1) : percent(x, 2));

/** One proposal's outcome, or the sentence saying why it has none. */
export function outcomeMarkdown(result: ProposalOutcomeResult): string {
  if (result.status === "unmeasured") return `# Outcome of proposal ${result.proposalId}\n\n${result.message}.\n`;
  const { report, execution, horizon, sharePrice, metrics, counterfactual } = result;
  const { coverage } = sharePrice;
  const row = (label: string, r: ReplayNumbers) =>
    `| ${label} | ${signedPercent(r.growth - 1)} | ${r.rebalances} | ${percent(r.turnover, 2)} | ${percent(r.fees, 3)} |`;
  const { effect } = counterfactual;
  return [
    `# Outcome of proposal ${result.proposalId}: ${result.title}`,
    "",
    `Executed at block ${execution.blockNumber} (${dateOf(execution.timestampSeconds)} UTC); measured over the ` +
      `${horizon.days} whole days since, against impact report \`${report.hash}\` (block ${report.blockNumber}, ` +
      `${report.paths.toLocaleString("en-US")} paths of ${report.steps} daily steps), reproduced from the chain.`,
    "",
    horizon.alignment,
    "",
    "## Share price (holders' NAV) against the report's fan",
    "",
    `Days inside p25–p75: ${coverage.inside50} of ${coverage.days} (${percent(coverage.share50, 0)}; 50% expected). ` +
      `Inside p5–p95: ${coverage.inside90} of ${coverage.days} (${percent(coverage.share90, 0)}; 90% expected). ` +
      `The growth at day ${horizon.days} ranks at the ${percent(sharePrice.percentileRank, 0)} percentile of the paths. ` +
      "The vault's NAV itself moves with deposits and withdrawals, which the model does not draw: its band is read " +
      "as the holders' NAV, the start NAV grown at the share price.",
    "",
    "| Day | Realized | p5 | p25 | p50 | p75 | p95 | In p25–p75 | In p5–p95 | Vault NAV (with flows) |",
    "|---:|---:|---:|---:|---:|---:|---:|---|---|---:|",
    ...sharePrice.path.slice(1).map((p) => {
      const [p5, p25, p50, p75, p95] = p.bands as [number, number, number, number, number];
      const cells = [p.realized, p5, p25, p50, p75, p95].map((g) => signedPercent(g - 1));
      return `| ${p.day} | ${cells.join(" | ")} | ${p.realized >= p25 && p.realized <= p75 ? "yes" : "no"} | ${p.realized >= p5 && p.realized <= p95 ? "yes" : "no"} | ${p.navBase === null ? "–" : Math.round(p.navBase).toLocaleString("en-US")} |`;
    }),
    "",
    `## Per-path metrics over the ${horizon.days} days`,
    "",
    "| Metric | Realized | Predicted p5 | p25 | p50 | p75 | p95 | Percentile rank |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    ...metrics.map((m) => {
      const v = (x: number) => metricValue(m.metric, x);
      const { p5, p25, p50, p75, p95 } = m.predicted;
      return `| ${m.label} | ${v(m.realized)} | ${v(p5)} | ${v(p25)} | ${v(p50)} | ${v(p75)} | ${v(p95)} | ${percent(m.percentileRank, 0)} |`;
    }),
    "",
    "## Without the proposal",
    "",
    "The prices since execution replayed by the model (sim/backtest.ts) from the vault as it was just after " +
      "execution, with the parameters the proposal replaced and with its own; no deposits or withdrawals. The " +
      "replay with the proposal beside what happened is a check of the model against reality.",
    "",
    "| | Share price | Rebalances | Turnover | Fees |",
    "|---|---:|---:|---:|---:|",
    row("What happened", counterfactual.realized),
    row("Replay with the proposal", counterfactual.withProposal),
    row("Replay without it", counterfactual.withoutProposal),
    `| Effect (with less without) | ${signedPercent(effect.growth)} | ${effect.rebalances > 0 ? "+" : ""}${effect.rebalances} | ` +
      `${signedPercent(effect.turnover)} | ${signedPercent(effect.fees, 3)} |`,
    "",
  ].join("\n");
}

const pooledCells = (c: PooledCoverage) =>
  `${c.inside50} of ${c.count} (${percent(c.share50, 0)}) | ${c.inside90} of ${c.count} (${percent(c.share90, 0)})`;

/** The calibration table: each measured proposal's row, the pooled coverage against 50% and 90%, those left out. */
export function calibrationMarkdown(table: CalibrationTable): string {
  return [
    "# Calibration of the impact reports",
    "",
    `Every executed proposal that cites a report, its realized days and metrics against the report's central bands. ` +
      `A calibrated model puts ${percent(table.expected.share50, 0)} inside p25–p75 and ` +
      `${percent(table.expected.share90, 0)} inside p5–p95, in the long run (a few days of one proposal say little).`,
    "",
    "| Proposal | Days | Days in p25–p75 | Days in p5–p95 | Metrics in p25–p75 | Metrics in p5–p95 |",
    "|---|---:|---:|---:|---:|---:|",
    ...table.rows.map(
      (r) =>
        `| ${r.proposalId.length > 12 ? `${r.proposalId.slice(0, 6)}…${r.proposalId.slice(-4)}` : r.proposalId} ${r.title} | ${r.days} | ${r.inside50} | ${r.inside90} | ${r.metrics.inside50} of ${r.metrics.compared} | ${r.metrics.inside90} of ${r.metrics.compared} |`,
    ),
    "",
    "| Pooled | In p25–p75 (50% expected) | In p5–p95 (90% expected) |",
    "|---|---:|---:|",
    `| Share-price days | ${pooledCells(table.days)} |`,
    `| Metrics | ${pooledCells(table.metrics)} |`,
    "",
    ...(table.unmeasured.length
      ? ["Not measured:", "", ...table.unmeasured.map((u) => `- ${u.proposalId} ${u.title}: ${u.message}.`), ""]
      : []),
  ].join("\n");
}
