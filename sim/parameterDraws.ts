/**
 * Parameter uncertainty: a market model's parameters re-drawn, once per path, from their sampling distribution — what
 * a history of n returns can tell about them. A path then runs on a market that history could just as well have
 * fitted, so the spread of a comparison's results covers the calibration's uncertainty as well as Monte Carlo noise.
 *
 * - GBM: each path draws n returns of the fitted model's shocks (standard normals correlated by its correlation) and
 *   takes their sample statistics: the drift moves by σ·x̄·√n/√T (its standard error σ/√T, as sim/market/calibration.ts
 *   states it, for a window of T years), the volatility is σ times the shocks' sample deviation (σ·χ_{n−1}/√(n−1)) and
 *   the correlation is their sample correlation: the exact joint sampling distribution of normal returns, and always a
 *   valid (positive semi-definite) correlation matrix.
 * - Block bootstrap: each path replays a history of n returns resampled from the model's own by the same stationary
 *   block bootstrap (the serial dependence kept): its mean, volatility and correlation vary as the history's could.
 * - Any other model: no sampling distribution is known here; its parameters stay fixed (undefined).
 *
 * Draws come from their own stream, seeded from the run's seed, so a path's price shocks are the same with and without
 * re-drawn parameters. Only IEEE operations and `Math.sqrt` are used: the same bits in every engine.
 */
import { cholesky } from "./market/calibrate.ts";
import { secondsPerYear, type BootstrapModel, type GbmModel, type MarketModel } from "./market/types.ts";
import { createRandom, type Random } from "./random.ts";

/** The history a model's parameters are known from: its number of returns and their spacing. */
export type HistoryWindow = { returns: number; stepSeconds: number };

/** Markets re-drawn path by path; called with paths 0, 1, 2… in order (any other order throws). */
export type MarketDraws = (path: number) => MarketModel;

/** The seed of the parameter draws' stream, derived from the run's (the paths' own stream is not shifted). */
export const parameterSeedOf = (seed: number): number => (seed ^ 0x2c1b3c6d) | 0;

/**
 * The window `model` was fitted on: a calibrated GBM's `driftFit`, a bootstrap's returns; undefined for a model
 * written by hand (nothing was fitted).
 */
export function fittedWindow(model: MarketModel): HistoryWindow | undefined {
  if (model.kind === "gbm")
    return model.driftFit
      ? {
          returns: model.driftFit.returns,
          stepSeconds: (model.driftFit.toSeconds - model.driftFit.fromSeconds) / model.driftFit.returns,
        }
      : undefined;
  if (model.kind === "bootstrap") return { returns: model.logReturns.length, stepSeconds: model.stepSeconds };
  return undefined;
}

/**
 * Re-draws of `model`'s parameters per path from what a history of `window.returns` returns `window.stepSeconds`
 * apart can tell, seeded from `seed`; undefined for a model with no known sampling distribution. The model's drift is
 * the centre of the drift's draws (the run's drift choice, zero by default).
 */
export function createMarketDraws(model: MarketModel, window: HistoryWindow, seed: number): MarketDraws | undefined {
  if (!(Number.isInteger(window.returns) && window.returns >= 2))
    throw new Error(`the history must hold at least 2 returns to re-draw parameters from, got ${window.returns}`);
  if (!(Number.isFinite(window.stepSeconds) && window.stepSeconds > 0))
    throw new Error(`the history's spacing must be a positive number of seconds, got ${window.stepSeconds}`);
  const random = createRandom(parameterSeedOf(seed));
  const draw =
    model.kind === "gbm"
      ? gbmDraws(model, window, random)
      : model.kind === "bootstrap"
        ? bootstrapDraws(model, window.returns, random)
        : undefined;
  if (!draw) return undefined;
  let next = 0;
  return (path: number) => {
    if (path !== next) throw new Error(`parameters are drawn path by path in order: path ${next} is next, not ${path}`);
    next++;
    return draw();
  };
}

function gbmDraws(model: GbmModel, window: HistoryWindow, random: Random): () => GbmModel {
  const assets = model.symbols.length;
  const n = window.returns;
  const years = (n * window.stepSeconds) / secondsPerYear;
  const sigma = model.volatilityPerYear;
  const logDrift = model.driftPerYear.map((mu, i) => mu - (sigma[i]! * sigma[i]!) / 2);
  // The correlation's factor row by row, lower triangle (factor[i][j] at i × assets + j).
  const factor = new Float64Array(assets * assets);
  cholesky(model.correlation, "model.correlation").forEach((row, i) => factor.set(row.slice(0, i + 1), i * assets));
  const moving = sigma.map((s) => s > 0);
  // All of a draw's normals at once: the same numbers as a call per return (see `Random.fillNormals`).
  const normals = new Float64Array(n * assets);
  const shock = new Float64Array(assets);
  const sums = new Float64Array(assets);
  const cross = new Float64Array(assets * assets);
  const driftScale = Math.sqrt(n) / Math.sqrt(years);
  return () => {
    sums.fill(0);
    cross.fill(0);
    random.fillNormals(normals, 0, n * assets);
    for (let t = 0; t < n; t++) {
      const row = t * assets;
      for (let i = 0; i < assets; i++) {
        let x = 0;
        for (let j = 0; j <= i; j++) x += factor[i * assets + j]! * normals[row + j]!;
        shock[i] = x;
        sums[i]! += x;
      }
      for (let i = 0; i < assets; i++) for (let j = 0; j <= i; j++) cross[i * assets + j]! += shock[i]! * shock[j]!;
    }
    const mean = Float64Array.from(sums, (s) => s / n);
    const covariance = (i: number, j: number) => (cross[i * assets + j]! - n * mean[i]! * mean[j]!) / (n - 1);
    const deviation = Float64Array.from({ length: assets }, (_, i) => Math.sqrt(Math.max(0, covariance(i, i))));
    const volatilityPerYear = sigma.map((s, i) => (moving[i] ? s * deviation[i]! : 0));
    const correlation = Array.from({ length: assets }, (_, i) =>
      Array.from({ length: assets }, (_, j) => {
        if (i === j) return 1;
        if (!moving[i] || !moving[j] || deviation[i] === 0 || deviation[j] === 0) return 0;
        const [a, b] = i > j ? [i, j] : [j, i];
        const r = covariance(a, b) / (deviation[a]! * deviation[b]!);
        return r > 1 ? 1 : r < -1 ? -1 : r;
      }),
    );
    const driftPerYear = logDrift.map((g, i) => {
      const drawn = moving[i] ? g + sigma[i]! * mean[i]! * driftScale : g;
      return drawn + (volatilityPerYear[i]! * volatilityPerYear[i]!) / 2;
    });
    return { kind: "gbm", symbols: model.symbols, driftPerYear, volatilityPerYear, correlation };
  };
}

function bootstrapDraws(model: BootstrapModel, n: number, random: Random): () => BootstrapModel {
  const rows = model.logReturns;
  const observations = rows.length;
  const restart = 1 / model.blockLength;
  return () => {
    const logReturns: (readonly number[])[] = [];
    let observation = random.int(0, observations - 1);
    for (let t = 0; t < n; t++) {
      if (t > 0) {
        if (random.next() < restart) observation = random.int(0, observations - 1);
        else observation = observation + 1 === observations ? 0 : observation + 1;
      }
      logReturns.push(rows[observation]!);
    }
    return { ...model, logReturns };
  };
}
