/**
 * The impact simulation in one call: a start point, a proposal's parameter changes, a market model; out comes the
 * sealed impact report (Monte Carlo of current vs proposed on the same paths, and a backtest when a history is
 * given). The market's drift is the request's choice, zero by default (sim/runSettings.ts), stated in the report;
 * with `sensitivity`, the headline differences are measured again under a bear, a flat and a bull drift on the same
 * draws. `simulate` runs in chunks with progress and cancellation (for a Web Worker or a CLI's progress bar);
 * `simulateNow` runs at once.
 */
import { bandProbabilities } from "./bands.ts";
import { runBacktest } from "./backtest.ts";
import type { StressScenarioName } from "./market/stress.ts";
import { resolveDrift, withDrift } from "./market/drift.ts";
import { describeCalibration } from "./market/calibration.ts";
import type { MarketModel, PriceHistory } from "./market/types.ts";
import {
  defaultDrift,
  defaultRiskFreePerYear,
  defaultSensitivityPaths,
  sensitivityDriftsPerYear,
  simulationDefaults,
  simulationLimits,
  type DriftChoice,
  type SensitivityScenario,
} from "./runSettings.ts";
import { createMonteCarlo, type MonteCarlo, type MonteCarloInputs, type SetSummary } from "./monteCarlo.ts";
import { paramValue, withChanges } from "./model/params.ts";
import type { StrategyParams, VaultSetup, VaultState } from "./model/types.ts";
import { coverageOf, proposedPoolsOf, type FeeTierPool } from "./coverage.ts";
import { rerunOf } from "./citation.ts";
import { buildReport, headlineMetrics, type HeadlineMetrics, type ImpactReport, type Sensitivity } from "./report.ts";

export type SimulationRequest = {
  start: {
    setup: VaultSetup;
    state: VaultState;
    pricesUsd: readonly number[];
    /** The parameters in force (the registry's). */
    params: StrategyParams;
    source?: { chainId: number; blockNumber: string; vault: string };
    /**
     * The pools at other fee tiers of each risk asset's pair (sim/chain.ts reads the standard tiers): a proposed
     * `poolFee.<SYMBOL>` trades on the pool at its tier (see sim/coverage.ts).
     */
    feeTierPools?: readonly FeeTierPool[];
  };
  /** Changed registry parameters the model does not read: listed as "not modelled" in the report's coverage. */
  notModelled?: readonly string[];
  /**
   * A second seed (derived from the proposal like `seed`, sdk/proposal/seed.ts): the headline differences are run
   * again on as many paths drawn with it, and shown beside the first (`results.rerun`).
   */
  rerunSeed?: number;
  /** What the proposal sets, by registry name, in registry units (bps, seconds; pauses as booleans or 0/1). */
  changes: Readonly<Record<string, number | bigint | boolean>>;
  /** The market's randomness; its drift is replaced by `drift`'s choice. */
  market: MarketModel;
  /** The drift each asset's price is assumed to have: default `"zero"` (see sim/runSettings.ts). */
  drift?: DriftChoice;
  /**
   * Also measure the headline metrics under a bear, a flat and a bull drift (`sensitivityDriftsPerYear`), on the
   * first `paths` paths of the same seed (default the smaller of the run's paths and 500).
   */
  sensitivity?: { paths?: number };
  stress?: readonly StressScenarioName[];
  /** Default 2,000. */
  paths?: number;
  /** Default 365. */
  steps?: number;
  /** Default one day. */
  stepSeconds?: number;
  /** Default 1. */
  seed?: number;
  /** Default 5 gwei. */
  gasPriceGwei?: number;
  /** The rate Sharpe and Sortino count returns in excess of, per year (0.04 = 4%); default `defaultRiskFreePerYear`. */
  riskFreePerYear?: number;
  /** A recorded price history to backtest both sets over. */
  history?: PriceHistory;
};

export { simulationDefaults };

export type Progress = { done: number; total: number };
export type SimulateOptions = {
  onProgress?: (progress: Progress) => void;
  signal?: AbortSignal;
  /** Paths per chunk between progress reports (default 250). */
  chunkPaths?: number;
};

const scenarios = Object.keys(sensitivityDriftsPerYear) as SensitivityScenario[];

