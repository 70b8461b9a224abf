/**
 * Calibration of market models from a price history, and validation of models.
 *
 * Every check throws an `Error` whose message names the offending input by its path (`history.pricesUsd[12][1]`,
 * `model.correlation`) and says what is wrong with it, so a CLI or a browser form can show it as is.
 */
import { ln } from "../detMath.ts";
import {
  secondsPerYear,
  type BootstrapModel,
  type DriftFit,
  type GbmModel,
  type MarketModel,
  type PriceHistory,
} from "./types.ts";
import { checkPerAsset, checkSymbols, cholesky, correlationTolerance, isArray, show } from "./checks.ts";
import { validateGarchModel } from "./garch.ts";
import { validateRegimeModel } from "./regimes.ts";
import { validateStudentTModel } from "./studentT.ts";

export { checkPerAsset, checkSymbols, cholesky, show } from "./checks.ts";

/** Options of {@link calibrateGbm}, {@link historicalLogReturns} and {@link calibrateBootstrap}. */
export type HistoryOptions = {
  /** Symbol the history must start with. Default "USDC", Trimtab's base asset. */
  baseSymbol?: string;
  /**
   * How far any interval between consecutive timestamps may be from their mean, as a fraction of the mean.
   * Default 0.1: daily data may jitter by up to 2.4 hours, but a missing day (an interval twice the others) is
   * refused, because annualising or replaying returns assumes one spacing.
   */
  spacingTolerance?: number;
};

/** Options of {@link calibrateGbm}. */
export type CalibrateGbmOptions = HistoryOptions & {
  /** Fewest log returns to estimate from. Default 30; at least 2 (a sample variance needs two). */
  minReturns?: number;
};

/** Options of {@link calibrateBootstrap}. */
export type CalibrateBootstrapOptions = HistoryOptions & {
  /** Mean length of the replayed runs of consecutive returns, in steps, ≥ 1. */
  blockLength: number;
};

/**
 * Fits a correlated GBM to a price history: per asset, the log returns' sample mean m and sample variance s² over
 * the mean spacing dt (in years) give the volatility σ = s / √dt and the price drift μ = m / dt + σ² / 2 (GBM's log
 * price drifts at μ − σ²/2); the correlation is the log returns' sample (Pearson) correlation. An asset whose returns
 * do not vary gets volatility 0 and correlation 0 with every other asset (1 with itself). The model carries the drift's
 * standard error σ/√T (T the window in years) and the window (`driftFit`): a short history fits a drift that is
 * mostly noise, which is why a simulation uses zero drift unless asked for the fitted one (see sim/market/drift.ts).
 *
 * @example calibrateGbm({ symbols: ["USDC", "WETH"], timestamps, pricesUsd }) // { kind: "gbm", … }
 */
export function calibrateGbm(history: PriceHistory, options: CalibrateGbmOptions = {}): GbmModel {
  const minReturns = options.minReturns ?? 30;
  if (!Number.isInteger(minReturns) || minReturns < 2)
    throw new Error(`options.minReturns must be an integer >= 2, got ${show(minReturns)}`);
  const meanSpacingSeconds = checkHistory(history, options, minReturns, "calibration");
  const returns = logReturnsOf(history);
  const count = returns.length;
  const dtYears = meanSpacingSeconds / secondsPerYear;
  const { means, volatilityPerYear, correlation } = returnStatistics(returns, dtYears);
  const driftPerYear = means.map((m, i) => m / dtYears + (volatilityPerYear[i]! * volatilityPerYear[i]!) / 2);
  const driftFit: DriftFit = {
    logDriftPerYear: means.map((m) => m / dtYears),
    standardErrorPerYear: volatilityPerYear.map((sigma) => sigma / Math.sqrt(count * dtYears)),
    fromSeconds: history.timestamps[0]!,
    toSeconds: history.timestamps[history.timestamps.length - 1]!,
    returns: count,
  };
  const model: GbmModel = {
    kind: "gbm",
    symbols: [...history.symbols],
    driftPerYear,
    volatilityPerYear,
    correlation,
    driftFit,
  };
  validateMarketModel(model);
  return model;
}

