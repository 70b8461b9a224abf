/**
 * The Markov regime-switching market ({@link RegimeModel}) with three regimes, calm / stressed / crash: fitted by
 * expectation–maximisation (Hamilton's filter for the likelihood and the filtered probabilities, Kim's smoother for
 * the smoothed ones and the expected transitions); validated; and its path generator.
 *
 * The fit, over the assets whose prices move (a constant asset has drift, volatility 0 and correlation 0 in every
 * regime):
 * - Start: each return's squared standardised size ranks it; the smallest 60% start in calm, the next 30% in
 *   stressed, the largest 10% in crash; each regime's mean and covariance are those of its returns; the transition
 *   matrix keeps a regime with probability 0.95 / 0.9 / 0.8 and splits the rest evenly; the first regime is uniform.
 * - E step: the filter and smoother under the current parameters. M step: each regime's mean and covariance are the
 *   smoothed-probability-weighted ones (each variance at least 1e-4 of the asset's sample variance, so that no regime
 *   collapses onto a few returns), the transition matrix the expected transitions over the expected visits, the first
 *   regime's distribution the first smoothed one.
 * - Until the log-likelihood gains less than 1e-8 per return, or 1,000 iterations (both options).
 * - Regimes are then ordered by their volatility relative to each asset's sample one (mean over the moving assets),
 *   lowest first, so the labels are stable: calm, stressed, crash.
 */
import { exp, ln } from "../detMath.ts";
import type { Random } from "../random.ts";
import {
  checkCorrelation,
  checkFiniteArray,
  checkNonNegativeArray,
  checkProbabilities,
  checkSymbols,
  cholesky,
  show,
} from "./checks.ts";
import {
  embedCorrelation,
  movingAssets,
  sampleMoments,
  shockLogDensity,
  splitCovariance,
  whitener,
  type RawFit,
  type ReturnsFitInput,
} from "./likelihood.ts";
import { checkRoom, type OverlayTables } from "./overlays.ts";
import { checkModelStep } from "./garch.ts";
import { secondsPerYear, type PathGenerator, type PathOptions, type Regime, type RegimeModel } from "./types.ts";

/** Options of {@link fitRegimes}. */
export type RegimeFitOptions = {
  /** Start EM from this model's parameters instead of the ranked split (a refit on a window moved a little). */
  startFrom?: RegimeModel;
  /** Most EM iterations. Default 1,000. */
  maxIterations?: number;
  /** Stop when an iteration gains less log-likelihood than this per return. Default 1e-8. */
  tolerancePerReturn?: number;
};

/** The regimes' names, by increasing volatility. */
export const regimeNames = ["calm", "stressed", "crash"] as const;
const startShares = [0.6, 0.3, 0.1];
const startPersistence = [0.95, 0.9, 0.8];
const varianceFloorShare = 1e-4;

/** Per regime, the mean and covariance of the moving assets' returns per step. */
type RegimeParameters = { means: number[][]; covariances: number[][][]; transition: number[][]; initial: number[] };

/**
 * Fits a three-regime {@link RegimeModel} to the first `input.inSample` returns; gives every return's log density
 * (its one-step predictive density, from the filter run over the whole history), the smoothed regime probabilities
 * over the whole history, and the distribution of today's regime (the filtered one after the last return) as the
 * model's `initialProbabilities`.
 */
