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
export const reportSchema = "trimtab.impact-report/1";
export const engineVersion = "trimtab-sim/1.0.0";

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

type Row = { label: string; current: string; proposed: string; difference: string };

/** The report for humans: what changes, the metrics side by side with the path-by-path difference, the backtest. */
export function renderMarkdown(report: ImpactReport): string {
  const { results, model, inputs } = report;
  const { current, proposed, difference } = results;
  const base = inputs.setup.symbols[0] ?? "base";
  const diff = (metric: PathMetric, format: (x: number) => string) => {
    const d = difference[metric];
    return `${signed(format(d.mean))} (95%: ${format(d.low95)} to ${format(d.high95)})`;
  };
  const rows: Row[] = [
    {
      label: "Mean return",
      current: percent(current.returnMean),
      proposed: percent(proposed.returnMean),
      difference: diff("return", (x) => percent(x)),
    },
    {
      label: "Median return",
      current: percent(current.returnMedian),
      proposed: percent(proposed.returnMedian),
      difference: signed(percent(proposed.returnMedian - current.returnMedian)),
    },
    {
      label: "Volatility (yearly)",
      current: percent(current.volatility),
      proposed: percent(proposed.volatility),
      difference: diff("volatility", (x) => percent(x)),
    },
    {
      label: "Sharpe",
      current: fixed(current.sharpe),
      proposed: fixed(proposed.sharpe),
      difference: diff("sharpe", (x) => fixed(x)),
    },
    {
      label: "Sortino",
      current: fixed(current.sortino),
      proposed: fixed(proposed.sortino),
      difference: diff("sortino", (x) => fixed(x)),
    },
    {
      label: "Max drawdown p50",
      current: percent(current.maxDrawdownP50),
      proposed: percent(proposed.maxDrawdownP50),
      difference: signed(percent(proposed.maxDrawdownP50 - current.maxDrawdownP50)),
    },
    {
      label: "Max drawdown p95",
      current: percent(current.maxDrawdownP95),
      proposed: percent(proposed.maxDrawdownP95),
      difference: signed(percent(proposed.maxDrawdownP95 - current.maxDrawdownP95)),
    },
    {
      label: "CVaR 95 (loss)",
      current: percent(current.cvar95),
      proposed: percent(proposed.cvar95),
      difference: signed(percent(proposed.cvar95 - current.cvar95)),
    },
    {
      label: "CVaR 99 (loss)",
      current: percent(current.cvar99),
      proposed: percent(proposed.cvar99),
      difference: signed(percent(proposed.cvar99 - current.cvar99)),
    },
    {
      label: "Turnover (of NAV)",
      current: percent(current.turnover, 1),
      proposed: percent(proposed.turnover, 1),
      difference: diff("turnover", (x) => percent(x, 1)),
    },
    {
      label: "Rebalances",
      current: fixed(current.rebalances, 1),
      proposed: fixed(proposed.rebalances, 1),
      difference: diff("rebalances", (x) => fixed(x, 1)),
    },
    {
      label: `Fees (${base})`,
      current: money(current.feesBase),
      proposed: money(proposed.feesBase),
      difference: diff("feesBase", money),
    },
    {
      label: "Gas (units)",
      current: money(current.gasUnits),
      proposed: money(proposed.gasUnits),
      difference: diff("gasUnits", money),
    },
    {
      label: `Gas cost (${base}, keeper)`,
      current: money(current.gasCostBase),
      proposed: money(proposed.gasCostBase),
      difference: signed(money(proposed.gasCostBase - current.gasCostBase)),
    },
    {
      label: `Borrow cost (${base})`,
      current: money(current.borrowCostBase),
      proposed: money(proposed.borrowCostBase),
      difference: diff("borrowCostBase", money),
    },
    {
      label: "P(liquidation)",
      current: percent(current.liquidationProbability),
      proposed: percent(proposed.liquidationProbability),
      difference: diff("liquidated", (x) => percent(x)),
    },
    {
      label: "Min health p5",
      current: fixed(current.minHealthP5),
      proposed: fixed(proposed.minHealthP5),
      difference:
        current.minHealthP5 === null || proposed.minHealthP5 === null
          ? "–"
          : signed(fixed(proposed.minHealthP5 - current.minHealthP5)),
    },
    {
      label: "Hedge effectiveness",
      current: percent(current.hedgeEffectiveness, 1),
      proposed: percent(proposed.hedgeEffectiveness, 1),
      difference: current.hedgeEffectiveness === null ? "–" : diff("hedgeEffectiveness", (x) => percent(x, 1)),
    },
  ];
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
    ...rows.map((r) => `| ${r.label} | ${r.current} | ${r.proposed} | ${r.difference} |`),
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
