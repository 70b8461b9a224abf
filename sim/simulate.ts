/**
 * The impact simulation in one call: a start point, a proposal's parameter changes, a market model; out comes the
 * sealed impact report (Monte Carlo of current vs proposed on the same paths, and a backtest when a history is
 * given). `simulate` runs in chunks with progress and cancellation (for a Web Worker or a CLI's progress bar);
 * `simulateNow` runs at once.
 */
import { bandProbabilities } from "./bands.ts";
import { runBacktest } from "./backtest.ts";
import type { StressScenarioName } from "./market/stress.ts";
import type { MarketModel, PriceHistory } from "./market/types.ts";
import { simulationDefaults } from "./runSettings.ts";
import { createMonteCarlo, type MonteCarlo, type MonteCarloInputs } from "./monteCarlo.ts";
import { paramValue, withChanges } from "./model/params.ts";
import type { StrategyParams, VaultSetup, VaultState } from "./model/types.ts";
import { buildReport, type ImpactReport } from "./report.ts";

export type SimulationRequest = {
  start: {
    setup: VaultSetup;
    state: VaultState;
    pricesUsd: readonly number[];
    /** The parameters in force (the registry's). */
    params: StrategyParams;
    source?: { chainId: number; blockNumber: string; vault: string };
  };
  /** What the proposal sets, by registry name, in registry units (bps, seconds; pauses as booleans or 0/1). */
  changes: Readonly<Record<string, number | bigint | boolean>>;
  market: MarketModel;
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

function prepare(request: SimulationRequest) {
  const symbols = request.start.setup.symbols;
  const proposed = withChanges(request.start.params, request.changes, symbols);
  const changes = Object.fromEntries(
    Object.keys(request.changes).map((name) => [name, paramValue(proposed, name, symbols)]),
  );
  const inputs: MonteCarloInputs = {
    setup: request.start.setup,
    state: request.start.state,
    pricesUsd: request.start.pricesUsd,
    params: { current: request.start.params, proposed },
    market: request.market,
    stress: request.stress ?? [],
    paths: request.paths ?? simulationDefaults.paths,
    steps: request.steps ?? simulationDefaults.steps,
    stepSeconds: request.stepSeconds ?? simulationDefaults.stepSeconds,
    seed: request.seed ?? simulationDefaults.seed,
    gasPriceGwei: request.gasPriceGwei ?? simulationDefaults.gasPriceGwei,
  };
  const run = createMonteCarlo(inputs);
  const finish = (monteCarlo: MonteCarlo): ImpactReport =>
    buildReport({
      seed: inputs.seed,
      model: {
        market: inputs.market,
        stress: inputs.stress,
        paths: inputs.paths,
        steps: inputs.steps,
        stepSeconds: inputs.stepSeconds,
        gasPriceGwei: inputs.gasPriceGwei,
      },
      inputs: {
        setup: inputs.setup,
        state: inputs.state,
        pricesUsd: inputs.pricesUsd,
        params: inputs.params,
        changes,
        ...(request.start.source ? { source: request.start.source } : {}),
      },
      monteCarlo: monteCarlo.results(),
      bandProbabilities,
      ...(request.history
        ? {
            backtest: runBacktest({
              setup: inputs.setup,
              state: inputs.state,
              pricesUsd: inputs.pricesUsd,
              params: inputs.params,
              history: request.history,
            }),
          }
        : {}),
    });
  return { run, finish, total: inputs.paths };
}

/** Runs the whole simulation now and returns its report. */
export function simulateNow(request: SimulationRequest): ImpactReport {
  const { run, finish, total } = prepare(request);
  run.runPaths(total);
  return finish(run);
}

/**
 * Runs the simulation in chunks, yielding to the event loop between them: reports progress after each chunk and
 * stops with an `AbortError` as soon as `signal` is aborted. Chunking does not change the results.
 */
export async function simulate(request: SimulationRequest, options: SimulateOptions = {}): Promise<ImpactReport> {
  const { run, finish, total } = prepare(request);
  const chunk = options.chunkPaths ?? 250;
  if (!(Number.isInteger(chunk) && chunk > 0))
    throw new Error(`chunkPaths must be a positive whole number, got ${chunk}`);
  while (run.done() < total) {
    options.signal?.throwIfAborted();
    const done = run.runPaths(chunk);
    options.onProgress?.({ done, total });
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  options.signal?.throwIfAborted();
  return finish(run);
}
