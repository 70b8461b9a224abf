/**
 * Deterministic natural logarithm and exponential: the same bits in every JavaScript engine.
 *
 * ECMAScript leaves the accuracy of `Math.log`, `Math.exp` (and every other transcendental function) to the
 * implementation, so a simulation that uses them can give different numbers in Node, in Chromium and in another
 * browser, or after an engine upgrade. The functions here use only operations that ECMAScript specifies exactly:
 * IEEE-754 double `+ - * /` (each rounded to nearest, ties to even; engines may not fuse them), comparisons,
 * integer bit operations and reinterpretation of a double's bits through a typed array. Their results are therefore
 * fixed by the specifications below; both stay within 1 ulp of the exact value (checked with mpmath on 10,000
 * points each; the tests check within 2 ulp of `Math.log`/`Math.exp`).
 *
 * The method and the minimax coefficients are those of fdlibm's `e_log.c` and `e_exp.c`, which V8 and many C
 * libraries also use ("Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved. Developed at SunSoft, a
 * Sun Microsystems, Inc. business. Permission to use, copy, modify, and distribute this software is freely granted,
 * provided that this notice is preserved."). They differ from fdlibm only where the difference cannot change
 * accuracy: fdlibm's shortcuts for |f| < 2^-20 and k = 0 in `log` are left out (the general formula covers them),
 * and `exp` takes k = round(x / ln 2) for every x (fdlibm takes k = ±1 for 0.5·ln 2 < |x| < 1.5·ln 2 and k = 0 below).
 *
 * Notation: every operation is an IEEE-754 double operation, evaluated in the order the parentheses give and
 * otherwise left to right (a·b·c = (a·b)·c, a − b − c = (a − b) − c). hi(x) is the upper 32 bits of x's binary64
 * encoding (sign, exponent, top 20 mantissa bits) as an unsigned integer. Constants are given as their binary64
 * encoding in hex.
 *
 *     LN2_HI = 0x3FE62E42FEE00000  (ln 2 to 32 significant bits, so that k·LN2_HI is exact for |k| < 2^21)
 *     LN2_LO = 0x3DEA39EF35793C76  (ln 2 − LN2_HI, rounded)
 */

/** Scratch memory for reading a double's bits: one buffer, two views. */
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
/** Index in `words` of the word holding the sign, exponent and top mantissa bits (1 on little-endian hosts). */
const HI = (() => {
  bits[0] = 1;
  return words[1] === 0x3ff00000 ? 1 : 0;
})();

/**
 * POW2[e + 1024] = 2^e for e in [−1024, 1023], each built from its binary64 encoding. The functions scale by reading
 * this table rather than by writing a high word and reading the double back: that write-then-read defeats the CPU's
 * store-to-load forwarding and made `ln` and `exp` about twice as slow (the values are the same).
 */
const POW2 = (() => {
  const table = new Float64Array(2048);
  for (let e = -1024; e <= 1023; e++) {
    words[1 - HI] = 0;
    words[HI] = e >= -1022 ? (e + 1023) << 20 : 1 << (e + 1042); // 2^-1023 and 2^-1024 are subnormal
    table[e + 1024] = bits[0]!;
  }
  return table;
})();

const LN2_HI = 6.9314718036912381649e-1; // 0x3FE62E42FEE00000
const LN2_LO = 1.90821492927058770002e-10; // 0x3DEA39EF35793C76

const TWO_54 = 18014398509481984; // 0x4350000000000000
const MIN_NORMAL = 2.2250738585072014e-308; // 0x0010000000000000 = 2^-1022
const TWO_1023 = 8.98846567431158e307; // 0x7FE0000000000000
const TWO_M1000 = 9.332636185032189e-302; // 0x0170000000000000

const LG1 = 6.66666666666673513e-1; // 0x3FE5555555555593
const LG2 = 3.999999999940941908e-1; // 0x3FD999999997FA04
const LG3 = 2.857142874366239149e-1; // 0x3FD2492494229359
const LG4 = 2.222219843214978396e-1; // 0x3FCC71C51D8E78AF
const LG5 = 1.818357216161805012e-1; // 0x3FC7466496CB03DE
const LG6 = 1.531383769920937332e-1; // 0x3FC39A09D078C69F
const LG7 = 1.479819860511658591e-1; // 0x3FC2F112DF3E5244