export function fitRegimes(input: ReturnsFitInput, options: RegimeFitOptions = {}): RawFit<RegimeModel> {
  const { returns, inSample, stepSeconds } = input;
  const dtYears = stepSeconds / secondsPerYear;
  const assets = input.symbols.length;
  const fitted = returns.slice(0, inSample);
  const moving = movingAssets(fitted);
  if (moving.length === 0) throw new Error("history has no asset whose price moves: there are no regimes to fit");
  const all = sampleMoments(fitted);
  const x = fitted.map((row) => moving.map((i) => row[i]!));
  const sampleVariance = moving.map((i) => all.covariance[i]![i]!);
  let parameters = options.startFrom
    ? parametersOfModel(options.startFrom, moving, options.startFrom.initialProbabilities)
    : startingParameters(
        x,
        moving.map((i) => all.means[i]!),
        sampleVariance,
      );
  let previous = -Infinity;
  const maxIterations = options.maxIterations ?? 1_000;
  const tolerance = options.tolerancePerReturn ?? 1e-8;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const pass = filterAndSmooth(parameters, x);
    if (pass.logLikelihood - previous < tolerance * x.length) break;
    previous = pass.logLikelihood;
    parameters = maximisation(pass, x, sampleVariance);
  }
  parameters = orderByVolatility(parameters, sampleVariance);
  const K = regimeNames.length;
  const regimes: Regime[] = regimeNames.map((name, k) => {
    const { deviations, correlation } = splitCovariance(parameters.covariances[k]!);
    const logDriftPerYear = all.means.map((m) => m / dtYears);
    const volatilityPerYear = new Array<number>(assets).fill(0);
    moving.forEach((i, a) => {
      logDriftPerYear[i] = parameters.means[k]![a]! / dtYears;
      volatilityPerYear[i] = deviations[a]! / Math.sqrt(dtYears);
    });
    return { name, logDriftPerYear, volatilityPerYear, correlation: embedCorrelation(correlation, moving, assets) };
  });
  const full = filterAndSmooth(
    parameters,
    returns.map((row) => moving.map((i) => row[i]!)),
  );
  const model: RegimeModel = {
    kind: "regimes",
    symbols: [...input.symbols],
    stepSeconds,
    regimes,
    transitionPerStep: parameters.transition,
    initialProbabilities: rowOf(full.filtered, returns.length - 1, K),
  };
  validateRegimeModel(model);
  const p = moving.length;
  return {
    model,
    logDensities: full.logDensities,
    parameters: K * (p + (p * (p + 1)) / 2) + K * (K - 1) + (K - 1),
    regimeProbabilities: Array.from({ length: returns.length }, (_, t) => rowOf(full.smoothed, t, K)),
  };
}

function startingParameters(x: readonly (readonly number[])[], means: number[], variances: number[]): RegimeParameters {
  const n = x.length;
  const size = x.map((row) => row.reduce((s, v, a) => s + (v - means[a]!) ** 2 / variances[a]!, 0));
  const order = size.map((_, t) => t).sort((a, b) => size[a]! - size[b]! || a - b);
  const K = startShares.length;
  const groups: number[][] = Array.from({ length: K }, () => []);
  let cut = 0;
  startShares.forEach((share, k) => {
    const end = k === K - 1 ? n : Math.min(n, cut + Math.max(1, Math.round(share * n)));
    for (let r = cut; r < end; r++) groups[k]!.push(order[r]!);
    cut = end;
  });
  const weights = groups.map((group) => {
    const w = new Float64Array(n);
    for (const t of group) w[t] = 1;
    return w;
  });
  const moments = weights.map((w) => weightedMoments(x, w, variances));
  return {
    means: moments.map((m) => m.mean),
    covariances: moments.map((m) => m.covariance),
    transition: startPersistence.map((stay, i) =>
      startPersistence.map((_, j) => (i === j ? stay : (1 - stay) / (K - 1))),
    ),
    initial: new Array<number>(K).fill(1 / K),
  };
}

/** The weighted mean and covariance of the rows of `x` (weights `w`), each variance floored (see the module). */
function weightedMoments(
  x: readonly (readonly number[])[],
  w: ArrayLike<number>,
  sampleVariance: readonly number[],
): { mean: number[]; covariance: number[][] } {
  const p = sampleVariance.length;
  let total = 0;
  const mean = new Array<number>(p).fill(0);
  x.forEach((row, t) => {
    total += w[t]!;
    for (let a = 0; a < p; a++) mean[a]! += w[t]! * row[a]!;
  });
  const safeTotal = total > 0 ? total : 1;
  for (let a = 0; a < p; a++) mean[a]! /= safeTotal;
  const covariance = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  x.forEach((row, t) => {
    for (let a = 0; a < p; a++)
      for (let b = 0; b <= a; b++)
        covariance[a]![b]! += (w[t]! * (row[a]! - mean[a]!) * (row[b]! - mean[b]!)) / safeTotal;
  });
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < a; b++) covariance[b]![a] = covariance[a]![b]!;
    const floor = varianceFloorShare * sampleVariance[a]!;
    if (covariance[a]![a]! < floor) {
      // Raise the variance to the floor and keep the correlations: scale the row and column.
      const scale = Math.sqrt(floor / Math.max(covariance[a]![a]!, floor * 1e-12));
      for (let b = 0; b < p; b++) if (b !== a) ((covariance[a]![b]! *= scale), (covariance[b]![a]! *= scale));
      covariance[a]![a] = floor;
    }
  }
  return { mean, covariance };
}

