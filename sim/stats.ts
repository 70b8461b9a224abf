/**
 * Summary statistics of simulation results: pure functions over `number[]` or `Float64Array`.
 *
 * None of them returns NaN or an infinity. Inputs must be finite (an error names the first value that is not), and
 * degenerate inputs have defined results, documented on each function: e.g. the mean of nothing is 0 and the
 * Sharpe ratio of returns that do not vary is 0.
 */

import { exp, ln } from "./detMath.ts";

/** Read-only numbers: a `number[]` or a typed array. */
export type Numbers = ArrayLike<number>;

/** Options of {@link sharpeRatio} and {@link sortinoRatio}. */
export type RatioOptions = {
  /** How many of the returns' steps make a year, > 0 (365 for daily steps). */
  stepsPerYear: number;
  /** Risk-free rate per year, as a simple rate; each step's share is `riskFreePerYear / stepsPerYear`. Default 0. */
  riskFreePerYear?: number;
};

/** The arithmetic mean; 0 for no values. */
export function mean(values: Numbers): number {
  checkFinite(values, "values");
  return meanOf(values);
}

/** The sample standard deviation (divisor n − 1); 0 for fewer than two values. */
export function standardDeviation(values: Numbers): number {
  checkFinite(values, "values");
  return standardDeviationOf(values, meanOf(values));
}

/**
 * The `probability` quantile of `values` by linear interpolation between order statistics (Hyndman & Fan's type 7,
 * the default of R, NumPy and Excel's PERCENTILE.INC): with the values sorted ascending as x[0..n−1] and
 * h = (n − 1)·probability, the result is x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋ + 1] − x[⌊h⌋]). So probability 0 gives the
 * minimum, 1 the maximum, 0.5 the median. 0 for no values. Sorts a copy; see {@link quantilesInPlace} to avoid it.
 */
export function quantile(values: Numbers, probability: number): number {
  checkProbability(probability, "probability");
  checkFinite(values, "values");
  const sorted = Float64Array.from(values).sort();
  return quantileOfSorted(sorted, probability);
}

/**
 * The quantiles of `values` (type 7, as {@link quantile}) at each of `probabilities`, in their order. Sorts
 * `values` in place (ascending) rather than a copy, which is what makes it fast on large result arrays: do not rely
 * on their order afterwards. 0 for each probability when there are no values.
 */
export function quantilesInPlace(values: Float64Array, probabilities: readonly number[]): number[] {
  probabilities.forEach((p, i) => checkProbability(p, `probabilities[${i}]`));
  checkFinite(values, "values");
  values.sort();
  return probabilities.map((p) => quantileOfSorted(values, p));
}

/**
 * Conditional value at risk (expected shortfall) of `returns` at `confidence` (e.g. 0.95), as a loss: minus the mean
 * of the returns at or below their (1 − confidence) quantile (type 7, see {@link quantile}), i.e. of the worst
 * (1 − confidence) share of outcomes. CVaR95 of returns whose worst 5% average −20% is 0.2; a negative result means
 * even the worst outcomes are gains. Confidence 1 gives minus the worst return, 0 minus the mean. 0 for no returns.
 */
export function cvar(returns: Numbers, confidence: number): number {
  checkProbability(confidence, "confidence");
  checkFinite(returns, "returns");
  return cvarOfSorted(Float64Array.from(returns).sort(), confidence);
}

/** Several quantiles and tails of the same values (see {@link sortValues}). */
export type SortedValues = {
  /** {@link quantile} of the values. */
  quantile(probability: number): number;
  /** {@link cvar} of the values. */
  cvar(confidence: number): number;
};

/**
 * The values copied and sorted once, for several of their quantiles and tails: the numbers {@link quantile} and
 * {@link cvar} give, without a copy and a sort for each (a summary reads three of a set's returns, two of its
 * drawdowns).
 */
export function sortValues(values: Numbers): SortedValues {
  checkFinite(values, "values");
  const sorted = Float64Array.from(values).sort();
  return {
    quantile(probability) {
      checkProbability(probability, "probability");
      return quantileOfSorted(sorted, probability);
    },
    cvar(confidence) {
      checkProbability(confidence, "confidence");
      return cvarOfSorted(sorted, confidence);
    },
  };
}