/**
 * The natural logarithm of `x`, with the same special values as `Math.log`: ln(±0) = −∞, ln(x < 0) = NaN,
 * ln(+∞) = +∞, ln(NaN) = NaN, ln(1) = +0.
 *
 * Specification, for finite x > 0:
 *
 *     1. k = −1023. If x < 2^-1022 (subnormal): x = x · 2^54 (exact), k = k − 54.
 *     2. H = hi(x); h = H & 0xFFFFF (the top 20 mantissa bits); E = (H >>> 20) + ((h + 0x95F64) & 0x100000) / 2^20
 *        (the exponent field, plus 1 when h ≥ 0x6A09C, i.e. when the mantissa is at least 1.41420…, just below √2).
 *     3. k = k + E; m = x · 2^(1023 − E) (exact). Now x = 2^k · m with m in [1, √2) or [√2/2, 1) (up to that
 *        cut-off).
 *     4. f = m − 1; s = f / (2 + f); z = s·s; w = z·z;
 *        R = z·(LG1 + w·(LG3 + w·(LG5 + w·LG7))) + w·(LG2 + w·(LG4 + w·LG6))
 *        (R approximates 2·atanh(s)/s − 2 = (ln m − 2s)/s, since ln m = 2·atanh(s)).
 *     5. If 0x6147A ≤ h ≤ 0x6B851: q = 0.5·f·f; return k·LN2_HI − ((q − (s·(q + R) + k·LN2_LO)) − f).
 *        Otherwise:                return k·LN2_HI − ((s·(f − R) − k·LN2_LO) − f).
 *
 *     LG1 = 0x3FE5555555555593  LG2 = 0x3FD999999997FA04  LG3 = 0x3FD2492494229359  LG4 = 0x3FCC71C51D8E78AF
 *     LG5 = 0x3FC7466496CB03DE  LG6 = 0x3FC39A09D078C69F  LG7 = 0x3FC2F112DF3E5244
 */
export function ln(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN; // ±0, negatives and NaN
  if (x === Infinity) return x;
  let k = -1023;
  if (x < MIN_NORMAL) {
    x *= TWO_54;
    k -= 54;
  }
  bits[0] = x;
  // Indices are in range (HI is 0 or 1; the exponent field E is in [1, 2047]), hence the non-null assertions.
  const high = words[HI]!;
  const h = high & 0xfffff;
  const E = (high >>> 20) + (((h + 0x95f64) & 0x100000) >>> 20);
  k += E;
  const f = x * POW2[2047 - E]! - 1; // m = x · 2^(1023 − E), exactly
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const R = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7))) + w * (LG2 + w * (LG4 + w * LG6));
  if (h >= 0x6147a && h <= 0x6b851) {
    const halfSquare = 0.5 * f * f;
    return k * LN2_HI - (halfSquare - (s * (halfSquare + R) + k * LN2_LO) - f);
  }
  return k * LN2_HI - (s * (f - R) - k * LN2_LO - f);
}

const INV_LN2 = 1.442695040888963387; // 0x3FF71547652B82FE
/**
 * 1.5 · 2^52: adding it to a number of magnitude below 2^51 leaves no fraction bits, so (a + SHIFT) − SHIFT is `a`
 * rounded to the nearest integer, ties to even. As exactly specified as `Math.round`, and `exp` is 1.4 times faster
 * with it in V8.
 */
const ROUNDING_SHIFT = 6755399441055744; // 0x4338000000000000
/** The largest x with a finite e^x (its image is just below Number.MAX_VALUE). */
const EXP_OVERFLOW = 7.09782712893383973096e2; // 0x40862E42FEFA39EF
/** Below this, e^x rounds to 0. */
const EXP_UNDERFLOW = -7.4513321910194110842e2; // 0xC0874910D52D3051

const P1 = 1.66666666666666019037e-1; // 0x3FC555555555553E
const P2 = -2.77777777770155933842e-3; // 0xBF66C16C16BEBD93
const P3 = 6.61375632143793436117e-5; // 0x3F11566AAF25DE2C
const P4 = -1.6533902205465251539e-6; // 0xBEBBBD41C5D26BF1
const P5 = 4.13813679705723846039e-8; // 0x3E66376972BEA4D0

