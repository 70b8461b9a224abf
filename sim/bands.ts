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
/** Per bucket: its place among the buckets a call gathers, −1 for the others (left all −1 between calls). */
const slotOfBucket = new Int32Array(1 << bucketBits).fill(-1);
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
  // The buckets span the range of a sample (every `sampleStride`-th value) widened by half its width each way, not
  // the range of all the values: a pass fewer. Should a value lie outside it (a tail far beyond the sample's), the
  // count starts again over the exact range. Either way the buckets keep the values' order, so the ranks are exact.
  let [min, max] = rangeOf(bits, length, sampleStride);
  const half = (max - min) >>> 1;
  [min, max] = [Math.max(0, min - half), Math.min(0xffffffff, max + half)]; // still 32-bit keys
  if (!countBuckets(bits, length, min, max)) {
    [min, max] = rangeOf(bits, length, 1);
    countBuckets(bits, length, min, max);
  }
  const shift = shiftFor(max - min);
  if (gathered.length < length) gathered = new Float64Array(length);
  const asFloat = new Float32Array(1);
  const asBits = new Uint32Array(asFloat.buffer);
  const ranks = ranksOf(length, probabilities);
  const values = new Float64Array(ranks.length);
  // Each wanted rank's bucket, and the buckets wanted (ascending), each with its place in `gathered`.
  const rankBuckets = new Int32Array(ranks.length);
  const rankBefore = new Int32Array(ranks.length);
  const wanted: number[] = [];
  let bucket = 0;
  let before = 0;
  for (let r = 0; r < ranks.length; r++) {
    while (before + counts[bucket]! <= ranks[r]!) before += counts[bucket++]!;
    rankBuckets[r] = bucket;
    rankBefore[r] = before;
    if (wanted[wanted.length - 1] !== bucket) wanted.push(bucket);
  }
  const starts = new Int32Array(wanted.length);
  const ends = new Int32Array(wanted.length);
  for (let w = 0, at = 0; w < wanted.length; w++) {
    starts[w] = ends[w] = at;
    at += counts[wanted[w]!]!;
    slotOfBucket[wanted[w]!] = w;
  }
  // One pass gathers the values of every wanted bucket (in the order they come), each bucket's to its own place.
  for (let i = 0; i < length; i++) {
    const key = bits[i]!;
    const slot = slotOfBucket[(key - min) >>> shift]!; // every key is in [min, max] now
    if (slot >= 0) {
      asBits[0] = key;
      gathered[ends[slot]!++] = asFloat[0]!;
    }
  }
  for (const b of wanted) slotOfBucket[b] = -1;
  // Bucket by bucket, the ranks in it selected; ranks ascend, so each is the smallest of what lies after the last.
  for (let r = 0, w = 0; r < ranks.length; w++) {
    const target = wanted[w]!;
    let from = starts[w]!;
    const last = ends[w]! - 1;
    for (; r < ranks.length && rankBuckets[r] === target; r++) {
      const k = starts[w]! + ranks[r]! - rankBefore[r]!;
      select(gathered, from, last, k);
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

/** Every how many values `quantilesOfFloat32` reads to guess the range of its buckets. */
const sampleStride = 16;

/** The least and the greatest of every `stride`-th key of `bits[0..length)`. */
function rangeOf(bits: Uint32Array, length: number, stride: number): [number, number] {
  let min = bits[0]!;
  let max = min;
  for (let i = stride; i < length; i += stride) {
    const key = bits[i]!;
    if (key < min) min = key;
    if (key > max) max = key;
  }
  return [min, max];
}

/** The smallest shift that puts `span` into the buckets. */
function shiftFor(span: number): number {
  let shift = 0;
  while (span >>> shift >= 1 << bucketBits) shift++;
  return shift;
}

/**
 * Counts the keys of `bits[0..length)` by bucket of [min, max] (see `shiftFor`); false, the counts left unfinished, at
 * the first key outside it.
 */
function countBuckets(bits: Uint32Array, length: number, min: number, max: number): boolean {
  const span = max - min;
  const shift = shiftFor(span);
  counts.fill(0, 0, (span >>> shift) + 1);
  for (let i = 0; i < length; i++) {
    const offset = (bits[i]! - min) >>> 0;
    if (offset > span) return false;
    counts[offset >>> shift]!++;
  }
  return true;
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