/**
 * The annualised Sharpe ratio of per-step simple returns: mean excess return over its sample standard deviation,
 * times √stepsPerYear; the excess is over `riskFreePerYear / stepsPerYear` per step. 0 when the excess returns do
 * not vary (including fewer than two returns): a riskless series has no meaningful ratio, and 0 keeps reports
 * finite.
 */
export function sharpeRatio(returnsPerStep: Numbers, options: RatioOptions): number {
  const riskFreePerStep = checkRatioOptions(options);
  checkFinite(returnsPerStep, "returnsPerStep");
  const excess = Float64Array.from(returnsPerStep, (r) => r - riskFreePerStep);
  const deviation = standardDeviationOf(excess, meanOf(excess));
  if (deviation === 0) return 0;
  return (meanOf(excess) / deviation) * Math.sqrt(options.stepsPerYear);
}

/**
 * The annualised Sortino ratio of per-step simple returns: mean excess return over the downside deviation
 * √(Σ min(0, excess)² / n) (over all n returns, the usual target semi-deviation with target = the risk-free rate),
 * times √stepsPerYear. 0 when no return is below the risk-free rate (downside deviation 0, including no returns),
 * so that reports stay finite.
 */
export function sortinoRatio(returnsPerStep: Numbers, options: RatioOptions): number {
  const riskFreePerStep = checkRatioOptions(options);
  checkFinite(returnsPerStep, "returnsPerStep");
  const count = returnsPerStep.length;
  let sum = 0;
  let downsideSquares = 0;
  for (let i = 0; i < count; i++) {
    const excess = returnsPerStep[i]! - riskFreePerStep;
    sum += excess;
    if (excess < 0) downsideSquares += excess * excess;
  }
  if (downsideSquares === 0) return 0;
  return (sum / count / Math.sqrt(downsideSquares / count)) * Math.sqrt(options.stepsPerYear);
}

/**
 * The largest fall of `series` (e.g. a vault's net asset value over time) from a running peak, as a positive
 * fraction of that peak: 0.25 for a fall from 100 to 75. Values must be ≥ 0; 0 for a series that never falls
 * (including fewer than two values), and a peak of 0 has no drawdown.
 */
export function maxDrawdown(series: Numbers): number {
  checkFinite(series, "series");
  let peak = 0;
  let worst = 0;
  for (let i = 0; i < series.length; i++) {
    const value = series[i]!;
    if (value < 0) throw new Error(`series[${i}] must be >= 0, got ${value}`);
    if (value > peak) peak = value;
    else if (peak > 0) worst = Math.max(worst, (peak - value) / peak);
  }
  return worst;
}

function meanOf(values: Numbers): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

/** Sample standard deviation around `average`; exactly 0 for equal values (however `average` was rounded). */
function standardDeviationOf(values: Numbers, average: number): number {
  if (values.length < 2) return 0;
  let equal = true;
  for (let i = 1; i < values.length && equal; i++) equal = values[i] === values[0];
  if (equal) return 0;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const deviation = values[i]! - average;
    squares += deviation * deviation;
  }
  return Math.sqrt(squares / (values.length - 1));
}

function quantileOfSorted(sorted: Float64Array, probability: number): number {
  if (sorted.length === 0) return 0;
  const h = (sorted.length - 1) * probability;
  const below = Math.floor(h);
  const fraction = h - below;
  const low = sorted[below]!;
  // An exact order statistic needs no interpolation (which could only add rounding).
  if (fraction === 0 || below >= sorted.length - 1) return low;
  return low + fraction * (sorted[below + 1]! - low);
}

function cvarOfSorted(sorted: Float64Array, confidence: number): number {
  if (sorted.length === 0) return 0;
  const threshold = quantileOfSorted(sorted, 1 - confidence);
  let sum = 0;
  let count = 0;
  // Sorted ascending, so the tail is a prefix; the minimum is always in it (the quantile is never below it).
  while (count < sorted.length && sorted[count]! <= threshold) sum += sorted[count++]!;
  return sum === 0 ? 0 : -sum / count; // not −0
}

