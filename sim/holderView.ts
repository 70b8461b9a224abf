/**
 * The holder-centred parts of an impact report for humans (the markdown and the web app's CostPanel read the same
 * rows): the cost breakdown, the return in US dollars, the hedge's value for money, and each stress scenario's
 * comparison beside the baseline. Every difference carries its verdict by which way the metric is better, never by
 * its sign. Takes the report's parts it reads (not report.ts's type, which imports this module).
 */
import {
  costMetrics,
  usdMetrics,
  type CostMetric,
  type HedgeValueOfSet,
  type HolderResults,
  type UsdMetric,
} from "./holderMetrics.ts";
import type { Better, Difference } from "./monteCarlo.ts";
import { stressScenarioNames } from "./market/stress.ts";
import { stressedMetrics, type Stressed, type StressedMetric } from "./stressed.ts";

/** The parts of an impact report these views read. */
export type HolderReportParts = {
  inputs: {
    setup: { symbols: readonly string[] };
    params: { current: { hedge: { ratioBps: number } }; proposed: { hedge: { ratioBps: number } } };
  };
  model: { steps: number; stepSeconds: number };
  results: { startNav: number; holder?: HolderResults; stressed?: Stressed };
};

/** How a difference reads with `better` (report.ts's `verdictOf`, passed in to keep the modules acyclic). */
export type VerdictOf = (d: Difference, better: Better) => string;

/** One row of a holder table: current, proposed, proposed less current (95% interval), which way is better, verdict. */
export type HolderRow = {
  label: string;
  current: string;
  proposed: string;
  change: string;
  better: Better;
  verdict: string;
};

const percent = (x: number, digits = 2) => `${(x * 100).toFixed(digits)}%`;
const money = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 0, minimumFractionDigits: 0 });
const signed = (text: string) => (text.startsWith("-") || text === "–" ? text : `+${text}`);

function row(
  label: string,
  better: Better,
  current: number,
  proposed: number,
  d: Difference | null,
  format: (x: number) => string,
  verdictOf: VerdictOf,
): HolderRow {
  return {
    label,
    current: format(current),
    proposed: format(proposed),
    change: d ? `${signed(format(d.estimate))} (95%: ${signed(format(d.low95))} to ${signed(format(d.high95))})` : "–",
    better,
    verdict: d ? verdictOf(d, better) : "–",
  };
}

const costLabels: Record<CostMetric, string> = {
  poolFeesBase: "Pool fees",
  slippageBase: "Slippage (fill vs oracle, beyond the fee)",
  borrowCostBase: "Borrow interest",
  managementFeesBase: "Management fee (minted)",
  performanceFeesBase: "Performance fee (minted)",
  pendingFeesBase: "Fees pending at the horizon",
  protocolFeesBase: "Protocol fees (all)",
  holderCostsBase: "Total borne by holders",
  gasCostBase: "Gas (paid by the keeper, not in the total)",
  hedgeCostBase: "…of which the hedge (interest, fees, slippage)",
};

/**
 * The cost breakdown's rows: each cost over the horizon in base-asset tokens and as a share of the start NAV, for
 * both sets, with proposed less current. Undefined for a report without holder metrics.
 */
export function costRows(report: HolderReportParts, verdictOf: VerdictOf): HolderRow[] | undefined {
  const holder = report.results.holder;
  if (!holder) return undefined;
  const { startNav } = report.results;
  const base = report.inputs.setup.symbols[0] ?? "base";
  const format = (x: number) => `${money(x)} ${base} (${percent(startNav > 0 ? x / startNav : 0, 3)})`;
  const { current, proposed, difference } = holder.costs;
  return (Object.keys(costMetrics) as CostMetric[]).map((key) =>
    row(costLabels[key], costMetrics[key], current[key], proposed[key], difference[key], format, verdictOf),
  );
}

/** The holders' return in US dollars (a share's base tokens at the base asset's USD price). */
export function usdRows(report: HolderReportParts, verdictOf: VerdictOf): HolderRow[] | undefined {
  const holder = report.results.holder;
  if (!holder) return undefined;
  const labels: Record<UsdMetric, string> = { returnUsdMean: "Mean return in USD", cvar95Usd: "CVaR 95 in USD (loss)" };
  const { current, proposed, difference } = holder.usd;
  return (Object.keys(usdMetrics) as UsdMetric[]).map((key) =>
    row(labels[key], usdMetrics[key], current[key], proposed[key], difference[key], (x) => percent(x), verdictOf),
  );
}

