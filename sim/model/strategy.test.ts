import { describe, expect, it } from "vitest";
import { devnetStartPoint } from "../../devnet/startPoint.ts";
import { withChanges } from "./params.ts";
import { accumulatorLayout as A, createStrategy, type ActionRecord } from "./strategy.ts";
import type { StrategyParams, VaultSetup } from "./types.ts";
import { CollateralAction, HedgeAction } from "./actions.ts";

const day = 86_400;
const start = devnetStartPoint();

/** Runs `days` keeper cycles at the given USD prices (one row per day, or one row for every day). */
function play(options: {
  setup?: VaultSetup;
  params?: StrategyParams;
  prices: readonly (readonly number[])[];
  days: number;
  liquidations?: boolean;
}) {
  const actions: { day: number; record: ActionRecord }[] = [];
  let today = 0;
  const strategy = createStrategy(options.setup ?? start.setup, options.params ?? start.params, {
    liquidations: options.liquidations ?? true,
    onAction: (record) => actions.push({ day: today, record }),
  });
  const vector = strategy.encode(start.state, new Float64Array(strategy.stateSize));
  const acc = new Float64Array(A.size);
  strategy.resetAccumulators(acc);
  const navs: number[] = [];
  for (today = 1; today <= options.days; today++) {
    const usd = Float64Array.from(options.prices[Math.min(today - 1, options.prices.length - 1)]!);
    const t = start.state.timeSeconds + today * day;
    strategy.step(vector, usd, 0, t, acc);
    navs.push(strategy.nav(vector, usd, 0, t));
  }
  const t = start.state.timeSeconds + options.days * day;
  return { actions, acc, navs, state: strategy.decode(vector, t), strategy, vector };
}

const at = (weth: number, wbtc = 60_000, usdc = 1) => [usdc, weth, wbtc];
const kinds = (actions: { record: ActionRecord }[], kind: ActionRecord["kind"]) =>
  actions.filter((a) => a.record.kind === kind).map((a) => a.record);
const withoutModules: VaultSetup = { ...start.setup, collateral: undefined, hedge: undefined };