type FilterPass = {
  logLikelihood: number;
  /** Per return: its predictive log density ln Σₖ P(regime k | earlier)·f_k(return). */
  logDensities: Float64Array;
  /** Per return t and regime k at `t × K + k`: P(regime | returns up to t), P(regime | all returns). */
  filtered: Float64Array;
  smoothed: Float64Array;
  /** Expected number of transitions i → j over the history. */
  transitions: number[][];
};

/** Hamilton's filter then Kim's smoother over the rows of `x` (see the module's comment). Allocates per pass only. */
function filterAndSmooth(parameters: RegimeParameters, x: readonly (readonly number[])[]): FilterPass {
  const { means, covariances, transition, initial } = parameters;
  const K = means.length;
  const n = x.length;
  const p = means[0]?.length ?? 0;
  const regimes = covariances.map((covariance, k) => {
    const { deviations, correlation } = splitCovariance(covariance);
    return {
      w: whitener(correlation, `regime ${k}'s correlation`),
      mean: Float64Array.from(means[k]!),
      deviations: Float64Array.from(deviations),
      logDeviationSum: deviations.reduce((s, d) => s + ln(d), 0),
    };
  });
  const P = new Float64Array(K * K);
  transition.forEach((row, i) => row.forEach((v, j) => (P[i * K + j] = v)));
  const filtered = new Float64Array(n * K);
  const predicted = new Float64Array(n * K);
  const smoothed = new Float64Array(n * K);
  const logDensities = new Float64Array(n);
  const z = new Float64Array(p);
  const logF = new Float64Array(K);
  let logLikelihood = 0;
  for (let k = 0; k < K; k++) predicted[k] = initial[k]!;
  for (let t = 0; t < n; t++) {
    const row = x[t]!;
    let top = -Infinity;
    for (let k = 0; k < K; k++) {
      const r = regimes[k]!;
      for (let a = 0; a < p; a++) z[a] = (row[a]! - r.mean[a]!) / r.deviations[a]!;
      logF[k] = shockLogDensity(r.w, z, r.logDeviationSum);
      if (logF[k]! > top) top = logF[k]!;
    }
    let total = 0;
    for (let k = 0; k < K; k++) {
      const joint = predicted[t * K + k]! * exp(logF[k]! - top);
      filtered[t * K + k] = joint;
      total += joint;
    }
    const density = top + ln(total);
    logDensities[t] = density;
    logLikelihood += density;
    for (let k = 0; k < K; k++) filtered[t * K + k]! /= total;
    if (t + 1 < n)
      for (let j = 0; j < K; j++) {
        let sum = 0;
        for (let i = 0; i < K; i++) sum += filtered[t * K + i]! * P[i * K + j]!;
        predicted[(t + 1) * K + j] = sum;
      }
  }
  const transitions = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  const ratio = new Float64Array(K);
  for (let k = 0; k < K; k++) smoothed[(n - 1) * K + k] = filtered[(n - 1) * K + k]!;
  for (let t = n - 2; t >= 0; t--) {
    for (let j = 0; j < K; j++) {
      const q = predicted[(t + 1) * K + j]!;
      ratio[j] = q > 0 ? smoothed[(t + 1) * K + j]! / q : 0;
    }
    for (let i = 0; i < K; i++) {
      const f = filtered[t * K + i]!;
      let sum = 0;
      for (let j = 0; j < K; j++) {
        const flow = f * P[i * K + j]! * ratio[j]!;
        transitions[i]![j]! += flow;
        sum += flow;
      }
      smoothed[t * K + i] = sum;
    }
  }
  return { logLikelihood, logDensities, filtered, smoothed, transitions };
}

/** Row `t` of a flat `[t × K + k]` table. */
function rowOf(table: Float64Array, t: number, K: number): number[] {
  return Array.from(table.subarray(t * K, (t + 1) * K));
}

function maximisation(
  pass: FilterPass,
  x: readonly (readonly number[])[],
  sampleVariance: readonly number[],
): RegimeParameters {
  const K = pass.transitions.length;
  const n = x.length;
  const weights = new Float64Array(n);
  const moments = Array.from({ length: K }, (_, k) => {
    for (let t = 0; t < n; t++) weights[t] = pass.smoothed[t * K + k]!;
    return weightedMoments(x, weights, sampleVariance);
  });
  const transition = pass.transitions.map((row) => {
    const visits = row.reduce((s, v) => s + v, 0);
    return visits > 0 ? row.map((v) => v / visits) : row.map((_, j) => (j === 0 ? 1 : 0));
  });
  return {
    means: moments.map((m) => m.mean),
    covariances: moments.map((m) => m.covariance),
    transition,
    initial: n > 0 ? rowOf(pass.smoothed, 0, K) : new Array<number>(K).fill(1 / K),
  };
}

