/**
 * Stress scenarios reported beside the baseline, never folded into it: the baseline comparison runs on unstressed
 * paths, and each requested scenario is a comparison of its own on the same paths (the same seed's draws, with the
 * scenario's overlay put on them), labelled as conditional on the stress ("if WETH and WBTC fall 35%/30% on day
 * 183"). A scenario's tail metrics are the tails of a world where the stress happens for sure.
 */
import type { Difference, MonteCarloResults } from "./monteCarlo.ts";
import { stressScenarios, type StressScenarioName } from "./market/stress.ts";
import type { StressOverlay } from "./market/types.ts";

/** The metrics each stressed comparison shows for each set (the report's headline ones and the holders' in USD). */
export const stressedMetrics = {
  returnMean: "higher",
  returnUsdMean: "higher",
  volatility: "lower",
  maxDrawdownP95: "lower",
  cvar95: "lower",
  cvar95Usd: "lower",
  liquidationProbability: "lower",
  borrowCostBase: "lower",
} as const;
export type StressedMetric = keyof typeof stressedMetrics;
export type StressedSummary = Record<StressedMetric, number>;

/** One stress scenario's comparison (`report.results.stressed[name]`). */
export type StressedComparison = {
  /** What the numbers are conditional on, e.g. "if WETH and WBTC fall 35%/30% on day 183". */
  label: string;
  current: StressedSummary;
  proposed: StressedSummary;
  /** Proposed less current, with its 95% interval of Monte Carlo error (as the baseline's). */
  difference: Record<StressedMetric, Difference | null>;
};

export type Stressed = Partial<Record<StressScenarioName, StressedComparison>>;

const dayOf = (step: number, stepSeconds: number) => {
  const days = (step * stepSeconds) / 86_400;
  return Number.isInteger(days) ? `day ${days}` : `step ${step}`;
};
const pct = (bps: number) => `${+(bps / 100).toFixed(2)}%`;
const lengthOf = (from: number, to: number, stepSeconds: number) => {
  const days = ((to - from + 1) * stepSeconds) / 86_400;
  return Number.isInteger(days) ? `${days} day${days === 1 ? "" : "s"}` : `${to - from + 1} steps`;
};

/**
 * What a scenario's numbers are conditional on, in words, from the overlays it puts on paths of `steps` steps of
 * `stepSeconds` over assets `symbols`: "if WETH and WBTC fall 35%/30% on day 183".
 */
export function stressLabel(
  name: StressScenarioName,
  symbols: readonly string[],
  steps: number,
  stepSeconds: number,
): string {
  const overlays: StressOverlay[] = stressScenarios[name](symbols, steps);
  const parts = overlays.map((overlay, k) => {
    if (overlay.kind === "crash") {
      const entries = Object.entries(overlay.dropBps);
      const who = entries.map(([symbol]) => symbol);
      const names = who.length > 1 ? `${who.slice(0, -1).join(", ")} and ${who.at(-1)}` : (who[0] ?? "nothing");
      return `${names} fall${who.length > 1 ? "" : "s"} ${entries.map(([, bps]) => pct(bps)).join("/")} on ${dayOf(overlay.step, stepSeconds)}`;
    }
    if (overlay.kind === "volSpike")
      return `the random part of every return is ×${overlay.multiplier} for ${lengthOf(overlay.fromStep, overlay.toStep, stepSeconds)} from ${dayOf(overlay.fromStep, stepSeconds)}`;
    if (overlay.kind === "depeg")
      return k === 0
        ? `${overlay.symbol} trades at $${overlay.priceUsd.toFixed(2)} for ${lengthOf(overlay.fromStep, overlay.toStep, stepSeconds)} from ${dayOf(overlay.fromStep, stepSeconds)}`
        : `recovers only to $${overlay.priceUsd.toFixed(2)} until the horizon`;
    if (overlay.kind === "rateSpike")
      return `every market the modules borrow on charges at least ${Math.round(overlay.ratePerYear * 100)}% a year (borrow rate) for ${lengthOf(overlay.fromStep, overlay.toStep, stepSeconds)} from ${dayOf(overlay.fromStep, stepSeconds)}`;
    return "";
  });
  return `if ${parts.filter(Boolean).join(", then ")}`;
}

/** One scenario's comparison from its Monte Carlo's results. */
export function stressedComparison(label: string, results: MonteCarloResults): StressedComparison {
  const summary = (which: "current" | "proposed"): StressedSummary => {
    const set = results[which];
    const usd = results.holder.usd[which];
    return {
      returnMean: set.returnMean,
      returnUsdMean: usd.returnUsdMean,
      volatility: set.volatility,
      maxDrawdownP95: set.maxDrawdownP95,
      cvar95: set.cvar95,
      cvar95Usd: usd.cvar95Usd,
      liquidationProbability: set.liquidationProbability,
      borrowCostBase: set.borrowCostBase,
    };
  };
  const { difference } = results;
  const usd = results.holder.usd.difference;
  return {
    label,
    current: summary("current"),
    proposed: summary("proposed"),
    difference: {
      returnMean: difference.returnMean,
      returnUsdMean: usd.returnUsdMean,
      volatility: difference.volatility,
      maxDrawdownP95: difference.maxDrawdownP95,
      cvar95: difference.cvar95,
      cvar95Usd: usd.cvar95Usd,
      liquidationProbability: difference.liquidationProbability,
      borrowCostBase: difference.borrowCostBase,
    },
  };
}
