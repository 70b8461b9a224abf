/**
 * What a market model was fitted to, and how well the history pins its parameters down: per asset the annualised
 * volatility and the log-price drift with their standard errors, the correlations with theirs, the data window, and
 * a warning for each estimate the history is too short for. An impact report carries it beside the drift it used
 * (sim/market/drift.ts), so a voter sees how much of the market is measured and how much is noise.
 *
 * Standard errors are the large-sample ones of independent normal returns: n log returns dt years apart, a window of
 * T = n·dt years.
 * - volatility σ: σ / √(2n) (the sample deviation's);
 * - drift m/dt: σ / √T, whatever the spacing: only a longer window, not more frequent prices, pins a drift down;
 * - correlation ρ: (1 − ρ²) / √n.
 */
import { modelDrift } from "./drift.ts";
import { returnStatistics } from "./calibrate.ts";
import { secondsPerYear, type MarketModel } from "./types.ts";

/** One asset's fitted parameters, per year, with their standard errors. */
export type AssetCalibration = {
  symbol: string;
  volatilityPerYear: number;
  volatilityStandardError: number;
  /** The fitted log-price drift (the yearly growth of the median price). */
  logDriftPerYear: number;
  driftStandardErrorPerYear: number;
};

/** A market model's fit to its history (see the module's comment). */
export type Calibration = {
  /** The model fitted: a correlated GBM, or a block bootstrap replaying the returns. */
  kind: MarketModel["kind"];
  assets: AssetCalibration[];
  /**
   * The log returns' correlation, `[asset][asset]`, and each entry's standard error (0 on the diagonal and for an
   * asset that does not move, whose correlation is 0 by convention).
   */
  correlation: number[][];
  correlationStandardError: number[][];
  /** The history: first and last observation (unix seconds, when known), the returns between and their spacing. */
  window: { fromSeconds?: number; toSeconds?: number; returns: number; stepSeconds: number };
  /** One sentence per estimate the history is too short for; empty when it is long enough for all of them. */
  warnings: string[];
};

/**
 * When a history counts as too short (see {@link describeCalibration}): a drift whose standard error is above
 * `maxDriftStandardErrorPerYear` a year (or above the drift itself, unless below `negligibleDriftErrorPerYear`: a
 * stablecoin's drift known to ±0.2% a year is noise that matters to no one), correlations from fewer than
 * `minReturnsForCorrelation` returns (90: a quarter of daily prices, where a 0.8 correlation is known to ±0.04), and
 * volatilities from fewer than `minReturnsForVolatility` returns (50: ±10% of the volatility).
 */
export const calibrationLimits = {
  maxDriftStandardErrorPerYear: 0.5,
  negligibleDriftErrorPerYear: 0.01,
  minReturnsForCorrelation: 90,
  minReturnsForVolatility: 50,
} as const;

/**
 * The fit of `model` (before a run replaces its drift): a GBM calibrated by `calibrateGbm` (its `driftFit` gives the
 * window), or a bootstrap (its returns are the history; no dates). Undefined for a GBM written by hand (nothing was
 * fitted) and for a bootstrap of fewer than two returns (no deviation to measure). A calibrated Student-t model is
 * described as a GBM is (its volatilities are the returns' standard deviations); GARCH and regime models are not
 * (their fit is `fitMarketModel`'s, sim/market/fit.ts).
 */
export function describeCalibration(model: MarketModel): Calibration | undefined {
  const own = modelDrift(model);
  let volatilityPerYear: readonly number[];
  let correlation: readonly (readonly number[])[];
  let window: Calibration["window"];
  if (model.kind === "gbm" || model.kind === "student-t") {
    const fit = model.driftFit;
    if (!fit) return undefined;
    volatilityPerYear = model.volatilityPerYear;
    correlation = model.correlation;
    window = {
      fromSeconds: fit.fromSeconds,
      toSeconds: fit.toSeconds,
      returns: fit.returns,
      stepSeconds: (fit.toSeconds - fit.fromSeconds) / fit.returns,
    };
  } else if (model.kind === "bootstrap") {
    if (model.logReturns.length < 2) return undefined;
    ({ volatilityPerYear, correlation } = returnStatistics(model.logReturns, model.stepSeconds / secondsPerYear));
    window = { returns: model.logReturns.length, stepSeconds: model.stepSeconds };
  } else return undefined;
  const n = window.returns;
  const years = (n * window.stepSeconds) / secondsPerYear;
  const assets = model.symbols.map((symbol, i): AssetCalibration => ({
    symbol,
    volatilityPerYear: volatilityPerYear[i]!,
    volatilityStandardError: volatilityPerYear[i]! / Math.sqrt(2 * n),
    logDriftPerYear: own.logDriftPerYear[i]!,
    driftStandardErrorPerYear: volatilityPerYear[i]! / Math.sqrt(years),
  }));
  const rho = correlation.map((row) => [...row]);
  // An asset that does not move has no correlation to estimate (it is 0 by convention): no error either.
  const moves = (i: number) => volatilityPerYear[i]! > 0;
  const rhoError = rho.map((row, i) =>
    row.map((r, j) => (i === j || !moves(i) || !moves(j) ? 0 : (1 - r * r) / Math.sqrt(n))),
  );
  return {
    kind: model.kind,
    assets,
    correlation: rho,
    correlationStandardError: rhoError,
    window,
    warnings: shortHistoryWarnings(assets, rhoError, n),
  };
}

/** The warnings of {@link describeCalibration}, per {@link calibrationLimits}. */
function shortHistoryWarnings(assets: readonly AssetCalibration[], rhoError: number[][], n: number): string[] {
  const limits = calibrationLimits;
  const pct = (x: number) => `${+(x * 100).toFixed(1)}%`;
  const warnings: string[] = [];
  for (const a of assets) {
    const error = a.driftStandardErrorPerYear;
    const overLimit = error > limits.maxDriftStandardErrorPerYear;
    const overDrift = error > Math.abs(a.logDriftPerYear) && error >= limits.negligibleDriftErrorPerYear;
    if (!overLimit && !overDrift) continue;
    const why = [
      ...(overLimit ? [`more than ${pct(limits.maxDriftStandardErrorPerYear)} a year`] : []),
      ...(overDrift ? ["more than the drift itself"] : []),
    ].join(" and ");
    warnings.push(
      `${a.symbol}: the fitted drift (${a.logDriftPerYear >= 0 ? "+" : ""}${pct(a.logDriftPerYear)} a year) has a ` +
        `standard error of ±${pct(error)} a year, ${why}: the history is too short to estimate a drift.`,
    );
  }
  const widest = Math.max(0, ...rhoError.flat());
  if (widest > 0 && n < limits.minReturnsForCorrelation) {
    warnings.push(
      `The correlations come from ${n} returns, fewer than ${limits.minReturnsForCorrelation}: each is known only to ` +
        `±${widest.toFixed(2)} (one standard error, the widest).`,
    );
  }
  if (n < limits.minReturnsForVolatility)
    warnings.push(
      `The volatilities come from ${n} returns, fewer than ${limits.minReturnsForVolatility}: each is known only to ` +
        `±${pct(1 / Math.sqrt(2 * n))} of its value (one standard error).`,
    );
  return warnings;
}
