/**
 * Reverse stress tests: for the current and the proposed parameters, the smallest shock along each stress direction
 * that breaks the vault, in one of three ways: a module is liquidated, the holders' share price (in USD) falls by
 * `reverseStressLimits.drawdown` from its peak, or a cash exit of `reverseStressLimits.cashExitShare` of the supply
 * cannot be paid within its slippage bound. Stresses are reported beside the baseline Monte Carlo, never folded
 * into it.
 *
 * Each shock runs the strategy kernel (keeper cycles, liquidations on) over one deterministic scenario path of
 * `horizonSteps` steps: row 0 and row 1 at today's prices (the first keeper cycle brings the modules to their
 * targets), the shock from row 2 on, held to the end:
 * - `jointDrop` (size s, a fraction): every risk asset's price × (1 − s);
 * - `volSpike` (a multiple v of the market's volatility): each risk asset falls by its one-step 99% move at v times
 *   its volatility (2.326·v·σ of a step) on each of `volSpikeSteps` steps, then holds;
 * - `baseDepeg` (s): the base asset (the stablecoin) at (1 − s) USD from row 2 to the end;
 * - `liquidityWithdrawn` (s): a share s of every pool's liquidity removed (prices unchanged);
 * - `borrowRateSpike` (a yearly rate r): both modules' markets charge r from the start (prices unchanged).
 * The smallest breaking size is found by bisection (to `tolerance` of the direction's range), on the assumption that
 * a larger shock breaks at least what a smaller one does; a direction that does not break at its maximum is "not
 * reached within" it.
 */
import {
  breakingPoints,
  moveHistoryOf,
  type BreakingPoint,
  type ModuleName,
  type MoveHistory,
} from "./breakingPoints.ts";
import { exp } from "./detMath.ts";
import { intradayMethod, type IntradayLiquidation } from "./intradayLiquidation.ts";
import type { MonteCarloInputs, MonteCarloResults } from "./monteCarlo.ts";
import { secondsPerYear, type MarketModel, type PriceHistory } from "./market/types.ts";
import { validateParams } from "./model/params.ts";
import { accumulatorLayout, createStrategy, stateLayout, type ActionRecord, type Strategy } from "./model/strategy.ts";
import type { Pool, StrategyParams, VaultSetup, VaultState } from "./model/types.ts";

/** What breaks: a module liquidated, the stated drawdown passed, or a cash exit that cannot be paid. */
export const breakCriteria = ["liquidation", "drawdown", "cashExit"] as const;
export type BreakCriterion = (typeof breakCriteria)[number];

/** The stress directions, and each one's range of sizes (its unit in `unit`). */
export const stressDirections = {
  jointDrop: { max: 0.99, unit: "fraction" },
  volSpike: { max: 20, unit: "multiple" },
  baseDepeg: { max: 0.99, unit: "fraction" },
  liquidityWithdrawn: { max: 0.9999, unit: "fraction" },
  borrowRateSpike: { max: 10, unit: "rate per year" },
} as const;
export type StressDirection = keyof typeof stressDirections;

/** The stated limits a shock is measured against, and the scenario paths' shape. */
export const reverseStressLimits = {
  /** The drawdown of the holders' share price in USD that counts as broken. */
  drawdown: 0.3,
  /** The share of supply a cash exit redeems, at every step after the shock. */
  cashExitShare: 0.1,
  /** Steps of a scenario path (daily steps: a month). */
  horizonSteps: 30,
  /** Steps of the `volSpike` fall. */
  volSpikeSteps: 3,
  /** Bisection stops when the bracket is narrower than this share of the direction's range. */
  tolerance: 1e-4,
} as const;

/** The one-step 99% quantile of a standard normal. */
const Z99 = 2.3263478740408408;

/** The smallest shock found: its size (null when none up to the maximum breaks) and, for a liquidation, the module. */
export type Breach = { size: number | null; module?: ModuleName };

export type ReverseStressRow = {
  direction: StressDirection;
  criterion: BreakCriterion;
  current: Breach;
  proposed: Breach;
};