describe("The strategy model: one keeper cycle a step, as the contracts decide", () => {
  it("rebalances only when a holding drifts past the band, and then toward the targets", () => {
    const calm = play({ setup: withoutModules, prices: [at(3_000)], days: 3 });
    expect(kinds(calm.actions, "rebalance")).toEqual([]);
    // WETH +20%: its weight goes from 40% to 44.4%, within the 5% band; +40%: 48.3%, outside.
    const small = play({ setup: withoutModules, prices: [at(3_600)], days: 1 });
    expect(kinds(small.actions, "rebalance")).toEqual([]);
    const large = play({ setup: withoutModules, prices: [at(4_200)], days: 1 });
    expect(kinds(large.actions, "rebalance")).toEqual([{ kind: "rebalance", trades: 2, reverted: false }]);
    const [usdc, weth] = large.state.balances as [number, number];
    expect(weth).toBeLessThan(start.state.balances[1]!);
    expect(usdc).toBeGreaterThan(start.state.balances[0]!);
  });

  it("waits out rebalance.minIntervalSec between rebalances that fill their whole plan", () => {
    // Trades of at most 1% of NAV fill in full in the pools: each rebalance completes its plan.
    const params = withChanges(
      start.params,
      { "rebalance.minIntervalSec": 3 * day, "rebalance.maxTradeBps": 100 },
      start.setup.symbols,
    );
    // The start was rebalanced at its own time: days 1 and 2 are too soon, whatever the drift.
    const prices = [at(4_200), at(2_000), at(4_500), at(2_000), at(4_500), at(2_000), at(4_500)];
    const run = play({ setup: withoutModules, params, prices, days: 7 });
    const rebalances = run.actions.filter((a) => a.record.kind === "rebalance");
    expect(rebalances.map((a) => a.day)).toEqual([3, 6]);
  });

  it("starts no interval after a rebalance the pools filled only in part: it carries on at the next cycle", () => {
    const params = withChanges(start.params, { "rebalance.minIntervalSec": 3 * day }, start.setup.symbols);
    // Trades of up to 10% of NAV after swings this large hit the slippage bound in the pools and fill in part.
    const prices = [at(4_200), at(2_000), at(4_500), at(2_000), at(4_500), at(2_000), at(4_500)];
    const run = play({ setup: withoutModules, params, prices, days: 7 });
    const days = run.actions.filter((a) => a.record.kind === "rebalance").map((a) => a.day);
    expect(days[0]).toBe(3);
    expect(days).toContain(4);
  });

  it("caps each trade at rebalance.maxTradeBps of NAV, and pays slippage on the pool", () => {
    const params = withChanges(start.params, { "rebalance.maxTradeBps": 100 }, start.setup.symbols);
    const run = play({ setup: withoutModules, params, prices: [at(4_200)], days: 1 });
    const nav = run.navs[0]!;
    // One trade sold at most 1% of NAV of WETH, and NAV lost only the pool fee and price impact on it.
    expect(run.acc[A.turnover]!).toBeLessThanOrEqual(0.02 * nav * 1.0001);
    const navBefore = start.state.balances[0]! + start.state.balances[1]! * 4_200 + start.state.balances[2]! * 60_000;
    expect(nav).toBeLessThan(navBefore);
    expect(nav).toBeGreaterThan(navBefore - 0.02 * nav * 0.006);
  });

  it("posts collateral and borrows to the target LTV, then deleverages after a crash", () => {
    const run = play({ prices: [at(3_000), at(3_000), at(1_900)], days: 3 });
    const collateral = kinds(run.actions, "collateral") as Extract<ActionRecord, { kind: "collateral" }>[];
    expect(collateral.slice(0, 2).map((c) => c.action)).toEqual([
      CollateralAction.PostCollateral,
      CollateralAction.Borrow,
    ]);
    const afterBorrow = play({ prices: [at(3_000)], days: 1 });
    const position = afterBorrow.state.collateral!;
    expect((position.debt / (position.collateral * 3_000)) * 10_000).toBeCloseTo(3_000, 0);
    // WETH −37%: LTV 30% → 47.6%, above collateral.maxLtvBps (45%): deleverage on day 3.
    const day3 = run.actions.filter((a) => a.day === 3 && a.record.kind === "collateral");
    expect((day3[0]!.record as { action: number }).action).toBe(CollateralAction.Deleverage);
  });

  it("shorts hedge.ratioBps of the WETH exposure within the band", () => {
    const run = play({ prices: [at(3_000)], days: 6 });
    const hedges = kinds(run.actions, "hedge") as Extract<ActionRecord, { kind: "hedge" }>[];
    expect(hedges.length).toBeGreaterThan(0);
    expect(hedges.every((h) => h.action === HedgeAction.Increase)).toBe(true);
    const short = run.state.hedge!.debt;
    const exposure = run.state.balances[1]! + run.state.collateral!.collateral;
    expect(Math.abs(short / exposure - 0.5)).toBeLessThanOrEqual(0.1);
  });

  it("streams the management fee: a year at 2% mints shares worth about 2% of NAV", () => {
    const params = withChanges(start.params, { "fees.performanceBps": 0 }, start.setup.symbols);
    const run = play({ setup: withoutModules, params, prices: [at(3_000)], days: 365 });
    const price = run.strategy.sharePrice(run.vector, run.navs[364]!, start.state.timeSeconds + 365 * day);
    expect(price).toBeCloseTo(0.98, 3);
  });

  it("liquidates a position whose LTV passes the market's, in Monte Carlo mode only", () => {
    // WETH −73% in a day after the manager borrowed at 30% LTV: LTV 30% → 112%, past the 86% LLTV.
    const prices = [at(3_000), at(3_000), at(800)];
    const liquidated = play({ prices, days: 3 });
    expect(liquidated.acc[A.liquidations]).toBe(1);
    expect(liquidated.acc[A.minHealth]).toBeLessThan(1);
    expect(kinds(liquidated.actions, "liquidation")).toMatchObject([{ kind: "liquidation", module: "collateral" }]);
    const spared = play({ prices, days: 3, liquidations: false });
    expect(spared.acc[A.liquidations]).toBe(0);
  });
});
