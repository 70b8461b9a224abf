/**
 * What the fitted market models share: a deterministic Nelder–Mead minimiser and a golden-section search, the log
 * densities of correlated normal and unit-variance Student-t returns, sample moments, the held-out split of a
 * history, information criteria, and a chi-square draw for Student-t shocks.
 *
 * Everything is deterministic: only IEEE `+ − × ÷`, `Math.sqrt` and detMath's `exp`/`ln`, so a fit gives the same
 * bits in Node and in a browser.
 */
import { exp, ln } from "../detMath.ts";
import type { Random } from "../random.ts";
import { logGamma } from "../stats.ts";
import { cholesky } from "./checks.ts";
import { secondsPerYear } from "./types.ts";

const halfLnTwoPi = 0.91893853320467274;

/** Options of {@link nelderMead}. */
export type NelderMeadOptions = {
  /** Initial simplex: the start plus `step` along each coordinate. Default 0.5. */
  step?: number;
  /** Most function evaluations. Default 2,000. */
  maxEvaluations?: number;
  /** Stop when the simplex's values span less than this (absolute). Default 1e-9. */
  tolerance?: number;
};

/**
 * The minimum of `f` by the Nelder–Mead simplex (reflection 1, expansion 2, contraction ½, shrink ½), from `start`.
 * A non-finite value counts as +∞, so `f` may refuse points outside its domain that way. Deterministic.
 */
export function nelderMead(
  f: (x: readonly number[]) => number,
  start: readonly number[],
  options: NelderMeadOptions = {},
): { x: number[]; value: number; evaluations: number } {
  const step = options.step ?? 0.5;
  const maxEvaluations = options.maxEvaluations ?? 2_000;
  const tolerance = options.tolerance ?? 1e-9;
  const n = start.length;
  let evaluations = 0;
  const value = (x: readonly number[]) => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const simplex = [start.slice(), ...start.map((_, i) => start.map((s, j) => (i === j ? s + step : s)))];
  let values = simplex.map(value);
  while (evaluations < maxEvaluations) {
    const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
    const sorted = order.map((i) => simplex[i]!);
    values = order.map((i) => values[i]!);
    for (let i = 0; i <= n; i++) simplex[i] = sorted[i]!;
    if (values[n]! - values[0]! < tolerance) break;
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j]! += simplex[i]![j]! / n;
    const along = (t: number) => centroid.map((c, j) => c + t * (simplex[n]![j]! - c));
    const reflected = along(-1);
    const reflectedValue = value(reflected);
    if (reflectedValue < values[0]!) {
      const expanded = along(-2);
      const expandedValue = value(expanded);
      if (expandedValue < reflectedValue) [simplex[n], values[n]] = [expanded, expandedValue];
      else [simplex[n], values[n]] = [reflected, reflectedValue];
    } else if (reflectedValue < values[n - 1]!) {
      [simplex[n], values[n]] = [reflected, reflectedValue];
    } else {
      const outside = reflectedValue < values[n]!;
      const contracted = along(outside ? -0.5 : 0.5);
      const contractedValue = value(contracted);
      if (contractedValue < (outside ? reflectedValue : values[n]!))
        [simplex[n], values[n]] = [contracted, contractedValue];
      else
        for (let i = 1; i <= n; i++) {
          simplex[i] = simplex[i]!.map((x, j) => simplex[0]![j]! + 0.5 * (x - simplex[0]![j]!));
          values[i] = value(simplex[i]!);
        }
    }
  }
  let best = 0;
  for (let i = 1; i <= n; i++) if (values[i]! < values[best]!) best = i;
  return { x: simplex[best]!, value: values[best]!, evaluations };
}

/** The x in [low, high] that maximises a unimodal `f`, by golden-section search to `tolerance` (absolute) in x. */
export function goldenSectionMaximum(f: (x: number) => number, low: number, high: number, tolerance = 1e-4): number {
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = low;
  let b = high;
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > tolerance) {
    if (fc >= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = f(d);
    }
  }
  return fc >= fd ? c : d;
}

/** 1 / (1 + e^−x). */
export function logistic(x: number): number {
  return 1 / (1 + exp(-x));
}

/** ln(p / (1 − p)), the inverse of {@link logistic}. */
export function logit(p: number): number {
  return ln(p / (1 - p));
}

/** The indices of the assets whose returns vary (a constant asset, e.g. a pinned stablecoin, has no density). */
export function movingAssets(returns: readonly (readonly number[])[]): number[] {
  const assets = returns[0]?.length ?? 0;
  const moving: number[] = [];
  for (let i = 0; i < assets; i++) if (returns.some((row) => row[i] !== returns[0]![i])) moving.push(i);
  return moving;
}

