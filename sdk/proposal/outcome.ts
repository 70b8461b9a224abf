/**
 * A proposal's outcome after execution, measured against what its cited impact report predicted: pure math over
 * plain data (browser-safe; outcomeReader.ts fetches the data from the subgraph and the chain).
 *
 * Horizon alignment. The report predicts from its start block (before the proposal was made), with the proposed
 * parameters in force from its step 0; the proposal's parameters are in force on chain from its execution. So the
 * realized path since execution is compared with the report's paths over the same elapsed time from their start: day
 * d after execution against the report's step d (share-price growth since execution against the predicted growth
 * since the report's start, i.e. the bands over the report's start NAV), and each per-path metric realized over the
 * D days since execution against the report's paths run for their first D steps (sim/horizon.ts). Both are growth or
 * counts over D days from a starting state: like with like, provided the model's D-day distribution is about the
 * same from the execution's state as from the report's (the market model is stationary; the vault's state moved).
 */
import { quantile } from "../../sim/stats.ts";
import type { HorizonPrediction, HorizonValues } from "../../sim/horizon.ts";

/** The report's band probabilities, as its rows hold them: p5, p25, p50, p75, p95. */
export const outcomeBandProbabilities = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

/** Fewer whole days since execution than this: too few to measure (one day's growth says nothing about a band). */
export const minimumOutcomeDays = 2;

/** How many realized days fell inside the central 50% (p25–p75) and 90% (p5–p95) bands, of how many. */
export type BandCoverage = {
  days: number;
  inside50: number;
  inside90: number;
  /** inside50 / days (expected 0.5 when the model is calibrated); null for no days. */
  share50: number | null;
  share90: number | null;
};

/**
 * Band coverage of a realized path: `realized[i]` against `bands[i]` (its row [p5, p25, p50, p75, p95]), bounds
 * included. Throws when the two differ in length or a row is not five ascending numbers.
 *
 * @example bandCoverage([1.01, 1.2], [[0.9, 0.98, 1, 1.02, 1.1], [0.8, 0.95, 1, 1.05, 1.15]]) // inside50 1, inside90 1
 */
export function bandCoverage(realized: readonly number[], bands: readonly (readonly number[])[]): BandCoverage {
  if (realized.length !== bands.length)
    throw new Error(`realized has ${realized.length} days but bands has ${bands.length} rows: they must pair up`);
  let inside50 = 0;
  let inside90 = 0;
  realized.forEach((value, i) => {
    const row = bands[i]!;
    if (row.length !== 5 || row.some((v, j) => j > 0 && v < row[j - 1]!))
      throw new Error(`bands[${i}] must be five ascending quantiles (p5, p25, p50, p75, p95), got [${row.join(", ")}]`);
    if (value >= row[1]! && value <= row[3]!) inside50++;
    if (value >= row[0]! && value <= row[4]!) inside90++;
  });
  const days = realized.length;
  return {
    days,
    inside50,
    inside90,
    share50: days ? inside50 / days : null,
    share90: days ? inside90 / days : null,
  };
}

/**
 * The percentile rank of `value` in `sample`, from 0 to 1: the share of the sample below it, with ties counted half
 * (the mid-rank), so that a value equal to every draw ranks 0.5. Throws for an empty sample or a non-finite number.
 *
 * @example percentileRank(3, [1, 2, 3, 4]) // 0.625: two below, one tied
 */
export function percentileRank(value: number, sample: readonly number[]): number {
  if (sample.length === 0) throw new Error("percentileRank: the sample is empty");
  if (!Number.isFinite(value)) throw new Error(`percentileRank: value must be a finite number, got ${value}`);
  let below = 0;
  let tied = 0;
  for (const v of sample) {
    if (v < value) below++;
    else if (v === value) tied++;
  }
  return (below + tied / 2) / sample.length;
}

