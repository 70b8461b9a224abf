/**
 * The advisor's answer as text, for the CLI (`trimtab advise`), the web page and the glide path's proposal bodies:
 * how the front was found, the front as a table (each point's objectives, ceilings' metrics, robustness verdict and
 * searched values in their units), whether the current and proposed sets are dominated metric by metric, each front
 * point's robustness reason, and a glide path's steps. Pure.
 */
import { advisorDefaults } from "../../sim/advisor/advise.ts";
import type { AdvisorPoint, AdvisorResult, Dominance, PointMetrics } from "../../sim/advisor/types.ts";
import type { ParameterKind } from "../../parameters/types.ts";
import { isoTime } from "../proposal/checks/types.ts";
import { formatValue, type UnitContext } from "../proposal/units.ts";
import type { GlideStep } from "./glidePath.ts";

/** What the text needs to write values in their units: the registry's parameter kinds and the base asset. */
export type AdvisorUnits = UnitContext & {
  parameters: Readonly<Record<string, { kind: ParameterKind; value?: bigint } | undefined>>;
};

/** Each metric's name in words. */
export const metricLabels: Readonly<Record<keyof PointMetrics, string>> = {
  returnMean: "expected return",
  returnMedian: "median return",
  cvar95: "CVaR 95",
  cvar99: "CVaR 99",
  volatility: "volatility",
  maxDrawdownP95: "max drawdown (p95)",
  liquidationProbability: "liquidation probability",
  turnover: "turnover",
  feesBase: "fees",
  breakingDrop: "breaking drop",
};

/** A metric's value as people read it: fractions as percentages ("4.12%"), fees in the base asset ("1,234.50 USDC"). */
export function showMetric(metric: keyof PointMetrics, value: number, units: UnitContext): string {
  if (metric === "feesBase")
    return `${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${units.baseSymbol}`;
  return `${(value * 100).toFixed(2)}%`;
}

/** A registry value in its parameter's units ("7.5%", "12h"); as a number when the registry does not know it. */
export function showParameter(name: string, value: number | bigint, units: AdvisorUnits): string {
  const kind = units.parameters[name]?.kind;
  return kind === undefined ? String(value) : formatValue(name, kind, BigInt(value), units);
}

/** Which point an id names ("point 12", or "the current set" / "the proposed set" when it is one of them). */
export function pointName(result: AdvisorResult, id: number): string {
  if (id === result.current.id) return "the current set";
  if (id === result.proposed?.id) return "the proposed set";
  return `point ${id}`;
}

/** The columns of the front's table beside the searched values. */
const tableMetrics = ["returnMean", "cvar95", "liquidationProbability", "breakingDrop"] as const;

/** Rows as a plain-text table, each column as wide as its widest cell. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/**
 * The front as a table, by ascending tail risk: id, the objectives and the ceilings' metrics, the robustness verdict,
 * and the searched values; then the current set's row (and the proposed set's) for comparison.
 */
export function frontTable(result: AdvisorResult, units: AdvisorUnits): string {
  const byId = new Map(result.evaluated.map((p) => [p.id, p]));
  const row = (label: string, point: AdvisorPoint) => [
    label,
    ...tableMetrics.map((m) => showMetric(m, point.metrics[m], units)),
    point.robustness?.overall ?? (point.id === result.current.id ? "(current)" : "-"),
    ...result.space.map((d) => showParameter(d.name, point.values[d.name]!, units)),
  ];
  const rows = result.front.map((id) => row(String(id), byId.get(id)!));
  rows.push(row(`current (${result.current.id})`, result.current));
  if (result.proposed) rows.push(row(`proposed (${result.proposed.id})`, result.proposed));
  return table(
    ["point", ...tableMetrics.map((m) => metricLabels[m]), "robustness", ...result.space.map((d) => d.name)],
    rows,
  );
}

/** Whether a set is dominated, by which front point, and every metric of the two side by side. */
export function dominanceText(result: AdvisorResult, dominance: Dominance, units: AdvisorUnits): string {
  const set = `The ${dominance.set} set`;
  if (!dominance.dominated || dominance.by === undefined)
    return `${set} is not dominated: no front point has a higher expected return and a lower CVaR 95 than it.`;
  const by = pointName(result, dominance.by);
  const lines = dominance.metrics.map(({ metric, set: own, point, better }) => [
    metricLabels[metric],
    showMetric(metric, own, units),
    showMetric(metric, point, units),
    better === "point" ? `${by} better` : better === "set" ? `the ${dominance.set} set better` : "equal",
  ]);
  return [
    `${set} is dominated by ${by}: as much or more expected return with as little or less CVaR 95, one of them strictly.`,
    table(["metric", dominance.set, by, ""], lines),
  ].join("\n");
}

/** Each front point's robustness verdict against the current set, and why. */
export function robustnessText(result: AdvisorResult): string {
  const byId = new Map(result.evaluated.map((p) => [p.id, p]));
  const checked = [...result.front.map((id) => byId.get(id)!), ...(result.proposed ? [result.proposed] : [])].filter(
    (p, i, all) => p.id !== result.current.id && all.indexOf(p) === i,
  );
  return checked
    .map((p) =>
      p.robustness
        ? `${pointName(result, p.id)}: ${p.robustness.overall}: ${p.robustness.reason}`
        : `${pointName(result, p.id)}: not checked (${advisorDefaults.robustPoints} points spread along the front are)`,
    )
    .join("\n");
}

/** The whole answer: the algorithm, the ceilings, the front, each set's dominance, and the front's robustness. */
export function advisorText(result: AdvisorResult, units: AdvisorUnits): string {
  const pct = (x: number) => `${+(x * 100).toFixed(2)}%`;
  const infeasible = result.evaluated.filter((p) => p.breaks.length > 0).length;
  return [
    result.algorithm + ".",
    `Ceilings: liquidation probability at most ${pct(result.ceilings.liquidationProbability)}; breaking drop at ` +
      `least ${pct(result.ceilings.breakingDropAtLeast)} (${infeasible} of ${result.evaluated.length} sets break one).`,
    "",
    `The front (${result.front.length} points, by ascending CVaR 95):`,
    frontTable(result, units),
    "",
    ...result.dominance.flatMap((d) => [dominanceText(result, d, units), ""]),
    "Robustness against the current set:",
    robustnessText(result) || "(no front point other than the current set)",
  ].join("\n");
}

/** A glide path's steps: each one's changes (before → after, in their units), its earliest execution, and why. */
export function glidePathText(steps: readonly GlideStep[], units: AdvisorUnits): string {
  if (steps.length === 0) return "Every target value is already in force: no proposal is needed.";
  const value = new Map<string, bigint>();
  return steps
    .map((step, k) => {
      const changes = Object.entries(step.changes).map(([name, after]) => {
        const before = value.get(name) ?? units.parameters[name]?.value;
        value.set(name, after);
        return `  ${name}: ${before === undefined ? "" : `${showParameter(name, before, units)} → `}${showParameter(name, after, units)}`;
      });
      return [
        `step ${k + 1} of ${steps.length}: executes from ${isoTime(step.earliestExecutionSeconds)} (waits for ${step.waitsFor.join("; ")})`,
        ...changes,
      ].join("\n");
    })
    .join("\n");
}
