import { describe, expect, it } from "vitest";
import { devnetMarketModel, devnetStartPoint } from "../devnet/startPoint.ts";
import { coverageOf, proposedPoolsOf, type CoverageInputs, type FeeTierPool } from "./coverage.ts";
import type { PriceHistory } from "./market/types.ts";
import type { Pool } from "./model/types.ts";
import { renderMarkdown } from "./report.ts";
import { simulateNow, type SimulationRequest } from "./simulate.ts";

const start = devnetStartPoint();
const market = devnetMarketModel();
const request = (overrides: Partial<SimulationRequest> = {}): SimulationRequest => ({
  start,
  changes: {},
  market,
  paths: 120,
  steps: 60,
  seed: 11,
  ...overrides,
});
const rowOf = (report: ReturnType<typeof simulateNow>, name: string) =>
  report.results.coverage!.parameters.find((p) => p.name === name);

/** The devnet's WETH pool with its liquidity scaled by `factor` (a thinner or deeper pool at another tier). */
const scaledPool = (pool: Pool, factor: number): Pool => ({
  ...pool,
  liquidity: pool.liquidity * factor,
  ticks: pool.ticks?.map((t) => ({ ...t, liquidityNet: t.liquidityNet * factor })),
});

const inputs = (overrides: Partial<CoverageInputs>): CoverageInputs => ({
  changed: [],
  notModelled: [],
  params: { current: start.params, proposed: start.params },
  symbols: start.setup.symbols,
  stepSeconds: 86_400,
  paths: 2_000,
  ...overrides,
});

describe("What the model resolves: each changed parameter, resolved or why not", () => {
  it("does not resolve a minimum interval when both values are no longer than the daily step", () => {
    const proposed = { ...start.params, minIntervalSeconds: 3_600 };
    const current = { ...start.params, minIntervalSeconds: 21_600 };
    const [row] = coverageOf(
      inputs({ changed: ["rebalance.minIntervalSec"], params: { current, proposed } }),
    ).parameters;
    expect(row).toEqual({
      name: "rebalance.minIntervalSec",
      status: "not resolved",
      reason: expect.stringContaining("the model steps once a day"),
    });
    expect(row!.reason).toContain("6 h and 1 h");
  });

  it("resolves a minimum interval in part when one value is below the step, and fully when both are above", () => {
    const current = { ...start.params, minIntervalSeconds: 3_600 };
    const partly = coverageOf(
      inputs({
        changed: ["rebalance.minIntervalSec"],
        params: { current, proposed: { ...start.params, minIntervalSeconds: 3 * 86_400 } },
      }),
    ).parameters[0]!;
    expect(partly.status).toBe("partly resolved");
    expect(partly.reason).toContain("1 h acts as one step (1 d)");
    const both = coverageOf(
      inputs({
        changed: ["rebalance.minIntervalSec"],
        params: {
          current: { ...start.params, minIntervalSeconds: 2 * 86_400 },
          proposed: { ...start.params, minIntervalSeconds: 3 * 86_400 },
        },
      }),
    ).parameters[0]!;
    expect(both.status).toBe("resolved");
  });

  it("lists a parameter the model does not read as not modelled, and the deviation bound while pools track the oracle", () => {
    const { parameters } = coverageOf(
      inputs({ changed: ["oracle.maxDeviationBps"], notModelled: ["oracle.maxStalenessSec.WETH"] }),
    );
    expect(parameters.map((p) => [p.name, p.status])).toEqual([
      ["oracle.maxDeviationBps", "not modelled"],
      ["oracle.maxStalenessSec.WETH", "not modelled"],
    ]);
    expect(parameters[0]!.reason).toContain("realigned to the oracle at every step");
    expect(parameters[1]!.reason).toBe(
      "the model does not read it: the simulated feeds answer at every step and never go stale, so its effect is not in the numbers",
    );
    // The hook for a pool–oracle gap model: with a gap, the bound is resolved like any parameter the model acts on.
    const withGap = coverageOf(inputs({ changed: ["oracle.maxDeviationBps"], poolOracleGap: true }));
    expect(withGap.parameters[0]!.status).toBe("resolved");
  });

  it("counts where the trade cap bound: not resolved when it never binds, resolved with the counts when it does", () => {
    // No rebalance of the devnet vault trades half its NAV: a cap of 50% or 60% never binds.
    const loose = simulateNow(
      request({
        start: { ...start, params: { ...start.params, maxTradeBps: 5_000 } },
        changes: { "rebalance.maxTradeBps": 6_000 },
      }),
    );
    expect(rowOf(loose, "rebalance.maxTradeBps")).toEqual({
      name: "rebalance.maxTradeBps",
      status: "not resolved",
      reason: expect.stringContaining("did not bind on any of the 120 paths under either set"),
    });
    expect(loose.results.coverage!.tradeCapBound).toEqual({
      current: { paths: 0, rebalances: 0 },
      proposed: { paths: 0, rebalances: 0 },
    });
    // A cap of 1% of NAV cuts every rebalance's trades.
    const tight = simulateNow(request({ changes: { "rebalance.maxTradeBps": 100 } }));
    const bound = tight.results.coverage!.tradeCapBound!;
    expect(bound.proposed.paths).toBeGreaterThan(bound.current.paths);
    expect(bound.proposed.rebalances).toBeGreaterThanOrEqual(bound.proposed.paths);
    expect(rowOf(tight, "rebalance.maxTradeBps")!.status).toBe("resolved");
    expect(rowOf(tight, "rebalance.maxTradeBps")!.reason).toContain(
      `${bound.proposed.paths} paths (${bound.proposed.rebalances} rebalances) under the proposed`,
    );
  });

  it("says not resolved in the markdown instead of a row of zeros when nothing the model resolves changed", () => {
    const report = simulateNow(
      request({ changes: { "oracle.maxDeviationBps": 300 }, notModelled: ["oracle.maxStalenessSec.WETH"] }),
    );
    const markdown = renderMarkdown(report);
    expect(markdown).toContain("## What the model resolves");
    expect(markdown).toContain("2 of the 2 parameters changed are not resolved by the model");
    expect(markdown).toContain("| `oracle.maxDeviationBps` | not modelled |");
    expect(markdown).toContain("| `oracle.maxStalenessSec.WETH` | not modelled |");
  });
});

