/**
 * Monte Carlo error of a comparison: how far each summary statistic's difference (proposed less current) could move
 * with other draws of the same number of paths. Not the uncertainty of the market model or its calibration.
 *
 * The paired bootstrap resamples paths with replacement, the same paths for both sets (so that their common random
 * numbers stay paired), recomputes each statistic on the resample and takes the 2.5th and 97.5th percentiles of the
 * differences. A resample is a count per path, so a quantile or a tail mean walks the set's values in sorted order
 * once, without sorting again. The resamples come from the sim's own generator (random.ts), so a seed gives the same
 * intervals, bit for bit, in every engine.
 */
import type { Random } from "./random.ts";
import { pooledSharpe, pooledSortino } from "./pooledRatios.ts";
import { clopperPearson, quantilesInPlace, type Interval } from "./stats.ts";

/** A statistic of one set's per-path values (non-finite values are left out, as undefined for that path). */
export type Statistic =
  | { kind: "mean" }
  | { kind: "quantile"; probability: number }
  /** Expected shortfall at `confidence`, as a positive loss (see stats.ts `cvar`). */
  | { kind: "cvar"; confidence: number }
  /**
   * A Sharpe or Sortino ratio pooled over the drawn paths (see pooledRatios.ts): each path contributes three values,
   * `[Σ excess, Σ excess², Σ min(0, excess)²]` of its `stepsPerPath` excess step returns, at `3 × path`.
   */
  | { kind: "pooledRatio"; ratio: "sharpe" | "sortino"; stepsPerPath: number; stepsPerYear: number };

/** Values per path that a statistic reads: three for a pooled ratio's sums, one otherwise. */
const widthOf = (statistic: Statistic) => (statistic.kind === "pooledRatio" ? 3 : 1);

/** A statistic measured on both sets' per-path values (index = path, or `width × path` for a pooled ratio). */
export type PairedStatistic = { statistic: Statistic; current: Float64Array; proposed: Float64Array };

/** A difference (proposed less current) with its 95% interval; `method` says how the interval was made. */
export type Difference = {
  estimate: number;
  low95: number;
  high95: number;
  method: "paired-bootstrap" | "exact-binomial";
};

/** Whether an interval contains zero: the data cannot tell the difference's sign. */
export const cantTellFromZero = (d: Interval): boolean => d.low95 <= 0 && d.high95 >= 0;

/** One set's values: sorted, with each one's path, non-finite values left out (for quantiles and tails). */
type Prepared = { raw: Float64Array; allFinite: boolean; values: Float64Array; paths: Uint32Array };

function prepare(raw: Float64Array, sort: boolean): Prepared {
  const allFinite = raw.every((v) => Number.isFinite(v));
  if (!sort) return { raw, allFinite, values: new Float64Array(0), paths: new Uint32Array(0) };
  const paths = Uint32Array.from({ length: raw.length }, (_, i) => i).filter((i) => Number.isFinite(raw[i]!));
  // Ties in path order, so that the order (and every sum along it) is the same in every engine.
  paths.sort((i, j) => raw[i]! - raw[j]! || i - j);
  return { raw, allFinite, values: Float64Array.from(paths, (i) => raw[i]!), paths };
}

/** The statistic of one set under `counts` (how often each path was drawn); null when no path has a value. */
function evaluate(statistic: Statistic, set: Prepared, counts: Uint32Array, drawn: number): number | null {
  const { raw, allFinite, values, paths } = set;
  if (statistic.kind === "pooledRatio") {
    const sums = new Float64Array(4);
    for (let p = 0; p < counts.length; p++) {
      const c = counts[p]!;
      if (c === 0) continue;
      sums[1]! += c * raw[3 * p]!;
      sums[2]! += c * raw[3 * p + 1]!;
      sums[3]! += c * raw[3 * p + 2]!;
    }
    sums[0] = drawn * statistic.stepsPerPath;
    return statistic.ratio === "sharpe"
      ? pooledSharpe(sums, statistic.stepsPerYear)
      : pooledSortino(sums, statistic.stepsPerYear);
  }
  if (statistic.kind === "mean") {
    let sum = 0;
    let n = 0;
    if (allFinite) {
      for (let p = 0; p < raw.length; p++) sum += counts[p]! * raw[p]!;
      n = drawn;
    } else {
      for (let p = 0; p < raw.length; p++) {
        const c = counts[p]!;
        if (c > 0 && Number.isFinite(raw[p]!)) {
          sum += c * raw[p]!;
          n += c;
        }
      }
    }
    return n > 0 ? sum / n : null;
  }
  let n = drawn;
  if (!allFinite) {
    n = 0;
    for (let i = 0; i < paths.length; i++) n += counts[paths[i]!]!;
  }
  if (n === 0) return null;
  // Type 7, as stats.ts `quantile`: the values at ranks ⌊h⌋ and ⌊h⌋ + 1 (0-based, ascending) of the resample, found in
  // one walk from the nearer end.
  const quantileAt = (probability: number) => {
    const h = (n - 1) * probability;
    const below = Math.floor(h);
    const fraction = h - below;
    const last = values.length - 1;
    let low = values[last]!;
    let high = low;
    if (below < n / 2) {
      let seen = 0;
      let i = 0;
      for (; i <= last; i++) {
        seen += counts[paths[i]!]!;
        if (seen > below) break;
      }
      low = values[i]!;
      if (seen > below + 1) high = low;
      else {
        for (i++; i <= last && counts[paths[i]!]! === 0; i++);
        high = values[Math.min(i, last)]!;
      }
    } else {
      // From the top: rank r from the bottom is rank n − 1 − r from the top.
      const fromTop = n - 1 - below; // the rank of `low` from the top; `high` is one above it
      let seen = 0;
      let i = last;
      for (; i >= 0; i--) {
        seen += counts[paths[i]!]!;
        if (seen > fromTop - 1) break;
      }
      high = values[i]!;
      if (seen > fromTop) low = high;
      else {
        for (i--; i >= 0 && counts[paths[i]!]! === 0; i--);
        low = values[Math.max(i, 0)]!;
      }
    }
    if (fraction === 0 || below >= n - 1) return low;
    return low + fraction * (high - low);
  };
  if (statistic.kind === "quantile") return quantileAt(statistic.probability);
  const threshold = quantileAt(1 - statistic.confidence);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < paths.length && values[i]! <= threshold; i++) {
    const c = counts[paths[i]!]!;
    sum += c * values[i]!;
    count += c;
  }
  return sum === 0 ? 0 : -sum / count;
}

