/**
 * The description against the calldata: a proposal's body states its parameter changes in a markdown table
 * (`| Parameter | Current | Proposed |`, one row per parameter, the name as the registry spells it, in backticks or
 * not; `proposal new` writes one), and the table must say what the calls do. Values are compared in the parameter's
 * registry units, so "2%" and "200 bps" agree.
 *
 * The rule: FAIL when the calls change a parameter the table omits or states with another value, or the table states
 * a change the calls do not make (or a value that is not in the parameter's units); WARN when the body has no such
 * table (and the proposal changes a parameter), or when a row's current value is not the registry's; PASS when the
 * table and the calls agree. A change that is not understood (an unknown parameter, bad units) is left to the checks
 * that fail it.
 */
import { formatValue, parseValue } from "../units.ts";
import { registryUpdatesOf } from "../registryCalls.ts";
import type { ProposalDraft } from "../proposalFile.ts";
import type { ChangeUnderCheck, Finding, ProposalCheck, RegistrySnapshot } from "./types.ts";

/** One row of a body's table of changes, as written. */
export type DescribedChange = { parameter: string; current?: string; proposed: string };

/** The columns of the table of changes (case-insensitive); `Current` may be left out. */
export const describedChangeColumns = ["Parameter", "Current", "Proposed"] as const;

/**
 * The rows of the first markdown table in `body` whose header has a `Parameter` and a `Proposed` column, or undefined
 * when it has none. Cells lose their backticks and surrounding spaces; an empty or dash `Current` is left out.
 */
export function describedChanges(body: string): DescribedChange[] | undefined {
  const lines = body.split("\n").map((line) => line.trim());
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!lines[i]!.startsWith("|") || !/^\|?\s*:?-{3,}/.test(lines[i + 1]!)) continue;
    const header = cells(lines[i]!).map((c) => c.toLowerCase());
    const [parameterAt, currentAt, proposedAt] = describedChangeColumns.map((c) => header.indexOf(c.toLowerCase()));
    if (parameterAt === -1 || proposedAt === -1) continue;
    const rows: DescribedChange[] = [];
    for (let j = i + 2; j < lines.length && lines[j]!.startsWith("|"); j++) {
      const row = cells(lines[j]!);
      const parameter = row[parameterAt!] ?? "";
      if (parameter === "") continue;
      const current = currentAt === -1 ? "" : (row[currentAt!] ?? "");
      rows.push({
        parameter,
        proposed: row[proposedAt!] ?? "",
        ...(current === "" || /^[-–—]$/.test(current) ? {} : { current }),
      });
    }
    return rows;
  }
  return undefined;
}

/**
 * The markdown table of `rows` (`| Parameter | Current | Proposed |`), as `proposal new` and the web app's drafts write
 * it: names in backticks, an unknown current value left empty.
 */
export function changesTable(rows: readonly DescribedChange[]): string {
  return [
    `| ${describedChangeColumns.join(" | ")} |`,
    "| --- | --- | --- |",
    ...rows.map((r) => `| \`${r.parameter}\` | ${r.current ?? ""} | ${r.proposed} |`),
  ].join("\n");
}

/** A table row's cells, split at unescaped pipes, without backticks. */
function cells(line: string): string[] {
  const inner = line.replace(/^\|/, "").replace(/(?<!\\)\|$/, "");
  return inner.split(/(?<!\\)\|/).map((c) => c.replaceAll("\\|", "|").replaceAll("`", "").trim());
}

/**
 * What the proposal's calls set, by parameter name (registry values): its understood changes, then its raw calls to
 * the registry's `setParameters`/`setParameter` (a later call's value wins, as on chain).
 */
export function calldataChanges(
  changes: readonly ChangeUnderCheck[],
  calls: ProposalDraft["calls"],
): Map<string, bigint> {
  const set = new Map(changes.map((c) => [c.name, c.after] as const));
  for (const call of calls) for (const { name, value } of registryUpdatesOf(call.data) ?? []) set.set(name, value);
  return set;
}

/**
 * Compares a body's table (`rows`, or undefined for no table) with what the calldata sets (`set`); `ignored` are
 * parameter names other checks already fail (not understood).
 */
export function compareDescription(
  rows: readonly DescribedChange[] | undefined,
  set: ReadonlyMap<string, bigint>,
  snapshot: RegistrySnapshot,
  ignored: ReadonlySet<string> = new Set(),
): Finding | undefined {
  const columns = `| ${describedChangeColumns.join(" | ")} |`;
  if (rows === undefined)
    return set.size === 0
      ? undefined
      : {
          status: "warn",
          message: `the body has no table of the changes (${columns}): voters cannot see that it says what the calls do`,
        };
  const show = (name: string, value: bigint) => formatValue(name, snapshot.parameters[name]!.kind, value, snapshot);
  const failures: string[] = [];
  const warnings: string[] = [];
  const stated = new Set<string>();
  for (const row of rows) {
    if (ignored.has(row.parameter)) continue;
    stated.add(row.parameter);
    const parameter = snapshot.parameters[row.parameter];
    const value = set.get(row.parameter);
    if (!parameter) {
      failures.push(`the table states ${row.parameter}, which is no registry parameter`);
      continue;
    }
    let proposed: bigint;
    try {
      proposed = parseValue(row.parameter, parameter.kind, row.proposed, snapshot);
    } catch (error) {
      failures.push(`the table's ${row.parameter} "${row.proposed}": ${(error as Error).message}`);
      continue;
    }
    if (value === undefined)
      failures.push(`the table states ${row.parameter} → ${row.proposed}; the calls do not change it`);
    else if (value !== proposed)
      failures.push(
        `the table states ${row.parameter} → ${show(row.parameter, proposed)}; the calls set ${show(row.parameter, value)}`,
      );
    if (row.current === undefined) continue;
    try {
      const current = parseValue(row.parameter, parameter.kind, row.current, snapshot);
      if (current !== parameter.value)
        warnings.push(
          `the table's current ${row.parameter} is ${show(row.parameter, current)}; the registry has ${show(row.parameter, parameter.value)}`,
        );
    } catch (error) {
      warnings.push(`the table's current ${row.parameter} "${row.current}": ${(error as Error).message}`);
    }
  }
  if (set.size === 0 && stated.size === 0) return undefined; // only changes other checks fail
  for (const [name, value] of set) {
    if (stated.has(name) || ignored.has(name)) continue;
    const shown = snapshot.parameters[name] ? show(name, value) : String(value);
    failures.push(`the calls set ${name} to ${shown}; the table does not state it`);
  }
  if (failures.length) return { status: "fail", message: [...failures, ...warnings].join("; ") };
  if (warnings.length) return { status: "warn", message: warnings.join("; ") };
  return {
    status: "pass",
    message: `the table states the ${set.size === 1 ? "change" : `${set.size} changes`} the calls make`,
  };
}

export const descriptionCheck: ProposalCheck = {
  rule: "description",
  field: "body",
  check(proposal, changes, snapshot) {
    const understood = new Set(changes.map((c) => c.name));
    const ignored = new Set(Object.keys(proposal.changes).filter((name) => !understood.has(name)));
    return compareDescription(
      describedChanges(proposal.body),
      calldataChanges(changes, proposal.calls),
      snapshot,
      ignored,
    );
  },
};