/**
 * The sample statistics of log returns `[observation][asset]` taken `dtYears` apart: each asset's mean return, its
 * annualised volatility s/√dt (s the sample deviation, divisor n − 1), and the returns' sample (Pearson) correlation.
 * An asset whose returns do not vary gets volatility 0 and correlation 0 with every other asset (1 with itself).
 * Needs at least two returns. What {@link calibrateGbm} fits, and what a bootstrap's calibration is described by.
 */
export function returnStatistics(
  returns: readonly (readonly number[])[],
  dtYears: number,
): { means: number[]; volatilityPerYear: number[]; correlation: number[][] } {
  const assets = returns[0]?.length ?? 0;
  const count = returns.length;
  const means = new Array<number>(assets).fill(0);
  for (const row of returns) for (let i = 0; i < assets; i++) means[i]! += row[i]!;
  for (let i = 0; i < assets; i++) means[i]! /= count;
  const covariance = Array.from({ length: assets }, () => new Array<number>(assets).fill(0));
  for (const row of returns)
    for (let i = 0; i < assets; i++) {
      const di = row[i]! - means[i]!;
      for (let j = 0; j <= i; j++) covariance[i]![j]! += di * (row[j]! - means[j]!);
    }
  for (let i = 0; i < assets; i++) for (let j = 0; j <= i; j++) covariance[i]![j]! /= count - 1;

  const variance = (i: number) => covariance[i]![i]!;
  const volatilityPerYear = means.map((_, i) => Math.sqrt(variance(i) / dtYears));
  const correlation = Array.from({ length: assets }, (_, i) =>
    Array.from({ length: assets }, (_, j) => {
      if (i === j) return 1;
      const [a, b] = i > j ? [i, j] : [j, i];
      const denominator = Math.sqrt(variance(a) * variance(b));
      if (denominator === 0) return 0;
      return Math.min(1, Math.max(-1, covariance[a]![b]! / denominator));
    }),
  );
  return { means, volatilityPerYear, correlation };
}

/**
 * The history's log returns `ln(price[t] / price[t − 1])`, `[observation − 1][asset]`, at the history's spacing:
 * what a {@link BootstrapModel} replays. Checks the history as {@link calibrateGbm} does (at least one return).
 */
export function historicalLogReturns(history: PriceHistory, options: HistoryOptions = {}): number[][] {
  checkHistory(history, options, 1, "the bootstrap");
  return logReturnsOf(history);
}

/**
 * A {@link BootstrapModel} of the history's log returns; its `stepSeconds` is the history's mean spacing rounded to
 * a whole second (timestamps are unix seconds).
 */
export function calibrateBootstrap(history: PriceHistory, options: CalibrateBootstrapOptions): BootstrapModel {
  if (!(Number.isFinite(options.blockLength) && options.blockLength >= 1))
    throw new Error(`options.blockLength must be a finite number >= 1, got ${show(options.blockLength)}`);
  const meanSpacingSeconds = checkHistory(history, options, 1, "the bootstrap");
  const model: BootstrapModel = {
    kind: "bootstrap",
    symbols: [...history.symbols],
    logReturns: logReturnsOf(history),
    stepSeconds: Math.round(meanSpacingSeconds),
    blockLength: options.blockLength,
  };
  validateMarketModel(model);
  return model;
}

/**
 * Throws unless `model` is usable: symbols non-empty, distinct strings; every per-asset array one entry per symbol;
 * GBM drifts finite, volatilities finite and ≥ 0, correlation entries in [−1, 1] with a unit diagonal (within
 * 1e-9), symmetric (within 1e-9) and positive semi-definite (see {@link cholesky}); bootstrap returns finite, at
 * least one row, `stepSeconds` > 0 and `blockLength` ≥ 1; the fitted models' fields as their modules check them
 * (sim/market/studentT.ts, garch.ts, regimes.ts).
 */
