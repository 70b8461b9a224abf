/**
 * The market models' fit as the proposal page shows it (ModelFitPanel.svelte): one row per fitted model (the run's
 * own market when it fitted one, `model.fit`, and each model of the parameter-uncertainty comparison that carries a
 * fit), its log-likelihood in and out of sample both in total and per return (models scored on different counts of
 * returns compare only per return), its parameters and criteria; which fits best out of sample, in words; the models
 * the comparison left out with their reasons; and the regime model's smoothed regime probabilities as chart series.
 * Pure and locale-fixed (dates in UTC), so the server's rendering and the browser's agree.
 */
import type { MarketModelFit } from "../../../../sim/market/fit.ts";
import { marketModelLabel } from "../../../../sim/market/fit.ts";
import type { MarketModel } from "../../../../sim/market/types.ts";
import type { OmittedModel } from "../../../../sim/uncertainty.ts";

/** What {@link modelFitView} reads of a report (an `ImpactReport` is one). */
export type ModelFitReportView = {
  model: { market: MarketModel; fit?: MarketModelFit };
  results: {
    uncertainty?: {
      parameters?: {
        models: readonly { name: string; fit?: MarketModelFit }[];
        omitted?: readonly OmittedModel[];
      };
    };
  };
};

/** One fitted model as the table shows it: counts as numbers, the rest as text. */
export type ModelFitRow = {
  /** The model's name: the run's market labelled by its parameters, a comparison's model by its name. */
  name: string;
  /** Where the fit comes from: the run's market, or the parameter-uncertainty comparison. */
  source: "the run's market" | "model comparison";
  inSampleReturns: number;
  outOfSampleReturns: number;
  /** Σ ln density in nats, one decimal; "—" out of sample when nothing was held out. */
  logLikelihoodIn: string;
  logLikelihoodOut: string;
  /** The same per return, three decimals ("—" without returns). */
  perReturnIn: string;
  perReturnOut: string;
  parameters: number;
  aic: string;
  bic: string;
  /** The highest out-of-sample log-likelihood per return of the table (ties: every tied row). */
  bestOutOfSample: boolean;
};

/** One line of a chart (a LineChart series): x in unix seconds, y a probability in [0, 1]. */
export type RegimeSeries = { label: string; color: string; points: { x: number; y: number }[] };

/** The panel's content; see the module's comment. */
export type ModelFitView = {
  rows: ModelFitRow[];
  /** The window of each fit, one sentence per distinct window (usually one: every model is fitted to one history). */
  windows: string[];
  /** Which model fits best out of sample, in words; undefined when no model was scored out of sample. */
  best: string | undefined;
  omitted: OmittedModel[];
  /** Per fitted regime model, its smoothed regime probabilities over the history. */
  regimeCharts: { title: string; series: RegimeSeries[] }[];
};

/** A unix time in seconds as a UTC date: 1_700_000_000 → "2023-11-14". */
export function utcDateOfSeconds(seconds: number): string {
  return new Date(seconds * 1_000).toISOString().slice(0, 10);
}

/** A log-likelihood per return: total / returns, three decimals; "—" without returns. */
export function perReturn(logLikelihood: number, returns: number): string {
  return returns > 0 ? (logLikelihood / returns).toFixed(3) : "—";
}

/** Regime colours by the fitted regimes' names (sim/market/regimes.ts), and others for any other name. */
const regimeColors: Readonly<Record<string, string>> = { calm: "#2a9d8f", stressed: "#e9a23b", crash: "#c0392b" };
const otherColors = ["#4f6d9a", "#8e6bbf", "#6b6b6b"];

/**
 * The fits of `report` for the panel, or undefined when it has neither a fit nor an omitted model (a run of the
 * market as given, without a comparison of fitted models). A comparison model whose fit is the run's own (the same
 * kind and numbers) is shown once, as the run's market.
 */
