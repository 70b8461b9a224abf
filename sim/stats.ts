/**
 * Summary statistics of simulation results: pure functions over `number[]` or `Float64Array`.
 *
 * None of them returns NaN or an infinity. Inputs must be finite (an error names the first value that is not), and
 * degenerate inputs have defined results, documented on each function: e.g. the mean of nothing is 0 and the
 * Sharpe ratio of returns that do not vary is 0.
 */

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
  if (returns.length === 0) return 0;
  const sorted = Float64Array.from(returns).sort();
  const threshold = quantileOfSorted(sorted, 1 - confidence);
  let sum = 0;
  let count = 0;
  // Sorted ascending, so the tail is a prefix; the minimum is always in it (the quantile is never below it).
  while (count < sorted.length && sorted[count]! <= threshold) sum += sorted[count++]!;
  return sum === 0 ? 0 : -sum / count; // not −0
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
