/**
 * The strategy advisor's vocabulary: the space it searches (each chosen registry parameter between its rules' min
 * and max), what it measures of a parameter set, and what it answers (the Pareto front of expected return against
 * tail risk, each point's robustness, whether the current and proposed sets are dominated).
 *
 * Values are in the registry's units (bps, seconds); returns and losses are fractions (0.05 = 5%).
 */
import type { Difference } from "../intervals.ts";
import type { MarketModel } from "../market/types.ts";
import type { SensitivityScenario } from "../runSettings.ts";
import type { StrategyParams, VaultSetup, VaultState } from "../model/types.ts";

/** One searched parameter: a registry name and the range its rules allow (whole units, min ≤ max). */
export type Dimension = { name: string; min: number; max: number };

/** Where a search starts: the vault as it is, with the parameters in force. */
export type AdvisorStart = {
  setup: VaultSetup;
  state: VaultState;
  pricesUsd: readonly number[];
  params: StrategyParams;
};

/**
 * What one evaluation of parameter sets runs on: the start, the market (its drift already chosen), and the paths.
 * Every set is run on the same paths (common random numbers: path p is the same for every set of a seed).
 */
export type EvaluationBase = {
  start: AdvisorStart;
  market: MarketModel;
  paths: number;
  steps: number;
  stepSeconds: number;
  seed: number;
};

/** The ceilings a point must respect to be on the front (it is "infeasible" otherwise, and says which it breaks). */
export type Ceilings = {
  /** Probability that a module is liquidated over the horizon, at most (e.g. 0.01). */
  liquidationProbability: number;
  /**
   * The reverse stress test's breaking point: the smallest joint drop of the risk assets that liquidates a module
   * (sim/reverseStress.ts) must be at least this fraction (e.g. 0.3: the vault survives a 30% crash).
   */
  breakingDropAtLeast: number;
};

/** What the advisor measures of a parameter set over the paths (fractions; tokens of the base asset for fees). */
export type PointMetrics = {
  returnMean: number;
  returnMedian: number;
  /** Expected loss in the worst 5% (1%) of paths, a positive fraction. */
  cvar95: number;
  cvar99: number;
  volatility: number;
  maxDrawdownP95: number;
  liquidationProbability: number;
  /** Value traded over the horizon as a share of the start NAV, mean over paths. */
  turnover: number;
  feesBase: number;
  /**
   * The smallest joint drop of the risk assets that liquidates a module (sim/reverseStress.ts); the direction's
   * maximum (0.99) when none up to it does, or when the set borrows nothing.
   */
  breakingDrop: number;
};

/** Which way each metric is better for holders. */
export const pointMetricBetter: Readonly<Record<keyof PointMetrics, "higher" | "lower">> = {
  returnMean: "higher",
  returnMedian: "higher",
  cvar95: "lower",
  cvar99: "lower",
  volatility: "lower",
  maxDrawdownP95: "lower",
  liquidationProbability: "lower",
  turnover: "lower",
  feesBase: "lower",
  breakingDrop: "higher",
};

/** One set's evaluation: its metrics, and its return on each path (for paired intervals against another set). */
export type SetEvaluation = { metrics: PointMetrics; returns: Float64Array };

/** Evaluates parameter sets on one base: in this thread, or spread over worker threads / Web Workers. */
export type Evaluator = (base: EvaluationBase, sets: readonly StrategyParams[]) => Promise<SetEvaluation[]>;

/**
 * A verdict on a point against the current set, on both objectives beyond their 95% intervals: better on one and
 * worse on none, worse on one and better on none, better on one and worse on the other, or neither told apart.
 */
export type Verdict = "better" | "worse" | "trade-off" | "can't tell";

/**
 * How a point compares with the current set beyond uncertainty: on the search's paths with the Monte Carlo error of
 * both objectives (paired bootstrap), under the bear, flat and bull drifts, and under each market model.
 * `overall` is "better" only when every one of those says better.
 */
export type Robustness = {
  overall: Verdict;
  /** One sentence saying why. */
  reason: string;
  monteCarlo: { verdict: Verdict; returnMean: Difference; cvar95: Difference };
  drift: Record<SensitivityScenario, { verdict: Verdict; returnMean: Difference; cvar95: Difference }>;
  models: { name: string; verdict: Verdict; returnMean: Difference; cvar95: Difference }[];
};

/** A parameter set the search evaluated. */
export type AdvisorPoint = {
  id: number;
  /** The searched parameters' values, by registry name. */
  values: Record<string, number>;
  metrics: PointMetrics;
  /** The ceilings it breaks, in words (empty: feasible). */
  breaks: string[];
  /** Non-domination rank among feasible points (0: on the front); null when infeasible. */
  rank: number | null;
  /** Set for the front's points, and for the current and proposed sets. */
  robustness?: Robustness;
};

/** Whether a set (the current one, or a proposal's) is dominated, and by which front point, metric by metric. */
export type Dominance = {
  set: "current" | "proposed";
  dominated: boolean;
  /** The front point that dominates it by the widest margin; undefined when none does. */
  by?: number;
  /** Every metric: the set's value, the dominating point's, and which is better. */
  metrics: { metric: keyof PointMetrics; set: number; point: number; better: "point" | "set" | "equal" }[];
};

export type AdvisorResult = {
  /** How the front was found, in words (the algorithm and its settings). */
  algorithm: string;
  space: Dimension[];
  ceilings: Ceilings;
  base: Omit<EvaluationBase, "start" | "market">;
  evaluated: AdvisorPoint[];
  /** Ids of the front's points (rank 0), by ascending tail risk. */
  front: number[];
  current: AdvisorPoint;
  proposed?: AdvisorPoint;
  dominance: Dominance[];
};
