/**
 * The rules that judge the vault after a proposal's execution (sdk/proposal/afterExecution.ts reads the chain and
 * runs the smoke tests; these decide PASS, WARN or FAIL), pure so that each rule is tested on its own:
 * - NAV and share price move by at most `driftTolerance.passBps` (1 bp) across the proposal's calls: PASS; up to
 *   `driftTolerance.warnBps` (10 bps): WARN; beyond: FAIL. A proposal changes settings, not holdings: the calls
 *   themselves should move neither.
 * - The target weights sum to 100%: PASS, else FAIL.
 * - Each lending module's LTV is below its market's liquidation LTV: PASS; at or above: FAIL.
 * - Which parameter the guardian tightens in the smoke test: the first, by name, it may move one unit (1 bp, 1 s,
 *   1 wei, a flag set) in its safer direction now, within its bounds, step and interval.
 */
import type { Check, CheckStatus, RegistryParameter, RegistrySnapshot } from "./checks/types.ts";

/** The rule of every smoke test's check; the other checks after execution are invariants. */
export const smokeTestRule = "smoke test";

/** How far NAV and share price may move across the proposal's calls (bps of the value before). */
export const driftTolerance = { passBps: 1, warnBps: 10 } as const;

/** The status of a move of `driftBps` (its size, either way) under `driftTolerance`. */
export function driftStatus(driftBps: number, tolerance = driftTolerance): CheckStatus {
  const size = Math.abs(driftBps);
  if (size <= tolerance.passBps) return "pass";
  return size <= tolerance.warnBps ? "warn" : "fail";
}

/** The move from `before` to `after` in bps of `before` (0 when both are 0; Infinity from 0 to anything else). */
export function driftBps(before: bigint, after: bigint): number {
  if (before === 0n) return after === 0n ? 0 : Infinity;
  // Scaled to hundredths of a bp in bigint, so that large wei values keep their precision.
  return Number(((after - before) * 1_000_000n) / before) / 100;
}

/** The check of a value (NAV, share price) across the calls; `show` writes a value in its unit. */
export function driftCheck(
  rule: string,
  field: string,
  before: bigint,
  after: bigint,
  show: (value: bigint) => string,
): Check {
  const bps = driftBps(before, after);
  const status = driftStatus(bps);
  const moved = bps === 0 ? "unchanged" : `moved ${bps > 0 ? "+" : ""}${bps} bps`;
  const limit = `(PASS within ${driftTolerance.passBps} bp, WARN within ${driftTolerance.warnBps} bps)`;
  return { rule, field, status, message: `${show(before)} → ${show(after)}: ${moved} ${limit}` };
}

/** The target weights (`weight.<SYMBOL>`, bps) summing to 100%. */
export function weightsSumCheck(snapshot: Pick<RegistrySnapshot, "parameters">): Check {
  const weights = Object.values(snapshot.parameters).filter((p) => p.name.startsWith("weight."));
  const sumBps = weights.reduce((sum, p) => sum + p.value, 0n);
  return {
    rule: "weights sum",
    field: "weight.*",
    status: sumBps === 10_000n ? "pass" : "fail",
    message: `${weights.length} weights sum to ${Number(sumBps) / 100}% (must be 100%)`,
  };
}

/** A lending module's position as the LTV check reads it: debt and collateral valued in the same unit (USD). */
export type ModuleLtv = { module: string; debtUsd: number; collateralUsd: number; liquidationLtv: number };

/** The module's LTV below its market's liquidation LTV (a module without debt passes). */
export function ltvCheck(position: ModuleLtv): Check {
  const { module, debtUsd, collateralUsd, liquidationLtv } = position;
  const ltv = debtUsd === 0 ? 0 : collateralUsd === 0 ? Infinity : debtUsd / collateralUsd;
  const percent = (x: number) => `${(x * 100).toFixed(2)}%`;
  return {
    rule: "LTV below liquidation",
    field: module,
    status: ltv < liquidationLtv ? "pass" : "fail",
    message: `LTV ${percent(ltv)}, liquidation at ${percent(liquidationLtv)}`,
  };
}

/** A tightening the guardian may make: one parameter, from its value to one unit safer. */
export type Tightening = { name: string; from: bigint; to: bigint };

/**
 * The parameter the guardian's smoke test tightens at `nowSeconds`: the first by name that has a safer direction and
 * may move one unit that way now (bounds, step and interval as the registry checks them); undefined when none may.
 */
export function guardianTightening(
  snapshot: Pick<RegistrySnapshot, "parameters">,
  nowSeconds: number,
): Tightening | undefined {
  const names = Object.keys(snapshot.parameters).sort();
  for (const name of names) {
    const to = oneUnitSafer(snapshot.parameters[name]!, nowSeconds);
    if (to !== undefined) return { name, from: snapshot.parameters[name]!.value, to };
  }
  return undefined;
}

function oneUnitSafer(p: RegistryParameter, nowSeconds: number): bigint | undefined {
  if (p.saferDirection === "none" || p.kind === "address") return undefined;
  if (nowSeconds < p.updatedAtSeconds + p.rules.minIntervalSeconds) return undefined;
  const to = p.saferDirection === "lower" ? p.value - 1n : p.value + 1n;
  if (to < p.rules.min || to > p.rules.max) return undefined;
  const { stepKind, maxStep } = p.rules;
  const maxDelta = stepKind === "absolute" ? maxStep : stepKind === "relative" ? (p.value * maxStep) / 10_000n : 1n;
  return maxDelta >= 1n ? to : undefined;
}
