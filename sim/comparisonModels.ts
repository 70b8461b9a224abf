/**
 * The market models a report's parameter uncertainty compares under (sim/uncertaintyRuns.ts runs them; the request's
 * `uncertainty` asks for them): the run's own market; with a history spaced as the run steps, that history's block
 * bootstrap; and, when asked (`uncertainty.fitted`), a Student-t, a GARCH(1,1) and the 3-regime model, each fitted to
 * the history by `fitMarketModel` (sim/market/fit.ts: the last 20% held out and scored). A model that cannot be
 * fitted (a history too short for it, a fit that fails, no history at all) is not an error: it is left out, with its
 * reason, in `omitted`.
 */
import { calibrateBootstrap } from "./market/calibrate.ts";
import { fitMarketModel, type MarketModelFit } from "./market/fit.ts";
import type { MarketModel, PriceHistory } from "./market/types.ts";
import type { OmittedModel } from "./uncertainty.ts";
import type { NamedMarket } from "./uncertaintyRuns.ts";

/** Mean length in days of the runs a market bootstrapped from the request's history replays (about a week). */
export const historyBootstrapBlockLength = 5;

/** The fitted models a comparison can add beside the run's market and the bootstrap, plainest first. */
export const fittedComparisonKinds = ["student-t", "garch", "regimes"] as const;
export type FittedComparisonKind = (typeof fittedComparisonKinds)[number];

/** A model's name in the comparison, by its kind. */
export const comparisonModelNames: Record<MarketModel["kind"], string> = {
  gbm: "GBM",
  bootstrap: "Block bootstrap",
  "student-t": "Student-t",
  garch: "GARCH(1,1)",
  regimes: "3-regime model",
};

/** What {@link comparisonModels} builds the list from. */
export type ComparisonModelsParameters = {
  /** The run's market (first in the list), and its fit when the run fitted it (`marketModel`). */
  market: MarketModel;
  marketFit?: MarketModelFit;
  /** The run's history, if any: the bootstrap replays it and the fitted models are fitted to it. */
  history?: PriceHistory;
  /** The run's step (a bootstrap or a fitted GARCH or regime model of another spacing cannot be run on it). */
  stepSeconds: number;
  /** The history's base asset (default USDC, as `calibrateGbm` reads it). */
  baseSymbol?: string;
  /** The fitted models to add (default none). */
  fitted?: readonly FittedComparisonKind[];
};

/**
 * The models to compare under, named, each fitted model with its fit; and the models asked for that cannot be, each
 * with why. When fitted models are asked for and the run's market is a calibrated GBM, the GBM carries the fit of a GBM
 * fitted and scored as they are (the same split): the baseline their log-likelihoods are read against.
 *
 * @example comparisonModels({ market, history, stepSeconds: 86_400, fitted: ["student-t", "garch", "regimes"] })
 */
export function comparisonModels(parameters: ComparisonModelsParameters): {
  models: NamedMarket[];
  omitted: OmittedModel[];
} {
  const { market, marketFit, history, stepSeconds, baseSymbol } = parameters;
  const fitted = [...new Set(parameters.fitted ?? [])].filter((kind) => kind !== market.kind);
  for (const kind of fitted)
    if (!(fittedComparisonKinds as readonly string[]).includes(kind))
      throw new Error(
        `uncertainty.fitted: ${JSON.stringify(kind)} is not a fitted model (expected ${fittedComparisonKinds.join(", ")})`,
      );
  const options = baseSymbol === undefined ? {} : { baseSymbol };
  const baselineFit =
    marketFit ?? (fitted.length && history && market.kind === "gbm" && market.driftFit ? tryFit("gbm") : undefined);
  const models: NamedMarket[] = [
    { name: comparisonModelNames[market.kind], market, ...(baselineFit ? { fit: baselineFit } : {}) },
  ];
  // The history's own returns as a second model, when it is spaced as the run steps.
  if (history && market.kind !== "bootstrap") {
    const bootstrap = calibrateBootstrap(history, { ...options, blockLength: historyBootstrapBlockLength });
    if (bootstrap.stepSeconds === stepSeconds)
      models.push({ name: `${comparisonModelNames.bootstrap} of the history`, market: bootstrap });
  }
  const omitted: OmittedModel[] = [];
  for (const kind of fitted) {
    const name = `${comparisonModelNames[kind]} fitted to the history`;
    if (!history) {
      omitted.push({ name, kind, reason: "the run has no price history to fit it to" });
      continue;
    }
    try {
      const { model, fit } = fitMarketModel(kind, history, options);
      const spacing = "stepSeconds" in model ? model.stepSeconds : stepSeconds;
      if (Math.abs(spacing - stepSeconds) > 0.1 * stepSeconds)
        omitted.push({ name, kind, reason: `its steps are ${hours(spacing)} apart, the run's ${hours(stepSeconds)}` });
      else models.push({ name, market: model, fit });
    } catch (error) {
      omitted.push({ name, kind, reason: (error as Error).message });
    }
  }
  return { models, omitted };

  function tryFit(kind: "gbm"): MarketModelFit | undefined {
    try {
      return fitMarketModel(kind, history!, options).fit;
    } catch {
      return undefined;
    }
  }
}

const hours = (seconds: number) => `${+(seconds / 3_600).toFixed(2)} h`;
