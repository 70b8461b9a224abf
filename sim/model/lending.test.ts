import { describe, expect, it } from "vitest";
import { devnetStartPoint } from "../../devnet/startPoint.ts";
import { secondsPerYear } from "../market/types.ts";
import { adaptiveCurveBorrowRate, rateModelCode } from "./adaptiveCurveIrm.ts";
import { expectedDebtOf, taylorGrowth } from "./lending.ts";
import { CollateralAction } from "./actions.ts";
import { withChanges } from "./params.ts";
import { accumulatorLayout, createStrategy, type ActionRecord } from "./strategy.ts";
import type { LendingMarket, StrategyParams, VaultSetup } from "./types.ts";
import { liquidationIncentive } from "./liquidations.ts";

describe("Morpho Blue's interest and liquidation math", () => {
  it("compounds interest as Morpho's wTaylorCompounded: e^x − 1 to the third order", () => {
    expect(taylorGrowth(0)).toBe(0);
    // A year at 10%: 0.1 + 0.1²/2 + 0.1³/6, short of e^0.1 − 1 by the series' rest (0.1⁴/24 and less).
    expect(taylorGrowth(0.1)).toBeCloseTo(0.1 + 0.005 + 0.001 / 6, 15);
    expect(Math.expm1(0.1) - taylorGrowth(0.1)).toBeGreaterThan(0.1 ** 4 / 24);
    expect(Math.expm1(0.1) - taylorGrowth(0.1)).toBeLessThan(0.1 ** 4 / 24 + 0.1 ** 5 / 100);
  });

  it("owes a module its share of the market's borrow grown by the rate since the last update, never below a spike's floor", () => {
    const year = secondsPerYear;
    // Half of a 1,000 borrow, a year after the update, at a fixed 5% a year: 500 · (1 + taylorGrowth(0.05)).
    expect(expectedDebtOf(0.5, 1_000, 4_000, year, 0.05 / year, 0)).toBeCloseTo(500 * (1 + taylorGrowth(0.05)), 9);
    // Following utilization (1,000 of 4,000 borrowed: 25% a year).
    expect(expectedDebtOf(0.5, 1_000, 4_000, year, rateModelCode.utilization, 0)).toBeCloseTo(
      500 * (1 + taylorGrowth(0.25)),
      9,
    );
    // A spike's 80% a year outweighs both; a rate above it is kept.
    expect(expectedDebtOf(0.5, 1_000, 4_000, year, rateModelCode.utilization, 0.8 / year)).toBeCloseTo(
      500 * (1 + taylorGrowth(0.8)),
      9,
    );
    expect(expectedDebtOf(0.5, 1_000, 4_000, year, 0.05 / year, 0.01 / year)).toBeCloseTo(
      500 * (1 + taylorGrowth(0.05)),
      9,
    );
    // No time elapsed (or the clock behind the market's update): no interest; no share: no debt.
    expect(expectedDebtOf(0.5, 1_000, 4_000, 0, 0.05 / year, 0)).toBe(500);
    expect(expectedDebtOf(0.5, 1_000, 4_000, -60, 0.05 / year, 0)).toBe(500);
    expect(expectedDebtOf(0, 1_000, 4_000, year, 0.05 / year, 0)).toBe(0);
    // An empty market follows utilization at 0%.
    expect(expectedDebtOf(0.5, 1_000, 0, year, rateModelCode.utilization, 0)).toBe(500);
  });

  it("pays liquidators min(1.15, 1 / (1 − 0.3 · (1 − lltv))) of what they repay", () => {
    expect(liquidationIncentive(0.86)).toBeCloseTo(1 / (1 - 0.3 * 0.14), 12);
    expect(liquidationIncentive(0.945)).toBeCloseTo(1.0168, 4);
    expect(liquidationIncentive(0.3)).toBe(1.15);
  });
});

