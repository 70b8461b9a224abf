/**
 * The Student-t market ({@link StudentTModel}): correlated log returns with fat tails. Fitted by maximum likelihood
 * (for each ν the location and scatter by the EM algorithm of the multivariate t, ν by golden-section search on the
 * profile likelihood over ln(ν − 2) ∈ [ln 0.05, ln 200], i.e. ν ∈ [2.05, 202]); validated; and its path generator.
 */
import { exp, ln } from "../detMath.ts";
import type { Random } from "../random.ts";
import { checkCorrelation, checkFiniteArray, checkNonNegativeArray, checkSymbols, cholesky, show } from "./checks.ts";
import {
  drawChiSquare,
  goldenSectionMaximum,
  movingAssets,
  sampleMoments,
  splitCovariance,
  studentTConstant,
  whitener,
  identity,
  correlatedLogDensities,
  type RawFit,
  type ReturnsFitInput,
  type Whitener,
} from "./likelihood.ts";
import { checkRoom, type OverlayTables } from "./overlays.ts";

import { secondsPerYear, type PathGenerator, type PathOptions, type StudentTModel } from "./types.ts";

/** Options of {@link fitStudentT}. */
export type StudentTFitOptions = {
  /** Search ln(ν − 2) only within ±0.5 of this model's (a refit on a window moved a little). */
  startFrom?: StudentTModel;
};

/** The range of ν the fit searches (ν = 2 + e^u for u in this range). */
const logExcessRange = [ln(0.05), ln(200)] as const;

/**
 * Fits a {@link StudentTModel} to the first `input.inSample` returns and gives the log density of every return of
 * the history under it (held-out ones included). Constant assets get volatility 0 and no density.
 */
export function fitStudentT(input: ReturnsFitInput, options: StudentTFitOptions = {}): RawFit<StudentTModel> {
  const { returns, inSample, stepSeconds } = input;
  const dtYears = stepSeconds / secondsPerYear;
  const fitted = returns.slice(0, inSample);
  const moving = movingAssets(fitted);
  const assets = input.symbols.length;
  const x = fitted.map((row) => moving.map((i) => row[i]!));
  const start = sampleMoments(x);
  let warm = { location: start.means, scatter: start.covariance };
  const profile = (u: number) => {
    const nu = 2 + exp(u);
    const fit = studentTEm(
      x,
      nu,
      warm.location,
      warm.scatter.map((row) => row.map((c) => (c * (nu - 2)) / nu)),
    );
    warm = { location: fit.location, scatter: fit.scatter.map((row) => row.map((c) => (c * nu) / (nu - 2))) };
    return fit.logLikelihood;
  };
  const previous = options.startFrom ? ln(options.startFrom.degreesOfFreedom - 2) : undefined;
  const [low, high] =
    previous === undefined
      ? logExcessRange
      : [Math.max(logExcessRange[0], previous - 0.5), Math.min(logExcessRange[1], previous + 0.5)];
  const nu = 2 + exp(goldenSectionMaximum(profile, low, high, 1e-3));
  const best = studentTEm(
    x,
    nu,
    start.means,
    start.covariance.map((row) => row.map((c) => (c * (nu - 2)) / nu)),
  );
  const covariance = best.scatter.map((row) => row.map((c) => (c * nu) / (nu - 2)));
  const { deviations, correlation: movingCorrelation } = splitCovariance(covariance);
  const allMeans = sampleMoments(fitted).means;
  const volatilityPerYear = new Array<number>(assets).fill(0);
  const logDriftPerYear = allMeans.map((m) => m / dtYears);
  const correlation = identity(assets);
  moving.forEach((i, a) => {
    volatilityPerYear[i] = deviations[a]! / Math.sqrt(dtYears);
    logDriftPerYear[i] = best.location[a]! / dtYears;
    moving.forEach((j, b) => (correlation[i]![j] = movingCorrelation[a]![b]!));
  });
  const years = inSample * dtYears;
  const model: StudentTModel = {
    kind: "student-t",
    symbols: [...input.symbols],
    logDriftPerYear,
    volatilityPerYear,
    correlation,
    degreesOfFreedom: nu,
    ...(input.fromSeconds !== undefined && input.toSeconds !== undefined
      ? {
          driftFit: {
            logDriftPerYear: [...logDriftPerYear],
            standardErrorPerYear: volatilityPerYear.map((v) => v / Math.sqrt(years)),
            fromSeconds: input.fromSeconds,
            toSeconds: input.toSeconds,
            returns: inSample,
          },
        }
      : {}),
  };
  validateStudentTModel(model);
  const p = moving.length;
  return {
    model,
    logDensities: studentTLogDensities(model, returns, stepSeconds),
    parameters: 2 * p + (p * (p - 1)) / 2 + 1,
  };
}

