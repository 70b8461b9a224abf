/**
 * Backtests of one-day value at risk (VaR) for the market models, one asset at a time.
 *
 * Forecasts: on a rolling window of the last `windowReturns` log returns (default 1,000 days), each model is refitted
 * every `refitEveryReturns` returns (default 30: monthly) and forecasts each following day's log return from
 * everything seen up to the day before: GBM a normal with the window's mean and deviation; Student-t the fitted
 * univariate t; GARCH its conditional variance, updated daily with the returns seen since the fit; regimes the
 * mixture of the regimes' normals weighted by the predicted regime probabilities, the Hamilton filter updated daily.
 * A refit starts from the previous fit's parameters (Student-t: ln(ν − 2) within ±0.5 of the previous; GARCH:
 * Nelder–Mead from the previous parameters; regimes: EM from the previous parameters, stopping at a gain below 1e-6
 * per return or after 200 iterations), which keeps a backtest of ten years to seconds.
 * The VaR at level q is the loss not exceeded with probability q: −(the 1 − q quantile of the forecast log return);
 * a breach is a day whose log return is below that quantile.
 *
 * Tests: Kupiec's proportion of failures (LR = −2 ln L(p) + 2 ln L(x/n), chi-square with 1 df), Christoffersen's
 * independence (a breach's probability does not depend on whether yesterday was one; 1 df) and conditional coverage
 * (the two together; 2 df). A p-value below 0.05 rejects the model at 5%.
 */
import { ln } from "../detMath.ts";
import { chiSquareCdf, normalCdf, studentTCdf } from "../stats.ts";
import { show } from "./checks.ts";
import type { MarketModelKind } from "./fit.ts";
import { fitGarch, garchVarianceForecasts } from "./garch.ts";
import { sampleMoments } from "./likelihood.ts";
import { fitRegimes, regimeFilter } from "./regimes.ts";
import { fitStudentT } from "./studentT.ts";
import { secondsPerYear, type MarketModel } from "./types.ts";

/** Options of {@link varForecasts} and {@link backtestVar}. */
export type VarBacktestOptions = {
  /** Confidence levels of the VaR, each in (0, 1). Default [0.95, 0.99]. */
  levels?: readonly number[];
  /** Returns in the rolling fitting window. Default 1,000. */
  windowReturns?: number;
  /** Returns between refits. Default 30. */
  refitEveryReturns?: number;
  /** Spacing of the returns. Default one day. */
  stepSeconds?: number;
};

/** A model's VaR forecasts for returns `first…` of the series: `quantiles[level][k]` forecasts return `first + k`. */
export type VarForecasts = { kind: MarketModelKind; first: number; levels: number[]; quantiles: number[][] };

/** Likelihood-ratio statistics and chi-square p-values of one level's breaches. */
export type VarTest = {
  level: number;
  days: number;
  breaches: number;
  /** (1 − level) × days. */
  expectedBreaches: number;
  kupiecStatistic: number;
  kupiecPValue: number;
  independenceStatistic: number;
  independencePValue: number;
  conditionalCoverageStatistic: number;
  conditionalCoveragePValue: number;
};

/** Every model's one-day VaR forecasts over `returns` (one asset's log returns), as the module's comment says. */
export function varForecasts(
  kind: MarketModelKind,
  returns: readonly number[],
  options: VarBacktestOptions = {},
): VarForecasts {
  const levels = [...(options.levels ?? [0.95, 0.99])];
  levels.forEach((level, i) => {
    if (!(level > 0 && level < 1))
      throw new Error(`options.levels[${i}] must be a number in (0, 1), got ${show(level)}`);
  });
  const window = options.windowReturns ?? 1_000;
  const every = options.refitEveryReturns ?? 30;
  const stepSeconds = options.stepSeconds ?? 86_400;
  if (!(Number.isInteger(window) && window >= 60))
    throw new Error(`options.windowReturns must be an integer >= 60, got ${show(window)}`);
  if (!(Number.isInteger(every) && every >= 1))
    throw new Error(`options.refitEveryReturns must be an integer >= 1, got ${show(every)}`);
  if (returns.length <= window)
    throw new Error(
      `returns has ${returns.length} entries: a backtest needs more than options.windowReturns (${window})`,
    );
  const probabilities = levels.map((level) => 1 - level);
  const quantiles = levels.map(() => [] as number[]);
  let previous: MarketModel | undefined;
  for (let start = window; start < returns.length; start += every) {
    const fitted = returns.slice(start - window, start).map((r) => [r]);
    const ahead = returns.slice(start, Math.min(returns.length, start + every)).map((r) => [r]);
    const { forecast, model } = blockForecaster(kind, fitted, stepSeconds, previous);
    previous = model;
    ahead.forEach((_, k) => {
      const cdf = forecast(ahead.slice(0, k));
      probabilities.forEach((p, l) => quantiles[l]!.push(quantileOf(cdf, p)));
    });
  }
  return { kind, first: window, levels, quantiles };
}

