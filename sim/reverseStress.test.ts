import { describe, expect, it } from "vitest";
import { devnetMarketModel, devnetStartPoint } from "../devnet/startPoint.ts";
import { breakingPoints, moveHistoryOf } from "./breakingPoints.ts";
import type { PriceHistory } from "./market/types.ts";
import { withChanges } from "./model/params.ts";
import { renderMarkdown } from "./report.ts";
import { simulateNow } from "./simulate.ts";
import { accumulatorLayout as A, createStrategy } from "./model/strategy.ts";
import type { StrategyParams } from "./model/types.ts";
import {
  breakCriteria,
  describeShock,
  reverseStressLimits,
  reverseStressMarkdown,
  reverseStressTests,
  smallestBreakingShock,
  stressDirections,
  type ReverseStressInputs,
} from "./reverseStress.ts";

const start = devnetStartPoint();
const symbols = start.setup.symbols;
const day = 86_400;
const ltv = (target: number, max: number) =>
  withChanges(start.params, { "collateral.targetLtvBps": target, "collateral.maxLtvBps": max }, symbols);
const base = {
  setup: start.setup,
  state: start.state,
  pricesUsd: start.pricesUsd,
  market: devnetMarketModel(),
  stepSeconds: day,
};
const inputs = (params: StrategyParams): ReverseStressInputs => ({ ...base, params });

/**
 * An independent bisection on the kernel: one keeper cycle at today's prices, then every risk asset × (1 − s) at the
 * next cycle; liquidated when the accumulators count a liquidation.
 */
function kernelDropThatLiquidates(params: StrategyParams): number {
  const liquidates = (s: number) => {
    const strategy = createStrategy(start.setup, params, { liquidations: true });
    const vector = strategy.encode(start.state, new Float64Array(strategy.stateSize));
    const acc = new Float64Array(A.size);
    strategy.resetAccumulators(acc);
    const today = Float64Array.from(start.pricesUsd);
    const shocked = Float64Array.from(start.pricesUsd, (p, i) => (i === 0 ? p : p * (1 - s)));
    strategy.step(vector, today, 0, start.state.timeSeconds + day, acc);
    strategy.step(vector, shocked, 0, start.state.timeSeconds + 2 * day, acc);
    return acc[A.liquidations]! > 0;
  };
  let [low, high] = [0, 0.999];
  while (high - low > 1e-7) {
    const middle = (low + high) / 2;
    if (liquidates(middle)) high = middle;
    else low = middle;
  }
  return high;
}

