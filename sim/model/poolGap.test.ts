import { describe, expect, it } from "vitest";
import { devnetStartPoint } from "../../devnet/startPoint.ts";
import { withChanges } from "./params.ts";
import { accumulatorLayout as A, createStrategy, type ActionRecord } from "./strategy.ts";
import { createKernelContext } from "./kernel.ts";
import { arbitrageBand, createPrices } from "./prices.ts";
import { priceOfSqrt, sqrtPriceOf } from "./uniswapV3.ts";
import type { PoolGapModel, VaultSetup } from "./types.ts";

const day = 86_400;
const start = devnetStartPoint();
/** The vault without its modules: rebalances alone. Its pools are the devnet's 0.3% pools. */
const plain: VaultSetup = { ...start.setup, collateral: undefined, hedge: undefined };
/** The stated default: 0.1% beyond the pool fee. */
const band: PoolGapModel = arbitrageBand;

/**
 * Keeper cycles at the given USD prices, one row a day, under `poolGap`, with `changes` to the devnet's parameters:
 * the rebalances, the accumulators and the base asset held at the end.
 */
function play(poolGap: PoolGapModel | undefined, changes: Record<string, number>, rows: number[][]) {
  const setup: VaultSetup = poolGap ? { ...plain, poolGap } : plain;
  const params = withChanges(start.params, changes, setup.symbols);
  const rebalances: ActionRecord[] = [];
  const strategy = createStrategy(setup, params, {
    liquidations: true,
    onAction: (record) => record.kind === "rebalance" && rebalances.push(record),
  });
  const vector = strategy.encode(start.state, new Float64Array(strategy.stateSize));
  const acc = new Float64Array(A.size);
  strategy.resetAccumulators(acc);
  // The start's NAV first, as runPath records it: the pools start at the start's prices.
  strategy.nav(vector, Float64Array.from(start.pricesUsd), 0, start.state.timeSeconds);
  rows.forEach((row, k) =>
    strategy.step(vector, Float64Array.from(row), 0, start.state.timeSeconds + (k + 1) * day, acc),
  );
  const t = start.state.timeSeconds + rows.length * day;
  return {
    rebalances,
    acc,
    state: strategy.decode(vector, t),
    nav: strategy.nav(vector, Float64Array.from(rows.at(-1)!), 0, t),
  };
}

/** WETH up 40% overnight: the vault sells WETH for USDC. */
const rally = [[1, 4_200, 60_000]];

