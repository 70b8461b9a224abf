/**
 * The two kinds of uncertainty of an impact report, and how they read: its headline metrics, once; the drift
 * sensitivity table (every headline difference under a bear, a flat and a bull drift, with its interval and verdict,
 * and where the sign flips); parameter uncertainty (the comparison again with the market's parameters re-drawn per
 * path, beside the same paths with them fixed, under each market model); and the adaptive path count (which
 * differences it settled). The runs themselves are in sim/uncertaintyRuns.ts.
 *
 * This module reads a report through {@link UncertaintyReportView} (an `ImpactReport` is one) so that report.ts can
 * render its sections without an import cycle.
 */
import type { Difference } from "./intervals.ts";
import type { DriftUsed } from "./market/drift.ts";
import type { MarketModelFit, MarketModelKind } from "./market/fit.ts";
import type { MarketModel } from "./market/types.ts";
import { comparedMetrics, type Better, type ComparedMetric, type SetSummary } from "./monteCarlo.ts";
import type { SensitivityScenario } from "./runSettings.ts";
import { verdictOf, type Verdict } from "./verdict.ts";

/**
 * The report's headline metrics: the ones the sensitivity table, parameter uncertainty and the adaptive path count
 * measure. Their one home.
 */
export const headlineMetrics = [
  "returnMean",
  "returnMedian",
  "volatility",
  "sharpe",
  "sortino",
  "maxDrawdownP50",
  "maxDrawdownP95",
  "cvar95",
  "cvar99",
  "liquidationProbability",
  "turnover",
  "feesBase",
  "borrowCostBase",
] as const satisfies readonly (keyof SetSummary & ComparedMetric)[];
export type HeadlineMetric = (typeof headlineMetrics)[number];
export type HeadlineMetrics = Pick<SetSummary, HeadlineMetric>;
/** Proposed less current of each headline metric with its 95% interval; null where a set has no value. */
export type HeadlineDifferences = Record<HeadlineMetric, Difference | null>;

/** Each headline metric's label and unit (a fraction shown in percent, a ratio, or an amount of the base asset). */
export const headlineLabels: Record<HeadlineMetric, { label: string; unit: "percent" | "ratio" | "base" }> = {
  returnMean: { label: "Mean return", unit: "percent" },
  returnMedian: { label: "Median return", unit: "percent" },
  volatility: { label: "Volatility (yearly)", unit: "percent" },
  sharpe: { label: "Sharpe", unit: "ratio" },
  sortino: { label: "Sortino", unit: "ratio" },
  maxDrawdownP50: { label: "Max drawdown p50", unit: "percent" },
  maxDrawdownP95: { label: "Max drawdown p95", unit: "percent" },
  cvar95: { label: "CVaR 95 (loss)", unit: "percent" },
  cvar99: { label: "CVaR 99 (loss)", unit: "percent" },
  liquidationProbability: { label: "P(liquidation)", unit: "percent" },
  turnover: { label: "Turnover (of NAV)", unit: "percent" },
  feesBase: { label: "Fees", unit: "base" },
  borrowCostBase: { label: "Borrow cost", unit: "base" },
};

/**
 * How close to zero a difference may be and still count as none (its sign then does not matter): a tenth of a
 * percentage point for fractions (returns, volatility, drawdowns, tails, the liquidation probability, turnover), 0.01
 * for Sharpe and Sortino, and a basis point of the starting NAV for amounts (fees, borrow cost).
 */
export const negligibleDifference: Record<HeadlineMetric, { absolute: number } | { ofStartNav: number }> = {
  returnMean: { absolute: 0.001 },
  returnMedian: { absolute: 0.001 },
  volatility: { absolute: 0.001 },
  sharpe: { absolute: 0.01 },
  sortino: { absolute: 0.01 },
  maxDrawdownP50: { absolute: 0.001 },
  maxDrawdownP95: { absolute: 0.001 },
  cvar95: { absolute: 0.001 },
  cvar99: { absolute: 0.001 },
  liquidationProbability: { absolute: 0.001 },
  turnover: { absolute: 0.001 },
  feesBase: { ofStartNav: 0.0001 },
  borrowCostBase: { ofStartNav: 0.0001 },
};