/** The per-path metrics an outcome compares. */
export const outcomeMetrics = ["rebalances", "turnover", "fees", "ltv", "hedgeRatio"] as const;
export type OutcomeMetric = (typeof outcomeMetrics)[number];

/** What each metric is, for humans. */
export const outcomeMetricLabels: Record<OutcomeMetric, string> = {
  rebalances: "Rebalances",
  turnover: "Turnover (of NAV at the start)",
  fees: "Fees (of NAV at the start)",
  ltv: "Collateral LTV at the horizon",
  hedgeRatio: "Hedge ratio at the horizon",
};

/** A realized metric against the predicted distribution of the same metric over the same horizon. */
export type MetricComparison = {
  metric: OutcomeMetric;
  label: string;
  realized: number;
  /** Quantiles of the predicted per-path values (p5, p25, p50, p75, p95) and their mean. */
  predicted: { p5: number; p25: number; p50: number; p75: number; p95: number; mean: number };
  /** The realized value's percentile rank among the predicted paths (0–1, ties half). */
  percentileRank: number;
  inside50: boolean;
  inside90: boolean;
};

/** `realized` against the predicted per-path `sample` (see {@link percentileRank}; bounds included in the bands). */
export function compareMetric(metric: OutcomeMetric, realized: number, sample: readonly number[]): MetricComparison {
  const [p5, p25, p50, p75, p95] = outcomeBandProbabilities.map((p) => quantile(sample, p)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return {
    metric,
    label: outcomeMetricLabels[metric],
    realized,
    predicted: { p5, p25, p50, p75, p95, mean: sample.reduce((a, b) => a + b, 0) / sample.length },
    percentileRank: percentileRank(realized, sample),
    inside50: realized >= p25 && realized <= p75,
    inside90: realized >= p5 && realized <= p95,
  };
}

/** Rebalances, turnover and fees over a horizon, and the modules at its end: realized, or one replay's. */
export type HorizonNumbers = {
  /** Share price at the horizon over share price at execution. */
  growth: number;
  rebalances: number;
  /** Value traded by rebalances and the hedge over the NAV at the start. */
  turnover: number;
  /** Fees (management and performance) over the NAV at the start. */
  fees: number;
  ltv: number | null;
  hedgeRatio: number | null;
};

/** A replay of the realized prices since execution (sim/backtest.ts): its numbers, without NAV flows. */
export type ReplayNumbers = Omit<HorizonNumbers, "ltv" | "hedgeRatio">;

/** Everything an outcome is measured from, as plain data. */
export type OutcomeInputs = {
  proposalId: string;
  title: string;
  report: {
    hash: `0x${string}`;
    /** The block the report's simulation started from, and its time (unix seconds). */
    blockNumber: string;
    startSeconds: number;
    paths: number;
    steps: number;
    stepSeconds: number;
    startNav: number;
    /** The proposed set's band rows (p5..p95 of holders' NAV) at steps 0..steps, in base-asset tokens. */
    proposedBands: readonly (readonly number[])[];
  };
  execution: { blockNumber: string; timestampSeconds: number };
  /** Share price at execution (index 0) and at each whole day after it, up to the horizon. */
  realizedSharePrices: readonly number[];
  /**
   * The vault's NAV (total assets, base-asset tokens) on the same days: shown beside, not measured against the bands,
   * since it also moves with deposits and withdrawals, which the model does not draw.
   */
  realizedNavBase?: readonly number[];
  /** What happened over the horizon (the share price's growth is `realizedSharePrices`'). */
  realized: Omit<HorizonNumbers, "growth">;
  /** The report's paths run for the horizon's steps. */
  predicted: HorizonPrediction;
  /** The realized prices replayed with the parameters the proposal replaced, and with its own. */
  replay: { withoutProposal: ReplayNumbers; withProposal: ReplayNumbers };
};

export type ProposalOutcome = {
  status: "measured";
  proposalId: string;
  title: string;
  report: Omit<OutcomeInputs["report"], "proposedBands">;
  execution: OutcomeInputs["execution"];
  horizon: {
    /** Whole days since execution measured. */
    days: number;
    fromSeconds: number;
    toSeconds: number;
    /** How realized and predicted are aligned (see the module's comment). */
    alignment: string;
  };
  sharePrice: {
    /** Day d (0..days) since execution: realized growth since execution, and the report's band rows at step d. */
    path: { day: number; realized: number; bands: number[]; navBase: number | null }[];
    coverage: BandCoverage;
    /** The realized growth at the horizon's percentile rank among the report's paths at step `days`. */
    percentileRank: number;
  };
  metrics: MetricComparison[];
  /** What happened, and the realized market replayed with and without the proposal (the model's numbers). */
  counterfactual: {
    realized: HorizonNumbers;
    withProposal: ReplayNumbers;
    withoutProposal: ReplayNumbers;
    /** withProposal less withoutProposal: the proposal's effect on this market, by the model. */
    effect: ReplayNumbers;
  };
};

/** Why a proposal's outcome is not measured. */
export type UnmeasuredReason =
  "not-executed" | "no-cited-report" | "too-few-days" | "report-not-reproduced" | "unsupported" | "unreadable";

export type UnmeasuredOutcome = {
  status: "unmeasured";
  proposalId: string;
  title: string;
  reason: UnmeasuredReason;
  /** One sentence naming what is wrong. */
  message: string;
};

export type ProposalOutcomeResult = ProposalOutcome | UnmeasuredOutcome;

const horizonAlignment =
  "Day d after execution is compared with step d of the report's paths, which start at the report's block with the " +
  "proposed parameters in force: growth and counts over the same elapsed time, each from its own start.";

/** The outcome of one proposal from plain data: band coverage, metric ranks, and the counterfactual. */
export function measureOutcome(inputs: OutcomeInputs): ProposalOutcome {
  const { report, predicted, realizedSharePrices } = inputs;
  const days = realizedSharePrices.length - 1;
  if (days < minimumOutcomeDays)
    throw new Error(`realizedSharePrices covers ${days} days since execution; an outcome needs ${minimumOutcomeDays}`);
  if (predicted.horizonSteps !== days)
    throw new Error(`predicted covers ${predicted.horizonSteps} steps but the realized path ${days} days`);
  if (report.stepSeconds !== 86_400 || predicted.stepSeconds !== 86_400)
    throw new Error(`the report's steps are ${report.stepSeconds} s: outcomes compare daily steps only`);
  if (report.proposedBands.length <= days)
    throw new Error(`the report's bands reach ${report.proposedBands.length - 1} days, fewer than the ${days} elapsed`);
  const start = realizedSharePrices[0]!;
  if (!(start > 0)) throw new Error(`realizedSharePrices[0] must be a positive share price, got ${start}`);
  const growth = realizedSharePrices.map((p) => p / start);
  const bandsOf = (day: number) => report.proposedBands[day]!.map((v) => v / report.startNav);
  const navs = inputs.realizedNavBase;
  if (navs && navs.length !== realizedSharePrices.length)
    throw new Error(`realizedNavBase has ${navs.length} days but realizedSharePrices ${realizedSharePrices.length}`);
  const path = growth.map((realized, day) => ({ day, realized, bands: bandsOf(day), navBase: navs?.[day] ?? null }));
  // Day 0 is growth 1 in every path: coverage counts the days after it.
  const coverage = bandCoverage(
    growth.slice(1),
    path.slice(1).map((p) => p.bands),
  );
  const realized: HorizonNumbers = { growth: growth[days]!, ...inputs.realized };
  const values = predicted.proposed;
  const samples: Record<OutcomeMetric, number[] | null> = {
    rebalances: values.rebalances,
    turnover: values.turnover,
    fees: values.feesBase.map((f) => f / report.startNav),
    ltv: values.ltv,
    hedgeRatio: values.hedgeRatio,
  };
  const metrics = outcomeMetrics.flatMap((metric) => {
    const sample = samples[metric];
    const value = realized[metric];
    return sample && value !== null ? [compareMetric(metric, value, sample)] : [];
  });
  const { withProposal, withoutProposal } = inputs.replay;
  const effect = Object.fromEntries(
    (Object.keys(withProposal) as (keyof ReplayNumbers)[]).map((k) => [k, withProposal[k] - withoutProposal[k]]),
  ) as ReplayNumbers;
  const { proposedBands: _bands, ...reportFields } = report;
  return {
    status: "measured",
    proposalId: inputs.proposalId,
    title: inputs.title,
    report: reportFields,
    execution: inputs.execution,
    horizon: {
      days,
      fromSeconds: inputs.execution.timestampSeconds,
      toSeconds: inputs.execution.timestampSeconds + days * 86_400,
      alignment: horizonAlignment,
    },
    sharePrice: { path, coverage, percentileRank: percentileRank(growth[days]!, values.growth) },
    metrics,
    counterfactual: { realized, withProposal, withoutProposal, effect },
  };
}

/** One proposal's row of the calibration table. */
export type CalibrationRow = {
  proposalId: string;
  title: string;
  days: number;
  inside50: number;
  inside90: number;
  /** Its metrics whose realized value fell inside the predicted p25–p75 (p5–p95), of how many compared. */
  metrics: { compared: number; inside50: number; inside90: number };
};

/** Coverage pooled over every measured proposal: each realized day (or metric) counts once. */
export type PooledCoverage = {
  count: number;
  inside50: number;
  inside90: number;
  share50: number | null;
  share90: number | null;
};

export type CalibrationTable = {
  /** What a calibrated model gives in the long run: half inside p25–p75, nine in ten inside p5–p95. */
  expected: { share50: 0.5; share90: 0.9 };
  rows: CalibrationRow[];
  /** The share-price days of every measured proposal, pooled. */
  days: PooledCoverage;
  /** The metrics of every measured proposal, pooled. */
  metrics: PooledCoverage;
  /** The executed proposals left out, each with its reason. */
  unmeasured: UnmeasuredOutcome[];
};

const pooled = (count: number, inside50: number, inside90: number): PooledCoverage => ({
  count,
  inside50,
  inside90,
  share50: count ? inside50 / count : null,
  share90: count ? inside90 / count : null,
});

/** The calibration table across proposals: each measured one's row, the pooled coverage, and those left out. */
export function calibrationTable(results: readonly ProposalOutcomeResult[]): CalibrationTable {
  const rows: CalibrationRow[] = [];
  const unmeasured: UnmeasuredOutcome[] = [];
  for (const result of results) {
    if (result.status === "unmeasured") {
      unmeasured.push(result);
      continue;
    }
    const { coverage } = result.sharePrice;
    rows.push({
      proposalId: result.proposalId,
      title: result.title,
      days: coverage.days,
      inside50: coverage.inside50,
      inside90: coverage.inside90,
      metrics: {
        compared: result.metrics.length,
        inside50: result.metrics.filter((m) => m.inside50).length,
        inside90: result.metrics.filter((m) => m.inside90).length,
      },
    });
  }
  const sum = (f: (row: CalibrationRow) => number) => rows.reduce((total, row) => total + f(row), 0);
  return {
    expected: { share50: 0.5, share90: 0.9 },
    rows,
    days: pooled(
      sum((r) => r.days),
      sum((r) => r.inside50),
      sum((r) => r.inside90),
    ),
    metrics: pooled(
      sum((r) => r.metrics.compared),
      sum((r) => r.metrics.inside50),
      sum((r) => r.metrics.inside90),
    ),
    unmeasured,
  };
}

/** The per-path values of one set the metrics are read from (for readers who want the raw sample). */
export type { HorizonPrediction, HorizonValues };
