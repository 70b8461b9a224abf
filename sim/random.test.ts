import { describe, expect, it } from "vitest";
import { createRandom } from "./random.ts";

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

  it("gives the same sequence for the same seed and another for another seed", () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const seqA = Array.from({ length: 5 }, () => a.normal());
    expect(Array.from({ length: 5 }, () => b.normal())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.normal())).not.toEqual(seqA);
  });

  it("draws normals with mean 0 and variance 1, and integers within bounds", () => {
    const random = createRandom(7);
    const draws = Array.from({ length: 20_000 }, () => random.normal());
    const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
    const variance = draws.reduce((s, x) => s + (x - mean) ** 2, 0) / draws.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    const ints = Array.from({ length: 1_000 }, () => random.int(3, 5));
    expect(new Set(ints)).toEqual(new Set([3, 4, 5]));
  });

  it("refuses a seed that is not an integer", () => {
    expect(() => createRandom(1.5)).toThrow(/seed must be an integer, got 1.5/);
  });
});
