/**
 * The devnet's world in numbers, in one place and free of any chain or deployment code: what the devnet deploys and
 * seeds (prices, LLTV, heartbeats, weights, pool fee, liquidity) and the market its scenario plays. The simulator's
 * devnet-shaped start point reads them without loading Hardhat or Ignition.
 */

/** Morpho Blue markets' liquidation LTV on the devnet: 86% (a value Morpho governance enables on mainnet). */
export const devnetLltv = 860_000_000_000_000_000n;

/** Devnet feed prices at deployment, 8 decimals like Chainlink's USD feeds. */
export const devnetInitialPrices = { USDC: 100_000_000n, WETH: 3_000n * 10n ** 8n, WBTC: 60_000n * 10n ** 8n } as const;

/** The devnet feeds' heartbeats, in seconds: those of Chainlink's USDC/USD, ETH/USD and BTC/USD on Ethereum. */
export const devnetHeartbeats = { USDC: 86_400n, WETH: 3_600n, WBTC: 3_600n } as const;

/**
 * The bounds the devnet feeds' answers must stay strictly within (`oracle.minAnswer.<SYMBOL>`,
 * `oracle.maxAnswer.<SYMBOL>`), as USD prices with 18 decimals: far from any price the scenario plays, as governance
 * would set them inside a Chainlink aggregator's own minAnswer and maxAnswer.
 */
export const devnetAnswerBoundsWad = {
  USDC: { min: 10n ** 17n, max: 10n * 10n ** 18n },
  WETH: { min: 10n * 10n ** 18n, max: 1_000_000n * 10n ** 18n },
  WBTC: { min: 100n * 10n ** 18n, max: 10_000_000n * 10n ** 18n },
} as const;

/** The devnet portfolio's target weights, in bps of NAV. */
export const devnetWeights = { USDC: 4_000n, WETH: 4_000n, WBTC: 2_000n } as const;

/** Uniswap V3 fee tier of the devnet pools (0.3%). */
export const devnetPoolFee = 3_000;

/**
 * What the devnet's liquidity provider lends on each Morpho market, in whole tokens, and each pool's depth: the
 * liquidity these amounts would have at full range (√(x·y)), which `devnetPoolPositions` spreads over concentrated
 * positions in shares of it.
 */
export const devnetLiquidity = {
  pools: [
    { pair: ["WETH", "USDC"], amounts: ["20000", "60000000"] },
    { pair: ["WBTC", "USDC"], amounts: ["1000", "60000000"] },
  ],
  lending: [
    { collateral: "WETH", loan: "USDC", amount: "5000000" },
    { collateral: "WBTC", loan: "USDC", amount: "5000000" },
    { collateral: "USDC", loan: "WETH", amount: "1000" },
    { collateral: "USDC", loan: "WBTC", amount: "50" },
  ],
} as const;

/**
 * The devnet pools' positions, as a market's liquidity providers spread theirs: each a share (bps) of the pool's depth
 * (`devnetLiquidity.pools`), over a range in tick spacings from the spacing-aligned tick at or below the initial
 * price (`[0, 1]` is the spacing holding the price), or full range. From 0.41x to 2.46x the initial price the pool
 * is at least as deep as that depth (the wide position and a thin full range); within ±16% a tenth deeper, and
 * around the price 1.3 times, in narrow ranges ending within one to five spacings (0.6% each) of it, so that a
 * rebalance-sized swap crosses ticks. Beyond the wide range only the thin full range is left.
 */
export const devnetPoolPositions = [
  { spacings: "full", shareBps: 1_000 },
  { spacings: [-150, 150], shareBps: 9_000 },
  { spacings: [-25, 25], shareBps: 1_000 },
  { spacings: [-4, 5], shareBps: 200 },
  { spacings: [-2, 3], shareBps: 400 },
  { spacings: [-1, 2], shareBps: 600 },
  { spacings: [0, 1], shareBps: 800 },
] as const;

/** Yearly volatility and drift of the devnet's risk assets, and the correlation of their daily returns. */
export const scenarioMarket = { WETH: { sigma: 0.65, mu: 0.1 }, WBTC: { sigma: 0.5, mu: 0.1 }, correlation: 0.7 };
