import { createRequire } from "node:module";
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { zeroAddress } from "viem";
import { devnetInitialPrices, devnetLltv } from "../../devnet/constants.ts";

const require = createRequire(import.meta.url);
const uniswapArtifact = (file: string) => require(file);

/**
 * The world Trimtab's vault lives in, for a local chain: stand-ins for USDC (6 decimals), WETH (18) and WBTC (8)
 * with open faucets, Chainlink-style feeds (a proxy in front of a settable aggregator), and the real Uniswap V3 (factory, SwapRouter, position
 * manager from the npm artifacts) and Morpho Blue (compiled from source) with its markets:
 * WETH/USDC and WBTC/USDC for the collateral manager, USDC/WETH and USDC/WBTC for the hedge.
 * Pools and liquidity are added by devnet/seedMarkets.ts, since pool prices depend on token order.
 */
export default buildModule("Devnet", (m) => {
  const operator = m.getAccount(0);

  const usdc = m.contract("DevnetToken", ["USD Coin (devnet)", "USDC", 6], { id: "USDC" });
  const weth = m.contract("DevnetToken", ["Wrapped Ether (devnet)", "WETH", 18], { id: "WETH" });
  const wbtc = m.contract("DevnetToken", ["Wrapped Bitcoin (devnet)", "WBTC", 8], { id: "WBTC" });

  // Each feed as on Chainlink: a proxy (what the vault, the oracles and every reader use) in front of an aggregator
  // (what the operator posts answers to); the scenario moves proxies to new aggregators, as Chainlink upgrades feeds.
  const feed = (symbol: "USDC" | "WETH" | "WBTC", description: string) => {
    const aggregator = m.contract("SettableAggregator", [operator, 8, description, devnetInitialPrices[symbol]], {
      id: `${symbol}Feed`,
    });
    return m.contract("DevnetFeedProxy", [operator, aggregator], { id: `${symbol}FeedProxy` });
  };
  const usdcFeed = feed("USDC", "USDC / USD");
  const wethFeed = feed("WETH", "ETH / USD");
  const wbtcFeed = feed("WBTC", "BTC / USD");

  const factory = m.contract(
    "UniswapV3Factory",
    uniswapArtifact("@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json"),
    [],
  );
  const swapRouter = m.contract(
    "SwapRouter",
    uniswapArtifact("@uniswap/v3-periphery/artifacts/contracts/SwapRouter.sol/SwapRouter.json"),
    [factory, weth],
  );
  const positionManager = m.contract(
    "NonfungiblePositionManager",
    uniswapArtifact(
      "@uniswap/v3-periphery/artifacts/contracts/NonfungiblePositionManager.sol/NonfungiblePositionManager.json",
    ),
    [factory, weth, zeroAddress],
  );

  const morpho = m.contract("Morpho", [operator]);
  const irm = m.contract("IrmMock");
  const enableIrm = m.call(morpho, "enableIrm", [irm]);
  const enableLltv = m.call(morpho, "enableLltv", [devnetLltv]);

  const markets = (
    [
      ["WETH_USDC", weth, 18, wethFeed, usdc, 6, usdcFeed],
      ["WBTC_USDC", wbtc, 8, wbtcFeed, usdc, 6, usdcFeed],
      ["USDC_WETH", usdc, 6, usdcFeed, weth, 18, wethFeed],
      ["USDC_WBTC", usdc, 6, usdcFeed, wbtc, 8, wbtcFeed],
    ] as const
  ).map(([id, collateral, collateralDecimals, collateralFeed, loan, loanDecimals, loanFeed]) => {
    const oracle = m.contract("ChainlinkMorphoOracle", [collateralFeed, collateralDecimals, loanFeed, loanDecimals], {
      id: `Oracle_${id}`,
    });
    m.call(morpho, "createMarket", [{ loanToken: loan, collateralToken: collateral, oracle, irm, lltv: devnetLltv }], {
      id: `createMarket_${id}`,
      after: [enableIrm, enableLltv],
    });
    return oracle;
  });

  return {
    usdc,
    weth,
    wbtc,
    usdcFeed,
    wethFeed,
    wbtcFeed,
    factory,
    swapRouter,
    positionManager,
    morpho,
    irm,
    oracleWethUsdc: markets[0]!,
    oracleWbtcUsdc: markets[1]!,
    oracleUsdcWeth: markets[2]!,
    oracleUsdcWbtc: markets[3]!,
  };
});
