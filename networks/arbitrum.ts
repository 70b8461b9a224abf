/**
 * Arbitrum One's address book (chain 42161, a Nitro rollup L2). Every address was read from the source it names and
 * is checksummed; the pools' addresses and the markets' ids are recomputed by validateAddressBook.
 *
 * Arbitrum One has v3-periphery's original SwapRouter (exactInputSingle with a deadline, the interface the vault
 * calls) besides SwapRouter02, so, unlike Base, the whole platform deploys here as the contracts stand. The market list
 * cited below has no market lending WETH or WBTC against USDC: a deployment here has no hedge market to name.
 */
import { canonicalPoolInitCodeHash, derivedPoolSource } from "./sources.ts";
import type { AddressBook } from "./types.ts";

const uniswapDeploys =
  "https://docs.uniswap.org/contracts/v3/reference/deployments/arbitrum-deployments (Uniswap/docs content/protocols/v3/deployments/v3-arbitrum-deployments.mdx, Arbitrum column)";
/**
 * Chainlink feed proxies with their heartbeats and deviation thresholds, from Chainlink's reference data for Arbitrum
 * One (the JSON docs.chain.link renders), as fetched in 2026. Mirrors from April 2025 (LZeroAnalytics/chainlink-package
 * src/package_io/constants_backup.star, ARBITRUM_PRICE_FEEDS) list the same proxies with a 86400 s heartbeat: Chainlink
 * has since shortened it, and the registry's `heartbeat.<SYMBOL>` can follow a further change by proposal.
 */
const chainlinkFeeds =
  "https://docs.chain.link/data-feeds/price-feeds/addresses?network=arbitrum (https://reference-data-directory.vercel.app/feeds-ethereum-mainnet-arbitrum-1.json)";
const morphoAddresses = "morpho-org/sdks packages/blue-sdk/src/addresses.ts (ChainId.ArbitrumMainnet)";
const morphoMarkets = "karpatkey/defi-kit sdk/src/protocols/morpho/markets/_arb1Info.ts";