function orderByVolatility(parameters: RegimeParameters, sampleVariance: readonly number[]): RegimeParameters {
  const K = parameters.means.length;
  const level = parameters.covariances.map(
    (c) => c.reduce((s, row, a) => s + Math.sqrt(row[a]! / sampleVariance[a]!), 0) / sampleVariance.length,
  );
  const order = Array.from({ length: K }, (_, k) => k).sort((a, b) => level[a]! - level[b]! || a - b);
  return {
    means: order.map((k) => parameters.means[k]!),
    covariances: order.map((k) => parameters.covariances[k]!),
    transition: order.map((i) => order.map((j) => parameters.transition[i]![j]!)),
    initial: order.map((k) => parameters.initial[k]!),
  };
}

/**
 * Each return's predictive log density under `model` and the filtered regime probabilities after it (Hamilton's
 * filter), over the assets with a volatility in some regime. `startProbabilities` is the distribution of the first
 * return's regime; by default the step after today's (`initialProbabilities` times the transition matrix). What a one-day VaR forecast of a regime model uses: row t gives P(regime of return t | returns up to t).
 */
export function regimeFilter(
  model: RegimeModel,
  returns: readonly (readonly number[])[],
  startProbabilities: readonly number[] = model.regimes.map((_, j) =>
    model.initialProbabilities.reduce((s, p, i) => s + p * model.transitionPerStep[i]![j]!, 0),
  ),
): { logDensities: Float64Array; filtered: number[][] } {
  const K = model.regimes.length;
  const moving = model.symbols.flatMap((_, i) => (model.regimes.some((r) => r.volatilityPerYear[i]! > 0) ? [i] : []));
  const parameters = parametersOfModel(model, moving, startProbabilities);
  const pass = filterAndSmooth(
    parameters,
    returns.map((row) => moving.map((i) => row[i]!)),
  );
  return {
    logDensities: pass.logDensities,
    filtered: Array.from({ length: returns.length }, (_, t) => rowOf(pass.filtered, t, K)),
  };
}

/** A model's regimes as per-step parameters over the `moving` assets, the first return's regime distributed as `initial`. */
function parametersOfModel(
  model: RegimeModel,
  moving: readonly number[],
  initial: readonly number[],
): RegimeParameters {
  const dtYears = model.stepSeconds / secondsPerYear;
  return {
    means: model.regimes.map((r) => moving.map((i) => r.logDriftPerYear[i]! * dtYears)),
    covariances: model.regimes.map((r) =>
      moving.map((i) =>
        moving.map((j) => r.correlation[i]![j]! * r.volatilityPerYear[i]! * r.volatilityPerYear[j]! * dtYears),
      ),
    ),
    transition: model.transitionPerStep.map((row) => [...row]),
    initial: [...initial],
  };
}

/**
 * Throws unless `model` is a usable {@link RegimeModel}, naming the field: `stepSeconds` > 0; at least one regime,
 * each with a name, one finite drift and one volatility ≥ 0 per asset and a correlation matrix; a row-stochastic
 * transition matrix and an initial distribution, one entry per regime.
 */
export function validateRegimeModel(model: RegimeModel): void {
  checkSymbols(model.symbols, "model.symbols");
  const assets = model.symbols.length;
  if (!(Number.isFinite(model.stepSeconds) && model.stepSeconds > 0))
    throw new Error(`model.stepSeconds must be a positive finite number, got ${show(model.stepSeconds)}`);
  if (!Array.isArray(model.regimes) || model.regimes.length === 0)
    throw new Error(`model.regimes must be a non-empty array of regimes, got ${show(model.regimes)}`);
  const K = model.regimes.length;
  model.regimes.forEach((regime, k) => {
    const name = `model.regimes[${k}]`;
    if (typeof regime.name !== "string" || regime.name === "")
      throw new Error(`${name}.name must be a non-empty string, got ${show(regime.name)}`);
    checkFiniteArray(regime.logDriftPerYear, assets, `${name}.logDriftPerYear`);
    checkNonNegativeArray(regime.volatilityPerYear, assets, `${name}.volatilityPerYear`);
    checkCorrelation(regime.correlation, assets, `${name}.correlation`);
  });
  if (!Array.isArray(model.transitionPerStep) || model.transitionPerStep.length !== K)
    throw new Error(
      `model.transitionPerStep must have ${K} rows (one per regime), got ${show(model.transitionPerStep)}`,
    );
  model.transitionPerStep.forEach((row, i) => checkProbabilities(row, K, `model.transitionPerStep[${i}]`));
  checkProbabilities(model.initialProbabilities, K, "model.initialProbabilities");
}