/** One set's hedge value in a sentence: "cuts CVaR 95 by 3.1 points for 0.8% of NAV a year…". */
export function hedgeSentence(value: HedgeValueOfSet): string {
  const points = (x: number) => `${Math.abs(x * 100).toFixed(1)} points`;
  const verb = (x: number) => (x >= 0 ? "cuts" : "raises");
  const plain = (x: number) => (x * 100).toFixed(1);
  const interval = (d: Difference | null | undefined) => (d ? ` (95%: ${plain(d.low95)} to ${plain(d.high95)})` : "");
  const per =
    value.cvar95CutPerCost === null
      ? ""
      : ` (${value.cvar95CutPerCost.toFixed(1)} points of CVaR 95 per point of NAV a year spent)`;
  return (
    `${verb(value.cvar95Cut)} CVaR 95 by ${points(value.cvar95Cut)}${interval(value.intervals?.cvar95Cut)} and ` +
    `${verb(value.volatilityCut)} volatility by ${points(value.volatilityCut)}${interval(value.intervals?.volatilityCut)} ` +
    `for ${percent(value.costPerYear)} of NAV a year in interest, pool fees and slippage${per}; mean return ` +
    `${value.returnMeanChange >= 0 ? "+" : "−"}${points(value.returnMeanChange)} all in`
  );
}

/**
 * The hedge's value for money, one line per hedging set, measured against the same set with its hedge ratio at 0 on
 * the same paths, and one for the proposal's change (proposed against current). Undefined when not measured.
 */
export function hedgeLines(report: HolderReportParts): { set: string; sentence: string }[] | undefined {
  const hedge = report.results.holder?.hedge;
  if (!hedge) return undefined;
  const { params } = report.inputs;
  const sets = (["current", "proposed"] as const).flatMap((which) => {
    const value = hedge[which];
    if (!value) return [];
    const ratio = `${+(params[which].hedge.ratioBps / 100).toFixed(2)}%`;
    const set = `${which === "current" ? "Current" : "Proposed"} (hedge ratio ${ratio})`;
    return [{ set, sentence: hedgeSentence(value) }];
  });
  return [...sets, { set: "The proposal's change, proposed against current", sentence: hedgeSentence(hedge.marginal) }];
}

/** A stress scenario's comparison for humans: what it is conditional on, and its rows. */
export type StressedTable = { name: string; label: string; rows: HolderRow[] };

const stressedLabels: Record<StressedMetric, string> = {
  returnMean: "Mean return",
  returnUsdMean: "Mean return in USD",
  volatility: "Volatility (yearly)",
  maxDrawdownP95: "Max drawdown p95",
  cvar95: "CVaR 95 (loss)",
  cvar95Usd: "CVaR 95 in USD (loss)",
  liquidationProbability: "P(liquidation)",
  borrowCostBase: "Borrow cost",
};

/** Each stress scenario's comparison, beside the baseline, in the scenarios' order; empty when none was asked for. */
export function stressedTables(report: HolderReportParts, verdictOf: VerdictOf): StressedTable[] {
  const stressed = report.results.stressed ?? {};
  return stressScenarioNames.flatMap((name) => {
    const comparison = stressed[name];
    if (!comparison) return [];
    const { current, proposed, difference, label } = comparison;
    const rows = (Object.keys(stressedMetrics) as StressedMetric[]).map((key) =>
      row(
        stressedLabels[key],
        stressedMetrics[key],
        current[key],
        proposed[key],
        difference[key],
        key === "borrowCostBase" ? money : (x) => percent(x),
        verdictOf,
      ),
    );
    return [{ name, label, rows }];
  });
}

const table = (rows: HolderRow[]) => [
  "| Metric | Better | Current | Proposed | Difference (95% interval, Monte Carlo error) | Reads |",
  "|---|---|---:|---:|---|---|",
  ...rows.map((r) => `| ${r.label} | ${r.better} | ${r.current} | ${r.proposed} | ${r.change} | ${r.verdict} |`),
];

/** The markdown of the holder-centred sections (empty for a report without them). */
export function holderMarkdown(report: HolderReportParts, verdictOf: VerdictOf): string[] {
  const lines: string[] = [];
  const costs = costRows(report, verdictOf);
  const usd = usdRows(report, verdictOf);
  if (costs && usd) {
    const days = +((report.model.steps * report.model.stepSeconds) / 86_400).toFixed(1);
    lines.push(
      "",
      "## What the strategy costs the holders",
      "",
      `Over the ${days}-day horizon, mean over paths, in ${report.inputs.setup.symbols[0] ?? "base"} and as a share of the start NAV. ` +
        "Fills are valued at the oracle's price; borrow interest as charged when a position is touched; fees pending at " +
        "the horizon are what a redemption then would pay.",
      "",
      ...table(costs),
      "",
      ...table(usd),
    );
  }
  const hedge = hedgeLines(report);
  if (hedge?.length)
    lines.push(
      "",
      "## The hedge's value for money",
      "",
      "Each hedging set against itself with `hedge.ratioBps` at 0 on the same paths, and the proposal's change against " +
        "the current set; cuts in points, with 95% intervals of Monte Carlo error (paired over the paths).",
      "",
      ...hedge.map((h) => `- ${h.set}: ${h.sentence}.`),
    );
  for (const t of stressedTables(report, verdictOf))
    lines.push(
      "",
      `## Stress \`${t.name}\`: ${t.label}`,
      "",
      "Conditional on the stress: the baseline's paths with it put on them. The tables above are unstressed.",
      "",
      ...table(t.rows),
    );
  return lines;
}
