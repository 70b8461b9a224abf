/**
 * The GARCH(1,1) market with constant conditional correlation ({@link GarchModel}): fitted by maximum likelihood per
 * asset, then the correlation (and a Student-t's shared ν) from the standardised residuals; validated; and its path
 * generator.
 *
 * Fit, per asset whose price moves: the mean m is the in-sample mean of the log returns; the variance recursion
 * starts at the in-sample variance; (ω, α, β[, ν]) maximise the likelihood by Nelder–Mead on
 * (ln ω, logit(α + β), logit(α / (α + β))[, ln(ν − 2)]), which keeps ω > 0, α, β ≥ 0 and α + β < 1, started from the
 * best point of a grid (α + β ∈ {0.85, 0.95, 0.99}, α / (α + β) ∈ {0.05, 0.1, 0.2}, ω at the sample variance's
 * long-run level, ν = 6). The correlation is the sample correlation of the standardised residuals; with Student-t
 * shocks the shared ν maximises their joint multivariate-t likelihood (golden section, ν ∈ [2.05, 202]).
 */
import { exp, ln } from "../detMath.ts";
import type { Random } from "../random.ts";
import { checkCorrelation, checkFiniteArray, checkNonNegativeArray, checkSymbols, cholesky, show } from "./checks.ts";
import {
  drawChiSquare,
  embedCorrelation,
  goldenSectionMaximum,
  logistic,
  logit,
  movingAssets,
  nelderMead,
  sampleMoments,
  shockLogDensity,
  splitCovariance,
  studentTConstant,
  subMatrix,
  whitener,
  type RawFit,
  type ReturnsFitInput,
} from "./likelihood.ts";
import { checkRoom, type OverlayTables } from "./overlays.ts";
import { checkDegreesOfFreedom } from "./studentT.ts";
import { secondsPerYear, type GarchModel, type PathGenerator, type PathOptions } from "./types.ts";

/** Options of {@link fitGarch}. */
export type GarchFitOptions = {
  /** "normal" (default) or "student-t" shocks. */
  innovations?: "normal" | "student-t";
  /**
   * Start each asset's search from this model's (ω, α, β, ν) instead of the grid's best point (a refit on a window
   * moved a little; its ν, or 6 if it has none, starts the per-asset ν).
   */
  startFrom?: GarchModel;
};

/** α + β is kept at most this, so a fitted model is strictly stationary. */
const maxPersistence = 1 - 1e-6;
const halfLnTwoPi = 0.91893853320467274;

type AssetGarch = { omega: number; alpha: number; beta: number; nu?: number };

/**
 * Fits a {@link GarchModel} to the first `input.inSample` returns; the model's initial variance is the conditional
 * variance after the whole history (held-out returns included), and every return's log density is given.
 */
