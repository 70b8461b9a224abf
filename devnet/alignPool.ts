import type { ChainType, NetworkConnection } from "hardhat/types/network";
import { maxUint256, type Address } from "viem";
import type { DevnetRecord } from "./protocols.ts";
import { swapRouterAbi, uniswapV3FactoryAbi, uniswapV3PoolAbi } from "../sdk/abis/uniswap.ts";
import { sqrtPriceX96FromUsd } from "../sdk/uniswap/sqrtPriceX96.ts";

/**
 * Moves a devnet pool's price to its feeds' price, as an arbitrageur would: swaps with a price limit at the
 * oracle's sqrtPriceX96, so that the pool stops exactly there. The devnet operator (account 0) mints what it
 * spends from the faucets. Returns the pool address.
 */
export async function alignPool<ChainTypeT extends ChainType | string>(
  connection: NetworkConnection<ChainTypeT>,
  devnet: DevnetRecord,
  symbol: "WETH" | "WBTC",
): Promise<Address> {
  const { viem } = connection;
  const publicClient = await viem.getPublicClient();
  const [operator] = await viem.getWalletClients();
  if (!operator) throw new Error("no operator account");
  const risk = devnet.tokens[symbol];
  const base = devnet.tokens.USDC;
  const pool = (await publicClient.readContract({
    address: devnet.uniswap.factory,
    abi: uniswapV3FactoryAbi,
    functionName: "getPool",
    args: [risk.address, base.address, devnet.uniswap.poolFee],
  })) as Address;
  const [t0, t1] = BigInt(risk.address) < BigInt(base.address) ? [risk, base] : [base, risk];
  const answer = async (feed: Address) =>
    (await (await viem.getContractAt("DevnetFeedProxy", feed)).read.latestRoundData())[1];
  const target = sqrtPriceX96FromUsd({
    price0Usd: await answer(t0.feed),
    decimals0: t0.decimals,
    price1Usd: await answer(t1.feed),
    decimals1: t1.decimals,
  });
  const [current] = await publicClient.readContract({ address: pool, abi: uniswapV3PoolAbi, functionName: "slot0" });
  if (current === target) return pool;
  // Raising the price of token0 means buying token0 with token1, and conversely.
  const [tokenIn, tokenOut] = current < target ? [t1, t0] : [t0, t1];
  const amountIn = 10n ** BigInt(tokenIn.decimals + 12);
  const erc20 = await viem.getContractAt("DevnetToken", tokenIn.address);
  await publicClient.waitForTransactionReceipt({ hash: await erc20.write.mint([operator.account.address, amountIn]) });
  await publicClient.waitForTransactionReceipt({
    hash: await erc20.write.approve([devnet.uniswap.swapRouter, maxUint256]),
  });
  const hash = await operator.writeContract({
    address: devnet.uniswap.swapRouter,
    abi: swapRouterAbi,
    functionName: "exactInputSingle",
    args: [
      {
        tokenIn: tokenIn.address,
        tokenOut: tokenOut.address,
        fee: devnet.uniswap.poolFee,
        recipient: operator.account.address,
        deadline: maxUint256,
        amountIn,
        amountOutMinimum: 0n,
        sqrtPriceLimitX96: target,
      },
    ],
  });
  await publicClient.waitForTransactionReceipt({ hash });
  return pool;
}
