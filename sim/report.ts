/**
 * The impact report: a versioned JSON document with everything needed to reproduce a simulation (seed, market
 * model, inputs, engine version) and its results, sealed by a SHA-256 content hash of its canonical JSON; and its
 * markdown rendering for humans.
 */
import { sha256, stringToBytes, type Hex } from "viem";
import type { BacktestResults } from "./backtest.ts";
import type { Calibration } from "./market/calibration.ts";
import type { DriftUsed } from "./market/drift.ts";
import type { StressScenarioName } from "./market/stress.ts";
import type { MarketModel } from "./market/types.ts";
import { verdictOf, type Verdict } from "./verdict.ts";
import { marketModelLabel, type MarketModelFit } from "./market/fit.ts";
import { marketModelFitMarkdown } from "./market/fitReport.ts";
import { coverageMarkdown, type Coverage } from "./coverage.ts";
import { draftMarkdown, rerunMarkdown, type Rerun } from "./citation.ts";
import {
  comparedMetrics,
  type Better,
  type ComparedMetric,
  type Difference,
  type MonteCarloResults,
  type SetSummary,
} from "./monteCarlo.ts";
import type { PoolGapModel, StrategyParams, VaultSetup, VaultState } from "./model/types.ts";
import { uncertaintyMarkdown, type Sensitivity, type UncertaintyResults } from "./uncertainty.ts";
import type { HolderResults } from "./holderMetrics.ts";
import { holderMarkdown } from "./holderView.ts";
import type { Stressed } from "./stressed.ts";
import { reverseStressMarkdown, type ReverseStress } from "./reverseStress.ts";
import { ratesAndPoolsMarkdown } from "./ratesAndPools.ts";

/** The report format; a change to its fields or to the engine's numbers bumps one of these. */
export const reportSchema = "trimtab.impact-report/5";
export const engineVersion = "trimtab-sim/1.5.0";

// The headline metrics and the drift sensitivity table live in sim/uncertainty.ts (with the second kind of uncertainty).
export {
  headlineMetrics,
  sensitivityTable,
  type HeadlineMetrics,
  type Sensitivity,
  type SensitivityRow,
  type UncertaintyResults,
} from "./uncertainty.ts";

export type ImpactReport = {
  schema: typeof reportSchema;
  engine: string;
  seed: number;
  model: {
    /** The market simulated: its drift is the one `drift` states. */
    market: MarketModel;
    /** The drift assumed per asset, beside the one fitted from the history and its standard error. */
    drift: DriftUsed;
    /**
     * The market as fitted to its history, before the run's drift replaced the fitted one: volatilities, drifts and
     * correlations with their standard errors, the window, and warnings where the history is too short (absent for
     * a market written by hand).
     */
    calibration?: Calibration;
    /**
     * The market model's fit when the run fitted one (`simulation.marketModel`, sim/market/fit.ts): log-likelihood in
     * and out of sample, parameters, AIC/BIC, and for regimes the smoothed regime probabilities over the history.
     */
    fit?: MarketModelFit;
    /** The stress scenarios requested: each is measured beside the unstressed baseline (`results.stressed`). */
    stress: readonly StressScenarioName[];
    paths: number;
    steps: number;
    stepSeconds: number;
    gasPriceGwei: number;
    /** The rate Sharpe and Sortino count returns in excess of (a simple rate per year, 0.04 = 4%). */
    riskFreePerYear: number;
    /**
     * How the pools' prices followed the oracles' between keeper cycles (absent: `aligned`, each pool at its oracle's
     * price at every cycle); see `PoolGapModel` and sim/ratesAndPools.ts.
     */
    poolGap?: PoolGapModel;
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
    /**
     * Proposed less current for each compared metric, with a 95% interval of its Monte Carlo error only (see
     * `monteCarloErrorNote`); null where a set has no value.
     */
    difference: Record<ComparedMetric, Difference | null>;
    /** Exact binomial 95% intervals of each set's liquidation probability. */
    liquidationProbability: MonteCarloResults["liquidationProbability"];
    /** Resamples behind the paired-bootstrap intervals. */
    bootstrapResamples: number;
    bands: { probabilities: readonly number[]; current: number[][]; proposed: number[][] };
    /** The headline metrics again under a bear, a flat and a bull drift (when the request asked for them). */
    sensitivity?: Sensitivity;
    backtest?: BacktestResults;
    /**
     * The second kind of uncertainty and what settled the first (sim/uncertainty.ts): every headline difference
     * under each drift with its interval, the comparison with the market's parameters re-drawn per path under each
     * market model, and the adaptive path count (each when the request asked for it).
     */
    uncertainty?: UncertaintyResults;
    /**
     * The holders' costs broken down (pool fees, slippage, borrow interest, protocol fees; the keeper's gas), their
     * return in US dollars, and the hedge's value for money (sim/holderMetrics.ts). Absent in older reports.
     */
    holder?: HolderResults;
    /**
     * Each requested stress scenario's comparison, on the baseline's paths with the stress put on them: numbers
     * conditional on the stress, shown beside the (unstressed) baseline, never folded into it (sim/stressed.ts).
     */
    stressed?: Stressed;
    /**
     * Liquidation taken seriously, and reverse stress tests (sim/reverseStress.ts): each set's probability of a
     * liquidation within the day, each module's one-step breaking move with how often the history saw one, and the
     * smallest shock along each stress direction that liquidates a module, breaks the stated drawdown or leaves a
     * cash exit unfillable. Beside the baseline, never folded into it.
     */
    reverseStress?: ReverseStress;
    /** For each changed parameter, whether the model resolves it and why not (sim/coverage.ts). */
    coverage?: Coverage;
    /** The headline differences with a second seed derived from the proposal (sim/citation.ts). */
    rerun?: Rerun;
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
  sensitivity?: Sensitivity;
  backtest?: BacktestResults;
  uncertainty?: UncertaintyResults;
  holder?: HolderResults;
  stressed?: Stressed;
  reverseStress?: ReverseStress;
  coverage?: Coverage;
  rerun?: Rerun;
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
      liquidationProbability: monteCarlo.liquidationProbability,
      bootstrapResamples: monteCarlo.bootstrapResamples,
      bands: { probabilities: args.bandProbabilities, ...monteCarlo.bands },
      ...(args.sensitivity ? { sensitivity: args.sensitivity } : {}),
      ...(args.backtest ? { backtest: args.backtest } : {}),
      ...(args.uncertainty ? { uncertainty: args.uncertainty } : {}),
      ...(args.holder ? { holder: args.holder } : {}),
      ...(args.stressed ? { stressed: args.stressed } : {}),
      ...(args.reverseStress ? { reverseStress: args.reverseStress } : {}),
      ...(args.coverage ? { coverage: args.coverage } : {}),
      ...(args.rerun ? { rerun: args.rerun } : {}),
    },
  });
}