export function fitGarch(input: ReturnsFitInput, options: GarchFitOptions = {}): RawFit<GarchModel> {
  const innovations = options.innovations ?? "normal";
  if (innovations !== "normal" && innovations !== "student-t")
    throw new Error(`options.innovations must be "normal" or "student-t", got ${show(innovations)}`);
  const { returns, inSample, stepSeconds } = input;
  const dtYears = stepSeconds / secondsPerYear;
  const assets = input.symbols.length;
  const fitted = returns.slice(0, inSample);
  const moving = movingAssets(fitted);
  const { means, covariance: inSampleCovariance } = sampleMoments(fitted);
  const startVariance = inSampleCovariance.map((row, i) => row[i]!);
  const perAsset = new Map<number, AssetGarch>();
  const from = options.startFrom;
  for (const i of moving)
    perAsset.set(
      i,
      fitAssetGarch(
        fitted.map((row) => row[i]! - means[i]!),
        innovations === "student-t",
        from && from.alpha[i]! + from.beta[i]! > 0
          ? { omega: from.omegaPerStep[i]!, alpha: from.alpha[i]!, beta: from.beta[i]!, nu: from.degreesOfFreedom ?? 6 }
          : undefined,
      ),
    );

  const model0 = (correlation: number[][], nu?: number): GarchModel => ({
    kind: "garch",
    symbols: [...input.symbols],
    stepSeconds,
    logDriftPerYear: means.map((m) => m / dtYears),
    omegaPerStep: means.map((_, i) => perAsset.get(i)?.omega ?? 0),
    alpha: means.map((_, i) => perAsset.get(i)?.alpha ?? 0),
    beta: means.map((_, i) => perAsset.get(i)?.beta ?? 0),
    initialVariancePerStep: means.map(() => 0),
    correlation,
    ...(nu === undefined ? {} : { degreesOfFreedom: nu }),
  });
  // Standardised residuals over the sample, from the per-asset recursions.
  const provisional = model0(embedCorrelation([], [], assets));
  const { shocks } = garchFilter(provisional, fitted, moving, startVariance);
  const { correlation: movingCorrelation } = splitCovariance(sampleMoments(shocks).covariance);
  const correlation = embedCorrelation(movingCorrelation, moving, assets);
  let nu: number | undefined;
  if (innovations === "student-t") {
    const w = whitener(movingCorrelation, "the GARCH fit's residual correlation");
    const joint = (u: number) => {
      const v = 2 + exp(u);
      let sum = 0;
      for (const z of shocks) sum += shockLogDensity(w, z, 0, v);
      return sum;
    };
    nu = 2 + exp(goldenSectionMaximum(joint, ln(0.05), ln(200), 1e-3));
  }
  const withCorrelation = model0(correlation, nu);
  const full = garchFilter(withCorrelation, returns, moving, startVariance);
  const model: GarchModel = { ...withCorrelation, initialVariancePerStep: full.nextVariance };
  validateGarchModel(model);
  const p = moving.length;
  return {
    model,
    logDensities: full.logDensities,
    parameters: 4 * p + (p * (p - 1)) / 2 + (nu === undefined ? 0 : 1),
  };
}

/** One asset's (ω, α, β[, ν]) by maximum likelihood of its demeaned returns `e` (see the module's comment). */
function fitAssetGarch(e: readonly number[], studentT: boolean, start?: AssetGarch): AssetGarch {
  const n = e.length;
  let variance = 0;
  for (const x of e) variance += (x * x) / n;
  const decode = (theta: readonly number[]): AssetGarch => {
    const persistence = Math.min(maxPersistence, logistic(theta[1]!));
    const alpha = persistence * logistic(theta[2]!);
    return {
      omega: exp(theta[0]!),
      alpha,
      beta: persistence - alpha,
      ...(studentT ? { nu: 2 + exp(Math.min(theta[3]!, ln(200))) } : {}),
    };
  };
  const negativeLogLikelihood = (theta: readonly number[]) => {
    const { omega, alpha, beta, nu } = decode(theta);
    let h = variance;
    let sum = 0;
    const constant = nu === undefined ? -halfLnTwoPi : studentTConstant(nu, 1);
    for (let t = 0; t < n; t++) {
      const x = e[t]!;
      sum += constant - ln(h) / 2;
      sum -= nu === undefined ? (x * x) / h / 2 : ((nu + 1) / 2) * ln(1 + (x * x) / (h * (nu - 2)));
      h = omega + alpha * x * x + beta * h;
    }
    return -sum;
  };
  let best: number[] = [];
  let bestValue = Infinity;
  if (start) {
    const persistence = Math.min(start.alpha + start.beta, 0.999);
    best = [
      ln(start.omega),
      logit(persistence),
      logit(Math.min(0.99, Math.max(0.01, start.alpha / persistence))),
      ...(studentT ? [ln(Math.max(0.05, (start.nu ?? 6) - 2))] : []),
    ];
  } else
    for (const persistence of [0.85, 0.95, 0.99])
      for (const share of [0.05, 0.1, 0.2]) {
        const theta = [
          ln(variance * (1 - persistence)),
          logit(persistence),
          logit(share),
          ...(studentT ? [ln(4)] : []),
        ];
        const value = negativeLogLikelihood(theta);
        if (value < bestValue) [best, bestValue] = [theta, value];
      }
  return decode(nelderMead(negativeLogLikelihood, best, { step: 0.3, maxEvaluations: 3_000, tolerance: 1e-9 }).x);
}

