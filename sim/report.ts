/**
 * The impact report: a versioned JSON document with everything needed to reproduce a simulation (seed, market
 * model, inputs, engine version) and its results, sealed by a SHA-256 content hash of its canonical JSON; and its
 * markdown rendering for humans.
 */
import { sha256, stringToBytes, type Hex } from "viem";
import type { BacktestResults } from "./backtest.ts";
import type { StressScenarioName } from "./market/stress.ts";
import type { MarketModel } from "./market/types.ts";
import type { Difference, MonteCarloResults, PathMetric, SetSummary } from "./monteCarlo.ts";
import type { StrategyParams, VaultSetup, VaultState } from "./model/types.ts";

/** The report format; a change to its fields or to the engine's numbers bumps one of these. */
export const reportSchema = "trimtab.impact-report/2";
export const engineVersion = "trimtab-sim/1.1.0";

export type ImpactReport = {
  schema: typeof reportSchema;
  engine: string;
  seed: number;
  model: {
    market: MarketModel;
    stress: readonly StressScenarioName[];
    paths: number;
    steps: number;
    stepSeconds: number;
    gasPriceGwei: number;
  };
  inputs: {
    setup: VaultSetup;
    state: VaultState;
    pricesUsd: readonly number[];
    params: { current: StrategyParams; proposed: StrategyParams };
    /** The registry parameters the proposal changes, by name, in registry units. */
    changes: Readonly<Record<string, number | boolean>>;
    /** Where the start state was read. */
    source?: { chainId: number; blockNumber: string; vault: string };
  };
  results: {
    startNav: number;
    current: SetSummary;
    proposed: SetSummary;
    difference: Record<PathMetric, Difference>;
    bands: { probabilities: readonly number[]; current: number[][]; proposed: number[][] };
    backtest?: BacktestResults;
  };
  /** SHA-256 of the canonical JSON of every other field. */
  contentHash: Hex;
};

/** The fields of a summary that hold one number (not a distribution). */
type ScalarSummaryField = {
  [K in keyof SetSummary]: SetSummary[K] extends number | null ? K : never;
}[keyof SetSummary];

export type UnsealedReport = Omit<ImpactReport, "contentHash">;

/**
 * JSON with keys sorted at every level and no spaces: the same report always gives the same bytes. Numbers are
 * written as JavaScript writes them (the shortest form that reads back to the same double, the same in every
 * engine). A non-finite number is refused with the path of the field, so that no NaN reaches a report.
 */
export function canonicalJson(value: unknown, path = "report"): string {
  if (value === null) return "null";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`${path} is ${value}: a report holds only finite numbers`);
    return JSON.stringify(value === 0 ? 0 : value);
  }
  if (typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v, i) => canonicalJson(v, `${path}[${i}]`)).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v, `${path}.${k}`)}`).join(",")}}`;
  }
  throw new Error(`${path} has a value JSON cannot hold (${typeof value})`);
}

/** Replaces infinities (a health factor with nothing borrowed) by null, everywhere in `value`. */
export function finiteOrNull<T>(value: T): T {
  if (typeof value === "number") return (Number.isFinite(value) || Number.isNaN(value) ? value : null) as T;
  if (Array.isArray(value)) return value.map(finiteOrNull) as T;
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, finiteOrNull(v)])) as T;
  return value;
}

/** Seals a report: its content hash over the canonical JSON of everything else. */
export function sealReport(report: UnsealedReport): ImpactReport {
  const clean = finiteOrNull(report);
  return { ...clean, contentHash: sha256(stringToBytes(canonicalJson(clean))) };
}

/** Whether a report's content hash matches its content (anyone can check a proposal's numbers with this). */
export function verifyReport(report: ImpactReport): boolean {
  const { contentHash, ...rest } = report;
  return sha256(stringToBytes(canonicalJson(rest))) === contentHash;
}

/** Builds the report of a Monte Carlo (and optionally a backtest). */
export function buildReport(args: {
  model: UnsealedReport["model"];
  inputs: UnsealedReport["inputs"];
  seed: number;
  monteCarlo: MonteCarloResults;
  bandProbabilities: readonly number[];
  backtest?: BacktestResults;
}): ImpactReport {
  const { monteCarlo } = args;
  return sealReport({
    schema: reportSchema,
    engine: engineVersion,
    seed: args.seed,
    model: args.model,
    inputs: args.inputs,
    results: {
      startNav: monteCarlo.startNav,
      current: monteCarlo.current,
      proposed: monteCarlo.proposed,
      difference: monteCarlo.difference,
      bands: { probabilities: args.bandProbabilities, ...monteCarlo.bands },
      ...(args.backtest ? { backtest: args.backtest } : {}),
    },
  });
}

/* MARKDOWN */

const percent = (x: number | null, digits = 2) => (x === null ? "–" : `${(x * 100).toFixed(digits)}%`);
const fixed = (x: number | null, digits = 2) => (x === null ? "–" : x.toFixed(digits));
const money = (x: number | null) =>
  x === null ? "–" : x.toLocaleString("en-US", { maximumFractionDigits: 0, minimumFractionDigits: 0 });