/* MARKDOWN */

const percent = (x: number | null, digits = 2) => (x === null ? "–" : `${(x * 100).toFixed(digits)}%`);
const fixed = (x: number | null, digits = 2) => (x === null ? "–" : x.toFixed(digits));
const money = (x: number | null) =>
  x === null ? "–" : x.toLocaleString("en-US", { maximumFractionDigits: 0, minimumFractionDigits: 0 });
const signed = (text: string) => (text.startsWith("-") || text === "–" ? text : `+${text}`);

export { verdictOf, type Verdict } from "./verdict.ts";

/** One metric of a report, current and proposed side by side, formatted. */
export type MetricRow = {
  label: string;
  current: string;
  proposed: string;
  /** Proposed less current and its 95% interval (Monte Carlo error only). */
  change: string;
  /** Which way the metric is better for holders. */
  better: Better;
  /** The change read with `better`: "can't tell" when the interval contains zero. */
  verdict: Verdict;
};

/** What the report's intervals cover, for every rendering of them (the markdown, the CLI, the web app). */
export function monteCarloErrorNote(report: ImpactReport): string {
  return (
    `Intervals are 95% intervals of Monte Carlo error only: how much the numbers could move with another draw of ` +
    `${report.model.paths.toLocaleString("en-US")} paths (paired bootstrap, ${report.results.bootstrapResamples} ` +
    `resamples of the paths, seeded from the report's; exact binomial for probabilities). They do not cover the ` +
    `uncertainty of the market model or of its calibration (such as the drift). "Can't tell" marks a ` +
    `difference whose interval contains zero.`
  );
}

/**
 * The report's metrics for humans (the markdown table and the web app's): each with proposed less current, its 95%
 * interval of Monte Carlo error (paired bootstrap; exact binomial for the liquidation probability, whose sets also
 * carry theirs), which way is better, and the verdict.
 */