/**
 * A generator of regime-switching paths (see `createPathGenerator` for the overlays; the step must be
 * `model.stepSeconds`). Draws, in order: one `random.next()` u₀ for today's regime (the first k whose cumulative
 * `initialProbabilities` exceed u₀); then per step k = 1…steps one `random.next()` for the step's regime (the first j
 * whose cumulative `transitionPerStep[previous]` exceeds it) followed by `random.fillNormals(ε, 0, assets)`. The
 * log return of asset i is `logDriftᵢ·dt + multiplier·σᵢ·√dt·(L·ε)ᵢ + crash shift` with the drift, volatility and
 * correlation factor L of the step's regime.
 */
export function regimeGenerator(model: RegimeModel, tables: OverlayTables, options: PathOptions): PathGenerator {
  checkModelStep(model, options);
  const { steps } = options;
  const assets = model.symbols.length;
  const K = model.regimes.length;
  const size = (steps + 1) * assets;
  const dtYears = options.stepSeconds / secondsPerYear;
  const sqrtDt = Math.sqrt(dtYears);
  const initialPricesUsd = Float64Array.from(options.initialPricesUsd);
  const driftPerStep = new Float64Array(K * assets);
  const shock = new Float64Array(K * assets * assets);
  model.regimes.forEach((regime, k) => {
    regime.logDriftPerYear.forEach((g, i) => (driftPerStep[k * assets + i] = g * dtYears));
    cholesky(regime.correlation, `model.regimes[${k}].correlation`).forEach((row, i) => {
      const scale = regime.volatilityPerYear[i]! * sqrtDt;
      for (let j = 0; j <= i; j++) shock[(k * assets + i) * assets + j] = scale * row[j]!;
    });
  });
  const cumulative = (row: readonly number[]) => {
    let sum = 0;
    return Float64Array.from(row, (p) => (sum += p));
  };
  const initialCumulative = cumulative(model.initialProbabilities);
  const transitionCumulative = model.transitionPerStep.map(cumulative);
  const pick = (table: Float64Array, u: number) => {
    for (let k = 0; k < K - 1; k++) if (u < table[k]!) return k;
    return K - 1;
  };
  const { volatilityMultiplier, crashLogShift, pinnedPriceUsd } = tables;
  const normals = new Float64Array(assets);
  const cumulativeLogReturn = new Float64Array(assets);
  return (random: Random, out: Float64Array, offset: number) => {
    checkRoom(out, offset, size);
    cumulativeLogReturn.fill(0);
    for (let i = 0; i < assets; i++) out[offset + i] = initialPricesUsd[i]!;
    let regime = pick(initialCumulative, random.next());
    for (let step = 1; step <= steps; step++) {
      regime = pick(transitionCumulative[regime]!, random.next());
      random.fillNormals(normals, 0, assets);
      const multiplier = volatilityMultiplier[step]!;
      const row = step * assets;
      for (let i = 0; i < assets; i++) {
        let shockLogReturn = 0;
        const shockRow = (regime * assets + i) * assets;
        for (let j = 0; j <= i; j++) shockLogReturn += shock[shockRow + j]! * normals[j]!;
        const logPrice =
          cumulativeLogReturn[i]! +
          driftPerStep[regime * assets + i]! +
          multiplier * shockLogReturn +
          crashLogShift[row + i]!;
        cumulativeLogReturn[i] = logPrice;
        const pinned = pinnedPriceUsd[row + i]!;
        out[offset + row + i] = pinned > 0 ? pinned : initialPricesUsd[i]! * exp(logPrice);
      }
    }
  };
}

/**
 * The stationary distribution of a regime model's chain (π = π·P), by iterating π ← π·P from the uniform
 * distribution until it moves less than 1e-14, at most 100,000 times.
 */
export function stationaryProbabilities(model: RegimeModel): number[] {
  const P = model.transitionPerStep;
  const K = P.length;
  let pi = new Array<number>(K).fill(1 / K);
  for (let iteration = 0; iteration < 100_000; iteration++) {
    const next = Array.from({ length: K }, (_, j) => pi.reduce((s, p, i) => s + p * P[i]![j]!, 0));
    const change = next.reduce((s, v, j) => s + Math.abs(v - pi[j]!), 0);
    pi = next;
    if (change < 1e-14) break;
  }
  return pi;
}