const signed = (text: string) => (text.startsWith("-") || text === "–" ? text : `+${text}`);

/** One metric of a report, current and proposed side by side, formatted. */
export type MetricRow = { label: string; current: string; proposed: string; change: string };

/**
 * The report's metrics for humans (the markdown table and the web app's): each with the path-by-path difference and
 * its 95% interval where the metric is per path; otherwise the difference of the two summaries.
 */
export function metricRows(report: ImpactReport): MetricRow[] {
  const { current, proposed, difference } = report.results;
  const base = report.inputs.setup.symbols[0] ?? "base";
  const percent1 = (x: number | null) => percent(x, 1);
  const fixed1 = (x: number | null) => fixed(x, 1);
  const metrics: [string, ScalarSummaryField, (x: number | null) => string, PathMetric?][] = [
    ["Mean return", "returnMean", percent, "return"],
    ["Median return", "returnMedian", percent],
    ["Volatility (yearly)", "volatility", percent, "volatility"],
    ["Sharpe", "sharpe", fixed, "sharpe"],
    ["Sortino", "sortino", fixed, "sortino"],
    ["Max drawdown p50", "maxDrawdownP50", percent],
    ["Max drawdown p95", "maxDrawdownP95", percent],
    ["CVaR 95 (loss)", "cvar95", percent],
    ["CVaR 99 (loss)", "cvar99", percent],
    ["Turnover (of NAV)", "turnover", percent1, "turnover"],
    ["Rebalances", "rebalances", fixed1, "rebalances"],
    [`Fees (${base})`, "feesBase", money, "feesBase"],
    ["Gas (units)", "gasUnits", money, "gasUnits"],
    [`Gas cost (${base}, keeper)`, "gasCostBase", money],
    [`Borrow cost (${base})`, "borrowCostBase", money, "borrowCostBase"],
    ["P(liquidation)", "liquidationProbability", percent, "liquidated"],
    ["Min health p5", "minHealthP5", fixed],
    ["Hedge effectiveness", "hedgeEffectiveness", percent1, "hedgeEffectiveness"],
  ];
  return metrics.map(([label, key, format, metric]) => {
    const [a, b] = [current[key], proposed[key]];
    let change = "–";
    if (a !== null && b !== null) {
      const d = metric ? difference[metric] : undefined;
      change = d ? `${signed(format(d.mean))} (95%: ${format(d.low95)} to ${format(d.high95)})` : signed(format(b - a));
    }
    return { label, current: format(a), proposed: format(b), change };
  });
}

/** The report for humans: what changes, the metrics side by side with the path-by-path difference, the backtest. */
export function renderMarkdown(report: ImpactReport): string {
  const { results, model, inputs } = report;
  const base = inputs.setup.symbols[0] ?? "base";
  const rows = metricRows(report).map((r) => `| ${r.label} | ${r.current} | ${r.proposed} | ${r.change} |`);
  const changes = Object.entries(inputs.changes);
  const lines = [
    `# Impact of the proposal`,
    "",
    changes.length === 0
      ? "The proposal changes no strategy parameter."
      : `Changes: ${changes.map(([name, value]) => `\`${name}\` → ${String(value)}`).join(", ")}.`,
    "",
    `${model.paths.toLocaleString("en-US")} paths of ${model.steps} steps of ${model.stepSeconds / 3_600} h ` +
      `(${model.market.kind === "gbm" ? "correlated GBM" : `block bootstrap, mean block ${model.market.blockLength}`}` +
      `${model.stress.length ? `, stress: ${model.stress.join(", ")}` : ""}), seed ${report.seed}, ` +
      `both parameter sets on the same paths. Starting NAV ${money(results.startNav)} ${base}.`,
    "",
    "| Metric | Current | Proposed | Difference (path by path) |",
    "|---|---:|---:|---|",
    ...rows,
  ];
  const backtest = results.backtest;
  if (backtest) {
    const days = (backtest.toSeconds - backtest.fromSeconds) / 86_400;
    const m = (run: typeof backtest.current) => run.metrics;
    lines.push(
      "",
      `## Backtest over the recorded history (${Math.round(days)} days)`,
      "",
      "| Metric | Current | Proposed |",
      "|---|---:|---:|",
      `| Return | ${percent(m(backtest.current).return)} | ${percent(m(backtest.proposed).return)} |`,
      `| Max drawdown | ${percent(m(backtest.current).maxDrawdown)} | ${percent(m(backtest.proposed).maxDrawdown)} |`,
      `| Rebalances | ${m(backtest.current).rebalances} | ${m(backtest.proposed).rebalances} |`,
      `| Fees (${base}) | ${money(m(backtest.current).feesBase)} | ${money(m(backtest.proposed).feesBase)} |`,
    );
  }
  lines.push("", `Report \`${report.contentHash}\` (${report.schema}, ${report.engine}).`, "");
  return lines.join("\n");
}
