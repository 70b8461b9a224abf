/**
 * Quantile bands of many paths at each step, for fan charts: the type-7 quantiles of `stats.ts`, found without a
 * sort, since a 10,000-path, 365-step run needs 730 of them.
 *
 * `quantilesOfFloat32` works on a column of non-negative float32 values given as their bits (a Uint32Array view):
 * for such numbers the bits order like the values, so one pass buckets them by their high bits, a prefix sum finds
 * each wanted rank's bucket, and the rank is selected among that bucket's few values. Exact (the order statistics a
 * sort gives), and without the branch mispredictions that make quickselect slow on random data.
 */

/** The bands a report carries, as probabilities. */
export const bandProbabilities = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

const bucketBits = 12;
const counts = new Int32Array(1 << bucketBits);
let gathered = new Float64Array(0);

/**
 * Type-7 quantiles of the non-negative float32 numbers whose bits are `bits[0..length)`; `probabilities` ascending.
 */
export function quantilesOfFloat32(
  bits: Uint32Array,
  length: number,
  probabilities: readonly number[],
  out: Float64Array,
): Float64Array {
  if (length === 0) {
    out.fill(0, 0, probabilities.length);
    return out;
  }
  let min = bits[0]!;
  let max = min;
  for (let i = 1; i < length; i++) {
    const key = bits[i]!;
    if (key < min) min = key;
    if (key > max) max = key;
  }
  // The smallest shift that puts (max − min) into the buckets.
  let shift = 0;
  while ((max - min) >>> shift >= 1 << bucketBits) shift++;
  const buckets = ((max - min) >>> shift) + 1;
  counts.fill(0, 0, buckets);
  for (let i = 0; i < length; i++) counts[(bits[i]! - min) >>> shift]!++;
  if (gathered.length < length) gathered = new Float64Array(length);
  const asFloat = new Float32Array(1);
  const asBits = new Uint32Array(asFloat.buffer);
  const ranks = ranksOf(length, probabilities);
  const values = new Float64Array(ranks.length);
  // Each wanted rank's bucket; then, bucket by bucket, its values gathered and the ranks in it selected.
  const rankBuckets = new Int32Array(ranks.length);
  const rankBefore = new Int32Array(ranks.length);
  let bucket = 0;
  let before = 0;
  for (let r = 0; r < ranks.length; r++) {
    while (before + counts[bucket]! <= ranks[r]!) before += counts[bucket++]!;
    rankBuckets[r] = bucket;
    rankBefore[r] = before;
  }
  for (let r = 0; r < ranks.length;) {
    const target = rankBuckets[r]!;
    let size = 0;
    for (let i = 0; i < length; i++) {
      const key = bits[i]!;
      if ((key - min) >>> shift === target) {
        asBits[0] = key;
        gathered[size++] = asFloat[0]!;
      }
    }
    // Ranks ascend, so each is the smallest of what lies after the previous one.
    let from = 0;
    for (; r < ranks.length && rankBuckets[r] === target; r++) {
      const k = ranks[r]! - rankBefore[r]!;
      select(gathered, from, size - 1, k);
      values[r] = gathered[k]!;
      from = k + 1;
    }
  }
  probabilities.forEach((p, i) => {
    const h = (length - 1) * p;
    const lo = Math.floor(h);
    const at = ranks.indexOf(lo);
    const below = values[at]!;
    out[i] = h > lo && lo + 1 < length ? below + (h - lo) * (values[at + 1]! - below) : below;
  });
  return out;
}

/** The order statistics type-7 quantiles need, ascending, without repeats. */
function ranksOf(length: number, probabilities: readonly number[]): number[] {
  const ranks = new Set<number>();
  for (const p of probabilities) {
    const h = (length - 1) * p;
    const lo = Math.floor(h);
    ranks.add(lo);
    if (lo + 1 < length && h > lo) ranks.add(lo + 1);
  }
  return [...ranks].sort((a, b) => a - b);
}

/** Hoare-style quickselect: values[k] becomes the k-th smallest of values[left..right]. */
function select(values: Float64Array, left: number, right: number, k: number): void {
  while (right > left) {
    // Median of three as the pivot keeps sorted or constant inputs linear.
    const mid = (left + right) >> 1;
    const a = values[left]!;
    const b = values[mid]!;
    const c = values[right]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i++] = values[j]!;
        values[j--] = t;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}