describe("Reverse stress: the smallest shock along each direction that breaks the vault", () => {
  it("finds the joint drop that liquidates the collateral manager, equal to an independent bisection on the kernel", () => {
    for (const params of [start.params, ltv(6_000, 7_000)]) {
      const found = smallestBreakingShock(inputs(params), "jointDrop", "liquidation");
      expect(found.module).toBe("collateral");
      const independent = kernelDropThatLiquidates(params);
      expect(Math.abs(found.size! - independent)).toBeLessThanOrEqual(
        reverseStressLimits.tolerance * stressDirections.jointDrop.max,
      );
      // And the breaking point's closed form (liquidation price / price − 1), a day's interest aside.
      const point = breakingPoints({ ...inputs(params) }, undefined).find((p) => p.module === "collateral")!;
      expect(Math.abs(-point.move! - independent)).toBeLessThan(1e-4);
    }
  });

  it("finds a smaller drop for a higher LTV (monotone in the leverage)", () => {
    const drops = [
      [2_000, 3_000],
      [3_000, 4_500],
      [4_500, 5_500],
      [6_000, 7_000],
      [7_000, 7_500],
    ].map(([target, max]) => smallestBreakingShock(inputs(ltv(target!, max!)), "jointDrop", "liquidation").size!);
    for (let i = 1; i < drops.length; i++) expect(drops[i]!, `LTV step ${i}`).toBeLessThan(drops[i - 1]!);
  });

  it("names the direction, the criterion and the module, with the headline 'liquidation at … today, … with this proposal'", () => {
    const stress = reverseStressTests(base, { current: start.params, proposed: ltv(6_000, 7_000) });
    expect(stress.rows.map((r) => `${r.direction}/${r.criterion}`)).toEqual(
      Object.keys(stressDirections).flatMap((d) => breakCriteria.map((c) => `${d}/${c}`)),
    );
    const row = (direction: string, criterion: string) =>
      stress.rows.find((r) => r.direction === direction && r.criterion === criterion)!;
    // A lasting depeg of the base asset raises the shorted asset's price in it: the hedge is liquidated.
    expect(row("baseDepeg", "liquidation").current.module).toBe("hedge");
    // Prices unchanged: withdrawn liquidity liquidates nothing, but a cash exit can no longer be paid.
    expect(row("liquidityWithdrawn", "liquidation").current.size).toBeNull();
    expect(row("liquidityWithdrawn", "cashExit").current.size).toBeGreaterThan(0);
    const drop = row("jointDrop", "liquidation");
    expect(drop.proposed.size!).toBeLessThan(drop.current.size!);
    expect(stress.headline).toBe(
      `Liquidation at WETH/WBTC −${(drop.current.size! * 100).toFixed(1)}% today, −${(drop.proposed.size! * 100).toFixed(1)}% with this proposal.`,
    );
    const markdown = reverseStressMarkdown(stress, symbols).join("\n");
    expect(markdown).toContain("## Liquidation and reverse stress");
    expect(markdown).toContain(
      `| Pool liquidity withdrawn | Liquidates a module | ${Array(2).fill("not reached within 99.99% of pool liquidity withdrawn").join(" | ")} |`,
    );
    expect(describeShock("borrowRateSpike", null, symbols)).toBe("not reached within 1000.0% a year borrow rate");
  });

  it("counts the history's one-step moves at least as large as each module's breaking point", () => {
    // WETH falls 40% once and 20% twice in 10 days; WBTC is flat.
    const weth = [3_000, 3_000, 1_800, 1_800, 1_440, 1_440, 1_152, 1_152, 1_200, 1_300, 1_300];
    const history: PriceHistory = {
      symbols,
      timestamps: weth.map((_, k) => 1_700_000_000 + k * day),
      pricesUsd: weth.map((p) => [1, p, 60_000]),
    };
    const moves = moveHistoryOf(history, base.market)!;
    expect(moves.steps).toBe(10);
    expect(moves.moves[1]![1]).toBeCloseTo(-0.4, 12);
    const points = breakingPoints(inputs(ltv(6_000, 7_000)), moves);
    const collateral = points.find((p) => p.module === "collateral")!;
    expect(collateral.move).toBeCloseTo(0.6 / 0.86 - 1, 4); // at the 60% target after the first cycle; LLTV 86%
    expect(collateral.historySteps).toBe(1);
    const hedge = points.find((p) => p.module === "hedge")!;
    expect(hedge.move).toBeGreaterThan(0);
    expect(hedge.historySteps).toBe(0);
    expect(breakingPoints(inputs(ltv(6_000, 7_000)), undefined)[0]!.historySteps).toBeNull();
  });

  it("refuses bad inputs, naming them", () => {
    expect(() =>
      reverseStressTests({ ...base, stepSeconds: 0 }, { current: start.params, proposed: start.params }),
    ).toThrow("stepSeconds must be a positive number of seconds, got 0");
    expect(() =>
      reverseStressTests({ ...base, pricesUsd: [1, -3, 60_000] }, { current: start.params, proposed: start.params }),
    ).toThrow("pricesUsd[1] (WETH) must be a positive price, got -3");
    expect(() =>
      reverseStressTests({ ...base, pricesUsd: [1, 3_000] }, { current: start.params, proposed: start.params }),
    ).toThrow("pricesUsd must hold one price per asset (USDC, WETH, WBTC), got 2");
    const bad = { ...start.params, collateral: { ...start.params.collateral, targetLtvBps: 12_000 } };
    expect(() => reverseStressTests(base, { current: start.params, proposed: bad })).toThrow("proposed parameters");
  });

  it("is carried by the impact report under results.reverseStress, beside the baseline, with its markdown section", () => {
    const report = simulateNow({
      start,
      changes: { "collateral.targetLtvBps": 6_000, "collateral.maxLtvBps": 7_000 },
      market: devnetMarketModel(),
      paths: 100,
      steps: 60,
      seed: 3,
    });
    const stress = report.results.reverseStress!;
    expect(stress.intradayLiquidation!.proposed.probability).toBeGreaterThanOrEqual(
      report.results.proposed.liquidationProbability,
    );
    expect(stress.intradayLiquidation!.method).toContain("Brownian-bridge");
    expect(stress.breakingPoints.proposed.map((p) => p.module)).toEqual(["collateral", "hedge"]);
    expect(stress.headline).toMatch(/^Liquidation at WETH\/WBTC −65\.\d% today, −30\.\d% with this proposal\.$/);
    const markdown = renderMarkdown(report);
    expect(markdown).toContain("## Liquidation and reverse stress");
    expect(markdown).toContain(`**${stress.headline}**`);
    expect(markdown).toContain("Liquidation within the day");
  });
});