export function validateMarketModel(model: MarketModel): void {
  checkSymbols(model.symbols, "model.symbols");
  const assets = model.symbols.length;
  if (model.kind === "gbm") {
    checkPerAsset(model.driftPerYear, assets, "model.driftPerYear");
    model.driftPerYear.forEach((drift, i) => {
      if (!Number.isFinite(drift))
        throw new Error(`model.driftPerYear[${i}] must be a finite number, got ${show(drift)}`);
    });
    checkPerAsset(model.volatilityPerYear, assets, "model.volatilityPerYear");
    model.volatilityPerYear.forEach((volatility, i) => {
      if (!Number.isFinite(volatility) || volatility < 0)
        throw new Error(`model.volatilityPerYear[${i}] must be a finite number >= 0, got ${show(volatility)}`);
    });
    checkPerAsset(model.correlation, assets, "model.correlation");
    model.correlation.forEach((row, i) => {
      checkPerAsset(row, assets, `model.correlation[${i}]`);
      row.forEach((value, j) => {
        if (!(value >= -1 && value <= 1))
          throw new Error(`model.correlation[${i}][${j}] must be a number in [-1, 1], got ${show(value)}`);
      });
      const diagonal = row[i]!;
      if (Math.abs(diagonal - 1) > correlationTolerance)
        throw new Error(`model.correlation[${i}][${i}] must be 1, got ${show(diagonal)}`);
    });
    cholesky(model.correlation, "model.correlation");
    if (model.driftFit !== undefined) validateDriftFit(model.driftFit, assets);
    return;
  }
  if (model.kind === "bootstrap") {
    if (!isArray(model.logReturns) || model.logReturns.length === 0)
      throw new Error(`model.logReturns must have at least one row of returns, got ${show(model.logReturns)}`);
    model.logReturns.forEach((row, t) => {
      checkPerAsset(row, assets, `model.logReturns[${t}]`);
      row.forEach((value, i) => {
        if (!Number.isFinite(value))
          throw new Error(`model.logReturns[${t}][${i}] must be a finite number, got ${show(value)}`);
      });
    });
    if (!(Number.isFinite(model.stepSeconds) && model.stepSeconds > 0))
      throw new Error(`model.stepSeconds must be a positive finite number, got ${show(model.stepSeconds)}`);
    if (!(Number.isFinite(model.blockLength) && model.blockLength >= 1))
      throw new Error(`model.blockLength must be a finite number >= 1, got ${show(model.blockLength)}`);
    return;
  }
  if (model.kind === "student-t") {
    validateStudentTModel(model);
    if (model.driftFit !== undefined) validateDriftFit(model.driftFit, assets);
    return;
  }
  if (model.kind === "garch") return validateGarchModel(model);
  if (model.kind === "regimes") return validateRegimeModel(model);
  const kind: unknown = (model as { kind: unknown }).kind;
  throw new Error(`model.kind must be "gbm", "bootstrap", "student-t", "garch" or "regimes", got ${show(kind)}`);
}

/** Throws unless a GBM's `driftFit` has one finite drift and one standard error ≥ 0 per asset, and a window. */
function validateDriftFit(fit: DriftFit, assets: number): void {
  checkPerAsset(fit.logDriftPerYear, assets, "model.driftFit.logDriftPerYear");
  checkPerAsset(fit.standardErrorPerYear, assets, "model.driftFit.standardErrorPerYear");
  fit.logDriftPerYear.forEach((drift, i) => {
    if (!Number.isFinite(drift))
      throw new Error(`model.driftFit.logDriftPerYear[${i}] must be a finite number, got ${show(drift)}`);
  });
  fit.standardErrorPerYear.forEach((error, i) => {
    if (!(Number.isFinite(error) && error >= 0))
      throw new Error(`model.driftFit.standardErrorPerYear[${i}] must be a finite number >= 0, got ${show(error)}`);
  });
  if (!(Number.isFinite(fit.fromSeconds) && Number.isFinite(fit.toSeconds) && fit.toSeconds > fit.fromSeconds))
    throw new Error(
      `model.driftFit must span a window (toSeconds > fromSeconds), got ${show(fit.fromSeconds)} to ${show(fit.toSeconds)}`,
    );
  if (!(Number.isInteger(fit.returns) && fit.returns >= 1))
    throw new Error(`model.driftFit.returns must be a whole number >= 1, got ${show(fit.returns)}`);
}