/** {@link negligibleDifference} in each metric's own unit, for a vault starting at `startNav`. */
export function negligibleWidths(startNav: number): Record<HeadlineMetric, number> {
  return Object.fromEntries(
    headlineMetrics.map((m) => {
      const rule = negligibleDifference[m];
      return [m, "absolute" in rule ? rule.absolute : rule.ofStartNav * startNav];
    }),
  ) as Record<HeadlineMetric, number>;
}

/**
 * Whether a difference's sign is settled: its interval excludes zero, or it lies within ±`negligible` of zero (the
 * difference is known to be too small to matter). A metric with no value (null) has nothing to settle.
 */
export function signSettled(d: Difference | null, negligible: number): boolean {
  if (d === null) return true;
  return d.low95 > 0 || d.high95 < 0 || (d.low95 >= -negligible && d.high95 <= negligible);
}

/** The headline differences whose sign is not settled (see {@link signSettled}), in headline order. */
export function unsettledMetrics(
  differences: Readonly<Record<HeadlineMetric, Difference | null>>,
  widths: Readonly<Record<HeadlineMetric, number>>,
): HeadlineMetric[] {
  return headlineMetrics.filter((m) => !signSettled(differences[m], widths[m]));
}

/** The headline metrics of both sets under a bear, a flat and a bull drift, on the same draws. */
export type Sensitivity = {
  /** Paths of each run: the first paths of the main run's seed. */
  paths: number;
  /** Each risk asset's drift per year in each scenario (the base asset's is zero). */
  driftPerYear: Record<SensitivityScenario, number>;
  scenarios: Record<SensitivityScenario, { current: HeadlineMetrics; proposed: HeadlineMetrics }>;
};

/** One market model's comparison on the same paths, with its parameters fixed and re-drawn per path. */
export type ModelComparison = {
  /** The model's name in the report ("GBM", "Block bootstrap of the history", …). */
  name: string;
  kind: MarketModel["kind"];
  /** Monte Carlo error only: the model's parameters as fitted, on every path. */
  fixed: HeadlineDifferences;
  /**
   * Monte Carlo and parameter error: each path's parameters re-drawn from what `history` can tell (see
   * sim/parameterDraws.ts); absent when no sampling distribution of the model's parameters is known.
   */
  redrawn?: HeadlineDifferences;
  /** The history the parameters are known from: its returns and their spacing. */
  history?: { returns: number; stepSeconds: number };
  /** A model fitted to the history for this comparison: how well it fits (sim/market/fit.ts). */
  fit?: MarketModelFit;
};

/** A market model the comparison leaves out, and why (a history too short to fit it, a fit that failed). */
export type OmittedModel = { name: string; kind: MarketModelKind; reason: string };

/** The comparison under each market model, with and without parameter uncertainty. */
export type ParameterUncertainty = {
  /** Paths of each run: the first paths of the report's seed (the same draws in every run of a model). */
  paths: number;
  models: ModelComparison[];
  /** Models asked for that could not be compared, each with its reason. */
  omitted?: OmittedModel[];
};

/** How the adaptive path count went: it grew until every headline difference's sign was settled, or to the cap. */
export type AdaptiveOutcome = {
  /** Paths asked for, the cap, and the paths run in the end (the report's `model.paths`). */
  startPaths: number;
  maxPaths: number;
  paths: number;
  /** The path counts at which the signs were checked, in order (each the previous doubled, at most the cap). */
  stages: number[];
  /** The width around zero within which a difference counts as negligible, per headline metric, in its unit. */
  negligible: Record<HeadlineMetric, number>;
  /** The headline differences still unsettled at the end (empty when every sign was settled). */
  unsettled: HeadlineMetric[];
};

/** The report's second kind of uncertainty and what settled the first. */
export type UncertaintyResults = {
  /** Proposed less current of every headline metric under each drift of the sensitivity table, with intervals. */
  drift?: Record<SensitivityScenario, HeadlineDifferences>;
  /** The comparison with the market's parameters re-drawn per path, under each market model. */
  parameters?: ParameterUncertainty;
  /** The adaptive path count, when the request asked for one. */
  adaptive?: AdaptiveOutcome;
};