describe("A pool-fee change trades on the proposed tier's pool", () => {
  const thin = scaledPool(start.setup.pools[0]!, 0.02);
  const tiers: FeeTierPool[] = [
    { symbol: "WETH", feePpm: 500, pool: thin },
    { symbol: "WETH", feePpm: 100, pool: null },
  ];

  it("picks the pool at the proposed tier, keeps the current pool where there is none, and says which", () => {
    const proposed = { ...start.params, poolFeesPpm: [500, 3_000] };
    const found = proposedPoolsOf(start.setup, { current: start.params, proposed }, tiers);
    expect(found.pools).toEqual([thin, start.setup.pools[1]]);
    expect(found.listed).toEqual([{ symbol: "WETH", feePpm: 500, pool: thin }]);

    const none = proposedPoolsOf(
      start.setup,
      { current: start.params, proposed: { ...start.params, poolFeesPpm: [100, 3_000] } },
      tiers,
    );
    expect(none.pools).toBeUndefined();
    expect(none.listed).toEqual([{ symbol: "WETH", feePpm: 100, pool: null }]);
    const notRead = proposedPoolsOf(
      start.setup,
      { current: start.params, proposed: { ...start.params, poolFeesPpm: [3_000, 10_000] } },
      tiers,
    );
    expect(notRead.listed).toEqual([{ symbol: "WBTC", feePpm: 10_000, pool: "not read" }]);
  });

  it("simulates the proposed set on the new pool's liquidity, and the current set on its own pool", () => {
    const feeTierPools = tiers;
    const onOld = simulateNow(request({ changes: { "poolFee.WETH": 500 } }));
    const onNew = simulateNow(request({ changes: { "poolFee.WETH": 500 }, start: { ...start, feeTierPools } }));
    // The current set is untouched by the proposed set's pool (the kernel restores the setup's pools)...
    expect(onNew.results.current).toEqual(onOld.results.current);
    // ...and a pool 50 times thinner fills only part of each plan within the slippage bound: the keeper comes back
    // to rebalance again and again.
    expect(onNew.results.proposed).not.toEqual(onOld.results.proposed);
    expect(onNew.results.proposed.rebalances).toBeGreaterThan(5 * onOld.results.proposed.rebalances);
    expect(rowOf(onNew, "poolFee.WETH")).toEqual({
      name: "poolFee.WETH",
      status: "resolved",
      reason: "the proposed set trades on the WETH/USDC 0.05% pool's own liquidity",
    });
    expect(rowOf(onOld, "poolFee.WETH")!.reason).toContain(
      "the WETH/USDC pool at the proposed tier was not read: the new fee is applied to the current pool's liquidity",
    );
  });

  it("backtests the proposed set on the new pool too", () => {
    const days = 90;
    // Test data, not a report's numbers: a swinging ETH price that makes the vault rebalance.
    const history: PriceHistory = {
      symbols: start.setup.symbols,
      timestamps: Array.from({ length: days + 1 }, (_, k) => 1_700_000_000 + k * 86_400),
      pricesUsd: Array.from({ length: days + 1 }, (_, k) => [1, 2_000 * (1 + 0.4 * Math.sin(k / 9)), 40_000]),
    };
    const onOld = simulateNow(request({ changes: { "poolFee.WETH": 500 }, history }));
    const onNew = simulateNow(
      request({ changes: { "poolFee.WETH": 500 }, history, start: { ...start, feeTierPools: tiers } }),
    );
    expect(onNew.results.backtest!.current).toEqual(onOld.results.backtest!.current);
    expect(onNew.results.backtest!.proposed.metrics.rebalances).toBeGreaterThan(
      onOld.results.backtest!.proposed.metrics.rebalances,
    );
  });

  it("runs the same numbers on a proposed pool identical to the current one as on the current pool", () => {
    const same: FeeTierPool[] = [{ symbol: "WETH", feePpm: 500, pool: start.setup.pools[0]! }];
    const onOld = simulateNow(request({ changes: { "poolFee.WETH": 500 } }));
    const onSame = simulateNow(request({ changes: { "poolFee.WETH": 500 }, start: { ...start, feeTierPools: same } }));
    expect(onSame.results.proposed).toEqual(onOld.results.proposed);
  });

  it("says there is no pool at the proposed tier and that the vault would revert", () => {
    const report = simulateNow(request({ changes: { "poolFee.WETH": 100 }, start: { ...start, feeTierPools: tiers } }));
    expect(rowOf(report, "poolFee.WETH")).toEqual({
      name: "poolFee.WETH",
      status: "not resolved",
      reason: expect.stringContaining("no WETH/USDC pool at 0.01%: the vault's swaps would revert"),
    });
    expect(report.results.coverage!.proposedPools).toEqual([{ symbol: "WETH", feePpm: 100, pool: null }]);
  });
});