/** `report.results.reverseStress`: liquidation taken seriously, and the reverse stress tests. */
export type ReverseStress = {
  /** The intraday liquidation probability of each set (see sim/intradayLiquidation.ts), with its method. */
  intradayLiquidation?: { current: IntradayLiquidation; proposed: IntradayLiquidation; method: string };
  /** Each module's one-step breaking move under each set, and the history it is counted against. */
  breakingPoints: {
    current: BreakingPoint[];
    proposed: BreakingPoint[];
    history: Omit<MoveHistory, "moves"> | null;
  };
  limits: typeof reverseStressLimits;
  directions: typeof stressDirections;
  /** Per direction and criterion, the smallest breaking shock under each set. */
  rows: ReverseStressRow[];
  /** One sentence: the joint drop that liquidates a module, today and with the proposal. */
  headline: string;
};

export type ReverseStressInputs = {
  setup: VaultSetup;
  state: VaultState;
  pricesUsd: readonly number[];
  params: StrategyParams;
  /** The market the report simulated: its volatility sizes the `volSpike` direction. */
  market: MarketModel;
  stepSeconds: number;
};

/** Each asset's volatility over one step (the log price's deviation); undefined for a model it is not known for. */
export function stepVolatilities(market: MarketModel, stepSeconds: number): number[] | undefined {
  if (market.kind === "gbm") return market.volatilityPerYear.map((s) => s * Math.sqrt(stepSeconds / secondsPerYear));
  if (market.kind === "bootstrap")
    return market.symbols.map((_, asset) => {
      const column = market.logReturns.map((row) => row[asset]!);
      const m = column.reduce((a, b) => a + b, 0) / column.length;
      const variance = column.reduce((s, r) => s + (r - m) * (r - m), 0) / Math.max(1, column.length - 1);
      return Math.sqrt(variance) * Math.sqrt(stepSeconds / market.stepSeconds);
    });
  return undefined;
}

/** The scenario's vault setup: pools thinned by `liquidityWithdrawn`, markets at `borrowRateSpike`'s rate. */
function scenarioSetup(setup: VaultSetup, direction: StressDirection, size: number): VaultSetup {
  if (direction === "liquidityWithdrawn") {
    const left = 1 - size;
    const thin = (pool: Pool): Pool => ({
      ...pool,
      liquidity: pool.liquidity * left,
      ...(pool.ticks ? { ticks: pool.ticks.map((t) => ({ tick: t.tick, liquidityNet: t.liquidityNet * left })) } : {}),
    });
    return { ...setup, pools: setup.pools.map(thin) };
  }
  if (direction === "borrowRateSpike") {
    const rate = { kind: "fixed", ratePerYear: size } as const;
    return {
      ...setup,
      ...(setup.collateral
        ? { collateral: { ...setup.collateral, market: { ...setup.collateral.market, rate } } }
        : {}),
      ...(setup.hedge ? { hedge: { ...setup.hedge, market: { ...setup.hedge.market, rate } } } : {}),
    };
  }
  return setup;
}

/** The scenario's USD prices, `(horizonSteps + 1)` rows of one price per asset. */
function scenarioPrices(
  pricesUsd: readonly number[],
  direction: StressDirection,
  size: number,
  volatilities: readonly number[] | undefined,
): Float64Array {
  const assets = pricesUsd.length;
  const { horizonSteps, volSpikeSteps } = reverseStressLimits;
  const usd = new Float64Array((horizonSteps + 1) * assets);
  for (let k = 0; k <= horizonSteps; k++)
    for (let asset = 0; asset < assets; asset++) {
      let price = pricesUsd[asset]!;
      if (k >= 2) {
        if (direction === "jointDrop" && asset > 0) price *= 1 - size;
        if (direction === "baseDepeg" && asset === 0) price *= 1 - size;
        if (direction === "volSpike" && asset > 0) {
          const fallSteps = Math.min(k - 1, volSpikeSteps);
          price *= exp(-Z99 * size * volatilities![asset]! * fallSteps);
        }
      }
      usd[k * assets + asset] = price;
    }
  return usd;
}

/** Kernels by scenario setup, within one reverse stress run (a setup that does not change reuses its kernel). */
export type Kernels = Map<VaultSetup, { strategy: Strategy; liquidated: ModuleName[] }>;

/**
 * Whether `size` along `direction` breaks `criterion` under `inputs.params`: the module liquidated first (for a
 * liquidation), else true or false. `kernels` reuses a kernel across calls on the same scenario setup.
 */