/** Each column's mean and the covariance with divisor n (the maximum-likelihood one), `[asset][asset]`. */
export function sampleMoments(returns: readonly (readonly number[])[]): { means: number[]; covariance: number[][] } {
  const assets = returns[0]?.length ?? 0;
  const n = returns.length;
  const means = new Array<number>(assets).fill(0);
  for (const row of returns) for (let i = 0; i < assets; i++) means[i]! += row[i]! / n;
  const covariance = Array.from({ length: assets }, () => new Array<number>(assets).fill(0));
  for (const row of returns)
    for (let i = 0; i < assets; i++)
      for (let j = 0; j <= i; j++) covariance[i]![j]! += ((row[i]! - means[i]!) * (row[j]! - means[j]!)) / n;
  for (let i = 0; i < assets; i++) for (let j = 0; j < i; j++) covariance[j]![i] = covariance[i]![j]!;
  return { means, covariance };
}

/** The standard deviations and the correlation of a covariance matrix (an entry with a zero variance: correlation 0). */
export function splitCovariance(covariance: readonly (readonly number[])[]): {
  deviations: number[];
  correlation: number[][];
} {
  const deviations = covariance.map((row, i) => Math.sqrt(Math.max(0, row[i]!)));
  const correlation = covariance.map((row, i) =>
    row.map((c, j) => {
      if (i === j) return 1;
      const d = deviations[i]! * deviations[j]!;
      return d > 0 ? Math.min(1, Math.max(-1, c / d)) : 0;
    }),
  );
  return { deviations, correlation };
}

/** The rows and columns `indices` of a square matrix. */
export function subMatrix(matrix: readonly (readonly number[])[], indices: readonly number[]): number[][] {
  return indices.map((i) => indices.map((j) => matrix[i]![j]!));
}

/** A correlation (or scatter) matrix ready for densities: its Cholesky factor L, row-major, and ln det = 2·Σ ln Lᵢᵢ. */
export type Whitener = { size: number; factor: Float64Array; logDeterminant: number };

/** The {@link Whitener} of a positive-definite matrix; throws, naming `name`, if it is singular (two assets moving as one have no joint density). */
export function whitener(correlation: readonly (readonly number[])[], name: string): Whitener {
  const size = correlation.length;
  const l = cholesky(correlation, name);
  const factor = new Float64Array(size * size);
  let logDeterminant = 0;
  for (let i = 0; i < size; i++) {
    if (!(l[i]![i]! > 1e-12)) throw new Error(`${name} is singular: its assets have no joint density`);
    logDeterminant += 2 * ln(l[i]![i]!);
    for (let j = 0; j <= i; j++) factor[i * size + j] = l[i]![j]!;
  }
  return { size, factor, logDeterminant };
}

/** zᵀR⁻¹z for standardised shocks `z` (read from `z[offset…offset + size)`), by forward substitution with L. */
export function mahalanobis(w: Whitener, z: ArrayLike<number>, offset = 0): number {
  const { size, factor } = w;
  let q = 0;
  const y = scratch(size);
  for (let i = 0; i < size; i++) {
    let s = z[offset + i]!;
    for (let j = 0; j < i; j++) s -= factor[i * size + j]! * y[j]!;
    const yi = s / factor[i * size + i]!;
    y[i] = yi;
    q += yi * yi;
  }
  return q;
}

let scratchArray = new Float64Array(8);
function scratch(size: number): Float64Array {
  if (scratchArray.length < size) scratchArray = new Float64Array(size);
  return scratchArray;
}

/**
 * The log density of a vector of returns whose standardised shocks are `z` (return = mean + deviation × z), with
 * unit variances and correlation `w`: normal when `degreesOfFreedom` is undefined, else multivariate Student-t with
 * ν degrees of freedom scaled to unit variance (scatter R·(ν − 2)/ν). `logDeviationSum` is Σ ln deviationᵢ (the
 * Jacobian of the standardisation).
 */
export function shockLogDensity(
  w: Whitener,
  z: ArrayLike<number>,
  logDeviationSum: number,
  degreesOfFreedom?: number,
  offset = 0,
): number {
  const q = mahalanobis(w, z, offset);
  const p = w.size;
  if (degreesOfFreedom === undefined) return -p * halfLnTwoPi - w.logDeterminant / 2 - logDeviationSum - q / 2;
  const nu = degreesOfFreedom;
  return studentTConstant(nu, p) - w.logDeterminant / 2 - logDeviationSum - ((nu + p) / 2) * ln(1 + q / (nu - 2));
}

/** ln Γ((ν + p)/2) − ln Γ(ν/2) − (p/2)·ln((ν − 2)π): the constant of a unit-variance Student-t density in p dimensions. */
export function studentTConstant(nu: number, p: number): number {
  // Densities call this once per return with the same ν and p: keep the last one.
  if (nu === lastConstant[0] && p === lastConstant[1]) return lastConstant[2]!;
  const constant = logGamma((nu + p) / 2) - logGamma(nu / 2) - (p / 2) * ln((nu - 2) * Math.PI);
  lastConstant[0] = nu;
  lastConstant[1] = p;
  lastConstant[2] = constant;
  return constant;
}

const lastConstant = new Float64Array([Number.NaN, Number.NaN, 0]);

/**
 * How a history is split for out-of-sample fit: the first `inSample` returns are fitted, the rest are held out.
 * `holdoutFraction` of the returns (rounded down) is held out, leaving at least `minInSample` to fit.
 */