/** What this module reads of a report (an `ImpactReport` is one). */
export type UncertaintyReportView = {
  seed: number;
  model: { drift: Pick<DriftUsed, "assets">; paths: number };
  inputs: { setup: { symbols: readonly string[] } };
  results: { startNav: number; sensitivity?: Sensitivity; uncertainty?: UncertaintyResults };
};

/* READING */

const percent = (x: number) => `${(x * 100).toFixed(2)}%`;
const signed = (text: string) => (text.startsWith("-") ? text : `+${text}`);
/** A yearly rate as a signed percentage, e.g. 0.3 → "+30%". */
const perYear = (x: number) => {
  const text = `${+(x * 100).toFixed(1)}%`;
  return x > 0 ? `+${text}` : text === "0%" ? "0%" : text;
};

/** A headline metric's value in its unit: "1.23%", "0.41", "1,204". */
export function formatHeadline(metric: HeadlineMetric, x: number): string {
  const unit = headlineLabels[metric].unit;
  if (unit === "percent") return percent(x);
  if (unit === "ratio") return x.toFixed(2);
  return x.toLocaleString("en-US", { maximumFractionDigits: 0 });
}

/** A headline difference for humans: the estimate, its interval and its verdict (by which way the metric is better). */
export type DifferenceCell = { text: string; verdict: Verdict };

/** "+1.20% (95%: +0.40% to +2.01%)" and its verdict; "–" for none. */
export function differenceCell(metric: HeadlineMetric, d: Difference | null | undefined): DifferenceCell {
  if (!d) return { text: "–", verdict: "–" };
  const f = (x: number) => signed(formatHeadline(metric, x));
  return {
    text: `${f(d.estimate)} (95%: ${f(d.low95)} to ${f(d.high95)})`,
    verdict: verdictOf(d, comparedMetrics[metric]),
  };
}

const scenarios = ["bear", "flat", "bull"] as const satisfies readonly SensitivityScenario[];

/** One row of the sensitivity table: each drift's cell (text, and a verdict for a difference). */
export type SensitivityRow = {
  label: string;
  /** Which way the metric is better (absent for a level, not a difference). */
  better?: Better;
  bear: string;
  flat: string;
  bull: string;
  verdicts?: Record<SensitivityScenario, Verdict>;
};

/**
 * Where the sign of a headline difference flips between the bear, flat and bull drifts (one estimate above zero and
 * another below): one line naming each such metric with its estimates, or saying that none flips.
 */
export function signFlipLine(report: UncertaintyReportView): string | undefined {
  const { sensitivity, uncertainty } = report.results;
  if (!sensitivity) return undefined;
  const estimate = (s: SensitivityScenario, m: HeadlineMetric) =>
    uncertainty?.drift?.[s][m]?.estimate ?? sensitivity.scenarios[s].proposed[m] - sensitivity.scenarios[s].current[m];
  const flips = headlineMetrics.filter((m) => {
    const values = scenarios.map((s) => estimate(s, m));
    return values.some((v) => v > 0) && values.some((v) => v < 0);
  });
  if (flips.length === 0) return "No headline difference changes sign between the bear, flat and bull drifts.";
  const listed = flips.map(
    (m) =>
      `${headlineLabels[m].label} (${scenarios.map((s) => `${s} ${signed(formatHeadline(m, estimate(s, m)))}`).join(", ")})`,
  );
  return (
    `The sign flips between drifts for ${listed.join("; ")}: which way ${flips.length === 1 ? "this difference goes" : "these differences go"} ` +
    `depends on where the market goes, which no history of a few months can tell.`
  );
}

/**
 * The sensitivity table for humans: its columns' drifts, what it ran on, its rows (each set's mean return, then
 * proposed less current of every headline metric, with its 95% interval of Monte Carlo error and verdict) and the
 * sign-flip line. Undefined when the report has no sensitivity runs.
 */