describe("The pool–oracle gap: pools that lag the oracle by the arbitrageurs' band", () => {
  it("leaves a pool within the pool fee plus the threshold of the oracle, on the side it came from", () => {
    // After the rally the WETH pool is 0.3% + 0.1% below 4,200 (where an arbitrage stops paying). A sale may go down
    // to the slippage bound less the pool fee from the oracle: with a 0.69% bound that is 0.39%, above the pool,
    // which fills nothing; with 0.71%, 0.41%: the sale fills down to it.
    const weth = (slippageBps: number) =>
      play(band, { "rebalance.maxSlippageBps": slippageBps }, rally).state.balances[1];
    expect(weth(69)).toBe(start.state.balances[1]);
    expect(weth(71)).toBeLessThan(start.state.balances[1]!);
  });

  it("trades a rebalance at the lagging pool's price: the same sale brings less than at the oracle's", () => {
    const changes = { "rebalance.maxSlippageBps": 200 };
    const aligned = play(undefined, changes, rally);
    const lagging = play(band, changes, rally);
    expect(aligned.rebalances).toEqual([{ kind: "rebalance", trades: 2, reverted: false }]);
    expect(lagging.rebalances).toEqual([{ kind: "rebalance", trades: 2, reverted: false }]);
    // Selling into a pool 0.4% under the oracle costs about 0.4% of the value sold: the NAV ends lower.
    expect(lagging.nav).toBeLessThan(aligned.nav);
  });

  it("makes oracle.maxDeviationBps bind: below the gap, the rebalance reverts (VaultPoolPriceDeviates)", () => {
    // The gap after the rally is 0.4%: a 0.3% deviation bound refuses the pool, a 2% bound accepts it.
    const loose = { "rebalance.maxSlippageBps": 200, "oracle.maxDeviationBps": 200 };
    const tight = { "rebalance.maxSlippageBps": 200, "oracle.maxDeviationBps": 30 };
    expect(play(band, loose, rally).rebalances).toEqual([{ kind: "rebalance", trades: 2, reverted: false }]);
    const refused = play(band, tight, rally);
    expect(refused.rebalances).toEqual([{ kind: "rebalance", trades: 0, reverted: true }]);
    expect(refused.acc[A.reverts]).toBe(1);
    expect(refused.state.balances).toEqual(start.state.balances);
    // With the pools at the oracle (the aligned model) the same change changes nothing.
    expect(play(undefined, tight, rally)).toEqual(play(undefined, loose, rally));
  });

  it("makes a tighter slippage bound cost something: the gap eats its room, and a sale fills nothing", () => {
    // The bound's room on a 0.3% pool is the bound less 0.3%; the lagging pool already used 0.4% of it.
    const wide = play(band, { "rebalance.maxSlippageBps": 100 }, rally);
    const tight = play(band, { "rebalance.maxSlippageBps": 60 }, rally);
    expect(wide.rebalances).toEqual([{ kind: "rebalance", trades: 2, reverted: false }]);
    // The WETH sale fills nothing (its pool lags the rally); the WBTC buy (its pool did not move) fills.
    expect(tight.rebalances).toEqual([{ kind: "rebalance", trades: 1, reverted: false }]);
    // The vault stays overweight WETH after the rally: more exposed than its targets say.
    expect(tight.state.balances[1]).toBe(start.state.balances[1]);
    expect(wide.state.balances[1]).toBeLessThan(start.state.balances[1]!);
    // Both assets up 40%: both sales lag, nothing fills, and the rebalance reverts (VaultRebalanceNoFill).
    const both = [[1, 4_200, 84_000]];
    expect(play(band, { "rebalance.maxSlippageBps": 100 }, both).acc[A.reverts]).toBe(0);
    const refused = play(band, { "rebalance.maxSlippageBps": 60 }, both);
    expect(refused.rebalances).toEqual([{ kind: "rebalance", trades: 0, reverted: true }]);
    expect(refused.acc[A.reverts]).toBe(1);
    // With the pools at the oracle, both bounds fill the same trades.
    expect(play(undefined, { "rebalance.maxSlippageBps": 60 }, rally).state).toEqual(
      play(undefined, { "rebalance.maxSlippageBps": 100 }, rally).state,
    );
  });

  it("lets arbitrageurs pull a pool back only as far as the band, and leaves one inside it alone", () => {
    const context = createKernelContext({ ...plain, poolGap: band }, start.params, undefined);
    const prices = createPrices(context);
    const wethPool = () => priceOfSqrt(context.sqrtPrices[0]!, context.riskIsToken0[0]!);
    const row = (weth: number) => Float64Array.from([1, weth, 60_000]);
    // The path's start: the pools at the oracle.
    prices.setPrices(row(3_000), 0);
    expect(wethPool()).toBeCloseTo(3_000, 9);
    // The rally: the pool follows to 0.3% + 0.1% under the oracle.
    prices.realignPools(row(4_200), 0);
    expect(wethPool()).toBeCloseTo(4_200 * (1 - 0.004), 9);
    // A sale pushed it to 4,000: arbitrageurs buy it back to the band's edge, not to the oracle.
    context.sqrtPrices[0] = sqrtPriceOf(4_000, context.riskIsToken0[0]!);
    prices.realignPools(row(4_200), 0);
    expect(wethPool()).toBeCloseTo(4_200 * (1 - 0.004), 9);
    // Inside the band nobody trades.
    context.sqrtPrices[0] = sqrtPriceOf(4_190, context.riskIsToken0[0]!);
    prices.realignPools(row(4_200), 0);
    expect(wethPool()).toBeCloseTo(4_190, 9);
    // Aligned pools sit at the oracle at every cycle.
    const alignedContext = createKernelContext(plain, start.params, undefined);
    const aligned = createPrices(alignedContext);
    aligned.realignPools(row(4_200), 0);
    aligned.ensurePools();
    expect(priceOfSqrt(alignedContext.sqrtPrices[0]!, alignedContext.riskIsToken0[0]!)).toBeCloseTo(4_200, 9);
  });
});
