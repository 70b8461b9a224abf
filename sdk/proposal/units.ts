/**
 * Parameter values in human units, as delegates write them in proposal files: "2.5%" or "250 bps" for basis
 * points, "6h" or "2 days" for seconds, "1_000_000 USDC" for base-asset amounts, "3_000 USD" for a feed's answer
 * bounds (USD prices, 18 decimals), true/false for flags, an address for modules and feeds. Each is turned into the registry's integer in the parameter's own unit, exactly (no float
 * arithmetic), or refused with a message that says what was expected.
 */
import { getAddress, isAddress } from "viem";
import type { ParameterKind } from "../../parameters/types.ts";

/** What a value's unit depends on beyond the parameter's kind. */
export type UnitContext = {
  /** The vault's base asset, for amounts ("1_000_000 USDC"). */
  baseSymbol: string;
  baseDecimals: number;
};

/**
 * How a parameter's value is written; `ppm` is Uniswap's fee tier (hundredths of a bp), `usd` a USD price with 18
 * decimals.
 */
export type ValueUnit = "bps" | "seconds" | "amount" | "ppm" | "usd" | "bool" | "address";

/** Decimals of a `usd` value: the vault's oracle bounds are 18-decimal USD prices whatever the feed's decimals. */
const usdDecimals = 18;

/**
 * The unit a parameter's values are written in: its kind, except pool fees (amounts in hundredths of a bp) and the
 * feeds' answer bounds (`oracle.minAnswer.<SYMBOL>`, `oracle.maxAnswer.<SYMBOL>`: amounts in USD, 18 decimals).
 */
export function valueUnit(name: string, kind: ParameterKind): ValueUnit {
  if (kind === "amount" && name.startsWith("poolFee.")) return "ppm";
  if (kind === "amount" && /^oracle\.(min|max)Answer\./.test(name)) return "usd";
  return kind;
}

const durations: Record<string, bigint> = {
  s: 1n,
  sec: 1n,
  second: 1n,
  seconds: 1n,
  m: 60n,
  min: 60n,
  minute: 60n,
  minutes: 60n,
  h: 3_600n,
  hour: 3_600n,
  hours: 3_600n,
  d: 86_400n,
  day: 86_400n,
  days: 86_400n,
  w: 604_800n,
  week: 604_800n,
  weeks: 604_800n,
};

/** A decimal number written as digits, `_` separators and at most one point: its digits and decimals, exactly. */
function decimal(text: string): { digits: bigint; decimals: number } | undefined {
  const clean = text.replaceAll("_", "");
  const match = /^(\d+)(?:\.(\d+))?$/.exec(clean);
  if (!match || /^_|_$|__/.test(text)) return undefined;
  const fraction = match[2] ?? "";
  return { digits: BigInt(match[1]! + fraction), decimals: fraction.length };
}

/** `value × 10^scale` when it is a whole number, else undefined. */
function scaled(value: { digits: bigint; decimals: number }, scale: number): bigint | undefined {
  const shift = scale - value.decimals;
  if (shift >= 0) return value.digits * 10n ** BigInt(shift);
  const divisor = 10n ** BigInt(-shift);
  return value.digits % divisor === 0n ? value.digits / divisor : undefined;
}

/**
 * The registry value a human-unit input means for parameter `name` of `kind`. Throws an Error whose message says
 * what was expected (the caller prefixes the file and field).
 */