export function sensitivityTable(report: UncertaintyReportView):
  | {
      sentence: string;
      columns: Record<SensitivityScenario, string>;
      rows: SensitivityRow[];
      signFlips: string;
    }
  | undefined {
  const { sensitivity, uncertainty } = report.results;
  if (!sensitivity) return undefined;
  const { scenarios: runs, driftPerYear, paths } = sensitivity;
  const level = (label: string, set: "current" | "proposed"): SensitivityRow => ({
    label,
    bear: percent(runs.bear[set].returnMean),
    flat: percent(runs.flat[set].returnMean),
    bull: percent(runs.bull[set].returnMean),
  });
  const change = (m: HeadlineMetric): SensitivityRow => {
    const drift = uncertainty?.drift;
    if (!drift) {
      // A report from before the intervals: the difference of the levels alone.
      const text = (s: SensitivityScenario) => signed(formatHeadline(m, runs[s].proposed[m] - runs[s].current[m]));
      return { label: `Δ ${headlineLabels[m].label}`, bear: text("bear"), flat: text("flat"), bull: text("bull") };
    }
    const cells = Object.fromEntries(scenarios.map((s) => [s, differenceCell(m, drift[s][m])])) as Record<
      SensitivityScenario,
      DifferenceCell
    >;
    return {
      label: `Δ ${headlineLabels[m].label}`,
      better: comparedMetrics[m],
      bear: cells.bear.text,
      flat: cells.flat.text,
      bull: cells.bull.text,
      verdicts: { bear: cells.bear.verdict, flat: cells.flat.verdict, bull: cells.bull.verdict },
    };
  };
  const base = report.inputs.setup.symbols[0] ?? "the base asset";
  const drifts = scenarios.map((s) => perYear(driftPerYear[s])).join(", ");
  const widest = Math.max(0, ...report.model.drift.assets.map((a) => a.standardErrorPerYear ?? 0));
  return {
    sentence:
      `The differences under a bear, a flat and a bull market: every asset but ${base} drifting ${drifts} a year, ` +
      `on the first ${paths.toLocaleString("en-US")} paths of seed ${report.seed} in each column (the same draws, ` +
      `so the columns differ by the drift alone)${uncertainty?.drift ? ", each with its 95% interval of Monte Carlo error" : ""}. ` +
      `±${perYear(driftPerYear.bull).replace("+", "")} a year is an ordinary bad or good year for a crypto asset` +
      (widest > 0
        ? `; two standard errors of the fitted drift (up to ±${perYear(2 * widest).replace("+", "")}) would span no plausible market.`
        : "."),
    columns: Object.fromEntries(
      scenarios.map((s) => [s, `${s[0]!.toUpperCase()}${s.slice(1)} (${perYear(driftPerYear[s])} a year)`]),
    ) as Record<SensitivityScenario, string>,
    rows: [
      level("Mean return, current", "current"),
      level("Mean return, proposed", "proposed"),
      ...headlineMetrics.map(change),
    ],
    signFlips: signFlipLine(report)!,
  };
}

/** A day count, or the spacing's hours, for "a history of 30 days". */
const historyText = (history: { returns: number; stepSeconds: number }) =>
  history.stepSeconds === 86_400
    ? `${history.returns.toLocaleString("en-US")} days`
    : `${history.returns.toLocaleString("en-US")} returns ${+(history.stepSeconds / 3_600).toFixed(2)} h apart`;