/** EM for the location and scatter of a multivariate t with ν fixed; its log-likelihood at the result. */
function studentTEm(
  x: readonly (readonly number[])[],
  nu: number,
  location0: readonly number[],
  scatter0: readonly (readonly number[])[],
): { location: number[]; scatter: number[][]; logLikelihood: number } {
  const n = x.length;
  const p = location0.length;
  let location = [...location0];
  let scatter = scatter0.map((row) => [...row]);
  let previous = -Infinity;
  let logLikelihood = -Infinity;
  const centred = new Float64Array(p);
  for (let iteration = 0; iteration < 500; iteration++) {
    const w = whitener(scatter, "the Student-t fit's scatter matrix");
    const constant = logGammaRatio(nu, p) - (p / 2) * ln(nu * Math.PI) - w.logDeterminant / 2;
    const weights = new Float64Array(n);
    logLikelihood = 0;
    for (let t = 0; t < n; t++) {
      for (let i = 0; i < p; i++) centred[i] = x[t]![i]! - location[i]!;
      const delta = quadratic(w, centred);
      weights[t] = (nu + p) / (nu + delta);
      logLikelihood += constant - ((nu + p) / 2) * ln(1 + delta / nu);
    }
    if (logLikelihood - previous < 1e-9 * n) break;
    previous = logLikelihood;
    let weightSum = 0;
    const nextLocation = new Array<number>(p).fill(0);
    for (let t = 0; t < n; t++) {
      weightSum += weights[t]!;
      for (let i = 0; i < p; i++) nextLocation[i]! += weights[t]! * x[t]![i]!;
    }
    location = nextLocation.map((s) => s / weightSum);
    scatter = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    for (let t = 0; t < n; t++)
      for (let i = 0; i < p; i++)
        for (let j = 0; j <= i; j++)
          scatter[i]![j]! += (weights[t]! * (x[t]![i]! - location[i]!) * (x[t]![j]! - location[j]!)) / n;
    for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) scatter[j]![i] = scatter[i]![j]!;
  }
  return { location, scatter, logLikelihood };
}

/** ln Γ((ν + p)/2) − ln Γ(ν/2), from the unit-variance constant (which subtracts (p/2)·ln((ν − 2)π)). */
function logGammaRatio(nu: number, p: number): number {
  return studentTConstant(nu, p) + (p / 2) * ln((nu - 2) * Math.PI);
}

let quadraticScratch = new Float64Array(8);

/** xᵀS⁻¹x with S = L·Lᵀ (a whitener of a scatter, not only of a correlation). */
function quadratic(w: Whitener, x: Float64Array): number {
  const { size, factor } = w;
  let q = 0;
  const y = quadraticScratch.length >= size ? quadraticScratch : (quadraticScratch = new Float64Array(size));
  for (let i = 0; i < size; i++) {
    let s = x[i]!;
    for (let j = 0; j < i; j++) s -= factor[i * size + j]! * y[j]!;
    y[i] = s / factor[i * size + i]!;
    q += y[i]! * y[i]!;
  }
  return q;
}

