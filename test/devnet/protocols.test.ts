import hre from "hardhat";
import { beforeAll, describe, expect, it } from "vitest";
import { maxUint256, parseUnits, type Address } from "viem";
import { deployDevnet, type DevnetRecord } from "../../devnet/protocols.ts";
import { swapRouterAbi, uniswapV3FactoryAbi, uniswapV3PoolAbi } from "../../sdk/abis/uniswap.ts";
import { priceFromSqrtPriceX96 } from "../../sdk/uniswap/sqrtPriceX96.ts";
import { devnetPoolFee } from "../../devnet/constants.ts";
import { morphoMarketId } from "../../networks/compute.ts";
import { readFile } from "node:fs/promises";
import { renderUniswapAbis, uniswapAbisFile } from "../../scripts/codegen/uniswapAbis.ts";
import type { Connection } from "../helpers/governance.ts";

describe("devnet protocols: real Uniswap V3 and Morpho Blue on a local chain", () => {
  let connection: Connection;
  let devnet: DevnetRecord;

  beforeAll(async () => {
    connection = await hre.network.create();
    ({ record: devnet } = await deployDevnet(connection));
  });

  it("the typed Uniswap ABIs are generated from the installed packages", async () => {
    expect(await readFile(uniswapAbisFile, "utf8")).toBe(renderUniswapAbis());
  });

  it("prices each pool at its feeds' price", async () => {
    const publicClient = await connection.viem.getPublicClient();
    for (const [symbol, usd] of [
      ["WETH", 3_000],
      ["WBTC", 60_000],
    ] as const) {
      const risk = devnet.tokens[symbol];
      const pool = (await publicClient.readContract({
        address: devnet.uniswap.factory,
        abi: uniswapV3FactoryAbi,
        functionName: "getPool",
        args: [risk.address, devnet.tokens.USDC.address, devnetPoolFee],
      })) as Address;
      const [sqrtPriceX96] = await publicClient.readContract({
        address: pool,
        abi: uniswapV3PoolAbi,
        functionName: "slot0",
      });
      const raw = priceFromSqrtPriceX96(sqrtPriceX96);
      const riskIsToken0 = BigInt(risk.address) < BigInt(devnet.tokens.USDC.address);
      const usdcPerRisk = (riskIsToken0 ? raw : 1 / raw) * 10 ** (risk.decimals - 6);
      expect(usdcPerRisk / usd).toBeCloseTo(1, 6);
    }
  });

  it("swaps through the SwapRouter at the pool price less the 0.3% fee and price impact", async () => {
    const [, trader] = await connection.viem.getWalletClients();
    const publicClient = await connection.viem.getPublicClient();
    const weth = await connection.viem.getContractAt("DevnetToken", devnet.tokens.WETH.address);
    const usdc = await connection.viem.getContractAt("DevnetToken", devnet.tokens.USDC.address);
    const amountIn = parseUnits("1", 18);
    await weth.write.mint([trader!.account.address, amountIn]);
    await weth.write.approve([devnet.uniswap.swapRouter, maxUint256], { account: trader!.account });
    const hash = await trader!.writeContract({
      address: devnet.uniswap.swapRouter,
      abi: swapRouterAbi,
      functionName: "exactInputSingle",
      args: [
        {
          tokenIn: devnet.tokens.WETH.address,
          tokenOut: devnet.tokens.USDC.address,
          fee: devnetPoolFee,
          recipient: trader!.account.address,
          deadline: maxUint256,
          amountIn,
          amountOutMinimum: 0n,
          sqrtPriceLimitX96: 0n,
        },
      ],
    });
    await publicClient.waitForTransactionReceipt({ hash });
    const out = Number(await usdc.read.balanceOf([trader!.account.address])) / 1e6;
    expect(out).toBeLessThan(3_000 * 0.997);
    expect(out).toBeGreaterThan(3_000 * 0.997 * 0.9998);
  });

  it("lends on Morpho Blue: a borrower borrows against collateral up to the LLTV at the feed price, not beyond", async () => {
    const [, , borrower] = await connection.viem.getWalletClients();
    const morpho = await connection.viem.getContractAt("Morpho", devnet.morpho.morpho);
    const weth = await connection.viem.getContractAt("DevnetToken", devnet.tokens.WETH.address);
    const params = {
      loanToken: devnet.tokens.USDC.address,
      collateralToken: devnet.tokens.WETH.address,
      oracle: devnet.morpho.oracles.WETH_USDC,
      irm: devnet.morpho.irm,
      lltv: BigInt(devnet.morpho.lltv),
    };
    const market = await morpho.read.market([morphoMarketId(params)]);
    expect(market[0]).toBe(parseUnits("5000000", 6)); // totalSupplyAssets

    const me = borrower!.account.address;
    await weth.write.mint([me, parseUnits("10", 18)]);
    await weth.write.approve([morpho.address, maxUint256], { account: borrower!.account });
    await morpho.write.supplyCollateral([params, parseUnits("10", 18), me, "0x"], { account: borrower!.account });
    // 10 WETH × $3,000 × 86% = $25,800 of borrowing power.
    await expect(
      morpho.write.borrow([params, parseUnits("25801", 6), 0n, me, me], { account: borrower!.account }),
    ).rejects.toThrow(/insufficient collateral/);
    await morpho.write.borrow([params, parseUnits("25799", 6), 0n, me, me], { account: borrower!.account });
    const usdc = await connection.viem.getContractAt("DevnetToken", devnet.tokens.USDC.address);
    expect(await usdc.read.balanceOf([me])).toBe(parseUnits("25799", 6));
  });
});
