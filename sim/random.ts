/**
 * A seeded pseudo-random generator with a written specification, so that the same seed gives the same numbers in
 * Node and in a browser: mulberry32 (32-bit state, period 2^32) for uniforms, Box–Muller for normals.
 *
 * Specification of `next()`: state += 0x6D2B79F5 (mod 2^32); t = state; t = imul(t ^ t>>>15, t | 1);
 * t ^= t + imul(t ^ t>>>7, t | 61); return ((t ^ t>>>14) >>> 0) / 2^32.
 */
export type Random = {
  /** A uniform number in [0, 1). */
  next(): number;
  /** A standard normal number (mean 0, variance 1). */
  normal(): number;
  /** An integer in [min, max], uniformly. */
  int(min: number, max: number): number;
};

/** A generator seeded with `seed` (any integer; taken modulo 2^32). */
export function createRandom(seed: number): Random {
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  let state = seed >>> 0;
  let spare: number | undefined;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const normal = () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    let u = 0;
    while (u === 0) u = next();
    const v = next();
    const radius = Math.sqrt(-2 * Math.log(u));
    spare = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return { next, normal, int };
}
