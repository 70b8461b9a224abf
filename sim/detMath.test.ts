import { afterEach, describe, expect, it, vi } from "vitest";
import { exp, ln } from "./detMath.ts";
import { createRandom } from "./random.ts";

const view = new DataView(new ArrayBuffer(8));

/** x's binary64 encoding, as 16 hex digits. */
function bitsOf(x: number): string {
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16).padStart(16, "0");
}

/** How many doubles apart a and b are (finite or infinite, not NaN; −0 and +0 count as the same). */
function ulpDistance(a: number, b: number): number {
  const rank = (x: number) => {
    view.setFloat64(0, x);
    const signed = view.getBigInt64(0);
    return signed < 0n ? -(signed & 0x7fff_ffff_ffff_ffffn) : signed;
  };
  const d = rank(a) - rank(b);
  return Number(d < 0n ? -d : d);
}

/** The largest ulp distance between f and reference over xs, and where it is. */
function worstDistance(xs: number[], f: (x: number) => number, reference: (x: number) => number) {
  let worst = { ulps: 0, x: NaN };
  for (const x of xs) {
    const ulps = ulpDistance(f(x), reference(x));
    if (ulps > worst.ulps) worst = { ulps, x };
  }
  return worst;
}

/** `count` positive finite doubles with uniformly random bit patterns: every binade from the subnormals up. */
function positiveDoubles(seed: number, count: number): number[] {
  const random = createRandom(seed);
  const xs: number[] = [];
  while (xs.length < count) {
    view.setUint32(0, Math.floor(random.next() * 2 ** 31)); // sign bit 0
    view.setUint32(4, Math.floor(random.next() * 2 ** 32));
    const x = view.getFloat64(0);
    if (x > 0 && x < Infinity) xs.push(x);
  }
  return xs;
}

function uniform(seed: number, count: number, min: number, max: number): number[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => min + random.next() * (max - min));
}

describe("ln", () => {
  it("has Math.log's special values", () => {
    expect(ln(0)).toBe(-Infinity);
    expect(ln(-0)).toBe(-Infinity);
    expect(ln(-1)).toBeNaN();
    expect(ln(-5e-324)).toBeNaN();
    expect(ln(-Infinity)).toBeNaN();
    expect(ln(NaN)).toBeNaN();
    expect(ln(Infinity)).toBe(Infinity);
    expect(ln(1)).toBe(0);
    expect(Object.is(ln(1), 0)).toBe(true);
  });

  it("handles the extremes: the smallest subnormal, the smallest normal and the largest double", () => {
    expect(ln(5e-324)).toBe(-744.4400719213812);
    expect(ln(2.2250738585072014e-308)).toBe(-708.3964185322641);
    expect(ln(Number.MAX_VALUE)).toBe(709.782712893384);
  });

  it("gives ln 2, ln 10 and ln e correctly rounded", () => {
    expect(ln(2)).toBe(Math.LN2);
    expect(ln(0.5)).toBe(-Math.LN2);
    expect(ln(10)).toBe(Math.LN10);
    expect(ln(Math.E)).toBe(1);
  });

  it("is within 2 ulp of Math.log over 200,000 doubles of every magnitude and 100,000 in (0, 2)", () => {
    expect(worstDistance(positiveDoubles(1, 200_000), ln, Math.log).ulps).toBeLessThanOrEqual(2);
    expect(worstDistance(uniform(2, 100_000, 0, 2), ln, Math.log).ulps).toBeLessThanOrEqual(2);
  });

  it("gives the bits of its specification (ln 3 is 1 ulp below the correctly rounded 0x3ff193ea7aad030b)", () => {
    expect(bitsOf(ln(3))).toBe("3ff193ea7aad030a");
    expect(bitsOf(ln(0.1))).toBe("c0026bb1bbb55515");
    expect(bitsOf(ln(1e300))).toBe("4085963447f87fb5");
  });
});

describe("exp", () => {
  it("has Math.exp's special values", () => {
    expect(exp(NaN)).toBeNaN();
    expect(exp(Infinity)).toBe(Infinity);
    expect(Object.is(exp(-Infinity), 0)).toBe(true);
    expect(exp(0)).toBe(1);
    expect(exp(-0)).toBe(1);
  });

  it("overflows to Infinity just past ln(Number.MAX_VALUE) and underflows through the subnormals to 0", () => {
    expect(exp(709.782712893384)).toBe(1.7976931348622732e308);
    expect(exp(709.7827128933841)).toBe(Infinity);
    expect(exp(710)).toBe(Infinity);
    expect(exp(-708.4)).toBe(2.217119081664265e-308); // subnormal
    expect(exp(-740)).toBe(0x55 * 5e-324); // correctly rounded: e^-740 = 84.78… · 2^-1074
    expect(exp(-745.1332191019411)).toBe(5e-324);
    expect(Object.is(exp(-745.1332191019412), 0)).toBe(true);
  });

  it("is within 2 ulp of Math.exp over 200,000 points of [−745, 709] and 100,000 of [−1, 1]", () => {
    expect(worstDistance(uniform(3, 200_000, -745, 709), exp, Math.exp).ulps).toBeLessThanOrEqual(2);
    expect(worstDistance(uniform(4, 100_000, -1, 1), exp, Math.exp).ulps).toBeLessThanOrEqual(2);
    expect(worstDistance(uniform(5, 10_000, -1e-9, 1e-9), exp, Math.exp).ulps).toBeLessThanOrEqual(2);
  });

  it("gives the bits of its specification (exp(1) is 1 ulp above Math.E, the correctly rounded e)", () => {
    expect(bitsOf(exp(1))).toBe("4005bf0a8b14576a");
    expect(bitsOf(Math.E)).toBe("4005bf0a8b145769");
    expect(bitsOf(exp(-1))).toBe("3fd78b56362cef38");
    expect(bitsOf(exp(100))).toBe("48f3494a9b171bf5");
    expect(bitsOf(exp(-700))).toBe("00d14f2b0fb9307f");
  });
});

describe("detMath and the normals built on it", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("call none of the engine's transcendental functions", () => {
    const names = ["log", "log1p", "log2", "log10", "exp", "expm1", "pow", "sin", "cos", "tan", "atan2"] as const;
    for (const name of names) {
      vi.spyOn(Math, name).mockImplementation(() => {
        throw new Error(`Math.${name} called`);
      });
    }
    let stubbed = false;
    let error: unknown;
    let results: number[] = [];
    try {
      try {
        Math.log(2);
      } catch {
        stubbed = true;
      }
      const random = createRandom(9);
      random.fillNormals(new Float64Array(3), 0, 3);
      results = [ln(3), ln(1e-310), exp(1), exp(-740), random.normal(), random.next()];
    } catch (caught) {
      error = caught;
    } finally {
      vi.restoreAllMocks();
    }
    expect(stubbed).toBe(true);
    expect(error).toBeUndefined();
    expect(results.every((x) => Number.isFinite(x))).toBe(true);
  });
});
