/**
 * A glide path written as `proposals/` files: one YAML proposal per step, named `01-advisor-point-<id>.yaml`, … in
 * order, each with a title, a body (the advisor point it leads to, the point's metrics against the current set, its
 * robustness verdict and reason, "step k of n", its earliest execution in UTC and, after the first, "submit once step
 * k−1 has executed", then the table of changes the description check compares with the calls) and its `changes` in
 * the units `trimtab proposal new` writes. Pure text: the CLI writes the files, the web app offers them for download.
 */
import type { AdvisorPoint, AdvisorResult } from "../../sim/advisor/types.ts";
import { changesTable } from "../proposal/checks/description.ts";
import { isoTime } from "../proposal/checks/types.ts";
import { metricLabels, pointName, showMetric, showParameter, type AdvisorUnits } from "./advisorText.ts";
import type { GlideStep } from "./glidePath.ts";

/** One proposal file of a glide path: its name in the folder, and its YAML text. */
export type GlideFile = { name: string; text: string };

/** The metrics a step's body compares (the objectives, then the ceilings'). */
const bodyMetrics = ["returnMean", "cvar95", "liquidationProbability", "breakingDrop"] as const;

/**
 * The registry values `point` stands for: its searched values, and, when it moves weights, the base asset's weight as
 * the remainder of the others (those it does not search keep their value in force), so all sum to 10,000 bps.
 */
export function pointTarget(point: AdvisorPoint, units: AdvisorUnits): Record<string, bigint> {
  const target: Record<string, bigint> = Object.fromEntries(
    Object.entries(point.values).map(([name, value]) => [name, BigInt(value)]),
  );
  const baseWeight = `weight.${units.baseSymbol}`;
  if (Object.keys(target).some((name) => name.startsWith("weight.")) && !(baseWeight in target)) {
    const others = Object.entries(units.parameters)
      .filter(([name]) => name.startsWith("weight.") && name !== baseWeight)
      .reduce((sum, [name, p]) => sum + (target[name] ?? p?.value ?? 0n), 0n);
    target[baseWeight] = 10_000n - others;
  }
  return target;
}

/** The file name of step `k` (from 1) of the glide path to point `id`: "01-advisor-point-12.yaml". */
export const glideFileName = (k: number, id: number): string =>
  `${String(k).padStart(2, "0")}-advisor-point-${id}.yaml`;

/** The point a glide path file's name leads to ("03-advisor-point-12.yaml": 12), or undefined for another name. */
export function glideFileOf(name: string): number | undefined {
  const match = /^\d{2,}-advisor-point-(\d+)\.yaml$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * The proposal files of `steps`, the glide path to `point` of `result`. `units` is the registry the path starts from
 * (its values are each step's "current" until a step before changes them).
 */
export function glideFiles(
  result: AdvisorResult,
  point: AdvisorPoint,
  steps: readonly GlideStep[],
  units: AdvisorUnits,
): GlideFile[] {
  const name = pointName(result, point.id);
  const current = result.current;
  const metrics = bodyMetrics.map(
    (m) =>
      `- ${metricLabels[m]}: ${showMetric(m, point.metrics[m], units)} (the current set: ${showMetric(m, current.metrics[m], units)})`,
  );
  const robustness = point.robustness
    ? `Robustness against the current set: ${point.robustness.overall}: ${point.robustness.reason}.`
    : "Robustness against the current set: not checked.";
  const value = new Map<string, bigint>();
  return steps.map((step, i) => {
    const k = i + 1;
    const rows = Object.entries(step.changes).map(([parameter, after]) => {
      const before = value.get(parameter) ?? units.parameters[parameter]?.value;
      value.set(parameter, after);
      return {
        parameter,
        ...(before === undefined ? {} : { current: showParameter(parameter, before, units) }),
        proposed: showParameter(parameter, after, units),
      };
    });
    const title = `Advisor ${name}, step ${k} of ${steps.length}`;
    const body = [
      `# ${title}`,
      "",
      `Step ${k} of ${steps.length} of the glide path to the strategy advisor's ${name} (\`trimtab advise\`): the ` +
        "proposals that reach it while each moves every parameter at most its max step and at most once per its " +
        "min interval.",
      "",
      `Earliest execution: ${isoTime(step.earliestExecutionSeconds)} (UTC; it waits for ${step.waitsFor.join("; ")}).` +
        (k > 1 ? ` Submit once step ${k - 1} has executed.` : ""),
      "",
      `## ${name[0]!.toUpperCase()}${name.slice(1)} against the current set`,
      "",
      ...metrics,
      "",
      robustness,
      "",
      `Found by ${result.algorithm}.`,
      "",
      "## Changes",
      "",
      changesTable(rows),
    ];
    const text = [
      `title: ${JSON.stringify(title)}`,
      "body: |",
      ...body
        .join("\n")
        .split("\n")
        .map((line) => (line === "" ? "" : `  ${line}`)),
      "changes:",
      ...rows.map((r) => `  ${r.parameter}: ${JSON.stringify(r.proposed)}`),
      "",
    ].join("\n");
    return { name: glideFileName(k, point.id), text };
  });
}
