import { describe, expect, it } from "vitest";
import { maxUint256, type Address } from "viem";
import { readStartPoint, uniswapFeeTiersPpm } from "../../sim/chain.ts";
import { simulateNow } from "../../sim/simulate.ts";
import { devnetMarketModel } from "../../devnet/startPoint.ts";
import { nonfungiblePositionManagerAbi, uniswapV3FactoryAbi, uniswapV3PoolAbi } from "../../sdk/abis/uniswap.ts";
import { chainFixture } from "../helpers/fixture.ts";
import { deployInvestedVault } from "../helpers/vault.ts";

/**
 * A proposed `poolFee.<SYMBOL>` trades on the pool at its tier: the start point reads each pair's pools at the other
 * fee tiers from the devnet's Uniswap V3 factory, none until one is created, and the simulation runs the proposed set
 * on the one it finds.
 */
describe("The start point reads each pair's pools at the other fee tiers", () => {
  const network = chainFixture(async (connection) => deployInvestedVault(connection));

  it("finds no pool at the other tiers of the devnet, and the report says the change is not resolved", async () => {
    const v = await network.load();
    const publicClient = await network.connection.viem.getPublicClient();
    const start = await readStartPoint(publicClient, v.vault.address);
    const inForce = v.devnet.record.uniswap.poolFee;
    const others = uniswapFeeTiersPpm.filter((fee) => fee !== inForce);
    expect(start.feeTierPools).toEqual(
      ["WETH", "WBTC"].flatMap((symbol) => others.map((feePpm) => ({ symbol, feePpm, pool: null }))),
    );
    const report = simulateNow({
      start,
      changes: { "poolFee.WETH": 500 },
      market: devnetMarketModel(),
      paths: 20,
      steps: 10,
      seed: 1,
    });
    expect(report.results.coverage!.parameters).toEqual([
      {
        name: "poolFee.WETH",
        status: "not resolved",
        reason: expect.stringContaining("no WETH/USDC pool at 0.05%: the vault's swaps would revert"),
      },
    ]);
  });

  it("reads a pool created at 0.05% beside the 0.3% one, and simulates the proposed set on it", async () => {
    const v = await network.load();
    const { viem } = network.connection;
    const publicClient = await viem.getPublicClient();
    const [operator] = await viem.getWalletClients();
    const { tokens, uniswap } = v.devnet.record;
    const wait = async (hash: Promise<`0x${string}`>) => publicClient.waitForTransactionReceipt({ hash: await hash });
    const inForce = (await publicClient.readContract({
      address: uniswap.factory,
      abi: uniswapV3FactoryAbi,
      functionName: "getPool",
      args: [tokens.WETH.address, tokens.USDC.address, uniswap.poolFee],
    })) as Address;
    const [sqrtPriceX96] = await publicClient.readContract({
      address: inForce,
      abi: uniswapV3PoolAbi,
      functionName: "slot0",
    });
    const [token0, token1] =
      BigInt(tokens.WETH.address) < BigInt(tokens.USDC.address)
        ? [tokens.WETH, tokens.USDC]
        : [tokens.USDC, tokens.WETH];
    await wait(
      operator!.writeContract({
        address: uniswap.positionManager,
        abi: nonfungiblePositionManagerAbi,
        functionName: "createAndInitializePoolIfNecessary",
        args: [token0.address, token1.address, 500, sqrtPriceX96],
      }),
    );
    // A thin full-range position (tick spacing 10 at 0.05%): 100 WETH and its worth of USDC.
    const amounts = token0 === tokens.WETH ? [10n ** 20n, 10n ** 12n] : [10n ** 12n, 10n ** 20n];
    for (const [side, token] of [token0, token1].entries()) {
      const erc20 = await viem.getContractAt("DevnetToken", token.address);
      await wait(erc20.write.mint([operator!.account.address, amounts[side]!]));
      await wait(erc20.write.approve([uniswap.positionManager, maxUint256]));
    }
    const deadline = (await publicClient.getBlock()).timestamp + 3_600n;
    await wait(
      operator!.writeContract({
        address: uniswap.positionManager,
        abi: nonfungiblePositionManagerAbi,
        functionName: "mint",
        args: [
          {
            token0: token0.address,
            token1: token1.address,
            fee: 500,
            tickLower: -887_270,
            tickUpper: 887_270,
            amount0Desired: amounts[0]!,
            amount1Desired: amounts[1]!,
            amount0Min: 0n,
            amount1Min: 0n,
            recipient: operator!.account.address,
            deadline,
          },
        ],
      }),
    );

    const start = await readStartPoint(publicClient, v.vault.address);
    const found = start.feeTierPools!.find((p) => p.symbol === "WETH" && p.feePpm === 500)!.pool!;
    const current = start.setup.pools[0]!;
    expect(found.riskIsToken0).toBe(current.riskIsToken0);
    expect(found.tick).toBe(current.tick);
    expect(found.liquidity).toBeGreaterThan(0);
    // One full-range position, thinner than the 0.3% pool's concentrated liquidity at its price.
    expect(found.liquidity).toBeLessThan(current.liquidity);
    expect(found.ticks).toEqual([]);

    const request = { start, market: devnetMarketModel(), paths: 40, steps: 30, seed: 2 };
    const report = simulateNow({ ...request, changes: { "poolFee.WETH": 500 } });
    expect(report.results.coverage!.parameters).toEqual([
      {
        name: "poolFee.WETH",
        status: "resolved",
        reason: "the proposed set trades on the WETH/USDC 0.05% pool's own liquidity",
      },
    ]);
    expect(report.results.coverage!.proposedPools).toEqual([{ symbol: "WETH", feePpm: 500, pool: found }]);
    // The same change applied to the 0.3% pool's liquidity (the pools at other tiers not given) runs other numbers.
    const onOldPool = simulateNow({
      ...request,
      start: { ...start, feeTierPools: [] },
      changes: { "poolFee.WETH": 500 },
    });
    expect(report.results.current).toEqual(onOldPool.results.current);
    expect(report.results.proposed).not.toEqual(onOldPool.results.proposed);
  });
});
