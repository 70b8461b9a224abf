/**
 * The devnet's address book, built from a deployment record's `devnet` part: the same shape as a real network's, so
 * that what consumes a book runs on the devnet too. What the record lacks is computed: the pool init code hash from
 * @uniswap/v3-core's UniswapV3Pool (which the devnet's factory deploys), the pools' addresses from it, the markets'
 * ids from their parameters, and the feeds' heartbeats from the devnet's (devnet/constants.ts). The devnet deploys
 * no QuoterV2 and no sequencer feed, which validateAddressBook does not ask of a devnet book.
 */
import { devnetHeartbeats } from "../devnet/constants.ts";
import type { DeploymentRecord, DevnetRecord } from "../sdk/deployment.ts";
import { morphoMarketId, uniswapV3PoolAddress, uniswapV3PoolArtifact, uniswapV3PoolInitCodeHash } from "./compute.ts";
import type { AddressBook, AssetEntry, MorphoMarketEntry, PoolEntry } from "./types.ts";

/**
 * The devnet's feeds' pairs, as they describe themselves (ignition/modules/Devnet.ts). A record's `feed` is the
 * feed's proxy (DevnetFeedProxy), as a real book's is Chainlink's proxy: the address that stays through upgrades.
 */
const pairs = { USDC: "USDC / USD", WETH: "ETH / USD", WBTC: "BTC / USD" } as const;

/** The address book of a devnet deployment: `record` is deployments/<network>.json with its `devnet` part. */
export function devnetAddressBook(
  record: Pick<DeploymentRecord, "network" | "chainId"> & { devnet: DevnetRecord },
): AddressBook {
  const { devnet, network } = record;
  const from = (field: string) => `deployments/${network}.json devnet.${field}`;
  const asset = (symbol: "USDC" | "WETH" | "WBTC"): AssetEntry => ({
    symbol,
    address: devnet.tokens[symbol].address,
    decimals: devnet.tokens[symbol].decimals,
    source: from(`tokens.${symbol}.address`),
    feed: {
      address: devnet.tokens[symbol].feed,
      pair: pairs[symbol],
      decimals: 8,
      heartbeatSec: Number(devnetHeartbeats[symbol]),
      source: `${from(`tokens.${symbol}.feed`)}; heartbeat: devnet/constants.ts devnetHeartbeats.${symbol}`,
    },
  });
  const initCodeHash = uniswapV3PoolInitCodeHash();
  const pool = (symbol: "WETH" | "WBTC"): PoolEntry => ({
    tokens: [symbol, "USDC"],
    fee: devnet.uniswap.poolFee,
    address: uniswapV3PoolAddress({
      factory: devnet.uniswap.factory,
      initCodeHash,
      tokenA: devnet.tokens[symbol].address,
      tokenB: devnet.tokens.USDC.address,
      fee: devnet.uniswap.poolFee,
    }),
    source: `computed from ${from("uniswap.factory")}, the tokens, ${from("uniswap.poolFee")} and the init code hash`,
  });
  const market = (symbol: "WETH" | "WBTC"): MorphoMarketEntry => {
    const params = {
      loanToken: devnet.tokens.USDC.address,
      collateralToken: devnet.tokens[symbol].address,
      oracle: devnet.morpho.oracles[`${symbol}_USDC`],
      irm: devnet.morpho.irm,
    };
    return {
      collateral: symbol,
      id: morphoMarketId({ ...params, lltv: BigInt(devnet.morpho.lltv) }),
      ...params,
      lltv: devnet.morpho.lltv,
      source: `${from(`morpho.oracles.${symbol}_USDC`)}, ${from("morpho.irm")}, ${from("morpho.lltv")}; id computed`,
    };
  };
  return {
    chainId: record.chainId,
    name: network,
    kind: "devnet",
    baseAsset: asset("USDC"),
    riskAssets: [asset("WETH"), asset("WBTC")],
    uniswap: {
      factory: { address: devnet.uniswap.factory, source: from("uniswap.factory") },
      // The devnet deploys v3-periphery's SwapRouter (ignition/modules/Devnet.ts), the interface the vault calls.
      swapRouter: { address: devnet.uniswap.swapRouter, interface: "SwapRouter", source: from("uniswap.swapRouter") },
      positionManager: { address: devnet.uniswap.positionManager, source: from("uniswap.positionManager") },
      poolInitCodeHash: { hash: initCodeHash, source: `keccak256 of ${uniswapV3PoolArtifact}'s bytecode` },
      pools: [pool("WETH"), pool("WBTC")],
    },
    morpho: {
      morpho: { address: devnet.morpho.morpho, source: from("morpho.morpho") },
      irm: { address: devnet.morpho.irm, kind: "irmMock", source: from("morpho.irm") },
      markets: [market("WETH"), market("WBTC")],
    },
  };
}
