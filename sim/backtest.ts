/**
 * Historical backtest: both parameter sets replayed over the recorded price history, with the history's returns
 * applied to today's prices (the vault's holdings are today's, so the path starts where the vault is).
 */
import { historicalLogReturns } from "./market/calibrate.ts";
import { secondsPerYear, type PriceHistory } from "./market/types.ts";
import { pathMetrics, summarisePath, type MonteCarloInputs, type PathMetric } from "./monteCarlo.ts";
import { validateParams } from "./model/params.ts";
import { accumulatorLayout, sharedStrategy } from "./model/strategy.ts";
import type { StrategyParams } from "./model/types.ts";

export type BacktestInputs = Pick<MonteCarloInputs, "setup" | "state" | "pricesUsd" | "params" | "proposedPools"> & {
  history: PriceHistory;
};

/** One set's backtest: its NAV (base tokens) and share price at each observation, and its per-path metrics. */
export type BacktestRun = {
  nav: number[];
  sharePrice: number[];
  metrics: Record<PathMetric, number>;
};

export type BacktestResults = {
  /** The history's first and last timestamps and its spacing. */
  fromSeconds: number;
  toSeconds: number;
  stepSeconds: number;
  current: BacktestRun;
  proposed: BacktestRun;
};

export function runBacktest(inputs: BacktestInputs): BacktestResults {
  const { setup, state, history } = inputs;
  if (history.symbols.join() !== setup.symbols.join())
    throw new Error(
      `history.symbols (${history.symbols.join(", ")}) must be the vault's assets (${setup.symbols.join(", ")})`,
    );
  // Checks the history's shape, prices and even spacing (errors name the entry).
  historicalLogReturns(history, { baseSymbol: setup.symbols[0] });
  const stepSeconds =
    (history.timestamps[history.timestamps.length - 1]! - history.timestamps[0]!) / (history.timestamps.length - 1);
  validateParams(inputs.params.current, setup, "current parameters");
  validateParams(inputs.params.proposed, setup, "proposed parameters");
  const assets = setup.symbols.length;
  const steps = history.pricesUsd.length - 1;
  const first = history.pricesUsd[0]!;
  // Today's prices moved by the history's returns.
  const usd = new Float64Array((steps + 1) * assets);
  history.pricesUsd.forEach((row, k) =>
    row.forEach((price, a) => (usd[k * assets + a] = (inputs.pricesUsd[a]! * price) / first[a]!)),
  );
  const strategy = sharedStrategy(setup, inputs.params.current);
  const start = strategy.encode(state, new Float64Array(strategy.stateSize));
  const run = (params: StrategyParams, pools?: MonteCarloInputs["proposedPools"]): BacktestRun => {
    strategy.load(params, pools);
    const path = {
      nav: new Float64Array(steps + 1),
      sharePrice: new Float64Array(steps + 1),
      acc: new Float64Array(accumulatorLayout.size),
    };
    const vector = new Float64Array(strategy.stateSize);
    strategy.runPath(start, vector, usd, steps, state.timeSeconds, stepSeconds, path.nav, path.sharePrice, path.acc);
    const metrics = new Float64Array(pathMetrics.length);
    summarisePath(path, steps, secondsPerYear / stepSeconds, path.nav[0]!, metrics, 0, 1);
    return {
      nav: Array.from(path.nav),
      sharePrice: Array.from(path.sharePrice),
      metrics: Object.fromEntries(pathMetrics.map((m, i) => [m, metrics[i]!])) as Record<PathMetric, number>,
    };
  };
  return {
    fromSeconds: history.timestamps[0]!,
    toSeconds: history.timestamps[steps]!,
    stepSeconds,
    current: run(inputs.params.current),
    proposed: run(inputs.params.proposed, inputs.proposedPools),
  };
}
