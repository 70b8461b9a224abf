/**
 * A report's predictions at a shorter horizon than its own: each of its paths (the same draws, from its seed and
 * market) run again for the first `horizonSteps` steps only, with the per-path outcomes a proposal's outcome is
 * measured against (share-price growth, rebalances, turnover, fees, and the modules' LTV and hedge ratio at the
 * horizon). Rebuilt from the report alone: its inputs, market, seed and settings are everything the run needs.
 */
import { createPathGenerator } from "./market/paths.ts";
import { createRandom } from "./random.ts";
import { accumulatorLayout as A, sharedStrategy } from "./model/strategy.ts";
import type { ImpactReport } from "./report.ts";

/** One parameter set's per-path values at the horizon, path by path (as the report drew them). */
export type HorizonValues = {
  /** Share price at the horizon over share price at the start (holders' NAV growth, after fees). */
  growth: number[];
  rebalances: number[];
  /** Value traded by rebalances and the hedge, as a share of the start NAV. */
  turnover: number[];
  /** Fee shares minted (management and performance), in base-asset tokens. */
  feesBase: number[];
  /** The collateral manager's LTV (debt over collateral value) at the horizon; null without a collateral manager. */
  ltv: number[] | null;
  /** The hedge's short over the vault's exposure to the hedged asset at the horizon; null without a hedge. */
  hedgeRatio: number[] | null;
};

export type HorizonPrediction = {
  horizonSteps: number;
  stepSeconds: number;
  paths: number;
  current: HorizonValues;
  proposed: HorizonValues;
};

/**
 * Runs `report`'s paths for their first `horizonSteps` steps under both parameter sets. Throws, naming the setting,
 * for a horizon outside 1..the report's steps, or a report whose proposed set trades on other pools (a
 * `poolFee.<SYMBOL>` change: the pools are not in the report).
 */
export function predictAtHorizon(report: ImpactReport, horizonSteps: number): HorizonPrediction {
  const { model, inputs } = report;
  if (!(Number.isInteger(horizonSteps) && horizonSteps >= 1 && horizonSteps <= model.steps))
    throw new Error(
      `horizonSteps must be a whole number from 1 to the report's ${model.steps} steps, got ${horizonSteps}`,
    );
  const poolFee = Object.keys(inputs.changes).find((name) => name.startsWith("poolFee."));
  if (poolFee) throw new Error(`${poolFee}: the proposed set trades on other pools, which the report does not carry`);
  const setup = model.poolGap?.kind === "arbitrageBand" ? { ...inputs.setup, poolGap: model.poolGap } : inputs.setup;
  const assets = setup.symbols.length;
  const generate = createPathGenerator(model.market, [], {
    steps: model.steps,
    stepSeconds: model.stepSeconds,
    initialPricesUsd: inputs.pricesUsd,
  });
  const random = createRandom(report.seed);
  const strategy = sharedStrategy(setup, inputs.params.current);
  const start = strategy.encode(inputs.state, new Float64Array(strategy.stateSize));
  const usd = new Float64Array((model.steps + 1) * assets);
  usd.set(inputs.pricesUsd);
  const startNav = strategy.nav(start, usd, 0, inputs.state.timeSeconds);
  const endSeconds = inputs.state.timeSeconds + horizonSteps * model.stepSeconds;
  const sets = [inputs.params.current, inputs.params.proposed].map((params) => ({
    params,
    vector: new Float64Array(strategy.stateSize),
    run: {
      nav: new Float64Array(horizonSteps + 1),
      sharePrice: new Float64Array(horizonSteps + 1),
      acc: new Float64Array(A.size),
    },
    values: {
      growth: [],
      rebalances: [],
      turnover: [],
      feesBase: [],
      ltv: setup.collateral ? [] : null,
      hedgeRatio: setup.hedge ? [] : null,
    } as HorizonValues,
  }));
  for (let p = 0; p < model.paths; p++) {
    // The whole path is drawn, as the report drew it: path p's draws follow path p − 1's.
    generate(random, usd, 0);
    const row = horizonSteps * assets;
    const inBase = (asset: number) => usd[row + asset]! / usd[row]!;
    for (const set of sets) {
      strategy.load(set.params);
      const { run, values } = set;
      strategy.runPath(
        start,
        set.vector,
        usd,
        horizonSteps,
        inputs.state.timeSeconds,
        model.stepSeconds,
        run.nav,
        run.sharePrice,
        run.acc,
      );
      values.growth.push(run.sharePrice[0]! > 0 ? run.sharePrice[horizonSteps]! / run.sharePrice[0]! : 0);
      values.rebalances.push(run.acc[A.rebalances]!);
      values.turnover.push(startNav > 0 ? run.acc[A.turnover]! / startNav : 0);
      values.feesBase.push(run.acc[A.fees]!);
      const state = strategy.decode(set.vector, endSeconds);
      if (values.ltv && setup.collateral) {
        const position = state.collateral;
        const collateralValue = (position?.collateral ?? 0) * inBase(setup.collateral.assetIndex);
        values.ltv.push(collateralValue > 0 ? (position?.debt ?? 0) / collateralValue : 0);
      }
      if (values.hedgeRatio && setup.hedge) {
        const asset = setup.hedge.assetIndex;
        const posted = setup.collateral?.assetIndex === asset ? (state.collateral?.collateral ?? 0) : 0;
        const exposure = state.balances[asset]! + posted;
        values.hedgeRatio.push(exposure > 0 ? (state.hedge?.debt ?? 0) / exposure : 0);
      }
    }
  }
  return {
    horizonSteps,
    stepSeconds: model.stepSeconds,
    paths: model.paths,
    current: sets[0]!.values,
    proposed: sets[1]!.values,
  };
}
