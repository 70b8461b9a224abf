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
 * - Until the log-likelihood gains less than 1e-8 per return, or 1,000 iterations.
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
export function fitRegimes(input: ReturnsFitInput): RawFit<RegimeModel> {
  const { returns, inSample, stepSeconds } = input;
  const dtYears = stepSeconds / secondsPerYear;
  const assets = input.symbols.length;
  const fitted = returns.slice(0, inSample);
  const moving = movingAssets(fitted);
  if (moving.length === 0) throw new Error("history has no asset whose price moves: there are no regimes to fit");
  const all = sampleMoments(fitted);
  const x = fitted.map((row) => moving.map((i) => row[i]!));
  const sampleVariance = moving.map((i) => all.covariance[i]![i]!);
  let parameters = startingParameters(
    x,
    moving.map((i) => all.means[i]!),
    sampleVariance,
  );
  let previous = -Infinity;
  for (let iteration = 0; iteration < 1_000; iteration++) {
    const pass = filterAndSmooth(parameters, x);
    if (pass.logLikelihood - previous < 1e-8 * x.length) break;
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
    initialProbabilities: full.filtered[full.filtered.length - 1]!,
  };
  validateRegimeModel(model);
  const p = moving.length;
  return {
    model,
    logDensities: full.logDensities,
    parameters: K * (p + (p * (p + 1)) / 2) + K * (K - 1) + (K - 1),
    regimeProbabilities: full.smoothed,
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
  /** Per return: P(regime | returns up to it), P(regime | all returns). */
  filtered: number[][];
  smoothed: number[][];
  /** Expected number of transitions i → j over the history. */
  transitions: number[][];
};

/** Hamilton's filter then Kim's smoother over the rows of `x` (see the module's comment). */
function filterAndSmooth(parameters: RegimeParameters, x: readonly (readonly number[])[]): FilterPass {
  const { means, covariances, transition, initial } = parameters;
  const K = means.length;
  const n = x.length;
  const regimes = covariances.map((covariance, k) => {
    const { deviations, correlation } = splitCovariance(covariance);
    return {
      w: whitener(correlation, `regime ${k}'s correlation`),
      deviations,
      logDeviationSum: deviations.reduce((s, d) => s + ln(d), 0),
    };
  });
  const filtered: number[][] = [];
  const predicted: number[][] = [];
  const logDensities = new Float64Array(n);
  let logLikelihood = 0;
  let prior = [...initial];
  for (let t = 0; t < n; t++) {
    predicted.push(prior);
    const logF = regimes.map((r, k) => {
      const z = x[t]!.map((v, a) => (v - means[k]![a]!) / r.deviations[a]!);
      return shockLogDensity(r.w, z, r.logDeviationSum);
    });
    const top = Math.max(...logF);
    const joint = logF.map((l, k) => prior[k]! * exp(l - top));
    const total = joint.reduce((s, v) => s + v, 0);
    const density = top + ln(total);
    logDensities[t] = density;
    logLikelihood += density;
    const posterior = joint.map((v) => v / total);
    filtered.push(posterior);
    prior = Array.from({ length: K }, (_, j) => posterior.reduce((s, p, i) => s + p * transition[i]![j]!, 0));
  }
  const smoothed: number[][] = new Array<number[]>(n);
  smoothed[n - 1] = filtered[n - 1]!;
  const transitions = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  for (let t = n - 2; t >= 0; t--) {
    const ratio = smoothed[t + 1]!.map((s, j) => (predicted[t + 1]![j]! > 0 ? s / predicted[t + 1]![j]! : 0));
    smoothed[t] = filtered[t]!.map((f, i) => {
      let sum = 0;
      for (let j = 0; j < K; j++) {
        const flow = f * transition[i]![j]! * ratio[j]!;
        transitions[i]![j]! += flow;
        sum += flow;
      }
      return sum;
    });
  }
  return { logLikelihood, logDensities, filtered, smoothed, transitions };
}

function maximisation(
  pass: FilterPass,
  x: readonly (readonly number[])[],
  sampleVariance: readonly number[],
): RegimeParameters {
  const K = pass.transitions.length;
  const n = x.length;
  const moments = Array.from({ length: K }, (_, k) =>
    weightedMoments(
      x,
      pass.smoothed.map((p) => p[k]!),
      sampleVariance,
    ),
  );
  const transition = pass.transitions.map((row) => {
    const visits = row.reduce((s, v) => s + v, 0);
    return visits > 0 ? row.map((v) => v / visits) : row.map((_, j) => (j === 0 ? 1 : 0));
  });
  return {
    means: moments.map((m) => m.mean),
    covariances: moments.map((m) => m.covariance),
    transition,
    initial: n > 0 ? [...pass.smoothed[0]!] : new Array<number>(K).fill(1 / K),
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
 * filter, starting from `startProbabilities`, default the model's `initialProbabilities`), over the assets with a
 * volatility in some regime. What a one-day VaR forecast of a regime model uses: row t gives P(regime of return t | returns up to t).
 */
export function regimeFilter(
  model: RegimeModel,
  returns: readonly (readonly number[])[],
  startProbabilities: readonly number[] = model.initialProbabilities,
): { logDensities: Float64Array; filtered: number[][] } {
  const dtYears = model.stepSeconds / secondsPerYear;
  const moving = model.symbols.flatMap((_, i) => (model.regimes.some((r) => r.volatilityPerYear[i]! > 0) ? [i] : []));
  const parameters: RegimeParameters = {
    means: model.regimes.map((r) => moving.map((i) => r.logDriftPerYear[i]! * dtYears)),
    covariances: model.regimes.map((r) =>
      moving.map((i) =>
        moving.map((j) => r.correlation[i]![j]! * r.volatilityPerYear[i]! * r.volatilityPerYear[j]! * dtYears),
      ),
    ),
    transition: model.transitionPerStep.map((row) => [...row]),
    initial: [...startProbabilities],
  };
  const pass = filterAndSmooth(
    parameters,
    returns.map((row) => moving.map((i) => row[i]!)),
  );
  return { logDensities: pass.logDensities, filtered: pass.filtered };
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