export function metricRows(report: ImpactReport): MetricRow[] {
  const { current, proposed, difference, liquidationProbability } = report.results;
  const base = report.inputs.setup.symbols[0] ?? "base";
  const riskFree = `${+(report.model.riskFreePerYear * 100).toFixed(2)}%`;
  const percent1 = (x: number | null) => percent(x, 1);
  const fixed1 = (x: number | null) => fixed(x, 1);
  const metrics: [string, ComparedMetric, (x: number | null) => string][] = [
    ["Mean return", "returnMean", percent],
    ["Median return", "returnMedian", percent],
    ["Volatility (yearly)", "volatility", percent],
    // Pooled over paths (not per path): their change is the pooled ratios' difference, not a mean of per-path ones.
    [`Sharpe (over ${riskFree} risk-free)`, "sharpe", fixed],
    [`Sortino (over ${riskFree} risk-free)`, "sortino", fixed],
    ["Max drawdown p50", "maxDrawdownP50", percent],
    ["Max drawdown p95", "maxDrawdownP95", percent],
    ["CVaR 95 (loss)", "cvar95", percent],
    ["CVaR 99 (loss)", "cvar99", percent],
    [`Final NAV median (${base})`, "finalNavMedian", money],
    ["Turnover (of NAV)", "turnover", percent1],
    ["Rebalances", "rebalances", fixed1],
    [`Fees (${base})`, "feesBase", money],
    ["Gas (units)", "gasUnits", money],
    [`Gas cost (${base}, keeper)`, "gasCostBase", money],
    [`Borrow cost (${base})`, "borrowCostBase", money],
    ["P(liquidation)", "liquidationProbability", percent],
    ["Min health p5", "minHealthP5", fixed],
    ["Hedge effectiveness", "hedgeEffectiveness", percent1],
  ];
  const withInterval = (value: string, i: { low95: number; high95: number }, format: (x: number) => string) =>
    `${value} (95%: ${format(i.low95)} to ${format(i.high95)})`;
  return metrics.map(([label, key, format]) => {
    const better = comparedMetrics[key];
    const d = difference[key];
    const [a, b] = [current[key], proposed[key]];
    const change = d ? withInterval(signed(format(d.estimate)), d, (x) => signed(format(x))) : "–";
    const set = (value: number | null, which: "current" | "proposed") =>
      key === "liquidationProbability" && value !== null
        ? withInterval(format(value), liquidationProbability[which], format)
        : format(value);
    return {
      label,
      current: set(a, "current"),
      proposed: set(b, "proposed"),
      change,
      better,
      verdict: d && a !== null && b !== null ? verdictOf(d, better) : "–",
    };
  });
}

/**
 * A warning when a Sharpe or Sortino ratio is negative for either set: below the risk-free rate a ratio grows more
 * negative as volatility falls, so it ranks the less risky set as worse (a hedge that cuts volatility and loses less
 * shows a lower Sharpe). Undefined when both sets' ratios are ≥ 0.
 */
export function negativeRatioCaveat(report: ImpactReport): string | undefined {
  const { current, proposed } = report.results;
  if (Math.min(current.sharpe, proposed.sharpe, current.sortino, proposed.sortino) >= 0) return undefined;
  const rate = `${+(report.model.riskFreePerYear * 100).toFixed(2)}%`;
  return (
    `A set earns less than the ${rate} risk-free rate on average, so its Sharpe and Sortino are negative: below zero ` +
    `these ratios rank more volatility as better. Compare the mean return and the volatility directly.`
  );
}

/** A yearly rate as a signed percentage, e.g. 0.3 → "+30%", −1.4212 → "−142.1%". */
const perYear = (x: number) => {
  const text = `${+(x * 100).toFixed(1)}%`;
  return x > 0 ? `+${text}` : text === "0%" ? "0%" : text;
};
const dateOf = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

/** One asset's drift for humans: the one used, and the fitted one with its standard error. */
export type DriftRow = { symbol: string; used: string; fitted: string };

/**
 * The drift a report assumed, for humans: one sentence (the choice, and the window and uncertainty of the fit) and
 * one row per asset.
 */
export function driftSummary(report: ImpactReport): { sentence: string; rows: DriftRow[] } {
  const { assets, window } = report.model.drift;
  const sources = new Set(assets.map((a) => a.source));
  const choice =
    sources.size === 1 && sources.has("zero")
      ? "Drift assumed: zero for every asset (the default): each price's median stays flat, so the paths compare the parameters without a view on where the market goes."
      : `Drift assumed (the yearly growth of each price's median): ${assets.map((a) => `${a.symbol} ${perYear(a.logDriftPerYear)} (${a.source})`).join(", ")}.`;
  const days = window?.fromSeconds !== undefined && window.toSeconds !== undefined;
  const fit = window
    ? ` The fitted drift comes from ${window.returns} returns` +
      (days
        ? ` over ${Math.round((window.toSeconds! - window.fromSeconds!) / 86_400)} days (${dateOf(window.fromSeconds!)} to ${dateOf(window.toSeconds!)})`
        : "") +
      ": give or take its standard error, which on so short a history is mostly noise."
    : "";
  const rows = assets.map((a) => ({
    symbol: a.symbol,
    used: `${perYear(a.logDriftPerYear)} (${a.source})`,
    fitted:
      a.standardErrorPerYear === undefined
        ? `${perYear(a.fittedPerYear)} (the model's, no fit)`
        : `${perYear(a.fittedPerYear)} ± ${perYear(a.standardErrorPerYear).replace("+", "")}`,
  }));
  return { sentence: choice + fit, rows };
}

