/**
 * The advisor's result as the page shows it: the scatter plot's points (every set evaluated, the infeasible ones, the
 * front, the current and proposed sets), each metric's label and format, and a point's metrics against the current
 * set's. Pure: the page and its tests read a result the same way.
 */
import type { Difference } from "../../../../sim/intervals.ts";
import {
  pointMetricBetter,
  type AdvisorPoint,
  type AdvisorResult,
  type PointMetrics,
} from "../../../../sim/advisor/types.ts";
import type { ScatterKind, ScatterPoint } from "../charts/scatter.ts";
import { formatFraction, formatNumber } from "../format.ts";

/** The plot's kinds of point, in the legend's order. */
export const advisorKinds = {
  evaluated: { label: "Evaluated", color: "#64748b", shape: "circle", faint: true },
  infeasible: { label: "Infeasible (breaks a ceiling)", color: "#b91c1c", shape: "cross", faint: true },
  front: { label: "On the front", color: "#2563eb", shape: "circle" },
  current: { label: "Current set", color: "#0f172a", shape: "diamond" },
  proposed: { label: "Proposed set", color: "#d97706", shape: "triangle" },
} as const satisfies Record<string, ScatterKind>;

export type AdvisorKind = keyof typeof advisorKinds;

/** Each metric's name in the page's words, in the order the tables list them. */
export const metricLabels: Readonly<Record<keyof PointMetrics, string>> = {
  returnMean: "Expected return",
  returnMedian: "Median return",
  cvar95: "Tail risk (CVaR 95)",
  cvar99: "CVaR 99",
  volatility: "Volatility",
  maxDrawdownP95: "Max drawdown (95th percentile)",
  liquidationProbability: "Liquidation probability",
  turnover: "Turnover (share of NAV)",
  feesBase: "Fees",
  breakingDrop: "Breaking drop",
};

/** A metric's value as the page writes it: fractions as %, fees in tokens of the base asset. */
export function formatMetric(metric: keyof PointMetrics, value: number, base: string): string {
  return metric === "feesBase" ? `${formatNumber(value, 2)} ${base}` : formatFraction(value, 2);
}

const signed = (text: string, value: number) => (value > 0 ? `+${text}` : text);

/** A difference of a metric (point less current), signed. */
export function formatMetricDifference(metric: keyof PointMetrics, value: number, base: string): string {
  return signed(formatMetric(metric, value, base), value);
}

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
export function compareMetrics(point: AdvisorPoint, current: AdvisorPoint, base: string): MetricComparison[] {
  return (Object.keys(metricLabels) as (keyof PointMetrics)[]).map((metric) => {
    const [a, b] = [point.metrics[metric], current.metrics[metric]];
    const margin = pointMetricBetter[metric] === "higher" ? a - b : b - a;
    return {
      metric,
      label: metricLabels[metric],
      current: formatMetric(metric, b, base),
      point: formatMetric(metric, a, base),
      difference: formatMetricDifference(metric, a - b, base),
      reads: margin > 0 ? "better" : margin < 0 ? "worse" : "same",
    };
  });
}