/**
 * e to the power `x`, with the same special values as `Math.exp`: exp(NaN) = NaN, exp(+∞) = +∞, exp(−∞) = +0,
 * overflow to +∞ and underflow to +0 (through the subnormals, rounded once).
 *
 * Specification:
 *
 *     1. If x is NaN return NaN; if x > EXP_OVERFLOW return +∞; if x < EXP_UNDERFLOW return +0.
 *     2. k = (x · INV_LN2 + 0x4338000000000000) − 0x4338000000000000   (x / ln 2 rounded to an integer, ties to
 *        even, as |x · INV_LN2| < 2^51); hi = x − k·LN2_HI (exact);
 *        lo = k·LN2_LO; r = hi − lo   (r ≈ x − k·ln 2, |r| ≤ ~0.347).
 *     3. t = r·r; c = r − t·(P1 + t·(P2 + t·(P3 + t·(P4 + t·P5))));  y = 1 − ((lo − (r·c) / (2 − c)) − hi)
 *        (P approximates r·(e^r + 1)/(e^r − 1) − 2 = t·P1 + t²·P2 + …, so y ≈ e^r).
 *     4. Scale by 2^k (powers of two are exact: high word (e + 1023) << 20, low word 0):
 *        k = 1024:         (y · 2) · 2^1023;
 *        −1022 ≤ k ≤ 1023: y · 2^k;
 *        k < −1022:        (y · 2^(k + 1000)) · 2^-1000   (one rounding, into the subnormals).
 *
 *     INV_LN2 = 0x3FF71547652B82FE  EXP_OVERFLOW = 0x40862E42FEFA39EF  EXP_UNDERFLOW = 0xC0874910D52D3051
 *     P1 = 0x3FC555555555553E  P2 = 0xBF66C16C16BEBD93  P3 = 0x3F11566AAF25DE2C  P4 = 0xBEBBBD41C5D26BF1
 *     P5 = 0x3E66376972BEA4D0
 */
export function exp(x: number): number {
  if (!(x <= EXP_OVERFLOW)) return x > EXP_OVERFLOW ? Infinity : NaN;
  if (x < EXP_UNDERFLOW) return 0;
  const k = x * INV_LN2 + ROUNDING_SHIFT - ROUNDING_SHIFT;
  const hi = x - k * LN2_HI;
  const lo = k * LN2_LO;
  const r = hi - lo;
  const t = r * r;
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const y = 1 - (lo - (r * c) / (2 - c) - hi);
  if (k >= -1022) return k === 1024 ? y * 2 * TWO_1023 : y * POW2[k + 1024]!;
  return y * POW2[k + 2024]! * TWO_M1000;
}

/**
 * The standard normal distribution function Φ(x), from `exp` above and exactly specified operations only (so the
 * same bits in every engine): Hart's (1968) algorithm 5666 as given by G. West, "Better approximations to cumulative
 * normal functions" (Wilmott, 2005), absolute error below 1e-14. For |x| < 7.0710678 a ratio of polynomials in |x|
 * times e^(−x²/2); beyond it a continued fraction; 0 below −37 and 1 above 37. Φ(NaN) = NaN.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const z = x < 0 ? -x : x;
  let tail = 0;
  if (z <= 37) {
    const e = exp((-z * z) / 2);
    if (z < 7.07106781186547) {
      let num = 3.52624965998911e-2 * z + 0.700383064443688;
      num = num * z + 6.37396220353165;
      num = num * z + 33.912866078383;
      num = num * z + 112.079291497871;
      num = num * z + 221.213596169931;
      num = num * z + 220.206867912376;
      let den = 8.83883476483184e-2 * z + 1.75566716318264;
      den = den * z + 16.064177579207;
      den = den * z + 86.7807322029461;
      den = den * z + 296.564248779674;
      den = den * z + 637.333633378831;
      den = den * z + 793.826512519948;
      den = den * z + 440.413735824752;
      tail = (e * num) / den;
    } else {
      let b = z + 0.65;
      b = z + 4 / b;
      b = z + 3 / b;
      b = z + 2 / b;
      b = z + 1 / b;
      tail = e / b / 2.506628274631;
    }
  }
  return x > 0 ? 1 - tail : tail;
}