/** The log density of each return row under `model` (its assets with volatility > 0), one per row. */
export function studentTLogDensities(
  model: StudentTModel,
  returns: readonly (readonly number[])[],
  stepSeconds: number,
): Float64Array {
  return correlatedLogDensities(model, returns, stepSeconds, model.degreesOfFreedom);
}

/**
 * Throws unless `model` is a usable {@link StudentTModel}, naming the field: per-asset arrays one entry per symbol,
 * drifts finite, volatilities finite and ≥ 0, a correlation matrix, ν finite and > 2 (`validateMarketModel` also
 * checks its `driftFit` as a GBM's).
 */
export function validateStudentTModel(model: StudentTModel): void {
  checkSymbols(model.symbols, "model.symbols");
  const assets = model.symbols.length;
  checkFiniteArray(model.logDriftPerYear, assets, "model.logDriftPerYear");
  checkNonNegativeArray(model.volatilityPerYear, assets, "model.volatilityPerYear");
  checkCorrelation(model.correlation, assets, "model.correlation");
  checkDegreesOfFreedom(model.degreesOfFreedom, "model.degreesOfFreedom");
}

/** Throws unless ν is finite and > 2 (a Student-t with a variance). */
export function checkDegreesOfFreedom(nu: number, name: string): void {
  if (!(Number.isFinite(nu) && nu > 2)) throw new Error(`${name} must be a finite number > 2, got ${show(nu)}`);
}

/**
 * A generator of Student-t paths (see `createPathGenerator` for the overlays). Draws per step k = 1…steps, in order:
 * `random.fillNormals(ε, 0, assets)` (the step's independent normals, in asset order), then one chi-square W with ν
 * degrees of freedom ({@link drawChiSquare}). The step's log return of asset i is
 * `logDrift·dt + multiplier·σᵢ·√dt·√((ν − 2)/W)·(L·ε)ᵢ + crash shift`.
 */
export function studentTGenerator(model: StudentTModel, tables: OverlayTables, options: PathOptions): PathGenerator {
  const { steps } = options;
  const assets = model.symbols.length;
  const size = (steps + 1) * assets;
  const dtYears = options.stepSeconds / secondsPerYear;
  const sqrtDt = Math.sqrt(dtYears);
  const nu = model.degreesOfFreedom;
  const initialPricesUsd = Float64Array.from(options.initialPricesUsd);
  const driftPerStep = Float64Array.from(model.logDriftPerYear, (g) => g * dtYears);
  const shock = new Float64Array(assets * assets);
  cholesky(model.correlation, "model.correlation").forEach((row, i) => {
    const scale = model.volatilityPerYear[i]! * sqrtDt;
    for (let j = 0; j <= i; j++) shock[i * assets + j] = scale * row[j]!;
  });
  const { volatilityMultiplier, crashLogShift, pinnedPriceUsd } = tables;
  const normals = new Float64Array(assets);
  const cumulativeLogReturn = new Float64Array(assets);
  return (random: Random, out: Float64Array, offset: number) => {
    checkRoom(out, offset, size);
    cumulativeLogReturn.fill(0);
    for (let i = 0; i < assets; i++) out[offset + i] = initialPricesUsd[i]!;
    for (let step = 1; step <= steps; step++) {
      random.fillNormals(normals, 0, assets);
      const tailScale = Math.sqrt((nu - 2) / drawChiSquare(random, nu));
      const multiplier = volatilityMultiplier[step]! * tailScale;
      const row = step * assets;
      for (let i = 0; i < assets; i++) {
        let shockLogReturn = 0;
        for (let j = 0; j <= i; j++) shockLogReturn += shock[i * assets + j]! * normals[j]!;
        const logPrice =
          cumulativeLogReturn[i]! + driftPerStep[i]! + multiplier * shockLogReturn + crashLogShift[row + i]!;
        cumulativeLogReturn[i] = logPrice;
        const pinned = pinnedPriceUsd[row + i]!;
        out[offset + row + i] = pinned > 0 ? pinned : initialPricesUsd[i]! * exp(logPrice);
      }
    }
  };
}