/** `ln(price[t] / price[t − 1])` for every observation after the first; the history must have been checked. */
function logReturnsOf(history: PriceHistory): number[][] {
  const { pricesUsd } = history;
  const returns: number[][] = [];
  for (let t = 1; t < pricesUsd.length; t++) {
    const previous = pricesUsd[t - 1]!;
    returns.push(pricesUsd[t]!.map((price, i) => ln(price / previous[i]!)));
  }
  return returns;
}

/**
 * Checks a history's shape, values and spacing; returns the mean spacing in seconds. `purpose` names who needs the
 * `minReturns` returns in the error message.
 */
function checkHistory(history: PriceHistory, options: HistoryOptions, minReturns: number, purpose: string): number {
  const baseSymbol = options.baseSymbol ?? "USDC";
  const spacingTolerance = options.spacingTolerance ?? 0.1;
  if (!(spacingTolerance >= 0 && spacingTolerance < 1))
    throw new Error(`options.spacingTolerance must be a number in [0, 1), got ${show(spacingTolerance)}`);

  const { symbols, timestamps, pricesUsd } = history;
  checkSymbols(symbols, "history.symbols");
  if (symbols[0] !== baseSymbol)
    throw new Error(`history.symbols must start with the base asset ${show(baseSymbol)}, got ${show(symbols[0])}`);
  if (!isArray(pricesUsd)) throw new Error(`history.pricesUsd must be an array, got ${show(pricesUsd)}`);
  const returns = Math.max(0, pricesUsd.length - 1);
  if (returns < minReturns) throw new Error(`history has ${returns} returns: ${purpose} needs at least ${minReturns}`);
  if (!isArray(timestamps) || timestamps.length !== pricesUsd.length)
    throw new Error(
      `history.timestamps must have ${pricesUsd.length} entries (one per row of history.pricesUsd), got ${
        isArray(timestamps) ? timestamps.length : show(timestamps)
      }`,
    );
  pricesUsd.forEach((row, t) => {
    checkPerAsset(row, symbols.length, `history.pricesUsd[${t}]`);
    row.forEach((price, i) => {
      if (!(Number.isFinite(price) && price > 0))
        throw new Error(`history.pricesUsd[${t}][${i}] must be a positive finite number, got ${show(price)}`);
    });
  });
  timestamps.forEach((time, t) => {
    if (!Number.isFinite(time)) throw new Error(`history.timestamps[${t}] must be a finite number, got ${show(time)}`);
    if (t > 0 && !(time > timestamps[t - 1]!))
      throw new Error(
        `history.timestamps[${t}] must be greater than history.timestamps[${t - 1}] (${timestamps[t - 1]}), got ${time}`,
      );
  });

  const meanSpacingSeconds = (timestamps[timestamps.length - 1]! - timestamps[0]!) / returns;
  for (let t = 1; t < timestamps.length; t++) {
    const intervalSeconds = timestamps[t]! - timestamps[t - 1]!;
    const deviation = Math.abs(intervalSeconds / meanSpacingSeconds - 1);
    if (deviation > spacingTolerance)
      throw new Error(
        `history.timestamps must be evenly spaced: history.timestamps[${t}] comes ${intervalSeconds} s after the previous one, ` +
          `${percent(deviation)} off the mean spacing of ${meanSpacingSeconds} s (tolerance ${percent(spacingTolerance)})`,
      );
  }
  return meanSpacingSeconds;
}

/** A fraction as a percentage with one decimal, e.g. 0.935 → "93.5%". */
function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}