export function parseValue(name: string, kind: ParameterKind, input: unknown, context: UnitContext): bigint {
  const unit = valueUnit(name, kind);
  const shown = typeof input === "string" ? `"${input}"` : String(input);
  if (unit === "bool") {
    if (input === true || input === "true") return 1n;
    if (input === false || input === "false") return 0n;
    throw new Error(`expected true or false, got ${shown}`);
  }
  if (unit === "address") {
    if (typeof input === "number" || typeof input === "bigint")
      throw new Error(`expected an address in quotes ("0x…"): YAML reads an unquoted 0x… as a number, got ${shown}`);
    if (typeof input !== "string" || !isAddress(input, { strict: false }))
      throw new Error(`expected an address (0x followed by 40 hex digits), got ${shown}`);
    return BigInt(getAddress(input));
  }
  if (typeof input !== "string" && typeof input !== "number")
    throw new Error(`expected ${describeUnit(unit, context)}, got ${shown}`);
  const text = String(input).trim();
  const fail = (why: string): never => {
    throw new Error(`${why}: expected ${describeUnit(unit, context)}, got ${shown}`);
  };
  // "$3,000" is written "3000 USD" (a dollar sign first, for prices).
  const dollars = unit === "usd" && text.startsWith("$");
  const [, amountText = "", unitText = ""] = /^([\d_.]+)\s*([A-Za-z%]*)$/.exec(dollars ? text.slice(1) : text) ?? [];
  const amount = decimal(amountText);
  if (!amount) return fail(text.startsWith("-") ? "negative values are not parameters" : "not a number");
  const whole = (value: bigint | undefined, of: string) => value ?? fail(`${text} is not a whole number of ${of}`);

  if (unit === "bps") {
    if (unitText === "%") return whole(scaled(amount, 2), "bps");
    if (unitText === "bps") return whole(scaled(amount, 0), "bps");
    if (unitText === "") {
      // A bare number is a fraction of one (0.65 = 65%): a number above 1 is almost surely bps or percent.
      const bps = whole(scaled(amount, 4), "bps");
      if (bps > 10_000n) fail(`${text} as a fraction is above 100%; write "${text} bps" or "${text}%"`);
      return bps;
    }
    return fail(`unknown unit "${unitText}"`);
  }
  if (unit === "seconds") {
    const factor = durations[unitText.toLowerCase()];
    if (unitText === "") return fail("a duration needs a unit (s, m, h, d or w)");
    if (factor === undefined) return fail(`unknown unit "${unitText}"`);
    return whole(scaled({ digits: amount.digits * factor, decimals: amount.decimals }, 0), "seconds");
  }
  if (unit === "ppm") {
    if (unitText === "%") return whole(scaled(amount, 4), "hundredths of a bp");
    if (unitText === "") return whole(scaled(amount, 0), "hundredths of a bp");
    return fail(`unknown unit "${unitText}"`);
  }
  if (unit === "usd") {
    if (dollars ? unitText === "" : unitText === "USD") return whole(scaled(amount, usdDecimals), "USD wei");
    if (unitText === "") return fail('a price needs its unit ("3_000 USD" or "$3000")');
    return fail(`unknown unit "${unitText}"`);
  }
  // An amount of the base asset.
  if (unitText === context.baseSymbol) return whole(scaled(amount, context.baseDecimals), `${context.baseSymbol} wei`);
  if (unitText === "") return fail(`an amount needs its token (${context.baseSymbol})`);
  return fail(`unknown unit "${unitText}"`);
}

/** The registry value written back in the unit a delegate would use (for reports and `proposal new`). */
export function formatValue(name: string, kind: ParameterKind, value: bigint, context: UnitContext): string {
  const unit = valueUnit(name, kind);
  const fixed = (v: bigint, decimals: number) => {
    const scale = 10n ** BigInt(decimals);
    const fraction = (v % scale).toString().padStart(decimals, "0").replace(/0+$/, "");
    return `${(v / scale).toLocaleString("en-US").replaceAll(",", "_")}${fraction ? `.${fraction}` : ""}`;
  };
  if (unit === "bool") return value === 0n ? "false" : "true";
  if (unit === "address") return getAddress(`0x${value.toString(16).padStart(40, "0")}`);
  if (unit === "bps") return `${fixed(value, 2)}%`;
  if (unit === "ppm") return `${fixed(value, 4)}%`;
  if (unit === "amount") return `${fixed(value, context.baseDecimals)} ${context.baseSymbol}`;
  if (unit === "usd") return `${fixed(value, usdDecimals)} USD`;
  for (const [suffix, factor] of [
    ["d", 86_400n],
    ["h", 3_600n],
    ["m", 60n],
  ] as const) {
    if (value !== 0n && value % factor === 0n) return `${value / factor}${suffix}`;
  }
  return `${value}s`;
}