export function holdoutSplit(count: number, holdoutFraction: number, minInSample: number): number {
  if (!(holdoutFraction >= 0 && holdoutFraction < 1))
    throw new Error(`options.holdoutFraction must be a number in [0, 1), got ${holdoutFraction}`);
  const inSample = count - Math.floor(count * holdoutFraction);
  if (inSample < minInSample)
    throw new Error(
      `history has ${count} returns, ${inSample} of them in sample after holding out ${holdoutFraction}: the fit needs at least ${minInSample}`,
    );
  return inSample;
}

/** Akaike's and Schwarz's criteria of a fit: 2k − 2·LL and k·ln n − 2·LL (lower is better). */
export function informationCriteria(
  logLikelihood: number,
  parameters: number,
  observations: number,
): { aic: number; bic: number } {
  return {
    aic: 2 * parameters - 2 * logLikelihood,
    bic: parameters * ln(observations) - 2 * logLikelihood,
  };
}

/**
 * A chi-square number with `degreesOfFreedom` (> 2) degrees of freedom: 2·Gamma(ν/2), Gamma by Marsaglia & Tsang
 * (2000) for a shape a = ν/2 > 1. Draws, until it accepts: x = `random.normal()`, then (if 1 + c·x > 0)
 * u = `random.next()`; accepts if u < 1 − 0.0331·x⁴ or ln u < x²/2 + d·(1 − v + ln v), with d = a − 1/3,
 * c = 1/√(9d), v = (1 + c·x)³.
 */
export function drawChiSquare(random: Random, degreesOfFreedom: number): number {
  const d = degreesOfFreedom / 2 - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = random.normal();
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = random.next();
    if (u < 1 - 0.0331 * x * x * x * x) return 2 * d * v;
    if (u > 0 && ln(u) < (x * x) / 2 + d * (1 - v + ln(v))) return 2 * d * v;
  }
}

/** Σ of `values[from…to)`. */
export function sumRange(values: ArrayLike<number>, from: number, to: number): number {
  let sum = 0;
  for (let t = from; t < to; t++) sum += values[t]!;
  return sum;
}

/** The returns a model is fitted to, and how they are split (see {@link holdoutSplit}). */
export type ReturnsFitInput = {
  symbols: readonly string[];
  /** Log returns `[observation][asset]`, evenly spaced `stepSeconds` apart. */
  returns: readonly (readonly number[])[];
  stepSeconds: number;
  /** The first `inSample` returns are fitted; the rest are held out (their densities are still computed). */
  inSample: number;
  /** The fitted window's first and last observation (unix seconds), when known. */
  fromSeconds?: number;
  toSeconds?: number;
};

/** A fitted model, the log density of each return of the history under it, and its number of free parameters. */
export type RawFit<M> = {
  model: M;
  logDensities: Float64Array;
  parameters: number;
  /** For regime models: each return's smoothed regime probabilities, `[observation][regime]`. */
  regimeProbabilities?: number[][];
};

/** The `size × size` identity matrix. */
export function identity(size: number): number[][] {
  return Array.from({ length: size }, (_, i) => Array.from({ length: size }, (_, j): number => (i === j ? 1 : 0)));
}

/**
 * An `assets × assets` correlation matrix with `sub` (over the `moving` assets) in its rows and columns and the
 * identity elsewhere: constant assets are uncorrelated with everything by convention.
 */
export function embedCorrelation(
  sub: readonly (readonly number[])[],
  moving: readonly number[],
  assets: number,
): number[][] {
  const matrix = identity(assets);
  moving.forEach((i, a) => moving.forEach((j, b) => (matrix[i]![j] = sub[a]![b]!)));
  return matrix;
}

/**
 * The log density of each return row under correlated returns with a constant log drift and volatility per year
 * (GBM's step when `degreesOfFreedom` is undefined, the Student-t model's otherwise), over the assets whose volatility
 * is above 0; one per row.
 */
export function correlatedLogDensities(
  model: {
    logDriftPerYear: readonly number[];
    volatilityPerYear: readonly number[];
    correlation: readonly (readonly number[])[];
  },
  returns: readonly (readonly number[])[],
  stepSeconds: number,
  degreesOfFreedom?: number,
): Float64Array {
  const dtYears = stepSeconds / secondsPerYear;
  const moving = model.volatilityPerYear.flatMap((v, i) => (v > 0 ? [i] : []));
  const densities = new Float64Array(returns.length);
  if (moving.length === 0) return densities;
  const w = whitener(subMatrix(model.correlation, moving), "model.correlation");
  const deviations = moving.map((i) => model.volatilityPerYear[i]! * Math.sqrt(dtYears));
  const means = moving.map((i) => model.logDriftPerYear[i]! * dtYears);
  const logDeviationSum = deviations.reduce((s, d) => s + ln(d), 0);
  const z = new Float64Array(moving.length);
  returns.forEach((row, t) => {
    moving.forEach((i, a) => (z[a] = (row[i]! - means[a]!) / deviations[a]!));
    densities[t] = shockLogDensity(w, z, logDeviationSum, degreesOfFreedom);
  });
  return densities;
}