function prepare(request: SimulationRequest) {
  const symbols = request.start.setup.symbols;
  const proposed = withChanges(request.start.params, request.changes, symbols);
  const changes = Object.fromEntries(
    Object.keys(request.changes).map((name) => [name, paramValue(proposed, name, symbols)]),
  );
  const { market, drift } = resolveDrift(request.market, request.drift ?? defaultDrift);
  const calibration = describeCalibration(request.market);
  const tiers = proposedPoolsOf(
    request.start.setup,
    { current: request.start.params, proposed },
    request.start.feeTierPools,
  );
  const inputs: MonteCarloInputs = {
    setup: request.start.setup,
    state: request.start.state,
    pricesUsd: request.start.pricesUsd,
    params: { current: request.start.params, proposed },
    market,
    stress: request.stress ?? [],
    paths: request.paths ?? simulationDefaults.paths,
    steps: request.steps ?? simulationDefaults.steps,
    stepSeconds: request.stepSeconds ?? simulationDefaults.stepSeconds,
    seed: request.seed ?? simulationDefaults.seed,
    gasPriceGwei: request.gasPriceGwei ?? simulationDefaults.gasPriceGwei,
    riskFreePerYear: request.riskFreePerYear ?? defaultRiskFreePerYear,
    ...(tiers.pools ? { proposedPools: tiers.pools } : {}),
  };
  const main = createMonteCarlo(inputs);
  if (request.rerunSeed !== undefined && !Number.isInteger(request.rerunSeed))
    throw new Error(`rerunSeed must be an integer, got ${request.rerunSeed}`);
  const rerun = request.rerunSeed === undefined ? undefined : createMonteCarlo({ ...inputs, seed: request.rerunSeed });
  // The same seed draws the same normals (or historical rows) whatever the drift: each scenario moves every path
  // by its drift alone, so the table shows the drift's effect and not another sample's noise.
  const sensitivityPaths = request.sensitivity && sensitivityPathsOf(request.sensitivity, inputs.paths);
  const sensitivityRuns = sensitivityPaths
    ? scenarios.map((name) => {
        const perYear = sensitivityDriftsPerYear[name];
        const scenarioMarket = withDrift(
          request.market,
          symbols.map((_, i) => (i === 0 ? 0 : perYear)),
        );
        return { name, run: createMonteCarlo({ ...inputs, market: scenarioMarket, paths: sensitivityPaths }) };
      })
    : [];
  const sessions: { run: MonteCarlo; paths: number }[] = [
    { run: main, paths: inputs.paths },
    ...sensitivityRuns.map(({ run }) => ({ run, paths: sensitivityPaths as number })),
    ...(rerun ? [{ run: rerun, paths: inputs.paths }] : []),
  ];
  const total = sessions.reduce((sum, session) => sum + session.paths, 0);
  /** Paths done in all the runs. */
  const done = () => sessions.reduce((sum, session) => sum + session.run.done(), 0);
  /** Runs up to `count` more paths, in the order main, bear, flat, bull, rerun; returns the paths done in all. */
  const runPaths = (count: number) => {
    let left = count;
    for (const session of sessions) {
      if (left === 0) break;
      const before = session.run.done();
      if (before >= session.paths) continue;
      left -= session.run.runPaths(left) - before;
    }
    return done();
  };
  const sensitivityOf = (): Sensitivity | undefined => {
    if (!sensitivityPaths) return undefined;
    const results = Object.fromEntries(
      sensitivityRuns.map(({ name, run }) => {
        const { current, proposed } = run.results();
        return [name, { current: headlineOf(current), proposed: headlineOf(proposed) }];
      }),
    ) as Sensitivity["scenarios"];
    return { paths: sensitivityPaths, driftPerYear: { ...sensitivityDriftsPerYear }, scenarios: results };
  };
  const finish = (): ImpactReport => {
    const sensitivity = sensitivityOf();
    const results = main.results();
    const coverage = coverageOf({
      changed: Object.keys(changes),
      notModelled: request.notModelled ?? [],
      params: inputs.params,
      symbols,
      stepSeconds: inputs.stepSeconds,
      paths: inputs.paths,
      ...(results.tradeCapBound ? { tradeCapBound: results.tradeCapBound } : {}),
      proposedPools: tiers.listed,
    });
    return buildReport({
      seed: inputs.seed,
      model: {
        market: inputs.market,
        drift,
        ...(calibration ? { calibration } : {}),
        stress: inputs.stress,
        paths: inputs.paths,
        steps: inputs.steps,
        stepSeconds: inputs.stepSeconds,
        gasPriceGwei: inputs.gasPriceGwei,
        riskFreePerYear: inputs.riskFreePerYear ?? defaultRiskFreePerYear,
      },
      inputs: {
        setup: inputs.setup,
        state: inputs.state,
        pricesUsd: inputs.pricesUsd,
        params: inputs.params,
        changes,
        ...(request.start.source ? { source: request.start.source } : {}),
      },
      monteCarlo: results,
      bandProbabilities,
      coverage,
      ...(rerun
        ? { rerun: rerunOf(request.rerunSeed!, inputs.paths, results.difference, rerun.results().difference) }
        : {}),
      ...(sensitivity ? { sensitivity } : {}),
      ...(request.history
        ? {
            backtest: runBacktest({
              setup: inputs.setup,
              state: inputs.state,
              pricesUsd: inputs.pricesUsd,
              params: inputs.params,
              ...(inputs.proposedPools ? { proposedPools: inputs.proposedPools } : {}),
              history: request.history,
            }),
          }
        : {}),
    });
  };
  return { runPaths, done, finish, total };
}

/** The paths of each sensitivity run: as asked (a whole number in the run's limits), else at most 500. */
function sensitivityPathsOf(sensitivity: { paths?: number }, paths: number): number {
  const { min, max } = simulationLimits.paths;
  const value = sensitivity.paths ?? Math.min(paths, defaultSensitivityPaths);
  if (!(Number.isInteger(value) && value >= min && value <= max))
    throw new Error(`sensitivity.paths must be a whole number from ${min} to ${max}, got ${value}`);
  return value;
}

const headlineOf = (summary: SetSummary): HeadlineMetrics =>
  Object.fromEntries(headlineMetrics.map((key) => [key, summary[key]])) as HeadlineMetrics;

/** Runs the whole simulation now and returns its report. */
export function simulateNow(request: SimulationRequest): ImpactReport {
  const { runPaths, finish, total } = prepare(request);
  runPaths(total);
  return finish();
}

/**
 * Runs the simulation in chunks, yielding to the event loop between them: reports progress after each chunk and
 * stops with an `AbortError` as soon as `signal` is aborted. Chunking does not change the results.
 */
export async function simulate(request: SimulationRequest, options: SimulateOptions = {}): Promise<ImpactReport> {
  const { runPaths, done, finish, total } = prepare(request);
  const chunk = options.chunkPaths ?? 250;
  if (!(Number.isInteger(chunk) && chunk > 0))
    throw new Error(`chunkPaths must be a positive whole number, got ${chunk}`);
  while (done() < total) {
    options.signal?.throwIfAborted();
    options.onProgress?.({ done: runPaths(chunk), total });
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  options.signal?.throwIfAborted();
  return finish();
}
