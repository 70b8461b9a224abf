/**
 * graph-node's BigDecimal, bit for bit: a value `digits × 10^exp` normalized after every operation to at most 34
 * significant digits, with trailing zeros stripped, using the arithmetic of the `bigdecimal` 0.1 crate that
 * graph-node pins (exact add, subtract and multiply; division to 100 digits; rounding by the first dropped digit,
 * half away from zero for positive values, toward zero for negative ones in `with_prec`). `toString` prints plain
 * decimal notation, never an exponent.
 */

/** A decimal `digits × 10^exp`. */
export type BigDecimal = { digits: bigint; exp: bigint };

export const maxSignificantDigits = 34n;
/** Digits `bigdecimal` 0.1 computes a quotient to before rounding. */
const divisionPrecision = 100n;

const abs = (v: bigint) => (v < 0n ? -v : v);
const pow10 = (n: bigint) => 10n ** n;

/** Decimal digits of |v| (1 for zero). */
function digitCount(v: bigint): bigint {
  return BigInt(abs(v).toString().length);
}

/** 1 when the leading decimal digit of a positive `v` is 5 or more (bigdecimal's `get_rounding_term`). */
function roundingTerm(v: bigint): bigint {
  if (v === 0n) return 0n;
  if (v < 0n) return 1n; // as the crate's loop: a negative number is below every bound
  return Number(v.toString()[0]) >= 5 ? 1n : 0n;
}

/** bigdecimal 0.1's `with_prec`: keep `precision` digits of the integer value, rounding as it does. */
function withPrecision(value: BigDecimal, precision: bigint): BigDecimal {
  const digits = digitCount(value.digits);
  if (digits <= precision) return value;
  const diff = digits - precision;
  const p = pow10(diff);
  let q = value.digits / p; // truncates toward zero, as num-bigint's div_rem
  const r = value.digits % p;
  if (p < 10n * r) q += roundingTerm(r);
  return { digits: q, exp: value.exp + diff };
}

/** graph-node's `normalized()`: 34 significant digits, trailing zeros stripped, zero as 0e0. */
export function normalize(value: BigDecimal): BigDecimal {
  if (value.digits === 0n) return { digits: 0n, exp: 0n };
  let { digits, exp } = withPrecision(value, maxSignificantDigits);
  while (digits % 10n === 0n) {
    digits /= 10n;
    exp += 1n;
  }
  return { digits, exp };
}

export function bigDecimal(digits: bigint, exp: bigint = 0n): BigDecimal {
  return normalize({ digits, exp });
}

/** Both values over the smaller exponent. */
function aligned(x: BigDecimal, y: BigDecimal): [bigint, bigint, bigint] {
  const exp = x.exp < y.exp ? x.exp : y.exp;
  return [x.digits * pow10(x.exp - exp), y.digits * pow10(y.exp - exp), exp];
}

export function plus(x: BigDecimal, y: BigDecimal): BigDecimal {
  const [a, b, exp] = aligned(x, y);
  return normalize({ digits: a + b, exp });
}

export function minus(x: BigDecimal, y: BigDecimal): BigDecimal {
  const [a, b, exp] = aligned(x, y);
  return normalize({ digits: a - b, exp });
}

export function times(x: BigDecimal, y: BigDecimal): BigDecimal {
  return normalize({ digits: x.digits * y.digits, exp: x.exp + y.exp });
}

/** bigdecimal 0.1's `impl_division` on non-negative operands: `scale` counts digits after the point. */
function divideDigits(num: bigint, den: bigint, scale: bigint): { digits: bigint; scale: bigint } {
  let n = num;
  let s = scale;
  while (n < den) {
    s += 1n;
    n *= 10n;
  }
  let quotient = n / den;
  let remainder = n % den;
  if (remainder === 0n) return { digits: quotient, scale: s };
  let precision = digitCount(quotient);
  remainder *= 10n;
  while (remainder !== 0n && precision < divisionPrecision) {
    quotient = quotient * 10n + remainder / den;
    remainder = (remainder % den) * 10n;
    precision += 1n;
    s += 1n;
  }
  if (remainder !== 0n) quotient += roundingTerm(remainder / den);
  return { digits: quotient, scale: s };
}

/** x / y; throws on division by zero (graph-node fails the handler deterministically). */
export function dividedBy(x: BigDecimal, y: BigDecimal): BigDecimal {
  if (y.digits === 0n) throw new Error("Division by zero");
  if (x.digits === 0n) return normalize(x);
  // bigdecimal's shortcuts: dividing by one, or equal integer values.
  if (y.digits === 1n && y.exp === 0n) return normalize(x);
  const scale = -x.exp - -y.exp;
  if (x.digits === y.digits) return normalize({ digits: 1n, exp: -scale });
  const negative = x.digits < 0n !== y.digits < 0n;
  const { digits, scale: s } = divideDigits(abs(x.digits), abs(y.digits), scale);
  return normalize({ digits: negative ? -digits : digits, exp: -s });
}

export function equals(x: BigDecimal, y: BigDecimal): boolean {
  const a = normalize(x);
  const b = normalize(y);
  return a.digits === b.digits && a.exp === b.exp;
}

/** Plain decimal notation, as bigdecimal 0.1's Display: "0", "1.5", "-0.001", "1200". */
export function toString(value: BigDecimal): string {
  const absDigits = abs(value.digits).toString();
  const scale = -value.exp;
  let out: string;
  if (scale >= BigInt(absDigits.length)) {
    out = `0.${"0".repeat(Number(scale) - absDigits.length)}${absDigits}`;
  } else if (scale <= 0n) {
    out = absDigits + "0".repeat(Number(-scale));
  } else {
    const point = absDigits.length - Number(scale);
    out = `${absDigits.slice(0, point)}.${absDigits.slice(point)}`;
  }
  return value.digits < 0n ? `-${out}` : out;
}

/**
 * bigdecimal 0.1's `FromStr`: an optional sign, digits with at most one point, an optional `e`/`E` exponent.
 * Throws naming the input when it is not a decimal.
 */
export function fromString(text: string): BigDecimal {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  const lead = match?.[2] ?? "";
  const trail = match?.[3] ?? "";
  if (!match || lead + trail === "") throw new Error(`failed to parse BigDecimal from "${text}"`);
  const digits = BigInt(`${match[1] === "-" ? "-" : ""}${lead}${trail}`);
  const exp = BigInt(match[4] ?? "0") - BigInt(trail.length);
  return normalize({ digits, exp });
}

export function fromBigInt(value: bigint): BigDecimal {
  return normalize({ digits: value, exp: 0n });
}