export function breaks(
  inputs: ReverseStressInputs,
  direction: StressDirection,
  size: number,
  criterion: BreakCriterion,
  kernels: Kernels = new Map(),
): ModuleName | boolean {
  const setup = scenarioSetup(inputs.setup, direction, size);
  let kernel = kernels.get(setup);
  if (!kernel) {
    const liquidated: ModuleName[] = [];
    const onAction = (record: ActionRecord) => {
      if (record.kind === "liquidation") liquidated.push(record.module);
    };
    kernel = { strategy: createStrategy(setup, inputs.params, { liquidations: true, onAction }), liquidated };
    kernels.set(setup, kernel);
  }
  const { strategy, liquidated } = kernel;
  strategy.load(inputs.params);
  liquidated.length = 0;
  const assets = inputs.pricesUsd.length;
  const usd = scenarioPrices(inputs.pricesUsd, direction, size, stepVolatilities(inputs.market, inputs.stepSeconds));
  const vector = strategy.encode(inputs.state, new Float64Array(strategy.stateSize));
  const acc = new Float64Array(accumulatorLayout.size);
  strategy.resetAccumulators(acc);
  const nav = new Float64Array(1);
  const sharePrice = new Float64Array(1);
  const start = inputs.state.timeSeconds;
  strategy.record(vector, usd, 0, start, nav, sharePrice, 0);
  let peakUsd = sharePrice[0]! * usd[0]!;
  const out = new Float64Array(assets);
  for (let k = 1; k <= reverseStressLimits.horizonSteps; k++) {
    const timeSeconds = start + k * inputs.stepSeconds;
    strategy.step(vector, usd, k * assets, timeSeconds, acc);
    if (criterion === "liquidation" && liquidated.length > 0) return liquidated[0]!;
    if (criterion === "drawdown") {
      strategy.record(vector, usd, k * assets, timeSeconds, nav, sharePrice, 0);
      const priceUsd = sharePrice[0]! * usd[k * assets]!;
      if (priceUsd > peakUsd) peakUsd = priceUsd;
      else if (peakUsd - priceUsd >= reverseStressLimits.drawdown * peakUsd) return true;
    }
    if (criterion === "cashExit" && k >= 2) {
      // On a copy: the exit is a probe, the path goes on without it.
      const shares = vector[stateLayout.supply]! * reverseStressLimits.cashExitShare;
      if (strategy.redeem(vector.slice(), usd, k * assets, timeSeconds, shares, out, acc.slice()) < 0) return true;
    }
  }
  return false;
}

/** The smallest size along `direction` that breaks `criterion`, by bisection (see the module's comment). */
export function smallestBreakingShock(
  inputs: ReverseStressInputs,
  direction: StressDirection,
  criterion: BreakCriterion,
  kernels: Kernels = new Map(),
): Breach {
  const { max } = stressDirections[direction];
  if (direction === "volSpike" && !stepVolatilities(inputs.market, inputs.stepSeconds)) return { size: null };
  const at = (size: number) => breaks(inputs, direction, size, criterion, kernels);
  const atMax = at(max);
  if (atMax === false) return { size: null };
  const atZero = at(0);
  if (atZero !== false) return { size: 0, ...(typeof atZero === "string" ? { module: atZero } : {}) };
  let low = 0;
  let high: number = max;
  let found = atMax;
  while (high - low > reverseStressLimits.tolerance * max) {
    const middle = (low + high) / 2;
    const result = at(middle);
    if (result === false) low = middle;
    else [high, found] = [middle, result];
  }
  return { size: high, ...(typeof found === "string" ? { module: found } : {}) };
}

/** Checks the inputs; each error names the input. */
function validateInputs(inputs: ReverseStressInputs, label: string): void {
  const { setup, stepSeconds } = inputs;
  if (!(Number.isFinite(stepSeconds) && stepSeconds > 0))
    throw new Error(`stepSeconds must be a positive number of seconds, got ${stepSeconds}`);
  if (inputs.pricesUsd.length !== setup.symbols.length)
    throw new Error(
      `pricesUsd must hold one price per asset (${setup.symbols.join(", ")}), got ${inputs.pricesUsd.length}`,
    );
  inputs.pricesUsd.forEach((p, i) => {
    if (!(Number.isFinite(p) && p > 0))
      throw new Error(`pricesUsd[${i}] (${setup.symbols[i]}) must be a positive price, got ${p}`);
  });
  validateParams(inputs.params, setup, label);
}

/** The history's description, without its moves (a report need not carry them twice). */
function withoutMoves(history: MoveHistory): Omit<MoveHistory, "moves"> {
  const { source, steps, stepSeconds, fromSeconds, toSeconds } = history;
  return {
    source,
    steps,
    stepSeconds,
    ...(fromSeconds !== undefined ? { fromSeconds } : {}),
    ...(toSeconds !== undefined ? { toSeconds } : {}),
  };
}