export function modelFitView(report: ModelFitReportView): ModelFitView | undefined {
  const comparison = report.results.uncertainty?.parameters;
  const own = report.model.fit;
  const fits: { name: string; source: ModelFitRow["source"]; fit: MarketModelFit }[] = [
    ...(own ? [{ name: marketModelLabel(report.model.market), source: "the run's market" as const, fit: own }] : []),
    ...(comparison?.models ?? []).flatMap((m) =>
      m.fit && !(own && sameFit(m.fit, own)) ? [{ name: m.name, source: "model comparison" as const, fit: m.fit }] : [],
    ),
  ];
  const omitted = [...(comparison?.omitted ?? [])];
  if (fits.length === 0 && omitted.length === 0) return undefined;

  const scored = fits.filter(({ fit }) => fit.outOfSampleReturns > 0);
  const outPerReturn = ({ fit }: { fit: MarketModelFit }) => fit.logLikelihoodOut / fit.outOfSampleReturns;
  const bestValue = scored.length ? Math.max(...scored.map(outPerReturn)) : undefined;
  const isBest = (f: (typeof fits)[number]) => f.fit.outOfSampleReturns > 0 && outPerReturn(f) === bestValue;
  const rows = fits.map((f): ModelFitRow => ({
    name: f.name,
    source: f.source,
    inSampleReturns: f.fit.inSampleReturns,
    outOfSampleReturns: f.fit.outOfSampleReturns,
    logLikelihoodIn: f.fit.logLikelihoodIn.toFixed(1),
    logLikelihoodOut: f.fit.outOfSampleReturns > 0 ? f.fit.logLikelihoodOut.toFixed(1) : "—",
    perReturnIn: perReturn(f.fit.logLikelihoodIn, f.fit.inSampleReturns),
    perReturnOut: perReturn(f.fit.logLikelihoodOut, f.fit.outOfSampleReturns),
    parameters: f.fit.parameters,
    aic: f.fit.aic.toFixed(1),
    bic: f.fit.bic.toFixed(1),
    bestOutOfSample: isBest(f),
  }));
  return {
    rows,
    windows: [...new Set(fits.map(({ fit }) => windowSentence(fit)))],
    best: bestSentence(fits.filter(isBest), scored.length),
    omitted,
    regimeCharts: fits.flatMap(({ name, fit }) =>
      fit.regimeProbabilities ? [regimeChart(name, fit.regimeProbabilities)] : [],
    ),
  };
}

/** Whether two fits are the same fit: the same kind, window and numbers. */
function sameFit(a: MarketModelFit, b: MarketModelFit): boolean {
  const keys = [
    "inSampleReturns",
    "outOfSampleReturns",
    "fromSeconds",
    "splitSeconds",
    "toSeconds",
    "logLikelihoodIn",
    "logLikelihoodOut",
    "parameters",
  ] as const;
  return a.kind === b.kind && keys.every((key) => a[key] === b[key]);
}

/** "Fitted to 192 returns (2023-11-14 to 2024-05-25), scored on the 47 held out after them (to 2024-07-10)." */
function windowSentence(fit: MarketModelFit): string {
  return (
    `Fitted by maximum likelihood to ${fit.inSampleReturns} returns (${utcDateOfSeconds(fit.fromSeconds)} to ` +
    `${utcDateOfSeconds(fit.splitSeconds)})` +
    (fit.outOfSampleReturns > 0
      ? `, scored on the ${fit.outOfSampleReturns} held out after them (to ${utcDateOfSeconds(fit.toSeconds)}).`
      : "; none held out, so there is no out-of-sample score.")
  );
}

/** Which model fits best out of sample, in words (per return: the models may be scored on different counts). */
function bestSentence(best: { name: string; fit: MarketModelFit }[], scored: number): string | undefined {
  const [first] = best;
  if (!first) return undefined;
  const value = perReturn(first.fit.logLikelihoodOut, first.fit.outOfSampleReturns);
  if (scored === 1)
    return `Only ${first.name} was scored out of sample: ${value} nats per held-out return; there is nothing to compare it with.`;
  const names = best.map((b) => b.name).join(" and ");
  return (
    `Best out of sample: ${names}, with the highest log-likelihood per held-out return (${value} nats)` +
    (best.length > 1 ? ", tied." : ".")
  );
}

/** A regime fit's smoothed probabilities as one series per regime over the history's dates. */
function regimeChart(
  name: string,
  regimes: NonNullable<MarketModelFit["regimeProbabilities"]>,
): { title: string; series: RegimeSeries[] } {
  return {
    title: `Smoothed regime probabilities over the history: ${name}`,
    series: regimes.names.map((label, k) => ({
      label,
      color: regimeColors[label] ?? otherColors[k % otherColors.length]!,
      points: regimes.timestamps.map((x, t) => ({ x, y: regimes.probabilities[t]![k]! })),
    })),
  };
}
