/**
 * Base's address book (chain 8453, an OP-stack L2). Every address was read from the source it names and is
 * checksummed; the pools' addresses and the markets' ids are recomputed by validateAddressBook.
 *
 * Base has no v3-periphery SwapRouter, only SwapRouter02, whose exactInputSingle takes no deadline: the vault calls
 * ISwapRouter (with deadline), so validateAddressBook warns on this book until the contracts can call SwapRouter02.
 */
import { canonicalPoolInitCodeHash, derivedPoolSource } from "./sources.ts";
import type { AddressBook } from "./types.ts";

const uniswapDeploys =
  "https://docs.uniswap.org/contracts/v3/reference/deployments/base-deployments (also Uniswap/v3-periphery deploys.md, Base column; https://docs.base.org/chain/contracts)";
/** Chainlink feed proxies with their heartbeats, taken from Chainlink's feed directory. */
const chainlinkFeeds =
  "https://docs.chain.link/data-feeds/price-feeds/addresses?network=base (mirrored in LZeroAnalytics/chainlink-package src/package_io/constants_backup.star, BASE_PRICE_FEEDS)";
const morphoMarkets = "karpatkey/defi-kit sdk/src/protocols/morpho/markets/_baseInfo.ts";

export const base: AddressBook = {
  chainId: 8453,
  name: "base",
  kind: "l2",
  baseAsset: {
    symbol: "USDC",
    address: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
    decimals: 6,
    source: `${morphoMarkets} (USDC / wUSDM loanToken)`,
    feed: {
      address: "0x7e860098F58bBFC8648a4311b374B1D669a2bc6B",
      pair: "USDC / USD",
      decimals: 8,
      heartbeatSec: 86_400,
      source: `${chainlinkFeeds} usdc-usd`,
    },
  },
  riskAssets: [
    {
      symbol: "WETH",
      address: "0x4200000000000000000000000000000000000006",
      decimals: 18,
      source: `${morphoMarkets} (wUSDM / WETH collateralToken); the OP-stack predeploy`,
      feed: {
        address: "0x71041dddad3595F9CEd3DcCFBe3D1F4b0a16Bb70",
        pair: "ETH / USD",
        decimals: 8,
        heartbeatSec: 1_200,
        source: `${chainlinkFeeds} eth-usd`,
      },
    },
    {
      // Base's BTC is Coinbase's cbBTC (same address as on mainnet).
      symbol: "cbBTC",
      address: "0xcbB7C0000aB88B473b1f5aFd9ef808440eed33Bf",
      decimals: 8,
      source: `${morphoMarkets} (USDC / cbBTC collateralToken)`,
      feed: {
        address: "0x07DA0E54543a844a80ABE69c8A12F22B3aA59f9D",
        pair: "cbBTC / USD",
        decimals: 8,
        heartbeatSec: 1_200,
        source: `${chainlinkFeeds} cbbtc-usd`,
      },
    },
  ],
  sequencerUptimeFeed: {
    address: "0xBCF85224fc0756B9Fa45aA7892530B47e10b6433",
    // Chainlink's example consumer waits GRACE_PERIOD_TIME = 3600 s after the sequencer comes back up.
    gracePeriodSec: 3_600,
    source: "https://docs.chain.link/data-feeds/l2-sequencer-feeds (BASE mainnet)",
  },
  uniswap: {
    factory: { address: "0x33128a8fC17869897dcE68Ed026d694621f6FDfD", source: `${uniswapDeploys} UniswapV3Factory` },
    swapRouter: {
      address: "0x2626664c2603336E57B271c5C0b26F421741e481",
      interface: "SwapRouter02",
      source: `${uniswapDeploys} SwapRouter02`,
    },
    quoterV2: { address: "0x3d4e44Eb1374240CE5F1B871ab261CD16335B76a", source: `${uniswapDeploys} QuoterV2` },
    positionManager: {
      address: "0x03a520b32C04BF3bEEf7BEb72E919cf822Ed34f1",
      source: `${uniswapDeploys} NonfungiblePositionManager`,
    },
    poolInitCodeHash: canonicalPoolInitCodeHash,
    pools: [
      {
        tokens: ["WETH", "USDC"],
        fee: 500,
        address: "0xd0b53D9277642d899DF5C87A3966A349A798F224",
        source: derivedPoolSource,
      },
      {
        tokens: ["cbBTC", "USDC"],
        fee: 500,
        address: "0xfBB6Eed8e7aa03B138556eeDaF5D271A5E1e43ef",
        source: derivedPoolSource,
      },
    ],
  },
  morpho: {
    morpho: {
      address: "0xBBBBBbbBBb9cC5e90e3b3Af64bdAF62C37EEFFCb",
      source:
        "Henri-Guillet/Looping frontend/constants/index.js (morpho address on Base); the same address as on Ethereum",
    },
    irm: {
      address: "0x46415998764C29aB2a25CbeA6254146D50D22687",
      kind: "adaptiveCurve",
      source: `${morphoMarkets} (irm of every market)`,
    },
    markets: [
      {
        collateral: "WETH",
        id: "0x8793cf302b8ffd655ab97bd1c695dbd967807e8367a65cb2f4edaf1380ba1bda",
        loanToken: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
        collateralToken: "0x4200000000000000000000000000000000000006",
        oracle: "0xFEa2D58cEfCb9fcb597723c6bAE66fFE4193aFE4",
        irm: "0x46415998764C29aB2a25CbeA6254146D50D22687",
        lltv: "860000000000000000",
        source: `${morphoMarkets} (USDC / WETH, 86%); also Henri-Guillet/Looping frontend/constants/index.js (marketParamsWethUsdc)`,
      },
      {
        collateral: "cbBTC",
        id: "0x9103c3b4e834476c9a62ea009ba2c884ee42e94e6e314a26f04d312434191836",
        loanToken: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
        collateralToken: "0xcbB7C0000aB88B473b1f5aFd9ef808440eed33Bf",
        oracle: "0x663BECd10daE6C4A3Dcd89F1d76c1174199639B9",
        irm: "0x46415998764C29aB2a25CbeA6254146D50D22687",
        lltv: "860000000000000000",
        source: `${morphoMarkets} (USDC / cbBTC, 86%)`,
      },
    ],
  },
};