/**
 * Runs `model`'s variance recursions over `returns` from its per-asset in-sample variance start: each row's
 * standardised shocks of the `moving` assets (the recursion starting at `startVariance`, the in-sample variance), its log density, and the conditional variance of the step after the last.
 */
function garchFilter(
  model: GarchModel,
  returns: readonly (readonly number[])[],
  moving: readonly number[],
  startVariance: readonly number[],
): { shocks: number[][]; logDensities: Float64Array; nextVariance: number[] } {
  const dtYears = model.stepSeconds / secondsPerYear;
  const assets = model.symbols.length;
  const mean = model.logDriftPerYear.map((g) => g * dtYears);
  const h = new Array<number>(assets).fill(0);
  for (const i of moving) h[i] = startVariance[i]!;
  const w = moving.length > 0 ? whitener(subMatrix(model.correlation, moving), "model.correlation") : undefined;
  const shocks: number[][] = [];
  const logDensities = new Float64Array(returns.length);
  returns.forEach((row, t) => {
    const z = moving.map((i) => (row[i]! - mean[i]!) / Math.sqrt(h[i]!));
    shocks.push(z);
    let logDeviationSum = 0;
    for (const i of moving) logDeviationSum += ln(h[i]!) / 2;
    if (w) logDensities[t] = shockLogDensity(w, z, logDeviationSum, model.degreesOfFreedom);
    for (const i of moving) {
      const x = row[i]! - mean[i]!;
      h[i] = model.omegaPerStep[i]! + model.alpha[i]! * x * x + model.beta[i]! * h[i]!;
    }
  });
  return { shocks, logDensities, nextVariance: h };
}

/**
 * The conditional variance per step of each asset for the step after each of `returns`, `[observation][asset]`,
 * starting the recursion at `model.initialVariancePerStep` before the first return. What a one-day VaR forecast of a
 * GARCH model uses (row t forecasts return t + 1; the forecast of return 0 is the initial variance).
 */
export function garchVarianceForecasts(model: GarchModel, returns: readonly (readonly number[])[]): number[][] {
  const dtYears = model.stepSeconds / secondsPerYear;
  const h = [...model.initialVariancePerStep];
  return returns.map((row) => {
    row.forEach((r, i) => {
      const x = r - model.logDriftPerYear[i]! * dtYears;
      h[i] = model.omegaPerStep[i]! + model.alpha[i]! * x * x + model.beta[i]! * h[i]!;
    });
    return [...h];
  });
}

/**
 * Throws unless `model` is a usable {@link GarchModel}, naming the field: `stepSeconds` > 0; per asset a finite drift,
 * ω, α, β and an initial variance finite and ≥ 0 with α + β < 1; a correlation matrix; ν (if set) finite and > 2.
 */
export function validateGarchModel(model: GarchModel): void {
  checkSymbols(model.symbols, "model.symbols");
  const assets = model.symbols.length;
  if (!(Number.isFinite(model.stepSeconds) && model.stepSeconds > 0))
    throw new Error(`model.stepSeconds must be a positive finite number, got ${show(model.stepSeconds)}`);
  checkFiniteArray(model.logDriftPerYear, assets, "model.logDriftPerYear");
  checkNonNegativeArray(model.omegaPerStep, assets, "model.omegaPerStep");
  checkNonNegativeArray(model.alpha, assets, "model.alpha");
  checkNonNegativeArray(model.beta, assets, "model.beta");
  model.alpha.forEach((alpha, i) => {
    if (!(alpha + model.beta[i]! < 1))
      throw new Error(
        `model.alpha[${i}] + model.beta[${i}] must be < 1 (a stationary variance), got ${alpha} + ${model.beta[i]}`,
      );
  });
  checkNonNegativeArray(model.initialVariancePerStep, assets, "model.initialVariancePerStep");
  checkCorrelation(model.correlation, assets, "model.correlation");
  if (model.degreesOfFreedom !== undefined) checkDegreesOfFreedom(model.degreesOfFreedom, "model.degreesOfFreedom");
}