/**
 * A value as recorded elsewhere (the subgraph's decimal string of a parameter change) in the unit of parameter `name`
 * as `context` (a registry snapshot) knows it; as it is when the parameter is unknown there or the value is not an
 * integer.
 */
export function formatRecordedValue(
  name: string,
  value: string,
  context: UnitContext & { parameters: Readonly<Record<string, { kind: ParameterKind } | undefined>> },
): string {
  const kind = context.parameters[name]?.kind;
  if (!kind || !/^\d+$/.test(value)) return value;
  return formatValue(name, kind, BigInt(value), context);
}

function describeUnit(unit: ValueUnit, context: UnitContext): string {
  if (unit === "bps") return 'a percentage ("2.5%"), basis points ("250 bps") or a fraction ("0.65")';
  if (unit === "seconds") return 'a duration ("90s", "30m", "6h", "2d", "1w")';
  if (unit === "ppm") return 'a fee tier ("0.3%" or 3000)';
  if (unit === "usd") return 'a USD price ("3_000 USD" or "$3000")';
  if (unit === "amount") return `an amount of ${context.baseSymbol} ("1_000_000 ${context.baseSymbol}")`;
  if (unit === "bool") return "true or false";
  return "an address";
}

/** A duration written as a parameter's seconds are ("6h", "2 days", "90 s"), in seconds. */
export function parseDurationSeconds(text: string): bigint {
  return parseValue("duration", "seconds", text, { baseSymbol: "", baseDecimals: 0 });
}

/** A token as amounts are written in it: its symbol and decimals. */
export type TokenUnits = { symbol: string; decimals: number };

/**
 * `wei` of `token` as people read it, grouped, exactly rounded (half away from zero), with its symbol: four decimals
 * under a thousand units, two from there ("1.2500 WETH", "4,100.12 USDC"), unless `fractionDigits` says.
 * @example formatTokenAmount(1_250_000_000_000_000_000n, { symbol: "WETH", decimals: 18 }) // "1.2500 WETH"
 */
export function formatTokenAmount(wei: bigint, token: TokenUnits, fractionDigits?: number): string {
  const magnitude = wei < 0n ? -wei : wei;
  const scale = 10n ** BigInt(token.decimals);
  const digits = Math.min(fractionDigits ?? (magnitude < 1_000n * scale ? 4 : 2), token.decimals);
  const step = 10n ** BigInt(token.decimals - digits);
  const rounded = (magnitude + step / 2n) / step;
  const unit = 10n ** BigInt(digits);
  const whole = (rounded / unit).toLocaleString("en-US");
  const fraction = digits > 0 ? `.${(rounded % unit).toString().padStart(digits, "0")}` : "";
  return `${wei < 0n && rounded > 0n ? "-" : ""}${whole}${fraction} ${token.symbol}`;
}

/**
 * How an impact report writes a change's new value (the registry's number): in its parameter's unit as `parameters`
 * know its kind ("4%", "12h", "1_000_000 USDC"); a parameter they do not know, or a flag, as the registry's value.
 */
export function changeFormatter(
  parameters: readonly { name: string; kind: ParameterKind }[],
  context: UnitContext,
): (name: string, value: number | boolean) => string {
  const kinds = new Map(parameters.map((p) => [p.name, p.kind]));
  return (name, value) => {
    const kind = kinds.get(name);
    return kind === undefined || typeof value === "boolean" || !Number.isInteger(value)
      ? String(value)
      : formatValue(name, kind, BigInt(value), context);
  };
}
