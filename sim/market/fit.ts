/**
 * One entry point to fit any of the market models to a price history and say how well it fits:
 * `fitMarketModel(kind, history)` gives the model and its fit, the log-likelihood in sample and out of sample (the
 * last `holdoutFraction` of the returns, 20% by default, is held out: the model is fitted to the rest and scored on
 * it), the number of free parameters with Akaike's and Schwarz's criteria, and for the regime model the smoothed
 * regime probabilities over the whole history.
 *
 * Log-likelihoods are of the log returns of the assets whose prices move in the fitted window (a constant
 * stablecoin has no density), in nats; a GARCH or regime model scores a held-out return by its one-step predictive
 * density (the filter runs through the whole history).
 */
import { marketModelSettings, type MarketModelSetting } from "../runSettings.ts";
import { calibrateGbm, historicalLogReturns, type HistoryOptions } from "./calibrate.ts";
import { fitGarch } from "./garch.ts";
import {
  correlatedLogDensities,
  holdoutSplit,
  informationCriteria,
  movingAssets,
  sumRange,
  type RawFit,
  type ReturnsFitInput,
} from "./likelihood.ts";
import { fitRegimes, regimeNames } from "./regimes.ts";
import { fitStudentT } from "./studentT.ts";
import type { GbmModel, MarketModel, PriceHistory } from "./types.ts";
import { show } from "./checks.ts";

/** The kinds of market model {@link fitMarketModel} fits, plainest first. */
export const marketModelKinds = marketModelSettings;
export type MarketModelKind = MarketModelSetting;

/** Options of {@link fitMarketModel}. */
export type FitMarketModelOptions = HistoryOptions & {
  /** Share of the returns held out at the end of the history, in [0, 1). Default 0.2; 0 fits them all. */
  holdoutFraction?: number;
  /** GARCH only: the shocks' distribution. Default "student-t". */
  innovations?: "normal" | "student-t";
};

/** How well a fitted model describes its history (see the module's comment). */
export type MarketModelFit = {
  kind: MarketModelKind;
  /** Returns fitted, and held out after them. */
  inSampleReturns: number;
  outOfSampleReturns: number;
  /** First and last observation (unix seconds) fitted, and the last of the history. */
  fromSeconds: number;
  splitSeconds: number;
  toSeconds: number;
  /** Σ ln density of the fitted returns, and of the held-out ones (0 when none is held out). */
  logLikelihoodIn: number;
  logLikelihoodOut: number;
  /** Free parameters of the model (what AIC and BIC count). */
  parameters: number;
  /** 2k − 2·LL and k·ln n − 2·LL of the in-sample fit. */
  aic: number;
  bic: number;
  /** Regime models: the regimes' names, and per return (dated by its observation) P(regime | all returns). */
  regimeProbabilities?: { names: string[]; timestamps: number[]; probabilities: number[][] };
};

/** Fewest returns in sample each kind needs. */
const minInSample: Record<MarketModelKind, number> = { gbm: 30, "student-t": 30, garch: 60, regimes: 60 };

/**
 * Fits a `kind` market model (one of {@link marketModelKinds}) to `history` (checked as `calibrateGbm` checks it)
 * and describes its fit. Throws, naming the input, when the kind is unknown or the history too short.
 *
 * @example fitMarketModel("garch", history).fit.logLikelihoodOut
 */
export function fitMarketModel(
  kind: MarketModelKind,
  history: PriceHistory,
  options: FitMarketModelOptions = {},
): { model: MarketModel; fit: MarketModelFit } {
  if (!(marketModelKinds as readonly string[]).includes(kind))
    throw new Error(`kind must be one of ${marketModelKinds.map((k) => `"${k}"`).join(", ")}, got ${show(kind)}`);
  const returns = historicalLogReturns(history, options);
  const inSample = holdoutSplit(returns.length, options.holdoutFraction ?? 0.2, minInSample[kind]);
  const { timestamps } = history;
  const stepSeconds = Math.round((timestamps[timestamps.length - 1]! - timestamps[0]!) / returns.length);
  const input: ReturnsFitInput = {
    symbols: history.symbols,
    returns,
    stepSeconds,
    inSample,
    fromSeconds: timestamps[0]!,
    toSeconds: timestamps[inSample]!,
  };
  if (movingAssets(returns.slice(0, inSample)).length === 0)
    throw new Error("history has no asset whose price moves in the fitted window: there is nothing to fit");
  const raw: RawFit<MarketModel> =
    kind === "gbm"
      ? fitGbmRaw(history, input, options)
      : kind === "student-t"
        ? fitStudentT(input)
        : kind === "garch"
          ? fitGarch(input, { innovations: options.innovations ?? "student-t" })
          : fitRegimes(input);
  const logLikelihoodIn = sumRange(raw.logDensities, 0, inSample);
  const logLikelihoodOut = sumRange(raw.logDensities, inSample, returns.length);
  const fit: MarketModelFit = {
    kind,
    inSampleReturns: inSample,
    outOfSampleReturns: returns.length - inSample,
    fromSeconds: timestamps[0]!,
    splitSeconds: timestamps[inSample]!,
    toSeconds: timestamps[timestamps.length - 1]!,
    logLikelihoodIn,
    logLikelihoodOut,
    parameters: raw.parameters,
    ...informationCriteria(logLikelihoodIn, raw.parameters, inSample),
    ...(raw.regimeProbabilities
      ? {
          regimeProbabilities: {
            names: [...regimeNames],
            timestamps: timestamps.slice(1),
            probabilities: raw.regimeProbabilities,
          },
        }
      : {}),
  };
  return { model: raw.model, fit };
}

/** The GBM of `calibrateGbm` on the in-sample prices, scored as the other models are. */
function fitGbmRaw(history: PriceHistory, input: ReturnsFitInput, options: HistoryOptions): RawFit<GbmModel> {
  const model = calibrateGbm(
    {
      symbols: history.symbols,
      timestamps: history.timestamps.slice(0, input.inSample + 1),
      pricesUsd: history.pricesUsd.slice(0, input.inSample + 1),
    },
    { ...options, minReturns: minInSample.gbm },
  );
  const logDensities = correlatedLogDensities(
    {
      logDriftPerYear: model.driftPerYear.map((mu, i) => mu - model.volatilityPerYear[i]! ** 2 / 2),
      volatilityPerYear: model.volatilityPerYear,
      correlation: model.correlation,
    },
    input.returns,
    input.stepSeconds,
  );
  const p = movingAssets(input.returns.slice(0, input.inSample)).length;
  return { model, logDensities, parameters: 2 * p + (p * (p - 1)) / 2 };
}

/** How a report names a market model: "correlated GBM", "block bootstrap, mean block 5", "Student-t (ν = 3.2)"… */
export function marketModelLabel(model: MarketModel): string {
  switch (model.kind) {
    case "gbm":
      return "correlated GBM";
    case "bootstrap":
      return `block bootstrap, mean block ${model.blockLength}`;
    case "student-t":
      return `correlated Student-t, ν = ${model.degreesOfFreedom.toFixed(1)}`;
    case "garch":
      return `GARCH(1,1) with constant correlation, ${
        model.degreesOfFreedom === undefined ? "normal" : `Student-t (ν = ${model.degreesOfFreedom.toFixed(1)})`
      } shocks`;
    case "regimes":
      return `${model.regimes.length}-regime Markov switching (${model.regimes.map((r) => r.name).join(" / ")})`;
  }
}
