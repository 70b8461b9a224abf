import { describe, expect, it } from "vitest";
import { devnetMarketModel, devnetStartPoint } from "../devnet/startPoint.ts";
import { intradayLiquidation, modelStepLogVariances } from "./intradayLiquidation.ts";
import { createPathGenerator } from "./market/paths.ts";
import { createMonteCarlo, type MonteCarloInputs } from "./monteCarlo.ts";
import { withChanges } from "./model/params.ts";
import { accumulatorLayout as A, createStrategy } from "./model/strategy.ts";
import { createRandom } from "./random.ts";

const start = devnetStartPoint();
const symbols = start.setup.symbols;
/** The leveraged proposal of issue 18: target LTV 60%, maximum 70% (the market's LLTV is 86%). */
const leveraged = withChanges(
  start.params,
  { "collateral.targetLtvBps": 6_000, "collateral.maxLtvBps": 7_000 },
  symbols,
);
const inputs = (overrides: Partial<MonteCarloInputs> = {}): MonteCarloInputs => ({
  setup: start.setup,
  state: start.state,
  pricesUsd: start.pricesUsd,
  params: { current: start.params, proposed: leveraged },
  market: devnetMarketModel(),
  stress: [],
  paths: 400,
  steps: 365,
  stepSeconds: 86_400,
  seed: 1,
  gasPriceGwei: 5,
  ...overrides,
});
const run = (overrides: Partial<MonteCarloInputs> = {}) => {
  const monteCarlo = createMonteCarlo(inputs(overrides));
  monteCarlo.runPaths(Infinity);
  return monteCarlo.results();
};

describe("Liquidation within the day (Brownian-bridge correction of the daily health check)", () => {
  it("gives a leveraged set a positive probability, with an exact interval that is not [0, 0], where the daily check counts none", () => {
    const results = run();
    expect(results.proposed.liquidationProbability).toBe(0); // no path's daily check liquidates
    const intraday = results.intradayLiquidation!.proposed;
    expect(intraday.probability).toBeGreaterThan(0);
    expect(intraday.high95).toBeGreaterThan(intraday.low95);
    expect(intraday.high95).toBeGreaterThanOrEqual(intraday.probability);
    expect(intraday.low95).toBeLessThanOrEqual(intraday.probability);
    // Never below the daily check: a step that ends past the liquidation price counts as a touch.
    for (const set of ["current", "proposed"] as const)
      expect(results.intradayLiquidation![set].probability).toBeGreaterThanOrEqual(results[set].liquidationProbability);
  });

  it("grows with the collateral manager's leverage: a 60% target is touched more often than a 50% one", () => {
    // Without the hedge (whose own liquidations are not the subject here), in a market twice as volatile as ETH's.
    const unhedged = (target: number, max: number) =>
      withChanges(
        start.params,
        { "collateral.targetLtvBps": target, "collateral.maxLtvBps": max, "hedge.ratioBps": 0 },
        symbols,
      );
    const market = { ...devnetMarketModel(), volatilityPerYear: [0.002, 1.3, 1] };
    const results = run({ market, params: { current: unhedged(5_000, 6_000), proposed: unhedged(6_000, 7_000) } });
    const { current, proposed } = results.intradayLiquidation!;
    expect(proposed.probability).toBeGreaterThan(0);
    expect(proposed.probability).toBeGreaterThan(2 * current.probability);
    expect(proposed.probability).toBeGreaterThan(results.proposed.liquidationProbability);
  });

  it("only reads the state: the paths' NAVs and accumulators are the same with the watch as without", () => {
    const model = inputs();
    const strategy = createStrategy(model.setup, leveraged, { liquidations: true });
    const usd = new Float64Array((model.steps + 1) * symbols.length);
    createPathGenerator(model.market, [], {
      steps: model.steps,
      stepSeconds: 86_400,
      initialPricesUsd: model.pricesUsd,
    })(createRandom(3), usd, 0);
    const startVector = strategy.encode(model.state, new Float64Array(strategy.stateSize));
    const pathOf = (watched: boolean) => {
      const out = {
        nav: new Float64Array(model.steps + 1),
        sharePrice: new Float64Array(model.steps + 1),
        acc: new Float64Array(A.size),
        vector: new Float64Array(strategy.stateSize),
      };
      const variances = modelStepLogVariances(model.market, [], model.setup, model.steps, 86_400)!;
      const watch = { variances, survival: new Float64Array(1) };
      strategy.runPath(
        startVector,
        out.vector,
        usd,
        model.steps,
        model.state.timeSeconds,
        86_400,
        out.nav,
        out.sharePrice,
        out.acc,
        watched ? watch : undefined,
      );
      return { ...out, survival: watch.survival[0]! };
    };
    const [plain, watched] = [pathOf(false), pathOf(true)];
    expect(watched.nav).toEqual(plain.nav);
    expect(watched.acc).toEqual(plain.acc);
    expect(watched.vector).toEqual(plain.vector);
    expect(watched.survival).toBeGreaterThan(0);
    expect(watched.survival).toBeLessThanOrEqual(1);
  });

  it("states the GBM's step variance of each watched asset against the base, and multiplies it in a volatility spike", () => {
    const market = devnetMarketModel();
    const variances = modelStepLogVariances(
      market,
      [{ kind: "volSpike", fromStep: 2, toStep: 2, multiplier: 3 }],
      start.setup,
      3,
      86_400,
    )!;
    const [sBase, sEth] = [market.volatilityPerYear[0]!, market.volatilityPerYear[1]!];
    const dayVariance = (sEth * sEth + sBase * sBase - 2 * market.correlation[1]![0]! * sEth * sBase) / 365;
    expect(variances[2]).toBeCloseTo(dayVariance, 15); // step 1, the collateral's asset (WETH)
    expect(variances[2 * 2]).toBeCloseTo(9 * dayVariance, 15);
    expect(variances[2 * 3 + 1]).toBeCloseTo(dayVariance, 15); // step 3, the hedged asset (WETH)
  });

  it("refuses paths' probabilities outside [0, 1] or none at all, naming what is wrong", () => {
    expect(() => intradayLiquidation(new Float64Array(0), 1)).toThrow("pathProbabilities must hold at least one path");
    expect(() => intradayLiquidation(Float64Array.from([0.2, 1.5]), 1)).toThrow(
      "a path's liquidation probability must be in [0, 1], got 1.5",
    );
    expect(() => intradayLiquidation(Float64Array.from([NaN]), 1)).toThrow("must be in [0, 1], got NaN");
  });

  it("draws its exact interval's Bernoulli count from the seed: the same paths give the same interval", () => {
    const q = Float64Array.from({ length: 1_000 }, (_, i) => (i % 10 === 0 ? 0.05 : 0.001));
    expect(intradayLiquidation(q, 5)).toEqual(intradayLiquidation(q, 5));
    const { probability, low95, high95 } = intradayLiquidation(q, 5);
    expect(probability).toBeCloseTo(0.0059, 12);
    expect(low95).toBeLessThan(probability);
    expect(high95).toBeGreaterThan(probability);
  });
});