/**
 * A generator of GARCH paths (see `createPathGenerator` for the overlays; the step must be `model.stepSeconds`).
 * Draws per step k = 1…steps, in order: `random.fillNormals(ε, 0, assets)`, then, with Student-t shocks only, one
 * chi-square W ({@link drawChiSquare}). The shocks are Z = s·L·ε with s = √((ν − 2)/W) (1 for normal shocks); the
 * log return of asset i is `logDrift·dt + multiplier·√hᵢ·Zᵢ + crash shift`, and the recursion continues with the
 * model's own shock √hᵢ·Zᵢ (a volatility spike scales the return, not the variance state): hᵢ ← ω + α·hᵢ·Zᵢ² + β·hᵢ.
 * Every path starts from `initialVariancePerStep`.
 */
export function garchGenerator(model: GarchModel, tables: OverlayTables, options: PathOptions): PathGenerator {
  checkModelStep(model, options);
  const { steps } = options;
  const assets = model.symbols.length;
  const size = (steps + 1) * assets;
  const dtYears = options.stepSeconds / secondsPerYear;
  const nu = model.degreesOfFreedom;
  const initialPricesUsd = Float64Array.from(options.initialPricesUsd);
  const driftPerStep = Float64Array.from(model.logDriftPerYear, (g) => g * dtYears);
  const omega = Float64Array.from(model.omegaPerStep);
  const alpha = Float64Array.from(model.alpha);
  const beta = Float64Array.from(model.beta);
  const initialVariance = Float64Array.from(model.initialVariancePerStep);
  const factor = new Float64Array(assets * assets);
  cholesky(model.correlation, "model.correlation").forEach((row, i) => {
    for (let j = 0; j <= i; j++) factor[i * assets + j] = row[j]!;
  });
  const { volatilityMultiplier, crashLogShift, pinnedPriceUsd } = tables;
  const normals = new Float64Array(assets);
  const variance = new Float64Array(assets);
  const cumulativeLogReturn = new Float64Array(assets);
  return (random: Random, out: Float64Array, offset: number) => {
    checkRoom(out, offset, size);
    cumulativeLogReturn.fill(0);
    variance.set(initialVariance);
    for (let i = 0; i < assets; i++) out[offset + i] = initialPricesUsd[i]!;
    for (let step = 1; step <= steps; step++) {
      random.fillNormals(normals, 0, assets);
      const tailScale = nu === undefined ? 1 : Math.sqrt((nu - 2) / drawChiSquare(random, nu));
      const multiplier = volatilityMultiplier[step]!;
      const row = step * assets;
      for (let i = 0; i < assets; i++) {
        let z = 0;
        for (let j = 0; j <= i; j++) z += factor[i * assets + j]! * normals[j]!;
        const shock = Math.sqrt(variance[i]!) * tailScale * z;
        variance[i] = omega[i]! + alpha[i]! * shock * shock + beta[i]! * variance[i]!;
        const logPrice = cumulativeLogReturn[i]! + driftPerStep[i]! + multiplier * shock + crashLogShift[row + i]!;
        cumulativeLogReturn[i] = logPrice;
        const pinned = pinnedPriceUsd[row + i]!;
        out[offset + row + i] = pinned > 0 ? pinned : initialPricesUsd[i]! * exp(logPrice);
      }
    }
  };
}

/** Throws unless a path's step is the model's own (GARCH and regime parameters are per step). */
export function checkModelStep(model: { kind: string; stepSeconds: number }, options: PathOptions): void {
  if (options.stepSeconds !== model.stepSeconds)
    throw new Error(
      `options.stepSeconds must equal the ${model.kind} model's step model.stepSeconds (${model.stepSeconds}), got ${options.stepSeconds}`,
    );
}
