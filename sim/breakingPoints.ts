/**
 * Breaking points: for each module (the collateral manager, the hedge) the one-step joint move of the risk assets
 * that liquidates it, and how often the history saw a one-step move at least that large.
 *
 * From the start state, one keeper cycle at today's prices brings each module to its target (as the Monte Carlo's
 * first cycle would); then every risk asset's price moves by the same factor (1 + m) in one step, before the next
 * cycle can act. The collateral manager is liquidated once its collateral's price falls to debt / (collateral ×
 * LLTV), a move m = that price / today's − 1 (negative); the hedge once its shorted asset's price rises to
 * collateral × LLTV / short (m positive). Interest over the step is left out (a day's interest moves the price by
 * under a basis point). Only the module's own asset matters to it, so the history's count is of steps in which that
 * asset (in the base asset) moved at least as far, the same way.
 */
import { exp } from "./detMath.ts";
import { historicalLogReturns } from "./market/calibrate.ts";
import type { MarketModel, PriceHistory } from "./market/types.ts";
import { createStrategy } from "./model/strategy.ts";
import { accumulatorLayout } from "./model/stateVector.ts";
import type { StrategyParams, VaultSetup, VaultState } from "./model/types.ts";

/** The modules a breaking point is measured for. */
export type ModuleName = "collateral" | "hedge";

/** One module's breaking point. */
export type BreakingPoint = {
  module: ModuleName;
  /** The asset whose price decides it. */
  symbol: string;
  /** The joint move of every risk asset that liquidates it, as a fraction (−0.41 = a 41% fall); null with no debt. */
  move: number | null;
  /** The steps of the history in which `symbol` moved at least as far the same way; null without a history. */
  historySteps: number | null;
};

/** The one-step moves a breaking point is counted against: each risk asset's simple move per step, in the base asset. */
export type MoveHistory = {
  /** Where they came from: the request's price history, or the bootstrap model's returns. */
  source: "history" | "bootstrap";
  steps: number;
  stepSeconds: number;
  fromSeconds?: number;
  toSeconds?: number;
  /** `[step][asset]`, base first (the base's own entry is 0). */
  moves: number[][];
};

export type BreakingPointsInputs = {
  setup: VaultSetup;
  state: VaultState;
  pricesUsd: readonly number[];
  params: StrategyParams;
  stepSeconds: number;
};

/** Each step's simple move of each asset in the base asset: from a price history, else from a bootstrap's returns. */
export function moveHistoryOf(history: PriceHistory | undefined, market: MarketModel): MoveHistory | undefined {
  const toMoves = (logReturns: readonly (readonly number[])[]) =>
    logReturns.map((row) => row.map((r, asset) => (asset === 0 ? 0 : exp(r - row[0]!) - 1)));
  if (history) {
    const logReturns = historicalLogReturns(history);
    const times = history.timestamps;
    return {
      source: "history",
      steps: logReturns.length,
      stepSeconds: (times[times.length - 1]! - times[0]!) / logReturns.length,
      fromSeconds: times[0]!,
      toSeconds: times[times.length - 1]!,
      moves: toMoves(logReturns),
    };
  }
  if (market.kind === "bootstrap")
    return {
      source: "bootstrap",
      steps: market.logReturns.length,
      stepSeconds: market.stepSeconds,
      moves: toMoves(market.logReturns),
    };
  return undefined;
}

/**
 * The state after one keeper cycle at today's prices (`stepSeconds` after the start), with each module's
 * liquidation price in the base asset and today's price of its asset.
 */
export function afterFirstCycle(inputs: BreakingPointsInputs) {
  const { setup, state, pricesUsd, params, stepSeconds } = inputs;
  const strategy = createStrategy(setup, params, { liquidations: true });
  const vector = strategy.encode(state, new Float64Array(strategy.stateSize));
  const usd = Float64Array.from([...pricesUsd, ...pricesUsd]);
  const acc = new Float64Array(accumulatorLayout.size);
  strategy.resetAccumulators(acc);
  const timeSeconds = state.timeSeconds + stepSeconds;
  strategy.step(vector, usd, pricesUsd.length, timeSeconds, acc);
  const after = strategy.decode(vector, timeSeconds);
  const priceOf = (asset: number) => pricesUsd[asset]! / pricesUsd[0]!;
  const modules: { module: ModuleName; asset: number; price: number; liquidationPrice: number | null }[] = [];
  if (setup.collateral && after.collateral) {
    const { collateral, debt } = after.collateral;
    const asset = setup.collateral.assetIndex;
    const liquidationPrice = debt > 0 ? debt / (collateral * setup.collateral.market.lltv) : null;
    modules.push({ module: "collateral", asset, price: priceOf(asset), liquidationPrice });
  }
  if (setup.hedge && after.hedge) {
    const { collateral, debt } = after.hedge;
    const asset = setup.hedge.assetIndex;
    const liquidationPrice = debt > 0 ? (collateral * setup.hedge.market.lltv) / debt : null;
    modules.push({ module: "hedge", asset, price: priceOf(asset), liquidationPrice });
  }
  return { vector, after, modules };
}

/** Each module's breaking point under `inputs.params`, counted against `history` when there is one. */
export function breakingPoints(inputs: BreakingPointsInputs, history: MoveHistory | undefined): BreakingPoint[] {
  return afterFirstCycle(inputs).modules.map(({ module, asset, price, liquidationPrice }) => {
    const move = liquidationPrice === null ? null : liquidationPrice / price - 1;
    const falls = module === "collateral";
    const historySteps =
      history === undefined || move === null
        ? null
        : history.moves.filter((row) => (falls ? row[asset]! <= move : row[asset]! >= move)).length;
    return { module, symbol: inputs.setup.symbols[asset]!, move, historySteps };
  });
}