/** The parameter-uncertainty table for humans: one column pair per market model, a row per headline metric. */
export function parameterUncertaintyTable(report: UncertaintyReportView):
  | {
      sentence: string;
      columns: string[];
      rows: { label: string; better: Better; cells: DifferenceCell[] }[];
      /** Metrics whose sign Monte Carlo error alone settles but parameter uncertainty does not, per model. */
      unsettledByParameters: string[];
      /** Each model's fit where it was fitted (its log-likelihood in and out of sample), in the models' order. */
      fits: ModelFitRow[];
      /** The models left out, each with its reason: "GARCH(1,1) fitted to the history: …". */
      omitted: string[];
    }
  | undefined {
  const parameters = report.results.uncertainty?.parameters;
  if (!parameters) return undefined;
  const { models, paths } = parameters;
  const columns = models.flatMap((m) => [
    `${m.name}: Monte Carlo only`,
    m.redrawn ? `${m.name}: parameters re-drawn` : `${m.name}: parameters fixed (no sampling distribution known)`,
  ]);
  const rows = headlineMetrics.map((metric) => ({
    label: headlineLabels[metric].label,
    better: comparedMetrics[metric] as Better,
    cells: models.flatMap((m) => [
      differenceCell(metric, m.fixed[metric]),
      differenceCell(metric, m.redrawn?.[metric]),
    ]),
  }));
  const settles = (v: Verdict) => v !== "can't tell" && v !== "–";
  const unsettledByParameters = models.flatMap((m) => {
    if (!m.redrawn) return [];
    const lost = headlineMetrics.filter(
      (metric) =>
        settles(differenceCell(metric, m.fixed[metric]).verdict) &&
        !settles(differenceCell(metric, m.redrawn![metric]).verdict),
    );
    return lost.length
      ? [
          `${m.name}: ${lost.map((metric) => headlineLabels[metric].label).join(", ")} ${lost.length === 1 ? "reads" : "read"} ` +
            `better or worse with Monte Carlo error alone, but can't tell once the parameters are uncertain.`,
        ]
      : [];
  });
  const known = models.filter((m) => m.history);
  const lengths = new Set(known.map((m) => historyText(m.history!)));
  const histories =
    lengths.size === 1
      ? [...lengths][0]!
      : `its length (${known.map((m) => `${m.name}: ${historyText(m.history!)}`).join("; ")})`;
  return {
    sentence:
      `Parameter uncertainty: the market's parameters re-drawn per path from what a history of ` +
      `${known.length ? histories : "its length"} can tell (the drift ± its standard error around the drift assumed, the ` +
      `volatility and correlation from their sampling distributions), beside the same ` +
      `${paths.toLocaleString("en-US")} paths of seed ${report.seed} with the parameters fixed (Monte Carlo error ` +
      `only). A second kind of uncertainty: an interval that excludes zero only in the Monte Carlo column does not ` +
      `tell the sign.`,
    columns,
    rows,
    unsettledByParameters,
    fits: models.map(modelFitRow),
    omitted: (parameters.omitted ?? []).map((m) => `${m.name}: ${m.reason}`),
  };
}

/** One model of the comparison and how well it fits its history (dashes where it was not fitted and scored). */
export type ModelFitRow = {
  name: string;
  kind: MarketModel["kind"];
  /** "32 returns, 7 held out" */
  window: string;
  logLikelihoodIn: string;
  logLikelihoodOut: string;
  parameters: string;
  bic: string;
};

/** A compared model's fit for humans: log-likelihoods in nats to one decimal, "—" where it has none. */
export function modelFitRow(model: ModelComparison): ModelFitRow {
  const fit = model.fit;
  if (!fit) {
    const none = { logLikelihoodIn: "—", logLikelihoodOut: "—", parameters: "—", bic: "—" };
    return { name: model.name, kind: model.kind, window: "not scored", ...none };
  }
  const n = (x: number) => x.toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return {
    name: model.name,
    kind: model.kind,
    window: `${fit.inSampleReturns.toLocaleString("en-US")} returns, ${fit.outOfSampleReturns.toLocaleString("en-US")} held out`,
    logLikelihoodIn: n(fit.logLikelihoodIn),
    logLikelihoodOut: fit.outOfSampleReturns > 0 ? n(fit.logLikelihoodOut) : "—",
    parameters: String(fit.parameters),
    bic: n(fit.bic),
  };
}