export const arbitrum: AddressBook = {
  chainId: 42161,
  name: "arbitrum",
  kind: "l2",
  baseAsset: {
    // Circle's native USDC, not the bridged USDC.e (0xFF970A61A04b1cA14834A43f5dE4533eBDDB5CC8).
    symbol: "USDC",
    address: "0xaf88d065e77c8cC2239327C5EDb3A432268e5831",
    decimals: 6,
    source: `${morphoAddresses} usdc; ${morphoMarkets} (USDC / WETH loanToken)`,
    feed: {
      address: "0x50834F3163758fcC1Df9973b6e91f0F0F0434aD3",
      pair: "USDC / USD",
      decimals: 8,
      heartbeatSec: 255,
      deviationBps: 10,
      source: `${chainlinkFeeds} usdc-usd`,
    },
  },
  riskAssets: [
    {
      symbol: "WETH",
      address: "0x82aF49447D8a07e3bd95BD0d56f35241523fBab1",
      decimals: 18,
      source: `${uniswapDeploys} (Wrapped Native Token Addresses); ${morphoAddresses} wNative`,
      feed: {
        address: "0x639Fe6ab55C921f74e7fac1ee960C0B6293ba612",
        pair: "ETH / USD",
        decimals: 8,
        heartbeatSec: 1_755,
        deviationBps: 5,
        source: `${chainlinkFeeds} eth-usd`,
      },
    },
    {
      symbol: "WBTC",
      address: "0x2f2a2543B76A4166549F7aaB2e75Bef0aefC5B0f",
      decimals: 8,
      source: `${morphoMarkets} (USDC / WBTC collateralToken)`,
      // WBTC is priced as BTC, as on mainnet (Chainlink also has a WBTC / USD feed on Arbitrum,
      // 0xd0C7101eACbB49F3deCcCc166d238410D6D46d57 in the LZeroAnalytics mirror).
      feed: {
        address: "0x6ce185860a4963106506C203335A2910413708e9",
        pair: "BTC / USD",
        decimals: 8,
        heartbeatSec: 1_755,
        deviationBps: 5,
        source: `${chainlinkFeeds} btc-usd`,
      },
    },
  ],
  sequencerUptimeFeed: {
    address: "0xFdB631F5EE196F0ed6FAa767959853A9F217697D",
    // Chainlink's example consumer waits GRACE_PERIOD_TIME = 3600 s after the sequencer comes back up.
    gracePeriodSec: 3_600,
    source:
      "https://docs.chain.link/data-feeds/l2-sequencer-feeds (Arbitrum mainnet; smartcontractkit/documentation src/content/data-feeds/l2-sequencer-feeds.mdx)",
  },
  uniswap: {
    factory: { address: "0x1F98431c8aD98523631AE4a59f267346ea31F984", source: `${uniswapDeploys} UniswapV3Factory` },
    // Arbitrum One has both routers (SwapRouter02 is 0x68b3465833fb72A70ecDF485E0e4C7bD8665Fc45, same source);
    // the vault calls v3-periphery's SwapRouter, deployed here from @uniswap/v3-periphery@1.0.0.
    swapRouter: {
      address: "0xE592427A0AEce92De3Edee1F18E0157C05861564",
      interface: "SwapRouter",
      source: `${uniswapDeploys} SwapRouter`,
    },
    quoterV2: { address: "0x61fFE014bA17989E743c5F6cB21bF9697530B21e", source: `${uniswapDeploys} QuoterV2` },
    positionManager: {
      address: "0xC36442b4a4522E871399CD717aBDD847Ab11FE88",
      source: `${uniswapDeploys} NonfungiblePositionManager`,
    },
    poolInitCodeHash: canonicalPoolInitCodeHash,
    pools: [
      {
        tokens: ["WETH", "USDC"],
        fee: 500,
        address: "0xC6962004f452bE9203591991D15f6b388e09E8D0",
        source: derivedPoolSource,
      },
      {
        tokens: ["WBTC", "USDC"],
        fee: 500,
        address: "0x0E4831319A50228B9e450861297aB92dee15B44F",
        source: derivedPoolSource,
      },
    ],
  },
  morpho: {
    // Not Ethereum's and Base's 0xBBBB…FFCb: Morpho Blue has another address on Arbitrum One.
    morpho: { address: "0x6c247b1F6182318877311737BaC0844bAa518F5e", source: `${morphoAddresses} morpho` },
    irm: {
      address: "0x66F30587FB8D4206918deb78ecA7d5eBbafD06DA",
      kind: "adaptiveCurve",
      source: `${morphoAddresses} adaptiveCurveIrm; ${morphoMarkets} (irm of every market)`,
    },
    markets: [
      {
        collateral: "WETH",
        id: "0xca83d02be579485cc10945c9597a6141e772f1cf0e0aa28d09a327b6cbd8642c",
        loanToken: "0xaf88d065e77c8cC2239327C5EDb3A432268e5831",
        collateralToken: "0x82aF49447D8a07e3bd95BD0d56f35241523fBab1",
        oracle: "0x282FEB10549fde52bD61A6979424Ddf18A4971A2",
        irm: "0x66F30587FB8D4206918deb78ecA7d5eBbafD06DA",
        lltv: "860000000000000000",
        // The list has a second USDC / WETH 86% market (0x021b4d7a…) whose oracle is the ETH / USD feed itself, not a
        // Morpho oracle: not that one.
        source: `${morphoMarkets} (USDC / WETH, 86%)`,
      },
      {
        collateral: "WBTC",
        id: "0xe6392ff19d10454b099d692b58c361ef93e31af34ed1ef78232e07c78fe99169",
        loanToken: "0xaf88d065e77c8cC2239327C5EDb3A432268e5831",
        collateralToken: "0x2f2a2543B76A4166549F7aaB2e75Bef0aefC5B0f",
        oracle: "0x88193FcB705d29724A40Bb818eCAA47dD5F014d9",
        irm: "0x66F30587FB8D4206918deb78ecA7d5eBbafD06DA",
        lltv: "860000000000000000",
        // The list has a second USDC / WBTC 86% market (0x8097d1f6…, its oracle shared with USD₮0 / WBTC); this one
        // is the market other public configurations name for USDC against WBTC.
        source: `${morphoMarkets} (USDC / WBTC, 86%)`,
      },
    ],
  },
};
