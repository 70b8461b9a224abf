/**
 * Pre-vote checks of a proposal's parameter changes against the registry as it stands: the registry's own rules
 * (known parameter, value changed, bounds, max step and min interval at the earliest execution, both counted from
 * governance's baseline, which the guardian's tightenings do not move) that would make the
 * execution revert, the guardian's power to undo a loosening, and the vault's invariants (weights summing to
 * 10,000). Each check passes, warns or fails, naming the file, the field and the rule.
 */
import type { ParameterKind, ParameterRules, RiskDirection } from "../../parameters/types.ts";
import type { ProposalDraft } from "./format.ts";
import { formatValue, parseValue, type UnitContext } from "./units.ts";

/** A registry parameter as `parameter(key)` returns it. */
export type RegistryParameter = {
  name: string;
  kind: ParameterKind;
  saferDirection: RiskDirection;
  value: bigint;
  rules: ParameterRules;
  /** When it last changed (unix seconds). */
  updatedAtSeconds: number;
  /**
   * Governance's baseline (`governanceBaseline(key)`): the value governance (or the parameter's addition) last set,
   * and when. Governance's updates move at most one max step from it and wait the min interval from its time,
   * whatever the guardian tightened since. Absent: the current value and update time.
   */
  governanceBaseline?: { value: bigint; updatedAtSeconds: number };
};

/** The registry and governance timing a proposal is checked against. */
export type RegistrySnapshot = UnitContext & {
  parameters: Readonly<Record<string, RegistryParameter>>;
  /** The earliest time the proposal could execute: now plus voting delay, voting period and timelock delay. */
  earliestExecutionSeconds: number;
  /** The guardian's mandate, which lets it tighten parameters (undoing a loosening) until it expires. */
  guardianExpiresAtSeconds: number;
};

export type CheckStatus = "pass" | "warn" | "fail";
export type Check = { rule: string; field: string; status: CheckStatus; message: string };
/** A parameter change the checks understood: its registry values before and after. */
export type ParameterChange = { name: string; kind: ParameterKind; before: bigint; after: bigint };

export type CheckResult = {
  verdict: "PASS" | "WARN" | "FAIL";
  checks: Check[];
  changes: ParameterChange[];
};

/** Runs every check of `proposal` (read from `file`) against `snapshot`. */
export function checkProposal(file: string, proposal: ProposalDraft, snapshot: RegistrySnapshot): CheckResult {
  const checks: Check[] = [];
  const changes: ParameterChange[] = [];
  const add = (rule: string, field: string, status: CheckStatus, message: string) =>
    checks.push({ rule, field, status, message: `${file}: ${field}: ${message}` });
  const names = Object.keys(snapshot.parameters);

  for (const [name, input] of Object.entries(proposal.changes)) {
    const field = `changes."${name}"`;
    const parameter = snapshot.parameters[name];
    if (!parameter) {
      const near = nearest(name, names);
      add(
        "known parameter",
        field,
        "fail",
        `no such parameter in the registry${near ? ` (did you mean ${near}?)` : ""}`,
      );
      continue;
    }
    let after: bigint;
    try {
      after = parseValue(name, parameter.kind, input, snapshot);
    } catch (error) {
      add("units", field, "fail", (error as Error).message);
      continue;
    }
    const show = (v: bigint) => formatValue(name, parameter.kind, v, snapshot);
    const { rules, value: before } = parameter;
    changes.push({ name, kind: parameter.kind, before, after });
    // The guardian's tightenings since governance's last update move neither the step's origin nor the interval's.
    const baseline = parameter.governanceBaseline ?? { value: before, updatedAtSeconds: parameter.updatedAtSeconds };
    const movedByGuardian = baseline.value !== before || baseline.updatedAtSeconds !== parameter.updatedAtSeconds;
    if (after === before && !movedByGuardian) {
      add("changes the value", field, "fail", `is already ${show(before)}: the registry refuses an unchanged value`);
      continue;
    }
    if (parameter.kind !== "address" && (after < rules.min || after > rules.max)) {
      add(
        "bounds",
        field,
        "fail",
        `${show(after)} is outside the rules' range ${show(rules.min)} to ${show(rules.max)}`,
      );
    } else {
      add("bounds", field, "pass", `${show(after)} is within ${show(rules.min)} to ${show(rules.max)}`);
    }
    const from = movedByGuardian ? ` (governance set ${show(baseline.value)}; the guardian tightened it since)` : "";
    if (rules.stepKind !== "none") {
      const origin = baseline.value;
      const maxDelta = rules.stepKind === "absolute" ? rules.maxStep : (origin * rules.maxStep) / 10_000n;
      const delta = after > origin ? after - origin : origin - after;
      add(
        "max step",
        field,
        delta > maxDelta ? "fail" : "pass",
        `${show(origin)} → ${show(after)} moves ${show(delta)}; one update may move it at most ${show(maxDelta)}` +
          from,
      );
    }
    const nextUpdate = baseline.updatedAtSeconds + rules.minIntervalSeconds;
    const lastChange = movedByGuardian ? "last set by governance" : "last changed";
    add(
      "min interval",
      field,
      snapshot.earliestExecutionSeconds < nextUpdate ? "fail" : "pass",
      snapshot.earliestExecutionSeconds < nextUpdate
        ? `${lastChange} ${isoTime(baseline.updatedAtSeconds)}; it may change again from ${isoTime(nextUpdate)}, ` +
            `after the proposal's earliest execution ${isoTime(snapshot.earliestExecutionSeconds)}`
        : `may change from ${isoTime(nextUpdate)}, before the earliest execution ${isoTime(snapshot.earliestExecutionSeconds)}`,
    );
    const riskier =
      (parameter.saferDirection === "lower" && after > before) ||
      (parameter.saferDirection === "higher" && after < before);
    if (riskier && snapshot.guardianExpiresAtSeconds > snapshot.earliestExecutionSeconds) {
      add(
        "guardian",
        field,
        "warn",
        `moves toward more risk (safer is ${parameter.saferDirection}); the guardian may tighten it again until ` +
          isoTime(snapshot.guardianExpiresAtSeconds),
      );
    }
  }

  // The vault refuses to act on target weights that do not sum to 10,000 bps.
  const weightNames = names.filter((n) => n.startsWith("weight."));
  if (weightNames.some((n) => n in proposal.changes)) {
    const after = (n: string) => changes.find((c) => c.name === n)?.after ?? snapshot.parameters[n]!.value;
    const sum = weightNames.reduce((s, n) => s + after(n), 0n);
    add(
      "weights sum",
      "changes",
      sum === 10_000n ? "pass" : "fail",
      `${weightNames.map((n) => `${n} ${after(n)}`).join(" + ")} = ${sum} bps` +
        (sum === 10_000n ? "" : ": the weights must sum to 10000 bps"),
    );
  }
  const verdict = checks.some((c) => c.status === "fail")
    ? "FAIL"
    : checks.some((c) => c.status === "warn")
      ? "WARN"
      : "PASS";
  return { verdict, checks, changes };
}

function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
}

/** The closest known name by edit distance, when it is close enough to be a typo. */
function nearest(name: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of names) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
