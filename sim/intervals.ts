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
  // Plain loops, not `every` and `Float64Array.from` with a callback: a call per value was most of this function's time.
  let allFinite = true;
  for (let p = 0; p < raw.length && allFinite; p++) allFinite = Number.isFinite(raw[p]!);
  if (!sort) return { raw, allFinite, values: new Float64Array(0), paths: new Uint32Array(0) };
  const paths = sortedPaths(raw);
  const values = new Float64Array(paths.length);
  for (let i = 0; i < paths.length; i++) values[i] = raw[paths[i]!]!;
  return { raw, allFinite, values, paths };
}

/** Which of a double's two 32-bit words (through a Uint32Array view) holds its sign and exponent. */
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * The paths of `raw`'s finite values, ascending by value, ties (−0 and +0 among them) in path order, so that the
 * order (and every sum along it) is the same in every engine: the order `sort((i, j) => raw[i] − raw[j] || i − j)`
 * gives, by a stable radix sort of the values' bits (six passes of up to 11 bits; a negative's bits flipped, a
 * positive's sign bit set, so that the bits order like the values) in a fraction of a comparison sort's time.
 */
export function sortedPaths(raw: Float64Array): Uint32Array {
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  const high = new Uint32Array(raw.length);
  const low = new Uint32Array(raw.length);
  let order = new Uint32Array(raw.length);
  let count = 0;
  for (let p = 0; p < raw.length; p++) {
    const value = raw[p]!;
    if (!Number.isFinite(value)) continue;
    order[count++] = p;
    bits[0] = value + 0; // −0 + 0 is +0: the zeros tie
    const h = words[HIGH_WORD]!;
    const negative = h >>> 31 === 1;
    high[p] = negative ? ~h >>> 0 : (h | 0x80000000) >>> 0;
    low[p] = negative ? ~words[1 - HIGH_WORD]! >>> 0 : words[1 - HIGH_WORD]!;
  }
  order = order.subarray(0, count);
  let next = new Uint32Array(count);
  // Six passes of at most 11 bits (2,048 buckets): for a run's 10,000 paths far less work than four passes of 16 bits,
  // whose 65,536 buckets are cleared and summed each pass. A pass whose digit is the same for every value (the top
  // bits of values of one sign and magnitude) would leave the order as it is, and is skipped.
  const starts = new Uint32Array(1 << 11);
  for (const [key, shift, width] of [
    [low, 0, 11],
    [low, 11, 11],
    [low, 22, 10],
    [high, 0, 11],
    [high, 11, 11],
    [high, 22, 10],
  ] as const) {
    const mask = (1 << width) - 1;
    starts.fill(0);
    for (let k = 0; k < count; k++) starts[(key[order[k]!]! >>> shift) & mask]!++;
    if (count === 0 || starts[(key[order[0]!]! >>> shift) & mask] === count) continue;
    for (let digit = 0, at = 0; digit <= mask; digit++) {
      const size = starts[digit]!;
      starts[digit] = at;
      at += size;
    }
    for (let k = 0; k < count; k++) {
      const p = order[k]!;
      next[starts[(key[p]! >>> shift) & mask]!++] = p;
    }
    [order, next] = [next, order];
  }
  return order;
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
  if (statistic.kind === "quantile") return quantileOfResample(set, counts, n, statistic.probability);
  const threshold = quantileOfResample(set, counts, n, 1 - statistic.confidence);
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
 * Type 7, as stats.ts `quantile`, of the resample of `set` under `counts` (n values drawn): the values at ranks ⌊h⌋ and
 * ⌊h⌋ + 1 (0-based, ascending) of the resample, found in one walk from the nearer end. A function of the module, not
 * a closure of each `evaluate` (one fewer allocation per statistic and resample).
 */
function quantileOfResample(set: Prepared, counts: Uint32Array, n: number, probability: number): number {
  const { values, paths } = set;
  const h = (n - 1) * probability;
  const below = Math.floor(h);
  const fraction = h - below;
  const last = values.length - 1;
  let low = values[last]!;
  let high = low;
  if (below < n / 2) {
    let seen = 0;
    let i = 0;
    // Four values at a time while the rank lies beyond them (a median walks half the values), then one at a time.
    for (; i + 3 <= last; i += 4) {
      const four = counts[paths[i]!]! + counts[paths[i + 1]!]! + counts[paths[i + 2]!]! + counts[paths[i + 3]!]!;
      if (seen + four > below) break;
      seen += four;
    }
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
}

/**
 * Columns a walk of `SharedSums` sums at once (each in a variable of its own, not in memory): eight, so that a path's
 * values of a group fill one 64-byte cache line, and the eight sums' additions (each waiting on its last) overlap.
 */
const GROUP = 8;

/**
 * The weighted sums of per-path columns a resample needs for every mean of finite values and every pooled ratio,
 * `Σ counts[p] · value[p]`, each added in path order as `evaluate` adds it (so the same bits): the resample's drawn
 * paths are listed once, then each group of `GROUP` columns is summed in one walk over them. A path drawn no time
 * would add c × value = ±0, which leaves a sum as it is (a sum that starts at +0 is never −0). A column read by
 * several statistics (a pooled Sharpe and Sortino of the same sums) is stored once.
 */
type SharedSums = {
  /** The first column of `raw` (`width × path` layout for a pooled ratio), added when not yet there. */
  columnOf(raw: Float64Array, width: number): number;
  /** Lays the columns out; call once, after every `columnOf`. */
  build(paths: number): void;
  /** Fills `sums` under `counts` (how often each path was drawn). */
  sum(counts: Uint32Array): void;
  /** Each column's weighted sum under the last `sum`. */
  readonly sums: Float64Array;
};

/**
 * The columns of `SharedSums` laid out for its walks: group g's `GROUP` values of path p at `(g × paths + p) × GROUP`;
 * `drawnAt` and `drawnCounts` hold the drawn paths' offsets in a group (p × GROUP) and their counts.
 */
type SumsLayout = {
  paths: number;
  matrix: Float64Array;
  sums: Float64Array;
  drawnAt: Int32Array;
  drawnCounts: Float64Array;
};

/**
 * `SharedSums.sum`: a function of the module rather than a closure of each `createSharedSums`, so that its loops read
 * the layout's arrays as locals (not through a closure's context) and are compiled once for every bootstrap.
 */
function weightedSums(layout: SumsLayout, counts: Uint32Array): void {
  const { paths, matrix, sums, drawnAt, drawnCounts } = layout;
  let drawn = 0;
  for (let p = 0; p < paths; p++) {
    const c = counts[p]!;
    drawnAt[drawn] = p * GROUP;
    drawnCounts[drawn] = c;
    drawn += (c | -c) >>> 31; // 1 when c > 0, without a branch
  }
  for (let g = 0; g < sums.length; g += GROUP) {
    const base = g * paths;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    let s5 = 0;
    let s6 = 0;
    let s7 = 0;
    for (let i = 0; i < drawn; i++) {
      const c = drawnCounts[i]!;
      const at = base + drawnAt[i]!;
      s0 += c * matrix[at]!;
      s1 += c * matrix[at + 1]!;
      s2 += c * matrix[at + 2]!;
      s3 += c * matrix[at + 3]!;
      s4 += c * matrix[at + 4]!;
      s5 += c * matrix[at + 5]!;
      s6 += c * matrix[at + 6]!;
      s7 += c * matrix[at + 7]!;
    }
    sums[g] = s0;
    sums[g + 1] = s1;
    sums[g + 2] = s2;
    sums[g + 3] = s3;
    sums[g + 4] = s4;
    sums[g + 5] = s5;
    sums[g + 6] = s6;
    sums[g + 7] = s7;
  }
}

function createSharedSums(): SharedSums {
  const sources: { raw: Float64Array; width: number; at: number }[] = [];
  let columns = 0;
  let layout: SumsLayout = {
    paths: 0,
    matrix: new Float64Array(0),
    sums: new Float64Array(0),
    drawnAt: new Int32Array(0),
    drawnCounts: new Float64Array(0),
  };
  return {
    get sums() {
      return layout.sums;
    },
    columnOf(raw, width) {
      const found = sources.find(
        (s) =>
          s.raw.buffer === raw.buffer &&
          s.raw.byteOffset === raw.byteOffset &&
          s.raw.length === raw.length &&
          s.width === width,
      );
      if (found) return found.at;
      sources.push({ raw, width, at: columns });
      columns += width;
      return columns - width;
    },
    build(paths) {
      const groups = Math.ceil(columns / GROUP);
      const matrix = new Float64Array(groups * paths * GROUP);
      for (const { raw, width, at } of sources)
        for (let j = 0; j < width; j++) {
          const column = at + j;
          const start = Math.floor(column / GROUP) * paths * GROUP + (column % GROUP);
          for (let p = 0; p < paths; p++) matrix[start + p * GROUP] = raw[width * p + j]!;
        }
      layout = {
        paths,
        matrix,
        sums: new Float64Array(groups * GROUP),
        drawnAt: new Int32Array(paths),
        drawnCounts: new Float64Array(paths),
      };
    },
    sum(counts) {
      weightedSums(layout, counts);
    },
  };
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
  // A set's values sorted once for all the statistics that read them (a median and two tails of the returns).
  const sorted: Prepared[] = [];
  const prepareOnce = (raw: Float64Array, sort: boolean) => {
    if (!sort) return prepare(raw, false);
    const same = sorted.find(
      (s) => s.raw.buffer === raw.buffer && s.raw.byteOffset === raw.byteOffset && s.raw.length === raw.length,
    );
    if (same) return same;
    const prepared = prepare(raw, true);
    sorted.push(prepared);
    return prepared;
  };
  const shared = createSharedSums();
  const prepared = keys.map((key) => {
    const { statistic, current, proposed } = statistics[key];
    const width = widthOf(statistic);
    if (current.length !== width * paths || proposed.length !== width * paths)
      throw new Error(`${key}: each set needs ${width === 1 ? "one value" : `${width} values`} per path (${paths})`);
    const sort = statistic.kind !== "mean" && statistic.kind !== "pooledRatio";
    const sets = [prepareOnce(current, sort), prepareOnce(proposed, sort)] as const;
    // Where each set's weighted sums sit in `shared` (−1: evaluated on its own).
    const summed =
      statistic.kind === "pooledRatio" || (statistic.kind === "mean" && sets[0].allFinite && sets[1].allFinite);
    const columns = summed ? sets.map((set) => shared.columnOf(set.raw, width)) : [-1, -1];
    return { key, statistic, sets, columns, differences: new Float64Array(resamples) };
  });
  shared.build(paths);
  const ones = new Uint32Array(paths).fill(1);
  const estimates = prepared.map(({ statistic, sets: [a, b] }) => {
    const [x, y] = [evaluate(statistic, a, ones, paths), evaluate(statistic, b, ones, paths)];
    return x === null || y === null ? null : y - x;
  });
  const pooledSums = new Float64Array(4);
  /** `evaluate`'s value of a statistic from its column's weighted sums in `shared`, for `drawn` paths drawn. */
  const fromSums = (statistic: Statistic, column: number, drawn: number) => {
    const { sums } = shared;
    if (statistic.kind !== "pooledRatio") return sums[column]! / drawn;
    pooledSums[0] = drawn * statistic.stepsPerPath;
    pooledSums[1] = sums[column]!;
    pooledSums[2] = sums[column + 1]!;
    pooledSums[3] = sums[column + 2]!;
    return statistic.ratio === "sharpe"
      ? pooledSharpe(pooledSums, statistic.stepsPerYear)
      : pooledSortino(pooledSums, statistic.stepsPerYear);
  };
  const counts = new Uint32Array(paths);
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    // `random.int(0, paths − 1)` is 0 + ⌊next() · paths⌋ (see random.ts): the same draws, without a call of `int`.
    for (let i = 0; i < paths; i++) counts[Math.floor(random.next() * paths)]!++;
    shared.sum(counts);
    prepared.forEach((s, i) => {
      if (estimates[i] === null) return;
      const [x, y] = s.columns as [number, number];
      const a = x >= 0 ? fromSums(s.statistic, x, paths) : evaluate(s.statistic, s.sets[0], counts, paths);
      const b = y >= 0 ? fromSums(s.statistic, y, paths) : evaluate(s.statistic, s.sets[1], counts, paths);
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