/** One asset's fitted parameters for humans: each "estimate ± one standard error". */
export type CalibrationRow = { symbol: string; volatility: string; drift: string };

/**
 * The market as fitted, for humans: one sentence (the model and the window), a row per asset (volatility and
 * drift, each ± one standard error), a row per pair of assets (correlation ± one standard error), and the warnings
 * where the history is too short. Undefined when the report's market was not fitted to a history.
 */
export function calibrationSummary(report: ImpactReport):
  | {
      sentence: string;
      rows: CalibrationRow[];
      correlations: { pair: string; value: string }[];
      warnings: string[];
    }
  | undefined {
  const calibration = report.model.calibration;
  if (!calibration) return undefined;
  const { assets, correlation, correlationStandardError, window, warnings } = calibration;
  const plain = (x: number) => perYear(x).replace("+", "");
  const step =
    window.stepSeconds % 86_400 === 0
      ? `${window.stepSeconds / 86_400} d`
      : `${+(window.stepSeconds / 3_600).toFixed(2)} h`;
  const dates =
    window.fromSeconds !== undefined && window.toSeconds !== undefined
      ? ` from ${dateOf(window.fromSeconds)} to ${dateOf(window.toSeconds)}`
      : "";
  const sentence =
    `The market ${calibration.kind === "gbm" ? "(correlated GBM)" : calibration.kind === "student-t" ? "(correlated Student-t)" : "(block bootstrap of the returns)"} was fitted to ` +
    `${window.returns} returns of ${step}${dates}. Each estimate is given ± one standard error: volatility σ/√(2n), ` +
    `drift σ/√T (T the window in years), correlation (1 − ρ²)/√n.`;
  // Pairs with an asset that does not move (a stablecoin at $1) have no correlation to show.
  const moving = assets.flatMap((a, i) => (a.volatilityPerYear > 0 ? [i] : []));
  const correlations = moving.flatMap((i, k) =>
    moving.slice(k + 1).map((j) => ({
      pair: `${assets[i]!.symbol} / ${assets[j]!.symbol}`,
      value: `${correlation[i]![j]!.toFixed(2)} ± ${correlationStandardError[i]![j]!.toFixed(2)}`,
    })),
  );
  return {
    sentence,
    rows: assets.map((a) => ({
      symbol: a.symbol,
      volatility: `${plain(a.volatilityPerYear)} ± ${plain(a.volatilityStandardError)}`,
      drift: `${perYear(a.logDriftPerYear)} ± ${plain(a.driftStandardErrorPerYear)}`,
    })),
    correlations,
    warnings: [...warnings],
  };
}

/**
 * One line saying that the simulation shows no difference at all between the two sets, and why when it can tell
 * (`notSimulated`: the changed parameters the model does not use); undefined when anything differs (the metrics,
 * the NAV bands, a sensitivity run or the backtest).
 */
export function nilImpact(report: ImpactReport, notSimulated: readonly string[] = []): string | undefined {
  const { current, proposed, difference, bands, sensitivity, backtest } = report.results;
  const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
  if (!same(current, proposed) || !same(bands.current, bands.proposed)) return undefined;
  // Bootstrap intervals of identical sets are [0, 0]; an exact binomial one stays open (paths not drawn could differ).
  const none = (d: Difference | null) =>
    d === null || (d.estimate === 0 && (d.method === "exact-binomial" || (d.low95 === 0 && d.high95 === 0)));
  if (!Object.values<Difference | null>(difference).every(none)) return undefined;
  if (sensitivity && !Object.values(sensitivity.scenarios).every((s) => same(s.current, s.proposed))) return undefined;
  if (backtest && !same(backtest.current.metrics, backtest.proposed.metrics)) return undefined;
  // A difference the stresses alone show is a difference.
  const stressed = Object.values(report.results.stressed ?? {});
  if (!stressed.every((s) => s === undefined || same(s.current, s.proposed))) return undefined;
  const list = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(", ");
  const changed = Object.keys(report.inputs.changes);
  const unmodelled = notSimulated.length
    ? `${list(notSimulated)} ${notSimulated.length === 1 ? "is a parameter" : "are parameters"} the model does not use`
    : "";
  const why = changed.length
    ? `${list(changed)} changed nothing the strategy did on any of the ${report.model.paths.toLocaleString("en-US")} ` +
      `paths${unmodelled ? `, and ${unmodelled}` : ""}`
    : unmodelled || "the proposal changes no parameter the model uses";
  return `The simulation shows no difference between current and proposed parameters: ${why}.`;
}