describe("A market on Morpho's AdaptiveCurveIrm, in the kernel", () => {
  it("accrues at each keeper cycle, its rate at target following the IRM step by step, the interest charged as borrow cost", () => {
    const day = 86_400;
    const start = devnetStartPoint();
    // A thin market: the collateral manager's first borrow (30% of the 50% of its WETH it posts, $60,000) takes
    // utilization to about 92%, above the 90% target, so the rate at target climbs.
    const market: LendingMarket = {
      ...start.setup.collateral!.market,
      totalSupplyAssets: 65_000,
      rate: { kind: "adaptiveCurve", rateAtTargetPerYear: 0.04 },
    };
    // No hedge: its interest would be charged to the same accumulator.
    const setup: VaultSetup = { ...start.setup, collateral: { assetIndex: 1, market }, hedge: undefined };
    const strategy = createStrategy(setup, start.params, { liquidations: true });
    const vector = strategy.encode(start.state, new Float64Array(strategy.stateSize));
    const acc = new Float64Array(accumulatorLayout.size);
    strategy.resetAccumulators(acc);
    const usd = Float64Array.from(start.pricesUsd);
    const t0 = start.state.timeSeconds;
    strategy.step(vector, usd, 0, t0 + day, acc);
    const after = strategy.decode(vector, t0 + day).collateral!;
    expect(after.debt).toBeGreaterThan(50_000);
    expect(after.marketBorrowAssets / after.marketSupplyAssets).toBeGreaterThan(0.9);
    const costBefore = acc[accumulatorLayout.borrowCost]!;

    // The same 39 days by the IRM's formulas, one accrual a day, from the state the first day left.
    let rateAtTarget = after.rateAtTargetPerYear! / secondsPerYear;
    let borrow = after.marketBorrowAssets;
    let supply = after.marketSupplyAssets;
    let interestPaid = 0;
    const out = new Float64Array(2);
    for (let d = 2; d <= 40; d++) {
      strategy.step(vector, usd, 0, t0 + d * day, acc);
      adaptiveCurveBorrowRate(rateAtTarget, borrow / supply, day, out);
      rateAtTarget = out[1]!;
      const interest = borrow * taylorGrowth(out[0]! * day);
      borrow += interest;
      supply += interest;
      interestPaid += interest;
    }
    const end = strategy.decode(vector, t0 + 40 * day).collateral!;
    expect(end.rateAtTargetPerYear! / (rateAtTarget * secondsPerYear)).toBeCloseTo(1, 12);
    expect(end.marketBorrowAssets / borrow).toBeCloseTo(1, 12);
    // Above the target (error ≈ 0.23) for 39 days: the rate at target about tripled (e^(50 · 0.23 · 39/365) ≈ 3.4).
    expect(end.rateAtTargetPerYear! / after.rateAtTargetPerYear!).toBeGreaterThan(3);
    // The vault holds the whole borrow side: it pays all the interest.
    expect((acc[accumulatorLayout.borrowCost]! - costBefore) / interestPaid).toBeCloseTo(1, 9);
  });
});

describe("A borrow-rate spike (the rate-spike stress), in the kernel", () => {
  /**
   * `steps` daily cycles at constant prices, every market charging at least 100% a year over steps 45–58 (`spike`)
   * or not: the collateral manager's actions and the path's accumulators.
   */
  function run(spike: boolean, params: StrategyParams, steps = 90) {
    const start = devnetStartPoint();
    const actions: ActionRecord[] = [];
    const strategy = createStrategy(start.setup, params, {
      liquidations: true,
      onAction: (record) => actions.push(record),
    });
    const from = strategy.encode(start.state, new Float64Array(strategy.stateSize));
    const usd = new Float64Array((steps + 1) * 3);
    for (let k = 0; k <= steps; k++) usd.set(start.pricesUsd, k * 3);
    const floors = new Float64Array(steps + 1);
    for (let k = 45; k <= Math.min(58, steps); k++) floors[k] = 1;
    strategy.setBorrowRateFloors(spike ? floors : undefined);
    const acc = new Float64Array(accumulatorLayout.size);
    const navs = new Float64Array(steps + 1);
    const prices = new Float64Array(steps + 1);
    strategy.runPath(
      from,
      new Float64Array(strategy.stateSize),
      usd,
      steps,
      start.state.timeSeconds,
      86_400,
      navs,
      prices,
      acc,
    );
    const repays = actions.filter((a) => a.kind === "collateral" && a.action === CollateralAction.Repay);
    return { repays, acc };
  }

  it("charges the spike's rate and makes the collateral manager repay the debt it grew", () => {
    const start = devnetStartPoint();
    // A narrow LTV band (1 point): the debt the spike adds (≈ 4% in 14 days) takes the LTV from 30% past 31%.
    const params = withChanges(start.params, { "collateral.ltvBandBps": 100 }, start.setup.symbols);
    const calm = run(false, params);
    const spiked = run(true, params);
    expect(calm.repays).toEqual([]);
    expect(spiked.repays.length).toBeGreaterThan(0);
    // Nothing before the spike: the same run stopped at step 44 repays nothing.
    expect(run(true, params, 44).repays).toEqual([]);
    // $60,000 and about 50 WETH ($150,000) at 100% a year for 14 days: about $8,000, against a few dollars calm.
    expect(calm.acc[accumulatorLayout.borrowCost]!).toBeLessThan(100);
    expect(spiked.acc[accumulatorLayout.borrowCost]!).toBeGreaterThan(7_000);
  });
});