function checkFinite(values: Numbers, name: string): void {
  for (let i = 0; i < values.length; i++)
    if (!Number.isFinite(values[i])) throw new Error(`${name}[${i}] must be a finite number, got ${values[i]}`);
}

function checkProbability(value: number, name: string): void {
  if (!(value >= 0 && value <= 1)) throw new Error(`${name} must be a number in [0, 1], got ${value}`);
}

/** Checks the options and returns the risk-free rate per step. */
function checkRatioOptions(options: RatioOptions): number {
  const { stepsPerYear, riskFreePerYear = 0 } = options;
  if (!(Number.isFinite(stepsPerYear) && stepsPerYear > 0))
    throw new Error(`options.stepsPerYear must be a positive finite number, got ${stepsPerYear}`);
  if (!Number.isFinite(riskFreePerYear))
    throw new Error(`options.riskFreePerYear must be a finite number, got ${riskFreePerYear}`);
  return riskFreePerYear / stepsPerYear;
}

/* EXACT BINOMIAL INTERVALS (the beta distribution, with detMath's ln and exp so that every engine gives the same bits) */

/** A two-sided interval at 95% (or the confidence its function was given), as fractions. */
export type Interval = { low95: number; high95: number };

/** Lanczos' coefficients for g = 7, n = 9 (as in Numerical Recipes and Boost): ln Γ to about 15 digits for x > 0. */
const lanczos = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const halfLnTwoPi = 0.91893853320467274;

/** ln Γ(x) for x > 0 (Lanczos' approximation, g = 7). */
export function logGamma(x: number): number {
  if (!(Number.isFinite(x) && x > 0)) throw new Error(`x must be a positive finite number, got ${x}`);
  if (x < 0.5) return logGamma(x + 1) - ln(x); // Γ(x + 1) = x·Γ(x), without an engine's Math.sin
  const z = x - 1;
  let sum = lanczos[0]!;
  for (let i = 1; i < lanczos.length; i++) sum += lanczos[i]! / (z + i);
  const t = z + 7.5;
  return halfLnTwoPi + (z + 0.5) * ln(t) - t + ln(sum);
}

/**
 * The regularized incomplete beta function I_x(a, b) = P(X ≤ x) for X ~ Beta(a, b), by the continued fraction of
 * Numerical Recipes (modified Lentz) on the side of x where it converges fast. 0 at x = 0, 1 at x = 1.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  checkBetaShape(a, b);
  if (!(x >= 0 && x <= 1)) throw new Error(`x must be a number in [0, 1], got ${x}`);
  if (x === 0 || x === 1) return x;
  const front = exp(a * ln(x) + b * ln(1 - x) - (logGamma(a) + logGamma(b) - logGamma(a + b)));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/**
 * The `probability` quantile of Beta(a, b): the x with I_x(a, b) = probability (the inverse regularized incomplete
 * beta function), by bisection down to adjacent doubles, so that small quantiles keep their relative precision.
 */