/**
 * Paired-bootstrap 95% intervals (percentile method) of each statistic's difference, proposed less current, over
 * `resamples` resamples of the `paths` paths drawn from `random`. `estimate` is the difference on all paths. Null for
 * a statistic that has no value in a set (e.g. a health factor when nothing was borrowed).
 */
export function pairedBootstrap<K extends string>(
  statistics: Readonly<Record<K, PairedStatistic>>,
  paths: number,
  resamples: number,
  random: Random,
): Record<K, Difference | null> {
  if (!(Number.isInteger(resamples) && resamples >= 1))
    throw new Error(`resamples must be a whole number ≥ 1, got ${resamples}`);
  const keys = Object.keys(statistics) as K[];
  const prepared = keys.map((key) => {
    const { statistic, current, proposed } = statistics[key];
    const width = widthOf(statistic);
    if (current.length !== width * paths || proposed.length !== width * paths)
      throw new Error(`${key}: each set needs ${width === 1 ? "one value" : `${width} values`} per path (${paths})`);
    const sort = statistic.kind !== "mean" && statistic.kind !== "pooledRatio";
    return {
      key,
      statistic,
      sets: [prepare(current, sort), prepare(proposed, sort)],
      differences: new Float64Array(resamples),
    };
  });
  const ones = new Uint32Array(paths).fill(1);
  const estimates = prepared.map(({ statistic, sets: [a, b] }) => {
    const [x, y] = [evaluate(statistic, a!, ones, paths), evaluate(statistic, b!, ones, paths)];
    return x === null || y === null ? null : y - x;
  });
  const counts = new Uint32Array(paths);
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    for (let i = 0; i < paths; i++) counts[random.int(0, paths - 1)]!++;
    prepared.forEach((s, i) => {
      if (estimates[i] === null) return;
      const a = evaluate(s.statistic, s.sets[0]!, counts, paths);
      const b = evaluate(s.statistic, s.sets[1]!, counts, paths);
      // A resample may miss every path with a value (a health factor borrowed on one path): no difference then.
      s.differences[r] = a === null || b === null ? 0 : b - a;
    });
  }
  return Object.fromEntries(
    prepared.map((s, i) => {
      const estimate = estimates[i];
      if (estimate === null || estimate === undefined) return [s.key, null];
      const [low95, high95] = quantilesInPlace(s.differences, [0.025, 0.975]) as [number, number];
      return [s.key, { estimate, low95, high95, method: "paired-bootstrap" }];
    }),
  ) as Record<K, Difference | null>;
}

/**
 * The difference of two probabilities measured on the same paths (proposed less current), with a conservative
 * exact 95% interval: the difference is (b − c)/n, where b paths have the event under the proposed set only and c
 * under the current set only; each of b/n and c/n gets a Clopper–Pearson interval at 97.5%, and the interval is
 * [low(b) − high(c), high(b) − low(c)] (at least 95% by Bonferroni). No discordant path gives ±(1 − 0.0125^(1/n)),
 * not [0, 0].
 */
export function pairedProportionDifference(current: Float64Array, proposed: Float64Array): Difference {
  const n = current.length;
  if (n === 0 || proposed.length !== n) throw new Error(`need the same number (≥ 1) of paths in each set`);
  let onlyProposed = 0;
  let onlyCurrent = 0;
  for (let p = 0; p < n; p++) {
    const [a, b] = [current[p]! > 0, proposed[p]! > 0];
    if (b && !a) onlyProposed++;
    if (a && !b) onlyCurrent++;
  }
  const up = clopperPearson(onlyProposed, n, 0.975);
  const down = clopperPearson(onlyCurrent, n, 0.975);
  return {
    estimate: (onlyProposed - onlyCurrent) / n,
    low95: up.low95 - down.high95,
    high95: up.high95 - down.low95,
    method: "exact-binomial",
  };
}
