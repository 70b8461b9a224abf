import type { DevnetRecord } from "../sdk/deployment.ts";
import type { ChainType, NetworkConnection } from "hardhat/types/network";
import { getAddress, type Address } from "viem";
import { seedMarkets } from "./seedMarkets.ts";
import DevnetModule from "../ignition/modules/Devnet.ts";
import { devnetLltv } from "./constants.ts";

export type { DevnetRecord } from "../sdk/deployment.ts";

/**
 * Deploys the devnet world (tokens, feeds, Uniswap V3, Morpho Blue and its markets) with Ignition, then creates
 * the pools at the feeds' prices and supplies liquidity. Only for local chains.
 */
export async function deployDevnet<ChainTypeT extends ChainType | string>(
  connection: NetworkConnection<ChainTypeT>,
  options: { deploymentId?: string } = {},
) {
  const d = await connection.ignition.deploy(DevnetModule, { displayUi: false, deploymentId: options.deploymentId });
  const token = (contract: { address: Address }, decimals: number, feed: { address: Address }) => ({
    address: getAddress(contract.address),
    decimals,
    feed: getAddress(feed.address),
  });
  const record: DevnetRecord = {
    tokens: {
      USDC: token(d.usdc, 6, d.usdcFeed),
      WETH: token(d.weth, 18, d.wethFeed),
      WBTC: token(d.wbtc, 8, d.wbtcFeed),
    },
    uniswap: {
      factory: getAddress(d.factory.address),
      swapRouter: getAddress(d.swapRouter.address),
      positionManager: getAddress(d.positionManager.address),
      poolFee: 3_000,
    },
    morpho: {
      morpho: getAddress(d.morpho.address),
      irm: getAddress(d.irm.address),
      lltv: devnetLltv.toString(),
      oracles: {
        WETH_USDC: getAddress(d.oracleWethUsdc.address),
        WBTC_USDC: getAddress(d.oracleWbtcUsdc.address),
        USDC_WETH: getAddress(d.oracleUsdcWeth.address),
        USDC_WBTC: getAddress(d.oracleUsdcWbtc.address),
      },
    },
  };
  await seedMarkets(connection, {
    tokens: {
      USDC: { ...record.tokens.USDC, symbol: "USDC" },
      WETH: { ...record.tokens.WETH, symbol: "WETH" },
      WBTC: { ...record.tokens.WBTC, symbol: "WBTC" },
    },
    positionManager: record.uniswap.positionManager,
    morpho: record.morpho.morpho,
    irm: record.morpho.irm,
    oracles: record.morpho.oracles,
  });
  return { contracts: d, record };
}