/**
 * Fits `kind` to `fitted` and returns a function giving, from the returns seen since the window's end, the forecast
 * distribution function of the next return and a scale to bracket its quantiles.
 */
function blockForecaster(
  kind: MarketModelKind,
  fitted: number[][],
  stepSeconds: number,
  previous: MarketModel | undefined,
): { forecast: (seen: readonly (readonly number[])[]) => Forecast; model?: MarketModel } {
  const dtYears = stepSeconds / secondsPerYear;
  const input = { symbols: ["ASSET"], returns: fitted, stepSeconds, inSample: fitted.length };
  if (kind === "gbm") {
    const { means, covariance } = sampleMoments(fitted);
    const n = fitted.length;
    const sd = Math.sqrt((covariance[0]![0]! * n) / (n - 1));
    return { forecast: () => ({ cdf: (x) => normalCdf((x - means[0]!) / sd), center: means[0]!, scale: sd }) };
  }
  if (kind === "student-t") {
    const { model } = fitStudentT(input, previous?.kind === "student-t" ? { startFrom: previous } : {});
    const nu = model.degreesOfFreedom;
    const sd = model.volatilityPerYear[0]! * Math.sqrt(dtYears);
    const location = model.logDriftPerYear[0]! * dtYears;
    const scale = sd * Math.sqrt((nu - 2) / nu);
    return {
      model,
      forecast: () => ({ cdf: (x) => studentTCdf((x - location) / scale, nu), center: location, scale: sd }),
    };
  }
  if (kind === "garch") {
    const { model } = fitGarch(input, {
      innovations: "student-t",
      ...(previous?.kind === "garch" ? { startFrom: previous } : {}),
    });
    const mean = model.logDriftPerYear[0]! * dtYears;
    const nu = model.degreesOfFreedom;
    const forecast = (seen: readonly (readonly number[])[]): Forecast => {
      const variance =
        seen.length === 0 ? model.initialVariancePerStep[0]! : garchVarianceForecasts(model, seen).at(-1)![0]!;
      const sd = Math.sqrt(variance);
      const cdf =
        nu === undefined
          ? (x: number) => normalCdf((x - mean) / sd)
          : (x: number) => studentTCdf((x - mean) / (sd * Math.sqrt((nu - 2) / nu)), nu);
      return { cdf, center: mean, scale: sd };
    };
    return { model, forecast };
  }
  const { model } = fitRegimes(input, {
    tolerancePerReturn: 1e-6,
    maxIterations: 200,
    ...(previous?.kind === "regimes" ? { startFrom: previous } : {}),
  });
  const P = model.transitionPerStep;
  const regimes = model.regimes.map((r) => ({
    mean: r.logDriftPerYear[0]! * dtYears,
    sd: r.volatilityPerYear[0]! * Math.sqrt(dtYears),
  }));
  const forecast = (seen: readonly (readonly number[])[]): Forecast => {
    const now = seen.length === 0 ? model.initialProbabilities : regimeFilter(model, seen).filtered.at(-1)!;
    const next = regimes.map((_, j) => now.reduce((s, p, i) => s + p * P[i]![j]!, 0));
    const cdf = (x: number) => regimes.reduce((s, r, k) => s + next[k]! * normalCdf((x - r.mean) / r.sd), 0);
    return { cdf, center: 0, scale: Math.max(...regimes.map((r) => r.sd + Math.abs(r.mean))) };
  };
  return { model, forecast };
}

