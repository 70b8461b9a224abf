/**
 * Pre-vote checks of a proposal's parameter changes against the registry as it stands: the registry's own rules
 * (known parameter, value changed, bounds, max step and min interval at the earliest execution, both counted from
 * governance's baseline, which the guardian's tightenings do not move) that would make the
 * execution revert, the guardian's power to undo a loosening, and the vault's invariants (weights summing to
 * 10,000). Each check passes, warns or fails, naming the file, the field and the rule.
 */
import type { ParameterKind } from "../../parameters/types.ts";
import { changeChecks, proposalWideChecks, type ChangeUnderCheck, type Finding } from "./checks/index.ts";
import type { Check, RegistrySnapshot } from "./checks/types.ts";
import type { ProposalDraft } from "./proposalFile.ts";
import { formatValue, parseValue } from "./units.ts";

export type { Check, CheckStatus, RegistryParameter, RegistrySnapshot } from "./checks/types.ts";

/** A parameter change the checks understood: its registry values before and after. */
export type ParameterChange = { name: string; kind: ParameterKind; before: bigint; after: bigint };

export type CheckResult = {
  verdict: "PASS" | "WARN" | "FAIL";
  checks: Check[];
  changes: ParameterChange[];
};

/** FAIL when a check fails, WARN when one warns, PASS otherwise: the verdict of the checks and of the report. */
export function verdictOf(checks: readonly Check[]): CheckResult["verdict"] {
  return checks.some((c) => c.status === "fail") ? "FAIL" : checks.some((c) => c.status === "warn") ? "WARN" : "PASS";
}

/**
 * Runs every check of `proposal` (read from `file`) against `snapshot`: first what makes a change understood (a
 * known parameter, valid units, a changed value), then each check of `changeChecks` on every understood change and
 * each of `proposalWideChecks` on the whole.
 */
export function checkProposal(file: string, proposal: ProposalDraft, snapshot: RegistrySnapshot): CheckResult {
  const checks: Check[] = [];
  const understood: ChangeUnderCheck[] = [];
  const add = (rule: string, field: string, { status, message }: Finding) =>
    checks.push({ rule, field, status, message: `${file}: ${field}: ${message}` });
  const names = Object.keys(snapshot.parameters);

  for (const [name, input] of Object.entries(proposal.changes)) {
    const field = `changes."${name}"`;
    const parameter = snapshot.parameters[name];
    if (!parameter) {
      const near = nearest(name, names);
      add("known parameter", field, {
        status: "fail",
        message: `no such parameter in the registry${near ? ` (did you mean ${near}?)` : ""}`,
      });
      continue;
    }
    let after: bigint;
    try {
      after = parseValue(name, parameter.kind, input, snapshot);
    } catch (error) {
      add("units", field, { status: "fail", message: (error as Error).message });
      continue;
    }
    const show = (v: bigint) => formatValue(name, parameter.kind, v, snapshot);
    const before = parameter.value;
    const baseline = parameter.governanceBaseline ?? { value: before, updatedAtSeconds: parameter.updatedAtSeconds };
    const movedByGuardian = baseline.value !== before || baseline.updatedAtSeconds !== parameter.updatedAtSeconds;
    const change: ChangeUnderCheck = {
      name,
      kind: parameter.kind,
      parameter,
      before,
      after,
      baseline,
      movedByGuardian,
      show,
    };
    understood.push(change);
    if (after === before && !movedByGuardian) {
      add("changes the value", field, {
        status: "fail",
        message: `is already ${show(before)}: the registry refuses an unchanged value`,
      });
      continue;
    }
    for (const { rule, check } of changeChecks) {
      const finding = check(change, snapshot);
      if (finding) add(rule, field, finding);
    }
  }
  for (const { rule, field, check } of proposalWideChecks) {
    const found = check(proposal, understood, snapshot);
    for (const finding of Array.isArray(found) ? found : found ? [{ field, ...found }] : [])
      add(rule, finding.field, finding);
  }
  const changes = understood.map(({ name, kind, before, after }) => ({ name, kind, before, after }));
  return { verdict: verdictOf(checks), checks, changes };
}

/**
 * A check's message without the `file: field: ` prefix `checkProposal` gives it, for a listing that names the file
 * once (a proposal on chain is "proposal <77 digits>") and the field in its own column.
 */
export function checkDetail(check: Check, file: string): string {
  for (const prefix of [`${file}: ${check.field}: `, `${file}: `])
    if (check.message.startsWith(prefix)) return check.message.slice(prefix.length);
  return check.message;
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