/**
 * The report for humans: what changes, the drift assumed, the metrics side by side with the path-by-path difference,
 * the sensitivity to the drift, the backtest; or, when nothing differs, one line saying so (see {@link nilImpact}).
 */
export function renderMarkdown(
  report: ImpactReport,
  options: {
    notSimulated?: readonly string[];
    /** How to write a change's new value (the SDK's in its parameter's unit, "4%"); the registry's number if absent. */
    formatChange?: (name: string, value: number | boolean) => string;
  } = {},
): string {
  const { results, model, inputs } = report;
  const base = inputs.setup.symbols[0] ?? "base";
  const changes = Object.entries(inputs.changes);
  const drift = driftSummary(report);
  const calibration = calibrationSummary(report);
  const nil = nilImpact(report, options.notSimulated);
  const lines = [
    `# Impact of the proposal`,
    "",
    changes.length === 0
      ? "The proposal changes no strategy parameter."
      : `Changes: ${changes.map(([name, value]) => `\`${name}\` → ${options.formatChange?.(name, value) ?? String(value)}`).join(", ")}.`,
    "",
    `${model.paths.toLocaleString("en-US")} paths of ${model.steps} steps of ${model.stepSeconds / 3_600} h ` +
      `(${marketModelLabel(model.market)}` +
      `${model.stress.length ? `; stresses beside it: ${model.stress.join(", ")}` : ""}), seed ${report.seed}, ` +
      `both parameter sets on the same paths. Starting NAV ${money(results.startNav)} ${base}.`,
    "",
    ...draftMarkdown(report),
    ...coverageMarkdown(report),
  ];
  if (nil) {
    lines.push(nil, "", `Report \`${report.contentHash}\` (${report.schema}, ${report.engine}).`, "");
    return lines.join("\n");
  }
  lines.push(
    drift.sentence,
    "",
    "| Asset | Drift used (a year) | Fitted from the history (± one standard error) |",
    "|---|---:|---:|",
    ...drift.rows.map((r) => `| ${r.symbol} | ${r.used} | ${r.fitted} |`),
    "",
    ...(calibration?.warnings.length
      ? [
          `The history is too short for ${calibration.warnings.length === 1 ? "one estimate" : `${calibration.warnings.length} estimates`} of the market: see “The market as fitted to the history” below.`,
          "",
        ]
      : []),
    "| Metric | Better | Current | Proposed | Difference (95% interval, Monte Carlo error) | Reads |",
    "|---|---|---:|---:|---|---|",
    ...metricRows(report).map(
      (r) => `| ${r.label} | ${r.better} | ${r.current} | ${r.proposed} | ${r.change} | ${r.verdict} |`,
    ),
    "",
    monteCarloErrorNote(report),
  );
  const caveat = negativeRatioCaveat(report);
  if (caveat) lines.push("", caveat);
  lines.push(...holderMarkdown(report, verdictOf));
  lines.push(...uncertaintyMarkdown(report));
  lines.push(...rerunMarkdown(report));
  if (calibration)
    lines.push(
      "",
      "## The market as fitted to the history",
      "",
      calibration.sentence,
      "",
      ...calibration.warnings.map((w) => `- **Warning:** ${w}`),
      ...(calibration.warnings.length ? [""] : []),
      "| Asset | Volatility (a year) | Drift fitted (a year) |",
      "|---|---:|---:|",
      ...calibration.rows.map((r) => `| ${r.symbol} | ${r.volatility} | ${r.drift} |`),
      ...(calibration.correlations.length
        ? [
            "",
            "| Assets | Correlation |",
            "|---|---:|",
            ...calibration.correlations.map((c) => `| ${c.pair} | ${c.value} |`),
          ]
        : []),
    );
  lines.push(...ratesAndPoolsMarkdown(report));
  lines.push(...marketModelFitMarkdown(model));
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
  lines.push(...reverseStressMarkdown(results.reverseStress, inputs.setup.symbols));
  lines.push("", `Report \`${report.contentHash}\` (${report.schema}, ${report.engine}).`, "");
  return lines.join("\n");
}
