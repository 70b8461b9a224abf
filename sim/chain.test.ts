import type { Address, PublicClient } from "viem";
import { describe, expect, it } from "vitest";
import { mainnet } from "../networks/mainnet.ts";
import { parameterKey } from "../parameters/parameterKey.ts";
import { secondsPerYear } from "./market/types.ts";
import { readStartPoint } from "./chain.ts";

const at = (n: number) => `0x${n.toString(16).padStart(40, "0")}` as Address;
const vault = at(1);
const [usdc, weth, wbtc, registry, factory, pool, feed, collateralManager, morpho] = [2, 3, 4, 5, 6, 7, 8, 9, 10].map(
  at,
);
const marketId = `0x${"ab".repeat(32)}` as const;
/** 4.2% a year at target, in WAD per second as the AdaptiveCurveIrm stores it. */
const rateAtTargetWad = BigInt(Math.round((0.042 / secondsPerYear) * 1e18));

/**
 * A chain that answers what `readStartPoint` asks of a vault with a collateral manager on a Morpho market whose IRM
 * is `irm`: every read by function name (and the calls it received, to check what was asked).
 */
function fakeChain(irm: Address) {
  const calls: { address: Address; functionName: string; args?: readonly unknown[] }[] = [];
  const answers: Record<string, (args: readonly unknown[]) => unknown> = {
    asset: () => usdc,
    riskAssets: () => [weth, wbtc],
    registry: () => registry,
    uniswapFactory: () => factory,
    decimals: () => 6,
    valueOf: () => 0n,
    getAddress: ([key]) => (key === collateralKey ? collateralManager : key === hedgeKey ? at(0) : feed),
    latestRoundData: () => [1n, 100_000_000n, 0n, 0n, 1n],
    getPool: () => pool,
    liquidity: () => 0n,
    token0: () => weth,
    slot0: () => [2n ** 96n, 0, 0, 0, 0, 0, true],
    tickSpacing: () => 60,
    tickBitmap: () => 0n,
    balanceOf: () => 0n,
    totalSupply: () => 1_000_000n,
    highWaterMarkWad: () => 10n ** 18n,
    lastFeeAccrualAt: () => 0,
    lastRebalanceAt: () => 0,
    morpho: () => morpho,
    marketId: () => marketId,
    idToMarketParams: () => [usdc, weth, at(11), irm, 860_000_000_000_000_000n],
    market: () => [5_000_000n, 5_000_000n, 4_600_000n, 4_600_000n, 1_700_000_000n, 0n],
    position: () => [0n, 0n, 0n],
    rateAtTarget: () => rateAtTargetWad,
    borrowRateView: () => 123n,
  };
  const client = {
    getBlock: async () => ({ number: 100n, timestamp: 1_700_000_100n }),
    getChainId: async () => 1,
    readContract: async (request: { address: Address; functionName: string; args?: readonly unknown[] }) => {
      calls.push(request);
      const answer = answers[request.functionName];
      if (!answer) throw new Error(`the fake chain has no ${request.functionName}`);
      return answer(request.args ?? []);
    },
  } as unknown as PublicClient;
  return { client, calls };
}

// The registry's keys of the two module addresses.
const collateralKey = parameterKey("module.collateral");
const hedgeKey = parameterKey("module.hedge");

describe("readStartPoint: a module's market modelled by its IRM", () => {
  it("reads an AdaptiveCurveIrm's rate at target for the market (the address books' IRMs are known)", async () => {
    const { client, calls } = fakeChain(mainnet.morpho.irm.address);
    const start = await readStartPoint(client, vault, { symbols: ["USDC", "WETH", "WBTC"] });
    const rate = start.setup.collateral!.market.rate;
    expect(rate.kind).toBe("adaptiveCurve");
    expect(rate.kind === "adaptiveCurve" && rate.rateAtTargetPerYear).toBeCloseTo(0.042, 9);
    expect(calls.find((c) => c.functionName === "rateAtTarget")).toMatchObject({
      address: mainnet.morpho.irm.address,
      args: [marketId],
    });
    expect(calls.some((c) => c.functionName === "borrowRateView")).toBe(false);
  });

  it("takes another IRM as adaptive only when told (a fork's), else at today's rate", async () => {
    const fork = at(0xf0);
    const told = await readStartPoint(fakeChain(fork).client, vault, {
      symbols: ["USDC", "WETH", "WBTC"],
      adaptiveCurveIrms: [fork],
    });
    expect(told.setup.collateral!.market.rate.kind).toBe("adaptiveCurve");
    const unknown = await readStartPoint(fakeChain(fork).client, vault, { symbols: ["USDC", "WETH", "WBTC"] });
    // 123 wei a second is not IrmMock's utilization (92% a year): held fixed at today's rate.
    expect(unknown.setup.collateral!.market.rate).toEqual({
      kind: "fixed",
      ratePerYear: (123 / 1e18) * secondsPerYear,
    });
  });
});