export function betaQuantile(probability: number, a: number, b: number): number {
  checkProbability(probability, "probability");
  checkBetaShape(a, b);
  if (probability === 0 || probability === 1) return probability;
  let low = 0;
  let high = 1;
  for (let i = 0; i < 2_000; i++) {
    // Halve geometrically while the interval spans orders of magnitude (so that tiny quantiles are reached fast).
    const mid =
      low > 0 && high / low > 4 ? Math.sqrt(low * high) : low === 0 && high < 1e-3 ? high / 16 : (low + high) / 2;
    if (mid <= low || mid >= high) break;
    if (regularizedIncompleteBeta(mid, a, b) < probability) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/**
 * The exact (Clopper–Pearson) two-sided interval of a binomial probability from `successes` out of `trials`: the
 * beta quantiles B(α/2; k, n − k + 1) and B(1 − α/2; k + 1, n − k), with α = 1 − confidence. Never [0, 0]: 0 of
 * 2,000 gives [0, 0.18%] at 95%. The interval covers the probability at least `confidence` of the time.
 */
export function clopperPearson(successes: number, trials: number, confidence = 0.95): Interval {
  if (!(Number.isInteger(trials) && trials > 0)) throw new Error(`trials must be a whole number ≥ 1, got ${trials}`);
  if (!(Number.isInteger(successes) && successes >= 0 && successes <= trials))
    throw new Error(`successes must be a whole number from 0 to trials (${trials}), got ${successes}`);
  if (!(confidence > 0 && confidence < 1)) throw new Error(`confidence must be in (0, 1), got ${confidence}`);
  const alpha = 1 - confidence;
  const k = successes;
  const n = trials;
  return {
    low95: k === 0 ? 0 : betaQuantile(alpha / 2, k, n - k + 1),
    high95: k === n ? 1 : betaQuantile(1 - alpha / 2, k + 1, n - k),
  };
}

function checkBetaShape(a: number, b: number): void {
  if (!(Number.isFinite(a) && a > 0)) throw new Error(`a must be a positive finite number, got ${a}`);
  if (!(Number.isFinite(b) && b > 0)) throw new Error(`b must be a positive finite number, got ${b}`);
}

/** The continued fraction of I_x(a, b) (Numerical Recipes' betacf), by the modified Lentz method. */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return h;
}

/* CHI-SQUARE AND NORMAL DISTRIBUTIONS (detMath's ln and exp, so that every engine gives the same bits) */

/**
 * The regularized lower incomplete gamma function P(a, x) = γ(a, x) / Γ(a) = P(X ≤ x) for X ~ Gamma(a, 1), by its
 * series for x < a + 1 and by the continued fraction of Q = 1 − P (modified Lentz) otherwise (Numerical Recipes'
 * gser/gcf). 0 at x = 0.
 */
export function regularizedLowerIncompleteGamma(a: number, x: number): number {
  if (!(Number.isFinite(a) && a > 0)) throw new Error(`a must be a positive finite number, got ${a}`);
  if (!(x >= 0)) throw new Error(`x must be a number >= 0, got ${x}`);
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  const front = exp(a * ln(x) - x - logGamma(a));
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n <= 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return Math.min(1, front * sum);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.max(0, 1 - front * h);
}

/** P(X ≤ x) for X chi-square distributed with `degreesOfFreedom` (> 0) degrees of freedom; 0 for x ≤ 0. */
export function chiSquareCdf(x: number, degreesOfFreedom: number): number {
  if (!(Number.isFinite(degreesOfFreedom) && degreesOfFreedom > 0))
    throw new Error(`degreesOfFreedom must be a positive finite number, got ${degreesOfFreedom}`);
  if (Number.isNaN(x)) throw new Error(`x must be a number, got ${x}`);
  return x <= 0 ? 0 : regularizedLowerIncompleteGamma(degreesOfFreedom / 2, x / 2);
}

/**
 * The standard normal distribution function Φ(x), from the complementary error function of Numerical Recipes
 * (erfcc: Chebyshev fit, relative error below 1.2e-7 everywhere).
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) throw new Error(`x must be a number, got ${x}`);
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * exp(poly);
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/**
 * P(T ≤ x) for T Student-t distributed with ν = `degreesOfFreedom` (> 0): ½·I_{ν/(ν+x²)}(ν/2, ½) below 0, and one
 * minus that above.
 */
export function studentTCdf(x: number, degreesOfFreedom: number): number {
  if (!(Number.isFinite(degreesOfFreedom) && degreesOfFreedom > 0))
    throw new Error(`degreesOfFreedom must be a positive finite number, got ${degreesOfFreedom}`);
  if (Number.isNaN(x)) throw new Error(`x must be a number, got ${x}`);
  if (!Number.isFinite(x)) return x > 0 ? 1 : 0;
  const tail = regularizedIncompleteBeta(degreesOfFreedom / (degreesOfFreedom + x * x), degreesOfFreedom / 2, 0.5) / 2;
  return x <= 0 ? tail : 1 - tail;
}
