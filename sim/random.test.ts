import { describe, expect, it } from "vitest";
import { ln } from "./detMath.ts";
import { createRandom } from "./random.ts";

const view = new DataView(new ArrayBuffer(8));

/** x's binary64 encoding, as 16 hex digits. */
function bitsOf(x: number): string {
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16).padStart(16, "0");
}

/** The polar method as random.ts specifies it, from uniforms drawn with `next`: a pair of normals. */
function polarPair(next: () => number): [number, number] {
  for (;;) {
    const u = 2 * next() - 1;
    const v = 2 * next() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) {
      const m = Math.sqrt((-2 * ln(s)) / s);
      return [u * m, v * m];
    }
  }
}

describe("createRandom", () => {
  it("follows its specification: mulberry32's first outputs for seed 1", () => {
    const random = createRandom(1);
    // Computed by hand from the specification in random.ts.
    const state = 0x6d2b79f5 + 1;
    let t = state >>> 0;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    expect(random.next()).toBe(((t ^ (t >>> 14)) >>> 0) / 4_294_967_296);
  });

  it("takes the seed modulo 2^32", () => {
    const draws = (seed: number) => {
      const random = createRandom(seed);
      return Array.from({ length: 4 }, () => random.next());
    };
    expect(draws(1 + 2 ** 32)).toEqual(draws(1));
    expect(draws(-1)).toEqual(draws(2 ** 32 - 1));
    expect(draws(2 ** 31)).toEqual(draws(-(2 ** 31)));
    expect(draws(2 ** 31)).not.toEqual(draws(1));
  });

  it("gives exactly these first six normals for seed 1", () => {
    const random = createRandom(1);
    expect(Array.from({ length: 6 }, () => bitsOf(random.normal()))).toEqual([
      "3f96717d017cb288", // 0.02191729852272542
      "3fd895a639683309", // 0.38413386922984266
      "3fe86611e0dfbe0a", // 0.7624596969671427
      "3ff7dd7ee8a4ca5c", // 1.4915761077542333
      "c007f5e9bc07a6ea", // -2.9950747194133003
      "bfe80613515ed397", // -0.7507416333452167
    ]);
  });

  it("draws normals by the polar method of its specification, in pairs, from its own uniforms", () => {
    const random = createRandom(1);
    const uniforms = createRandom(1);
    for (let pair = 0; pair < 5_000; pair++) {
      const [first, second] = polarPair(uniforms.next);
      expect(random.normal()).toBe(first);
      expect(random.normal()).toBe(second);
    }
    // Both generators have drawn the same uniforms, rejected pairs included.
    expect(random.next()).toBe(uniforms.next());
  });

  it("gives the same sequence for the same seed and another for another seed", () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const seqA = Array.from({ length: 5 }, () => a.normal());
    expect(Array.from({ length: 5 }, () => b.normal())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.normal())).not.toEqual(seqA);
  });

  it("draws normals with mean 0, variance 1 and normal tails, and integers within bounds", () => {
    const random = createRandom(7);
    const draws = Array.from({ length: 20_000 }, () => random.normal());
    const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
    const variance = draws.reduce((s, x) => s + (x - mean) ** 2, 0) / draws.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    // P(|Z| > 1) = 0.3173, P(|Z| > 2) = 0.0455, P(|Z| > 3) = 0.0027.
    const beyond = (k: number) => draws.filter((x) => Math.abs(x) > k).length / draws.length;
    expect(Math.abs(beyond(1) - 0.3173)).toBeLessThan(0.015);
    expect(Math.abs(beyond(2) - 0.0455)).toBeLessThan(0.006);
    expect(Math.abs(beyond(3) - 0.0027)).toBeLessThan(0.0015);
    const ints = Array.from({ length: 1_000 }, () => random.int(3, 5));
    expect(new Set(ints)).toEqual(new Set([3, 4, 5]));
  });

  it("fills arrays with the same normals as repeated normal() calls, from and leaving the same state", () => {
    const filled = createRandom(11);
    const called = createRandom(11);
    const out = new Float64Array(40).fill(NaN);
    const expected = new Float64Array(40).fill(NaN);
    const callInto = (start: number, count: number) => {
      for (let i = start; i < start + count; i++) expected[i] = called.normal();
    };
    // Odd counts leave a spare for the next call; a zero count changes nothing.
    for (const [start, count] of [
      [0, 3],
      [3, 0],
      [5, 1],
      [6, 8],
      [20, 7],
      [30, 10],
    ] as const) {
      filled.fillNormals(out, start, count);
      callInto(start, count);
      expect(filled.normal()).toBe(called.normal());
    }
    expect(Array.from(out, bitsOf)).toEqual(Array.from(expected, bitsOf)); // untouched slots stay NaN in both
    expect(out[4]).toBeNaN();
    expect(filled.next()).toBe(called.next());
  });

  it("refuses to fill outside the array", () => {
    const random = createRandom(1);
    const out = new Float64Array(4);
    expect(() => random.fillNormals(out, 2, 3)).toThrow(/cannot write 3 normals from index 2 into an array of 4/);
    expect(() => random.fillNormals(out, -1, 1)).toThrow(RangeError);
    expect(() => random.fillNormals(out, 0.5, 1)).toThrow(RangeError);
    expect(() => random.fillNormals(out, 0, 4)).not.toThrow();
  });

  it("refuses a seed that is not an integer", () => {
    expect(() => createRandom(1.5)).toThrow(/seed must be an integer, got 1.5/);
  });
});