type Forecast = { cdf: (x: number) => number; center: number; scale: number };

/** The x with cdf(x) = p, by bisection to a relative 1e-10 of the scale, after bracketing it. */
function quantileOf(forecast: Forecast, p: number): number {
  const { cdf, center, scale } = forecast;
  let low = center - scale;
  while (cdf(low) > p) low = center - 2 * (center - low);
  let high = center + scale;
  while (cdf(high) < p) high = center + 2 * (high - center);
  for (let i = 0; i < 200 && high - low > 1e-10 * scale; i++) {
    const mid = (low + high) / 2;
    if (cdf(mid) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/** Each level's breaches of `forecasts` by the returns they forecast: 1 when the return is below the quantile. */
export function varBreaches(forecasts: VarForecasts, returns: readonly number[]): number[][] {
  return forecasts.quantiles.map((quantiles) => quantiles.map((q, k) => (returns[forecasts.first + k]! < q ? 1 : 0)));
}

/** `x·ln(y)` with 0·ln 0 = 0 (the convention of the likelihood ratios). */
function xLnY(x: number, y: number): number {
  return x === 0 ? 0 : x * ln(y);
}

/**
 * Kupiec's proportion-of-failures test of `breaches` (0/1 per day) against a VaR at `level`: LR = −2·[(n − x)·ln(1 − p)
 * + x·ln p] + 2·[(n − x)·ln(1 − x/n) + x·ln(x/n)], p = 1 − level, with its chi-square (1 df) p-value.
 */
export function kupiecTest(breaches: readonly number[], level: number): { statistic: number; pValue: number } {
  checkBreaches(breaches);
  const n = breaches.length;
  const x = breaches.reduce((s, b) => s + b, 0);
  const p = 1 - level;
  const rate = x / n;
  const statistic = Math.max(0, -2 * (xLnY(n - x, 1 - p) + xLnY(x, p)) + 2 * (xLnY(n - x, 1 - rate) + xLnY(x, rate)));
  return { statistic, pValue: 1 - chiSquareCdf(statistic, 1) };
}

/**
 * Christoffersen's independence test: with nᵢⱼ the days in state j after a day in state i (1 = breach), π₀₁ =
 * n₀₁/(n₀₀ + n₀₁), π₁₁ = n₁₁/(n₁₀ + n₁₁), π = (n₀₁ + n₁₁)/(n − 1): LR = −2·ln L(π) + 2·ln L(π₀₁, π₁₁), chi-square
 * with 1 df.
 */
export function christoffersenIndependenceTest(breaches: readonly number[]): { statistic: number; pValue: number } {
  checkBreaches(breaches);
  const n = [
    [0, 0],
    [0, 0],
  ];
  for (let t = 1; t < breaches.length; t++) n[breaches[t - 1]!]![breaches[t]!]!++;
  const [[n00, n01], [n10, n11]] = n as [[number, number], [number, number]];
  const pi01 = n00 + n01 > 0 ? n01 / (n00 + n01) : 0;
  const pi11 = n10 + n11 > 0 ? n11 / (n10 + n11) : 0;
  const pi = (n01 + n11) / (n00 + n01 + n10 + n11);
  const restricted = xLnY(n00 + n10, 1 - pi) + xLnY(n01 + n11, pi);
  const unrestricted = xLnY(n00, 1 - pi01) + xLnY(n01, pi01) + xLnY(n10, 1 - pi11) + xLnY(n11, pi11);
  const statistic = Math.max(0, -2 * restricted + 2 * unrestricted);
  return { statistic, pValue: 1 - chiSquareCdf(statistic, 1) };
}

/** Kupiec's, Christoffersen's independence and conditional-coverage (their sum, 2 df) tests of one level's breaches. */
export function varTest(breaches: readonly number[], level: number): VarTest {
  const kupiec = kupiecTest(breaches, level);
  const independence = christoffersenIndependenceTest(breaches);
  const conditionalCoverageStatistic = kupiec.statistic + independence.statistic;
  return {
    level,
    days: breaches.length,
    breaches: breaches.reduce((s, b) => s + b, 0),
    expectedBreaches: (1 - level) * breaches.length,
    kupiecStatistic: kupiec.statistic,
    kupiecPValue: kupiec.pValue,
    independenceStatistic: independence.statistic,
    independencePValue: independence.pValue,
    conditionalCoverageStatistic,
    conditionalCoveragePValue: 1 - chiSquareCdf(conditionalCoverageStatistic, 2),
  };
}

/** Forecasts `kind`'s VaR over `returns` and tests each level. */
export function backtestVar(
  kind: MarketModelKind,
  returns: readonly number[],
  options: VarBacktestOptions = {},
): VarTest[] {
  const forecasts = varForecasts(kind, returns, options);
  return varBreaches(forecasts, returns).map((breaches, l) => varTest(breaches, forecasts.levels[l]!));
}

function checkBreaches(breaches: readonly number[]): void {
  if (breaches.length < 2) throw new Error(`breaches must have at least 2 days, got ${breaches.length}`);
  breaches.forEach((b, t) => {
    if (b !== 0 && b !== 1) throw new Error(`breaches[${t}] must be 0 or 1, got ${show(b)}`);
  });
}

/**
 * Daily closes from a `date,close_usd` CSV text (a header line, then one `YYYY-MM-DD,price` per line), and the log
 * returns between consecutive calendar days (a return across a missing day is left out and counted). Throws, naming
 * the line, on a malformed row.
 */
export function dailyLogReturnsFromCsv(
  text: string,
  name = "csv",
): { returns: number[]; skippedGaps: number; firstDate: string; lastDate: string } {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  if (lines[0]?.trim() !== "date,close_usd")
    throw new Error(`${name} must start with the header "date,close_usd", got ${show(lines[0])}`);
  const rows = lines.slice(1).map((line, k) => {
    const [date, close] = line.split(",");
    const day = Date.parse(`${date}T00:00:00Z`) / 86_400_000;
    const price = Number(close);
    if (!Number.isInteger(day) || !(Number.isFinite(price) && price > 0))
      throw new Error(`${name} line ${k + 2} must be "YYYY-MM-DD,positive price", got ${show(line)}`);
    return { date: date!, day, price };
  });
  if (rows.length < 2) throw new Error(`${name} must have at least two prices, got ${rows.length}`);
  const returns: number[] = [];
  let skippedGaps = 0;
  for (let t = 1; t < rows.length; t++) {
    if (rows[t]!.day - rows[t - 1]!.day !== 1) {
      skippedGaps++;
      continue;
    }
    returns.push(ln(rows[t]!.price / rows[t - 1]!.price));
  }
  return { returns, skippedGaps, firstDate: rows[0]!.date, lastDate: rows.at(-1)!.date };
}

/** One model's backtest on one asset, as {@link varBacktestMarkdown} lays it out. */
export type VarBacktestRow = { asset: string; kind: MarketModelKind; tests: readonly VarTest[] };

/**
 * The side-by-side table of VaR backtests, one markdown line per asset × model × level: days, breaches, expected
 * breaches, Kupiec's and Christoffersen's (independence, conditional coverage) p-values, and "rejected" when
 * Kupiec's or the conditional-coverage p-value is below 5%.
 */
export function varBacktestMarkdown(rows: readonly VarBacktestRow[]): string[] {
  const p = (value: number) => (value < 0.0001 ? "< 0.0001" : value.toFixed(4));
  return [
    "| Asset | Model | VaR | Days | Breaches | Expected | Kupiec p | Christoffersen ind. p | Cond. coverage p | Verdict at 5% |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ...rows.flatMap(({ asset, kind, tests }) =>
      tests.map(
        (t) =>
          `| ${asset} | ${kind} | ${+(t.level * 100).toFixed(2)}% | ${t.days} | ${t.breaches} | ${t.expectedBreaches.toFixed(1)} | ` +
          `${p(t.kupiecPValue)} | ${p(t.independencePValue)} | ${p(t.conditionalCoveragePValue)} | ` +
          `${t.kupiecPValue < 0.05 || t.conditionalCoveragePValue < 0.05 ? "rejected" : "not rejected"} |`,
      ),
    ),
  ];
}