/** Formats a size along a direction for a sentence ("WETH/WBTC −41%", "3.2× volatility"). */
export function describeShock(direction: StressDirection, size: number | null, symbols: readonly string[]): string {
  const max = stressDirections[direction].max;
  const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 || (x > 0.999 && x < 1) ? 2 : 1)}%`;
  const text = (s: number) =>
    direction === "jointDrop"
      ? `${symbols.slice(1).join("/")} −${pct(s)}`
      : direction === "volSpike"
        ? `${s.toFixed(2)}× volatility`
        : direction === "baseDepeg"
          ? `${symbols[0]} −${pct(s)}`
          : direction === "liquidityWithdrawn"
            ? `${pct(s)} of pool liquidity withdrawn`
            : `${pct(s)} a year borrow rate`;
  return size === null ? `not reached within ${text(max)}` : text(size);
}

/**
 * The reverse stress tests of a Monte Carlo's start and parameter sets (its market and step), with the intraday
 * liquidation probabilities it measured: the impact report's `results.reverseStress`.
 */
export function reverseStressOf(
  inputs: MonteCarloInputs,
  monteCarlo: MonteCarloResults,
  history: PriceHistory | undefined,
): ReverseStress {
  const { setup, state, pricesUsd, market, stepSeconds } = inputs;
  return reverseStressTests({ setup, state, pricesUsd, market, stepSeconds }, inputs.params, {
    ...(history ? { history } : {}),
    ...(monteCarlo.intradayLiquidation ? { intraday: monteCarlo.intradayLiquidation, intradayMethod } : {}),
  });
}

/**
 * The reverse stress tests of both sets, with the breaking points counted against `history` (else the bootstrap
 * market's returns), and the intraday liquidation probabilities when the Monte Carlo measured them.
 */
export function reverseStressTests(
  base: Omit<ReverseStressInputs, "params">,
  params: { current: StrategyParams; proposed: StrategyParams },
  options: {
    history?: PriceHistory;
    intraday?: { current: IntradayLiquidation; proposed: IntradayLiquidation };
    intradayMethod?: string;
  } = {},
): ReverseStress {
  const sets = { current: { ...base, params: params.current }, proposed: { ...base, params: params.proposed } };
  validateInputs(sets.current, "current parameters");
  validateInputs(sets.proposed, "proposed parameters");
  const history = moveHistoryOf(options.history, base.market);
  const kernels = { current: new Map() as Kernels, proposed: new Map() as Kernels };
  const rows: ReverseStressRow[] = [];
  for (const direction of Object.keys(stressDirections) as StressDirection[])
    for (const criterion of breakCriteria)
      rows.push({
        direction,
        criterion,
        current: smallestBreakingShock(sets.current, direction, criterion, kernels.current),
        proposed: smallestBreakingShock(sets.proposed, direction, criterion, kernels.proposed),
      });
  const drop = rows.find((r) => r.direction === "jointDrop" && r.criterion === "liquidation")!;
  const symbols = base.setup.symbols;
  const proposedDrop =
    drop.proposed.size === null
      ? describeShock("jointDrop", null, symbols)
      : `−${(drop.proposed.size * 100).toFixed(1)}%`;
  const headline = `Liquidation at ${describeShock("jointDrop", drop.current.size, symbols)} today, ${proposedDrop} with this proposal.`;
  return {
    ...(options.intraday ? { intradayLiquidation: { ...options.intraday, method: options.intradayMethod ?? "" } } : {}),
    breakingPoints: {
      current: breakingPoints(sets.current, history),
      proposed: breakingPoints(sets.proposed, history),
      history: history ? withoutMoves(history) : null,
    },
    limits: reverseStressLimits,
    directions: stressDirections,
    rows,
    headline,
  };
}

/* PRESENTATION (the markdown below and the web panel read the same rows) */

const directionLabels: Record<StressDirection, string> = {
  jointDrop: "Joint drop of the risk assets",
  volSpike: "Volatility spike (99% days, 3 in a row)",
  baseDepeg: "Stablecoin depeg that lasts",
  liquidityWithdrawn: "Pool liquidity withdrawn",
  borrowRateSpike: "Borrow-rate spike",
};

/** What each criterion means, for a table's column or a row's label. */
export function criterionLabel(criterion: BreakCriterion): string {
  const { drawdown, cashExitShare } = reverseStressLimits;
  return criterion === "liquidation"
    ? "Liquidates a module"
    : criterion === "drawdown"
      ? `Drawdown ≥ ${drawdown * 100}%`
      : `Cash exit of ${cashExitShare * 100}% unfillable`;
}

/** One row of the reverse stress table, formatted. */
export type ReverseStressTableRow = {
  direction: StressDirection;
  criterion: BreakCriterion;
  label: string;
  criterionLabel: string;
  current: string;
  proposed: string;
};

const breachText = (breach: Breach, direction: StressDirection, symbols: readonly string[]) =>
  `${describeShock(direction, breach.size, symbols)}${breach.module ? ` (${breach.module})` : ""}`;

export function reverseStressTable(stress: ReverseStress, symbols: readonly string[]): ReverseStressTableRow[] {
  return stress.rows.map((row) => ({
    direction: row.direction,
    criterion: row.criterion,
    label: directionLabels[row.direction],
    criterionLabel: criterionLabel(row.criterion),
    current: breachText(row.current, row.direction, symbols),
    proposed: breachText(row.proposed, row.direction, symbols),
  }));
}

/** One module's breaking point under both sets, formatted. */
export type BreakingPointRow = { module: ModuleName; symbol: string; current: string; proposed: string };

export function breakingPointTable(stress: ReverseStress): BreakingPointRow[] {
  const { current, proposed, history } = stress.breakingPoints;
  const text = (point: BreakingPoint | undefined) => {
    if (!point || point.move === null) return "no debt";
    const move = `${point.move > 0 ? "+" : "−"}${Math.abs(point.move * 100).toFixed(1)}%`;
    if (!history || point.historySteps === null) return move;
    return `${move} (${point.historySteps} of ${history.steps} steps in the history)`;
  };
  const modules = [...new Set([...current, ...proposed].map((p) => p.module))];
  return modules.map((module) => {
    const [c, p] = [current.find((x) => x.module === module), proposed.find((x) => x.module === module)];
    return { module, symbol: (c ?? p)!.symbol, current: text(c), proposed: text(p) };
  });
}

/** The intraday liquidation probabilities and the daily check's, formatted; undefined when not measured. */
export function intradayText(stress: ReverseStress): { current: string; proposed: string } | undefined {
  const intraday = stress.intradayLiquidation;
  if (!intraday) return undefined;
  const pct = (x: number) => `${(x * 100).toFixed(x < 0.001 ? 4 : 2)}%`;
  const text = (i: IntradayLiquidation) => `${pct(i.probability)} [${pct(i.low95)}, ${pct(i.high95)}]`;
  return { current: text(intraday.current), proposed: text(intraday.proposed) };
}

/** The report's "Liquidation and reverse stress" section (empty without one). */
export function reverseStressMarkdown(stress: ReverseStress | undefined, symbols: readonly string[]): string[] {
  if (!stress) return [];
  const { limits } = stress;
  const intraday = intradayText(stress);
  const history = stress.breakingPoints.history;
  return [
    "",
    "## Liquidation and reverse stress",
    "",
    `**${stress.headline}**`,
    "",
    ...(intraday
      ? [
          `Liquidation within the day (the daily check misses a price that dips through a liquidation price and comes back): ` +
            `current ${intraday.current}, proposed ${intraday.proposed} (95% exact interval; ${stress.intradayLiquidation!.method}).`,
          "",
        ]
      : []),
    `One-step joint move of the risk assets that liquidates each module, after a keeper cycle at the targets` +
      (history
        ? `, with the steps of the ${history.source === "history" ? "recorded history" : "bootstrap's returns"} (${history.steps} steps) that moved at least as far:`
        : " (no history to count such moves in):"),
    "",
    "| Module | Asset | Current | Proposed |",
    "|---|---|---:|---:|",
    ...breakingPointTable(stress).map((r) => `| ${r.module} | ${r.symbol} | ${r.current} | ${r.proposed} |`),
    "",
    `The smallest shock along each direction that breaks the vault, on deterministic ${limits.horizonSteps}-step scenario paths ` +
      `(the shock from step 2, held; bisection to ${limits.tolerance * 100}% of each range). Beside the baseline, not folded into it.`,
    "",
    "| Direction | Breaks | Current | Proposed |",
    "|---|---|---|---|",
    ...reverseStressTable(stress, symbols).map(
      (r) => `| ${r.label} | ${r.criterionLabel} | ${r.current} | ${r.proposed} |`,
    ),
  ];
}
