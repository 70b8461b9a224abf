/**
 * Ethereum mainnet's address book. Every address was read from the source it names and is checksummed; the pools'
 * addresses and the markets' ids are recomputed by validateAddressBook (and by networks/books.test.ts).
 */
import { canonicalPoolInitCodeHash, derivedPoolSource } from "./sources.ts";
import type { AddressBook } from "./types.ts";

const uniswapDeploys = "https://github.com/Uniswap/v3-periphery/blob/main/deploys.md (Ethereum column)";
/** Chainlink feed proxies with their heartbeats, taken from Chainlink's feed directory. */
const chainlinkFeeds =
  "https://docs.chain.link/data-feeds/price-feeds/addresses?network=ethereum (mirrored in LZeroAnalytics/chainlink-package src/package_io/constants_backup.star, ETHEREUM_PRICE_FEEDS)";
const morphoMarkets = "karpatkey/defi-kit sdk/src/protocols/morpho/markets/_ethInfo.ts";

export const mainnet: AddressBook = {
  chainId: 1,
  name: "mainnet",
  kind: "l1",
  baseAsset: {
    symbol: "USDC",
    address: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
    decimals: 6,
    source: `${morphoMarkets} (USDC / WBTC loanToken)`,
    feed: {
      address: "0x8fFfFfd4AfB6115b954Bd326cbe7B4BA576818f6",
      pair: "USDC / USD",
      decimals: 8,
      heartbeatSec: 86_400,
      source: `${chainlinkFeeds} usdc-usd`,
    },
  },
  riskAssets: [
    {
      symbol: "WETH",
      address: "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2",
      decimals: 18,
      source: `${morphoMarkets} (WETH / wstETH loanToken)`,
      feed: {
        address: "0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419",
        pair: "ETH / USD",
        decimals: 8,
        heartbeatSec: 3_600,
        source: `${chainlinkFeeds} eth-usd`,
      },
    },
    {
      symbol: "WBTC",
      address: "0x2260FAC5E5542a773Aa44fBCfeDf7C193bc2C599",
      decimals: 8,
      source: `${morphoMarkets} (USDC / WBTC collateralToken)`,
      // Chainlink publishes no WBTC / USD feed on mainnet: WBTC is priced as BTC (WBTC / BTC,
      // 0xfdFD9C85aD200c506Cf9e21F1FD8dd01932FBB23, 24 h heartbeat, watches the peg; Morpho's WBTC/USDC oracle uses both).
      feed: {
        address: "0xF4030086522a5bEEa4988F8cA5B36dbC97BeE88c",
        pair: "BTC / USD",
        decimals: 8,
        heartbeatSec: 3_600,
        source: `${chainlinkFeeds} btc-usd`,
      },
    },
  ],
  uniswap: {
    factory: { address: "0x1F98431c8aD98523631AE4a59f267346ea31F984", source: `${uniswapDeploys} UniswapV3Factory` },
    // Mainnet has both routers (SwapRouter02 is 0x68b3465833fb72A70ecDF485E0e4C7bD8665Fc45); the vault calls SwapRouter.
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
        address: "0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640",
        source: derivedPoolSource,
      },
      {
        tokens: ["WBTC", "USDC"],
        fee: 3_000,
        address: "0x99ac8cA7087fA4A2A1FB6357269965A2014ABc35",
        source: derivedPoolSource,
      },
    ],
  },
  morpho: {
    morpho: {
      address: "0xBBBBBbbBBb9cC5e90e3b3Af64bdAF62C37EEFFCb",
      source: "https://docs.morpho.org/developers/contracts/addresses/ (Ethereum, Morpho)",
    },
    irm: {
      address: "0x870aC11D48B15DB9a138Cf899d20F13F79Ba00BC",
      kind: "adaptiveCurve",
      source: "https://docs.morpho.org/developers/contracts/addresses/ (Ethereum, Adaptive Curve Irm)",
    },
    markets: [
      {
        collateral: "WETH",
        id: "0x7dde86a1e94561d9690ec678db673c1a6396365f7d1d65e129c5fff0990ff758",
        loanToken: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
        collateralToken: "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2",
        oracle: "0xdC6fd5831277c693b1054e19E94047cB37c77615",
        irm: "0x870aC11D48B15DB9a138Cf899d20F13F79Ba00BC",
        lltv: "860000000000000000",
        source:
          "karpatkey/defi-kit sdk/src/protocols/morpho/markets/_ethInfo.ts (USDC / WETH, 86%); oracle also in defisaver/defisaver-positions-sdk src/markets/morphoBlue/index.ts (its 91.5% market)",
      },
      {
        collateral: "WBTC",
        id: "0x3a85e619751152991742810df6ec69ce473daef99e28a64ab2340d7b7ccfee49",
        loanToken: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
        collateralToken: "0x2260FAC5E5542a773Aa44fBCfeDf7C193bc2C599",
        oracle: "0xDddd770BADd886dF3864029e4B377B5F6a2B6b83",
        irm: "0x870aC11D48B15DB9a138Cf899d20F13F79Ba00BC",
        lltv: "860000000000000000",
        source: `${morphoMarkets} (USDC / WBTC, 86%)`,
      },
    ],
  },
};
