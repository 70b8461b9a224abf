/**
 * The drift a simulation assumes, made explicit: a market model's own drift (fitted from the feeds' history when it
 * was calibrated) is replaced by the run's choice (zero by default, see sim/runSettings.ts), and what was used is
 * stated per asset beside the fitted value, its standard error and the window it was fitted on.
 *
 * A drift here is the log price's: the yearly growth of the asset's median price (a GBM's price drift μ is this plus
 * σ²/2). Zero drift thus means a coin flip whether each price ends the year up or down, with no view either way.
 */
import { checkDriftChoice, driftOfAsset, type DriftChoice } from "../runSettings.ts";
import { validateMarketModel } from "./calibrate.ts";
import { fittedModelDrift, withFittedDrift } from "./fittedDrift.ts";
import { secondsPerYear, type BootstrapModel, type MarketModel } from "./types.ts";

/** One asset's drift in a run: where it came from, its value, and the model's own (fitted) drift beside it. */
export type AssetDriftUsed = {
  symbol: string;
  /** `zero` and `set` replace the model's drift; `fitted` keeps it. */
  source: "zero" | "fitted" | "set";
  /** The log-price drift the run used, per year (0.08: the median price grows 8% a year, continuously compounded). */
  logDriftPerYear: number;
  /** The market model's own log-price drift per year: fitted from the history when the model was calibrated. */
  fittedPerYear: number;
  /** The fitted drift's standard error per year, when the model knows it. */
  standardErrorPerYear?: number;
};

/** The drift a run used: the choice as given, per asset what it came to, and the history window of the fit. */
export type DriftUsed = {
  choice: DriftChoice;
  assets: AssetDriftUsed[];
  /** The observations the fit saw (unix seconds of the first and last when known, and the number of returns). */
  window?: { fromSeconds?: number; toSeconds?: number; returns: number };
};

/**
 * A model's own log-price drift per asset, with its standard error and window when known: a GBM's `driftFit`
 * (else μ − σ²/2 of its `driftPerYear`, with no error), or a bootstrap's historical returns (mean m and deviation s
 * of n returns dt years apart: drift m/dt, standard error σ/√(n·dt) with σ = s/√dt).
 */
export function modelDrift(model: MarketModel): {
  logDriftPerYear: number[];
  standardErrorPerYear?: number[];
  window?: DriftUsed["window"];
} {
  if (model.kind === "gbm") {
    const fit = model.driftFit;
    if (!fit)
      return {
        logDriftPerYear: model.driftPerYear.map((mu, i) => mu - model.volatilityPerYear[i]! ** 2 / 2),
      };
    return {
      logDriftPerYear: [...fit.logDriftPerYear],
      standardErrorPerYear: [...fit.standardErrorPerYear],
      window: { fromSeconds: fit.fromSeconds, toSeconds: fit.toSeconds, returns: fit.returns },
    };
  }
  if (model.kind !== "bootstrap") return fittedModelDrift(model);
  const { means, deviations } = returnMoments(model);
  const n = model.logReturns.length;
  const dtYears = model.stepSeconds / secondsPerYear;
  return {
    logDriftPerYear: means.map((m) => m / dtYears),
    standardErrorPerYear: deviations.map((s) => s / Math.sqrt(dtYears) / Math.sqrt(n * dtYears)),
    window: { returns: n },
  };
}

/**
 * `model` with each asset's log price drifting at `logDriftPerYear` (fractions per year), its randomness untouched:
 * a GBM's price drift becomes that plus σ²/2; a bootstrap's historical log returns are shifted so that their mean is
 * that times dt (their deviations kept), so a path drawn from the same seed replays the same rows; the fitted models
 * as sim/market/fittedDrift.ts says.
 */
export function withDrift(model: MarketModel, logDriftPerYear: readonly number[]): MarketModel {
  if (model.kind === "gbm")
    return { ...model, driftPerYear: logDriftPerYear.map((g, i) => g + model.volatilityPerYear[i]! ** 2 / 2) };
  if (model.kind !== "bootstrap") return withFittedDrift(model, logDriftPerYear);
  const { means } = returnMoments(model);
  const dtYears = model.stepSeconds / secondsPerYear;
  const shift = means.map((m, i) => logDriftPerYear[i]! * dtYears - m);
  const shifted: BootstrapModel = {
    ...model,
    logReturns: model.logReturns.map((row) => row.map((r, i) => r + shift[i]!)),
  };
  return shifted;
}

/**
 * The market a run simulates under `choice` (see {@link DriftChoice}), and what drift it came to per asset. Throws,
 * naming the field (`model.…`, `drift`, `drift.WETH`), when the model or the choice is not usable.
 */
export function resolveDrift(model: MarketModel, choice: DriftChoice): { market: MarketModel; drift: DriftUsed } {
  validateMarketModel(model);
  checkDriftChoice(choice, model.symbols);
  const own = modelDrift(model);
  const assets = model.symbols.map((symbol, i): AssetDriftUsed => {
    const asset = driftOfAsset(choice, symbol);
    const fittedPerYear = own.logDriftPerYear[i]!;
    const error = own.standardErrorPerYear?.[i];
    return {
      symbol,
      source: asset === "zero" ? "zero" : asset === "fitted" ? "fitted" : "set",
      logDriftPerYear: asset === "zero" ? 0 : asset === "fitted" ? fittedPerYear : asset,
      fittedPerYear,
      ...(error === undefined ? {} : { standardErrorPerYear: error }),
    };
  });
  return {
    market: withDrift(
      model,
      assets.map((a) => a.logDriftPerYear),
    ),
    drift: { choice, assets, ...(own.window ? { window: own.window } : {}) },
  };
}

/** Each asset's sample mean and deviation of a bootstrap's log returns. */
function returnMoments(model: BootstrapModel): { means: number[]; deviations: number[] } {
  const assets = model.symbols.length;
  const n = model.logReturns.length;
  const means = new Array<number>(assets).fill(0);
  for (const row of model.logReturns) for (let i = 0; i < assets; i++) means[i]! += row[i]!;
  for (let i = 0; i < assets; i++) means[i]! /= n;
  const squares = new Array<number>(assets).fill(0);
  for (const row of model.logReturns) for (let i = 0; i < assets; i++) squares[i]! += (row[i]! - means[i]!) ** 2;
  return { means, deviations: squares.map((s) => (n > 1 ? Math.sqrt(s / (n - 1)) : 0)) };
}
