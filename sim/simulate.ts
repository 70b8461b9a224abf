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
import { fitMarketModel, type MarketModelFit } from "./market/fit.ts";
import type { MarketModel, PriceHistory } from "./market/types.ts";
import {
  defaultDrift,
  defaultMarketModel,
  defaultRiskFreePerYear,
  readMarketModelSetting,
  defaultSensitivityPaths,
  sensitivityDriftsPerYear,
  simulationDefaults,
  simulationLimits,
  type DriftChoice,
  type MarketModelSetting,
  type SensitivityScenario,
} from "./runSettings.ts";
import {
  bootstrapResamples,
  createMonteCarlo,
  type Difference,
  type MonteCarlo,
  type MonteCarloInputs,
  type SetSummary,
} from "./monteCarlo.ts";
import { paramValue, withChanges } from "./model/params.ts";
import type { PoolGapModel, StrategyParams, VaultSetup, VaultState } from "./model/types.ts";
import { hedgeCutIntervals, hedgeValueOfSet, type HolderResults } from "./holderMetrics.ts";
import { secondsPerYear } from "./market/types.ts";
import { stressedComparison, stressLabel, type Stressed } from "./stressed.ts";
import { reverseStressOf } from "./reverseStress.ts";
import { coverageOf, proposedPoolsOf, type FeeTierPool } from "./coverage.ts";
import { rerunOf } from "./citation.ts";
import { buildReport, headlineMetrics, type HeadlineMetrics, type ImpactReport, type Sensitivity } from "./report.ts";
import { comparisonModels, type FittedComparisonKind } from "./comparisonModels.ts";
import type { ParameterUncertainty, UncertaintyResults } from "./uncertainty.ts";
import {
  checkAdaptiveSettings,
  checkPathCount,
  createAdaptivePathCount,
  createModelComparisons,
  headlineOf as headlineDifferences,
  type NamedMarket,
} from "./uncertaintyRuns.ts";

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
  /**
   * Stress scenarios, each measured as a comparison of its own beside the baseline (which stays unstressed), on the
   * same paths: `report.results.stressed[name]`.
   */
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
  /** A recorded price history to backtest both sets over (and, with `uncertainty`, to bootstrap a market from). */
  history?: PriceHistory;
  /**
   * Parameter uncertainty (sim/uncertainty.ts): the comparison again on the first `paths` paths of the seed (default
   * the smaller of the run's paths and 500) under each market model, with its parameters fixed and re-drawn per path
   * from what a history of `historyReturns` daily returns can tell (default: the history the model was fitted on).
   * The models: `models` if given, else the request's market, with a `history` its block bootstrap, and the models of
   * `fitted` each fitted to the history (sim/comparisonModels.ts; one that cannot be fitted is listed in
   * `results.uncertainty.parameters.omitted` with its reason, not an error).
   */
  uncertainty?: {
    paths?: number;
    historyReturns?: number;
    models?: readonly NamedMarket[];
    fitted?: readonly FittedComparisonKind[];
  };
  /**
   * Grow the paths (doubling from `paths`) until every headline difference's sign is settled, or to `maxPaths`; the
   * report says how many were run and which stayed unsettled.
   */
  adaptive?: { maxPaths: number };
  /** How the pools' prices follow the oracles' (see `PoolGapModel`); default `aligned` (no pool–oracle gap). */
  poolGap?: PoolGapModel;
  /**
   * The market model: `"gbm"` (default) simulates `market` as given; `"student-t"`, `"garch"` and `"regimes"` are
   * fitted to `history` (required then; its last 20% held out to score the fit) and replace `market`; the report
   * carries the fit (`model.fit`).
   */
  marketModel?: MarketModelSetting;
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
  const fitted = fittedMarket(request);
  const requestMarket = fitted?.model ?? request.market;
  const { market, drift } = resolveDrift(requestMarket, request.drift ?? defaultDrift);
  const calibration = describeCalibration(requestMarket);
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
    // The baseline is never stressed: each stress is a comparison of its own (`stressRuns`).
    stress: [],
    paths: request.paths ?? simulationDefaults.paths,
    steps: request.steps ?? simulationDefaults.steps,
    stepSeconds: request.stepSeconds ?? simulationDefaults.stepSeconds,
    seed: request.seed ?? simulationDefaults.seed,
    gasPriceGwei: request.gasPriceGwei ?? simulationDefaults.gasPriceGwei,
    riskFreePerYear: request.riskFreePerYear ?? defaultRiskFreePerYear,
    ...(request.poolGap ? { poolGap: request.poolGap } : {}),
    ...(tiers.pools ? { proposedPools: tiers.pools } : {}),
  };
  const main = createMonteCarlo(inputs);
  if (request.rerunSeed !== undefined && !Number.isInteger(request.rerunSeed))
    throw new Error(`rerunSeed must be an integer, got ${request.rerunSeed}`);
  const rerun = request.rerunSeed === undefined ? undefined : createMonteCarlo({ ...inputs, seed: request.rerunSeed });
  if (request.adaptive) checkAdaptiveSettings(request.adaptive, inputs.paths, inputs.steps);
  const adaptive =
    request.adaptive &&
    createAdaptivePathCount(main, { startPaths: inputs.paths, maxPaths: request.adaptive.maxPaths });
  const comparisons =
    request.uncertainty &&
    uncertaintyRunsOf(request, { model: requestMarket, ...(fitted ? { fit: fitted.fit } : {}) }, inputs);
  // The same seed draws the same normals (or historical rows) whatever the drift: each scenario moves every path
  // by its drift alone, so the table shows the drift's effect and not another sample's noise.
  const sensitivityPaths = request.sensitivity && sensitivityPathsOf(request.sensitivity, inputs.paths);
  const sensitivityRuns = sensitivityPaths
    ? scenarios.map((name) => {
        const perYear = sensitivityDriftsPerYear[name];
        const scenarioMarket = withDrift(
          requestMarket,
          symbols.map((_, i) => (i === 0 ? 0 : perYear)),
        );
        return { name, run: createMonteCarlo({ ...inputs, market: scenarioMarket, paths: sensitivityPaths }) };
      })
    : [];
  // Each stress on the same seed's paths as the baseline, as a comparison of its own.
  const stress = [...new Set(request.stress ?? [])];
  const stressRuns = stress.map((name) => ({ name, run: createMonteCarlo({ ...inputs, stress: [name] }) }));
  // The hedge's value: each set again without its hedge (ratio 0), on the same paths.
  const unhedged = hedgeCounterfactual(inputs);
  /** Runs on the main run's paths: they grow with it when the adaptive path count extends it. */
  const followers: { run: MonteCarlo; paths: number }[] = [
    ...stressRuns.map(({ run }) => ({ run, paths: inputs.paths })),
    ...(unhedged ? [{ run: unhedged, paths: inputs.paths }] : []),
    ...(rerun ? [{ run: rerun, paths: inputs.paths }] : []),
  ];
  const sessions: { run: MonteCarlo; paths: number }[] = [
    { run: main, paths: inputs.paths },
    ...sensitivityRuns.map(({ run }) => ({ run, paths: sensitivityPaths as number })),
    ...(comparisons?.sessions ?? []).map((run) => ({ run, paths: comparisons!.paths })),
    ...followers,
  ];
  /** All the runs' paths: the main run's grow as the adaptive path count extends it. */
  const total = () => sessions.reduce((sum, session) => sum + session.paths, 0);
  /** Paths done in all the runs. */
  const done = () => sessions.reduce((sum, session) => sum + session.run.done(), 0);
  /**
   * Runs up to `count` more paths, in the order main (each of its adaptive stages checked as it ends, so chunking
   * never changes where it stops), bear, flat, bull, the parameter-uncertainty runs, then the runs on the main run's
   * paths (stresses, the unhedged sets, the rerun); returns the paths done in all.
   */
  const runPaths = (count: number) => {
    let left = count;
    for (const session of sessions) {
      if (left === 0) break;
      const before = session.run.done();
      if (before >= session.paths) continue;
      left -= session.run.runPaths(left) - before;
    }
    if (adaptive && main.done() === sessions[0]!.paths && adaptive.check()) {
      sessions[0]!.paths = adaptive.paths();
      for (const follower of followers)
        if (follower.paths < sessions[0]!.paths) {
          follower.run.extend(sessions[0]!.paths);
          follower.paths = sessions[0]!.paths;
        }
    }
    return done();
  };
  /** Each sensitivity run's results, computed once (the levels and the differences both read them). */
  const computed = new Map<MonteCarlo, ReturnType<MonteCarlo["results"]>>();
  const resultsOf = (run: MonteCarlo) => computed.get(run) ?? computed.set(run, run.results()).get(run)!;
  const sensitivityOf = (): Sensitivity | undefined => {
    if (!sensitivityPaths) return undefined;
    const results = Object.fromEntries(
      sensitivityRuns.map(({ name, run }) => {
        const { current, proposed } = resultsOf(run);
        return [name, { current: headlineOf(current), proposed: headlineOf(proposed) }];
      }),
    ) as Sensitivity["scenarios"];
    return { paths: sensitivityPaths, driftPerYear: { ...sensitivityDriftsPerYear }, scenarios: results };
  };
  const uncertaintyOf = (): UncertaintyResults | undefined => {
    const results: UncertaintyResults = {
      ...(sensitivityPaths
        ? {
            drift: Object.fromEntries(
              sensitivityRuns.map(({ name, run }) => [name, headlineDifferences(resultsOf(run).difference)]),
            ) as UncertaintyResults["drift"],
          }
        : {}),
      ...(comparisons ? { parameters: comparisons.results() } : {}),
      ...(adaptive ? { adaptive: adaptive.outcome() } : {}),
    };
    return Object.keys(results).length ? results : undefined;
  };
  const stressedOf = (): Stressed | undefined =>
    stressRuns.length === 0
      ? undefined
      : Object.fromEntries(
          stressRuns.map(({ name, run }) => [
            name,
            stressedComparison(stressLabel(name, symbols, inputs.steps, inputs.stepSeconds), run.results()),
          ]),
        );
  const finish = (): ImpactReport => {
    const sensitivity = sensitivityOf();
    const uncertainty = uncertaintyOf();
    const monteCarlo = main.results();
    const stressed = stressedOf();
    const holder: HolderResults = {
      ...monteCarlo.holder,
      ...(unhedged ? { hedge: hedgeValueOf(inputs, main, monteCarlo, unhedged) } : {}),
    };
    const coverage = coverageOf({
      changed: Object.keys(changes),
      notModelled: request.notModelled ?? [],
      params: inputs.params,
      symbols,
      stepSeconds: inputs.stepSeconds,
      paths: adaptive ? adaptive.paths() : inputs.paths,
      poolOracleGap: inputs.poolGap?.kind === "arbitrageBand",
      ...(monteCarlo.tradeCapBound ? { tradeCapBound: monteCarlo.tradeCapBound } : {}),
      proposedPools: tiers.listed,
    });
    return buildReport({
      seed: inputs.seed,
      model: {
        market: inputs.market,
        drift,
        ...(calibration ? { calibration } : {}),
        ...(fitted ? { fit: fitted.fit } : {}),
        stress,
        paths: adaptive ? adaptive.paths() : inputs.paths,
        steps: inputs.steps,
        stepSeconds: inputs.stepSeconds,
        gasPriceGwei: inputs.gasPriceGwei,
        riskFreePerYear: inputs.riskFreePerYear ?? defaultRiskFreePerYear,
        ...(inputs.poolGap ? { poolGap: inputs.poolGap } : {}),
      },
      inputs: {
        setup: inputs.setup,
        state: inputs.state,
        pricesUsd: inputs.pricesUsd,
        params: inputs.params,
        changes,
        ...(request.start.source ? { source: request.start.source } : {}),
      },
      monteCarlo,
      bandProbabilities,
      reverseStress: reverseStressOf(inputs, monteCarlo, request.history),
      coverage,
      ...(rerun
        ? {
            rerun: rerunOf(
              request.rerunSeed!,
              adaptive ? adaptive.paths() : inputs.paths,
              monteCarlo.difference,
              rerun.results().difference,
            ),
          }
        : {}),
      ...(sensitivity ? { sensitivity } : {}),
      ...(uncertainty ? { uncertainty } : {}),
      holder,
      ...(stressed ? { stressed } : {}),
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

/**
 * The parameter-uncertainty runs of a request (see `SimulationRequest.uncertainty`), after checking its settings
 * (each error names the setting).
 */
function uncertaintyRunsOf(
  request: SimulationRequest,
  market: { model: MarketModel; fit?: MarketModelFit },
  inputs: MonteCarloInputs,
) {
  const settings = request.uncertainty!;
  const paths = settings.paths ?? Math.min(inputs.paths, defaultSensitivityPaths);
  checkPathCount(paths, "uncertainty.paths");
  const returns = settings.historyReturns;
  if (returns !== undefined && !(Number.isInteger(returns) && returns >= 2))
    throw new Error(`uncertainty.historyReturns must be a whole number of daily returns ≥ 2, got ${returns}`);
  const history = returns === undefined ? undefined : { returns, stepSeconds: 86_400 };
  const listed = settings.models
    ? { models: settings.models, omitted: [] }
    : comparisonModels({
        market: market.model,
        ...(market.fit ? { marketFit: market.fit } : {}),
        ...(request.history ? { history: request.history } : {}),
        stepSeconds: inputs.stepSeconds,
        baseSymbol: inputs.setup.symbols[0],
        ...(settings.fitted ? { fitted: settings.fitted } : {}),
      });
  const models = listed.models.map((m) => (history && !m.history ? { ...m, history } : m));
  const runs = createModelComparisons(inputs, models, { paths, drift: request.drift ?? defaultDrift });
  const { omitted } = listed;
  return {
    paths,
    sessions: runs.sessions,
    results: (): ParameterUncertainty => ({ ...runs.results(), ...(omitted.length ? { omitted } : {}) }),
  };
}

/** The market fitted to the request's history when `marketModel` asks for a fitted one; undefined for "gbm". */
function fittedMarket(request: SimulationRequest): { model: MarketModel; fit: MarketModelFit } | undefined {
  const setting = request.marketModel ?? defaultMarketModel;
  const read = readMarketModelSetting(setting);
  if (!read.ok) throw new Error(`marketModel ${read.reason}`);
  if (read.marketModel === "gbm") return undefined;
  if (!request.history)
    throw new Error(`marketModel "${read.marketModel}" is fitted to a history: the request has none`);
  return fitMarketModel(read.marketModel, request.history);
}

/** The paths of each sensitivity run: as asked (a whole number in the run's limits), else at most 500. */
function sensitivityPathsOf(sensitivity: { paths?: number }, paths: number): number {
  const { min, max } = simulationLimits.paths;
  const value = sensitivity.paths ?? Math.min(paths, defaultSensitivityPaths);
  if (!(Number.isInteger(value) && value >= min && value <= max))
    throw new Error(`sensitivity.paths must be a whole number from ${min} to ${max}, got ${value}`);
  return value;
}

/** Parameters without a hedge: its ratio at zero (the hedge's counterfactual). */
const withoutHedge = (params: StrategyParams): StrategyParams => ({
  ...params,
  hedge: { ...params.hedge, ratioBps: 0 },
});

/**
 * The run of both sets without their hedge on the baseline's paths, when the proposal changes the hedge's parameters;
 * undefined when it does not, or when neither set hedges.
 */
function hedgeCounterfactual(inputs: MonteCarloInputs): MonteCarlo | undefined {
  const { current, proposed } = inputs.params;
  // Measured when the proposal changes the hedge (a run more of every path): otherwise the costs table's hedge row
  // says what the hedge costs.
  const changesHedge = (["ratioBps", "bandBps", "ltvBps"] as const).some((k) => current.hedge[k] !== proposed.hedge[k]);
  if (!inputs.setup.hedge || !changesHedge || (current.hedge.ratioBps === 0 && proposed.hedge.ratioBps === 0))
    return undefined;
  return createMonteCarlo({
    ...inputs,
    params: { current: withoutHedge(current), proposed: withoutHedge(proposed) },
  });
}

/** Each hedging set's hedge value: its costs against what it cuts, beside the same set unhedged on the same paths. */
function hedgeValueOf(
  inputs: MonteCarloInputs,
  main: MonteCarlo,
  hedged: ReturnType<MonteCarlo["results"]>,
  unhedged: MonteCarlo,
): NonNullable<HolderResults["hedge"]> {
  const without = unhedged.results();
  const years = (inputs.steps * inputs.stepSeconds) / secondsPerYear;
  const columns = (run: MonteCarlo, set: 0 | 1) => ({
    volatility: run.pathValues(set, "volatility"),
    returns: run.pathValues(set, "return"),
  });
  const of = (which: "current" | "proposed", set: 0 | 1) =>
    inputs.params[which].hedge.ratioBps === 0
      ? null
      : {
          ...hedgeValueOfSet({
            hedged: { ...hedged[which], hedgeCostBase: hedged.holder.costs[which].hedgeCostBase },
            unhedged: without[which],
            startNav: hedged.startNav,
            years,
          }),
          intervals: hedgeCutIntervals(columns(main, set), columns(unhedged, set), inputs.seed, bootstrapResamples),
        };
  const { costs } = hedged.holder;
  // At the margin the cuts are the main comparison's differences, negated (current less proposed).
  const negated = (d: Difference | null): Difference | null =>
    d && { ...d, estimate: -d.estimate, low95: -d.high95, high95: -d.low95 };
  const marginal = {
    ...hedgeValueOfSet({
      hedged: { ...hedged.proposed, hedgeCostBase: costs.proposed.hedgeCostBase - costs.current.hedgeCostBase },
      unhedged: hedged.current,
      startNav: hedged.startNav,
      years,
    }),
    intervals: {
      volatilityCut: negated(hedged.difference.volatility),
      cvar95Cut: negated(hedged.difference.cvar95),
    },
  };
  return {
    baseline: "hedge.ratioBps = 0, same paths",
    current: of("current", 0),
    proposed: of("proposed", 1),
    marginal,
  };
}

const headlineOf = (summary: SetSummary): HeadlineMetrics =>
  Object.fromEntries(headlineMetrics.map((key) => [key, summary[key]])) as HeadlineMetrics;

/** Runs the whole simulation now and returns its report. */
export function simulateNow(request: SimulationRequest): ImpactReport {
  const { runPaths, done, finish, total } = prepare(request);
  // The adaptive path count may add paths once the first ones are done.
  while (done() < total()) runPaths(total() - done());
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
  while (done() < total()) {
    options.signal?.throwIfAborted();
    // Run first: `onProgress?.(…)` would skip evaluating its argument (the chunk) without a listener. The total grows
    // when the adaptive path count adds paths.
    const doneNow = runPaths(chunk);
    options.onProgress?.({ done: doneNow, total: total() });
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  options.signal?.throwIfAborted();
  return finish();
}
