/**
 * The advisor's result as the page shows it: the scatter plot's points (every set evaluated, the infeasible ones, the
 * front, the current and proposed sets), and a point's metrics against the current set's (in the words and units of
 * sdk/advisor/advisorText.ts, which the CLI writes). Pure: the page and its tests read a result the same way.
 */
import type { Difference } from "../../../../sim/intervals.ts";
import {
  pointMetricBetter,
  type AdvisorPoint,
  type AdvisorResult,
  type PointMetrics,
} from "../../../../sim/advisor/types.ts";
import { metricLabels, showMetric } from "../../../../sdk/advisor/advisorText.ts";
import type { UnitContext } from "../../../../sdk/proposal/units.ts";
import type { ScatterKind, ScatterPoint } from "../charts/scatter.ts";
import { formatFraction } from "../format.ts";

/** The plot's kinds of point, in the legend's order. */
export const advisorKinds = {
  evaluated: { label: "Evaluated", color: "#64748b", shape: "circle", faint: true },
  infeasible: { label: "Infeasible (breaks a ceiling)", color: "#b91c1c", shape: "cross", faint: true },
  front: { label: "On the front", color: "#2563eb", shape: "circle" },
  current: { label: "Current set", color: "#0f172a", shape: "diamond" },
  proposed: { label: "Proposed set", color: "#d97706", shape: "triangle" },
} as const satisfies Record<string, ScatterKind>;

export type AdvisorKind = keyof typeof advisorKinds;

/** A metric's name as a table's row starts it: "Expected return". */
export const metricLabel = (metric: keyof PointMetrics): string => {
  const label = metricLabels[metric];
  return `${label[0]!.toUpperCase()}${label.slice(1)}`;
};

const signed = (text: string, value: number) => (value > 0 ? `+${text}` : text);

/** A paired difference with its 95% interval: "+0.42% (−0.10% to +0.95%)". */
export function formatDifference(d: Difference): string {
  const pct = (v: number) => signed(formatFraction(v, 2), v);
  return `${pct(d.estimate)} (${pct(d.low95)} to ${pct(d.high95)})`;
}

/** Which of the plot's kinds `point` is drawn as. */
export function kindOf(point: AdvisorPoint, result: AdvisorResult): AdvisorKind {
  if (point.id === result.current.id) return "current";
  if (point.id === result.proposed?.id) return "proposed";
  if (point.rank === 0) return "front";
  return point.breaks.length > 0 ? "infeasible" : "evaluated";
}

const kindWords: Record<AdvisorKind, string> = {
  evaluated: "Evaluated set",
  infeasible: "Infeasible set",
  front: "Front point",
  current: "Current set",
  proposed: "Proposed set",
};

/** The plot's points: x the tail risk (CVaR 95), y the expected return, each named with its metrics. */
export function scatterPoints(result: AdvisorResult): ScatterPoint[] {
  return result.evaluated.map((point) => {
    const kind = kindOf(point, result);
    const onFront = point.rank === 0 && kind !== "front" ? ", on the front" : "";
    const breaks = point.breaks.length > 0 ? `; breaks: ${point.breaks.join("; ")}` : "";
    return {
      id: point.id,
      x: point.metrics.cvar95,
      y: point.metrics.returnMean,
      kind,
      description:
        `${kindWords[kind]} #${point.id}${onFront}: expected return ${formatFraction(point.metrics.returnMean)}, ` +
        `tail risk (CVaR 95) ${formatFraction(point.metrics.cvar95)}${breaks}`,
      ...(kind === "current" ? { label: "Current" } : kind === "proposed" ? { label: "Proposed" } : {}),
    };
  });
}

export type MetricComparison = {
  metric: keyof PointMetrics;
  label: string;
  current: string;
  point: string;
  difference: string;
  /** For holders, by `pointMetricBetter`. */
  reads: "better" | "worse" | "same";
};

/** Every metric of `point` against `current`'s. */
export function compareMetrics(point: AdvisorPoint, current: AdvisorPoint, units: UnitContext): MetricComparison[] {
  return (Object.keys(metricLabels) as (keyof PointMetrics)[]).map((metric) => {
    const [a, b] = [point.metrics[metric], current.metrics[metric]];
    const margin = pointMetricBetter[metric] === "higher" ? a - b : b - a;
    return {
      metric,
      label: metricLabel(metric),
      current: showMetric(metric, b, units),
      point: showMetric(metric, a, units),
      difference: signed(showMetric(metric, a - b, units), a - b),
      reads: margin > 0 ? "better" : margin < 0 ? "worse" : "same",
    };
  });
}