/** What the adaptive path count did, in one line; undefined when the request did not ask for it. */
export function adaptiveLine(report: UncertaintyReportView): string | undefined {
  const adaptive = report.results.uncertainty?.adaptive;
  if (!adaptive) return undefined;
  const n = (x: number) => x.toLocaleString("en-US");
  const grown =
    adaptive.paths === adaptive.startPaths
      ? `${n(adaptive.paths)} paths were run (the ${n(adaptive.startPaths)} asked for; cap ${n(adaptive.maxPaths)})`
      : `Paths grew from ${n(adaptive.startPaths)} to ${n(adaptive.paths)} (checked at ${adaptive.stages.map(n).join(", ")}; cap ${n(adaptive.maxPaths)})`;
  const rule =
    "a difference's sign is settled when its 95% interval excludes zero or lies within a negligible width of it " +
    "(0.1 percentage point for returns, volatility, drawdowns, tails, P(liquidation) and turnover; 0.01 for " +
    "Sharpe and Sortino; a basis point of the starting NAV for fees and borrow cost)";
  if (adaptive.unsettled.length === 0) return `${grown}: every headline difference's sign is settled (${rule}).`;
  return (
    `${grown}, and stopped at the cap with ${adaptive.unsettled.length === 1 ? "one difference" : `${adaptive.unsettled.length} differences`} unsettled: ` +
    `${adaptive.unsettled.map((m) => headlineLabels[m].label).join(", ")} (${rule}).`
  );
}

/** The compared models' fits (when any was fitted) and the models left out with their reasons, as markdown lines. */
function fitsMarkdown(fits: readonly ModelFitRow[], omitted: readonly string[]): string[] {
  const lines: string[] = [];
  const scored = fits.filter((f) => f.window !== "not scored");
  if (scored.length)
    lines.push(
      "",
      "How well each model fits the history: log-likelihoods in nats of the same returns, fitted on the first 80% and " +
        "scored on the last 20% held out (higher is better; compare out of sample)." +
        (scored.some((f) => f.kind === "gbm")
          ? " The GBM's row scores a GBM fitted the same way; its runs use the GBM calibrated to the whole history."
          : ""),
      "",
      "| Model | Fitted to | Log-likelihood in sample | Out of sample | Parameters | BIC |",
      "|---|---|---:|---:|---:|---:|",
      ...fits.map(
        (f) =>
          `| ${f.name} | ${f.window} | ${f.logLikelihoodIn} | ${f.logLikelihoodOut} | ${f.parameters} | ${f.bic} |`,
      ),
    );
  if (omitted.length)
    lines.push("", "Models left out of the comparison, and why:", "", ...omitted.map((line) => `- ${line}`));
  return lines;
}

/** The report's markdown sections of this module: the drift sensitivity, parameter uncertainty and the path count. */
export function uncertaintyMarkdown(report: UncertaintyReportView): string[] {
  const lines: string[] = [];
  const sensitivity = sensitivityTable(report);
  if (sensitivity) {
    const { columns } = sensitivity;
    const cell = (r: SensitivityRow, s: SensitivityScenario) => (r.verdicts ? `${r[s]} ${r.verdicts[s]}` : r[s]);
    lines.push(
      "",
      "## Sensitivity to the market's drift",
      "",
      sensitivity.sentence,
      "",
      `| Metric | ${columns.bear} | ${columns.flat} | ${columns.bull} |`,
      "|---|---:|---:|---:|",
      ...sensitivity.rows.map((r) => `| ${r.label} | ${cell(r, "bear")} | ${cell(r, "flat")} | ${cell(r, "bull")} |`),
      "",
      sensitivity.signFlips,
    );
  }
  const parameters = parameterUncertaintyTable(report);
  if (parameters)
    lines.push(
      "",
      "## Parameter uncertainty",
      "",
      parameters.sentence,
      "",
      `| Metric | Better | ${parameters.columns.join(" | ")} |`,
      `|---|---|${parameters.columns.map(() => "---|").join("")}`,
      ...parameters.rows.map(
        (r) =>
          `| ${r.label} | ${r.better} | ${r.cells.map((c) => (c.text === "–" ? "–" : `${c.text} ${c.verdict}`)).join(" | ")} |`,
      ),
      ...(parameters.unsettledByParameters.length
        ? ["", ...parameters.unsettledByParameters.map((l) => `- ${l}`)]
        : []),
      ...fitsMarkdown(parameters.fits, parameters.omitted),
    );
  const adaptive = adaptiveLine(report);
  if (adaptive) lines.push("", "## Paths run", "", adaptive);
  return lines;
}
