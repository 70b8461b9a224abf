import type { PublicClient } from "viem";
import { describe, expect, it } from "vitest";
import { readAllocation, weightsOfGrossBps } from "./allocation.ts";

const usdc = "0x00000000000000000000000000000000000000a1";
const weth = "0x00000000000000000000000000000000000000a2";
const vault = "0x00000000000000000000000000000000000000b1";
const manager = "0x00000000000000000000000000000000000000b2";

/** A chain whose vault holds 300 USDC and 1 WETH (plus 2 WETH posted as collateral against 200 USDC of debt). */
function chain(plan: readonly [boolean, unknown[]]): { client: PublicClient; reads: unknown[] } {
  const reads: unknown[] = [];
  const answers: Record<string, unknown> = {
    holdings: [
      { token: usdc, balance: 300_000_000n, valueInBase: 300_000_000n, weightBps: 3_000n, targetBps: 4_000n },
      // 3 WETH at 300 USDC: 1 in the vault, 2 posted. NAV = 1_200 - 200 = 1_000 USDC.
      { token: weth, balance: 10n ** 18n, valueInBase: 900_000_000n, weightBps: 9_000n, targetBps: 6_000n },
    ],
    rebalancePlan: plan,
    position: [weth, 2n * 10n ** 18n, 200_000_000n],
  };
  const client = {
    getBlockNumber: async () => 42n,
    readContract: async (args: { functionName: string; blockNumber?: bigint }) => {
      reads.push([args.functionName, args.blockNumber]);
      return answers[args.functionName];
    },
  } as unknown as PublicClient;
  return { client, reads };
}

describe("the vault's allocation as the vault sees it", () => {
  it("takes the rebalance decision from rebalancePlan(), read with holdings() and the position at one block", async () => {
    const { client, reads } = chain([false, []]);
    const allocation = await readAllocation(client, { vault, collateralManager: manager });
    expect(allocation.plan).toEqual({ due: false, trades: [] });
    expect(reads).toEqual([
      ["holdings", 42n],
      ["rebalancePlan", 42n],
      ["position", 42n],
    ]);
  });

  it("gives both weights: of NAV (holdings()) and of gross holdings (the rebalancer's)", async () => {
    const { client } = chain([false, []]);
    const { holdings, debtInBase } = await readAllocation(client, { vault, collateralManager: manager });
    expect(holdings.map((h) => h.weightOfNavBps)).toEqual([3_000n, 9_000n]);
    expect(holdings.map((h) => h.weightOfGrossBps)).toEqual([2_500n, 7_500n]);
    expect(debtInBase).toBe(200_000_000n);
  });

  it("splits a holding into what the vault holds and what it has posted as collateral", async () => {
    const { client } = chain([false, []]);
    const { holdings } = await readAllocation(client, { vault, collateralManager: manager });
    expect(holdings.map((h) => [h.heldWei, h.postedWei])).toEqual([
      [300_000_000n, 0n],
      [10n ** 18n, 2n * 10n ** 18n],
    ]);
  });

  it("passes the plan's trades on as the contract planned them", async () => {
    const trade = { tokenIn: weth, tokenOut: usdc, amountIn: 5n, minAmountOut: 4n, oraclePriceWad: 1n };
    const { client } = chain([true, [trade]]);
    const { plan } = await readAllocation(client, { vault });
    expect(plan).toEqual({ due: true, trades: [{ tokenIn: weth, tokenOut: usdc, amountIn: 5n, minAmountOut: 4n }] });
  });

  it("weighs nothing when there is nothing", () => {
    expect(weightsOfGrossBps([0n, 0n])).toEqual([0n, 0n]);
  });
});
