/**
 * How the app writes numbers, with the unit in the name of each function: token amounts from wei, basis points,
 * seconds, timestamps. Pure and locale-fixed (en-US, UTC), so that the server's and the browser's renderings agree.
 */
import { utcMinutes } from "../../../sdk/time.ts";

const grouped = (digits: number) =>
  new Intl.NumberFormat("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** `wei` of a token with `decimals`, grouped, with `fractionDigits` decimals: 5169719123456n, 6 → "5,169,719.12". */
export function formatTokenAmount(wei: bigint | string, decimals: number, fractionDigits = 2): string {
  const v = BigInt(wei);
  const scale = 10n ** BigInt(decimals);
  const magnitude = v < 0n ? -v : v;
  const value = (v < 0n ? -1 : 1) * (Number(magnitude / scale) + Number(magnitude % scale) / Number(scale));
  return grouped(fractionDigits).format(value);
}

/** A plain number, grouped. */
export function formatNumber(value: number, fractionDigits = 2): string {
  return Number.isFinite(value) ? grouped(fractionDigits).format(value) : "—";
}

/** Basis points as a percentage: 525 → "5.25%". */
export function formatBps(bps: number | bigint, fractionDigits = 2): string {
  return `${grouped(fractionDigits).format(Number(bps) / 100)}%`;
}

/** A fraction as a percentage: -0.0546 → "-5.46%". */
export function formatFraction(fraction: number, fractionDigits = 2): string {
  return Number.isFinite(fraction) ? `${grouped(fractionDigits).format(fraction * 100)}%` : "—";
}

/** A duration in its largest whole unit, down to seconds: 86400 → "1 d", 5400 → "1.5 h". */
export function formatDurationSeconds(seconds: number | bigint): string {
  const s = Number(seconds);
  const units: [number, string][] = [
    [86_400, "d"],
    [3_600, "h"],
    [60, "min"],
  ];
  for (const [size, label] of units) {
    if (s >= size) return `${Number((s / size).toFixed(2))} ${label}`;
  }
  return `${s} s`;
}

/** Seconds since the epoch as a UTC date and time: "2026-12-02 11:33 UTC" (the SDK's messages say it the same way). */
export const formatTimestamp = utcMinutes;

/** Seconds since the epoch as a UTC date: "2026-12-02". */
export function formatDate(seconds: number | bigint | string): string {
  return new Date(Number(seconds) * 1000).toISOString().slice(0, 10);
}

/** How long before `nowSeconds` a time was: "just now", "5 min ago", "3 h ago", "2 d ago" ("in 4 h" ahead). */
export function formatRelative(seconds: number | bigint | string, nowSeconds: number): string {
  const delta = nowSeconds - Number(seconds);
  if (Math.abs(delta) < 60) return "just now";
  const text = formatDurationSeconds(Math.round(Math.abs(delta))).replace(/\.\d+/, "");
  return delta > 0 ? `${text} ago` : `in ${text}`;
}

/** 0x1234…abcd */
export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}

/** Votes in whole tokens (18 decimals), grouped, no fraction: 1234.5e18 → "1,235". */
export function formatVotes(wei: bigint | string): string {
  return formatTokenAmount(wei, 18, 0);
}
