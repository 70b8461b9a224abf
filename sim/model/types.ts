/**
 * What the strategy model works on. Amounts are in whole tokens (1.5 WETH is 1.5), values in whole base-asset
 * tokens, prices in USD per whole token, times in unix seconds. Assets are in one fixed order, base asset first.
 */

/** Registry parameters the vault and its modules act on, in the registry's own units (bps, seconds, ppm). */
export type StrategyParams = {
  /** `weight.<SYMBOL>` per asset, base first. */
  weightsBps: readonly number[];
  /** `poolFee.<SYMBOL>` per risk asset (Uniswap V3 fee in hundredths of a bp, e.g. 3,000 for 0.3%). */
  poolFeesPpm: readonly number[];
  bandBps: number;
  minIntervalSeconds: number;
  maxTradeBps: number;
  maxSlippageBps: number;
  maxDeviationBps: number;
  managementFeeBps: number;
  performanceFeeBps: number;
  pauseRebalance: boolean;
  pauseLeverage: boolean;
  collateral: {
    targetLtvBps: number;
    maxLtvBps: number;
    healthBufferBps: number;
    ltvBandBps: number;
    postedBps: number;
  };
  hedge: { ratioBps: number; bandBps: number; ltvBps: number };
};

/** How a lending market's borrow rate is set. */
export type BorrowRateModel =
  /** Morpho Blue's IrmMock (the devnet's): the yearly rate equals utilization. */
  | { kind: "utilization" }
  /** A fixed yearly rate (e.g. today's rate of an IRM the model does not know, held constant). */
  | { kind: "fixed"; ratePerYear: number }
  /**
   * Morpho's AdaptiveCurveIrm (see adaptiveCurveIrm.ts), from its rate at target as of the market's last update (a
   * yearly rate; 0 before the market's first accrual, as the contract stores it).
   */
  | { kind: "adaptiveCurve"; rateAtTargetPerYear: number };

/** A Morpho Blue market a module borrows on, as of `lastUpdateSeconds`. */
export type LendingMarket = {
  totalSupplyAssets: number;
  totalBorrowAssets: number;
  lastUpdateSeconds: number;
  rate: BorrowRateModel;
  /** The market's liquidation LTV, e.g. 0.86. */
  lltv: number;
};

/**
 * A Uniswap V3 pool between a risk asset and the base asset: its active liquidity at its tick, and its initialised
 * ticks with their liquidityNet, from which the liquidity at any price follows (see uniswapV3.ts `liquidityCurve`).
 * Liquidities are in whole-token units: the pool's own / √(10^decimals0 · 10^decimals1).
 */
export type Pool = {
  /** The active liquidity (the pool's `liquidity()`) at `tick`. */
  liquidity: number;
  riskIsToken0: boolean;
  /** The pool's tick (slot0) when `liquidity` was read; 0 when there are no `ticks`. */
  tick?: number;
  /**
   * Initialised ticks, ascending, with their liquidityNet (added crossing upward, removed crossing downward), within
   * the window read (see sim/chain.ts); beyond the outermost one the liquidity is taken as constant. None: one
   * liquidity at every price (full-range positions only).
   */
  ticks?: readonly { tick: number; liquidityNet: number }[];
};

/**
 * Where a keeper cycle finds each pool's price, against its oracle's (the path's price).
 * - `aligned`: at the oracle's price (arbitrageurs close every gap before each cycle): no pool–oracle gap, so
 *   `oracle.maxDeviationBps` never binds; the contracts' differential tests run this way.
 * - `arbitrageBand`: where the last cycle's trades left it, moved by arbitrageurs only as far as a trade pays:
 *   back to within the pool's fee plus `thresholdBps` (their gas, exchange fees and risk) of the oracle's price. With
 *   steps longer than the market's moves between blocks, the pool lags each step's move by that band: a rebalance
 *   trades at the pool's price, its deviation check (`oracle.maxDeviationBps`) can refuse it, and the slippage bound
 *   (measured from the oracle's price) has that much less room.
 */
export type PoolGapModel = { kind: "aligned" } | { kind: "arbitrageBand"; thresholdBps: number };

/** What does not change during a simulation: the assets, their pools and the modules' markets. */
export type VaultSetup = {
  symbols: readonly string[];
  decimals: readonly number[];
  /** One per risk asset (index i is asset i + 1). */
  pools: readonly Pool[];
  /** The collateral manager, when governance has plugged one in: its collateral asset (an index into symbols). */
  collateral?: { assetIndex: number; market: LendingMarket };
  /** The hedge module: the asset it shorts (an index into symbols) against base-asset collateral. */
  hedge?: { assetIndex: number; market: LendingMarket };
  /** How the pools' prices follow the oracles' between cycles; default `aligned`. */
  poolGap?: PoolGapModel;
};

/** A module's position and its market's totals. */
export type ModulePosition = {
  collateral: number;
  /** Debt in the loan token, as of the market's last update. */
  debt: number;
  marketSupplyAssets: number;
  marketBorrowAssets: number;
  marketLastUpdateSeconds: number;
  /** An adaptive-curve market's rate at target as of its last update, per year (default: the setup market's). */
  rateAtTargetPerYear?: number;
};

/** The vault at one moment. */
export type VaultState = {
  timeSeconds: number;
  /** The vault's own token balances, base first (collateral posted by the manager is not in them). */
  balances: readonly number[];
  /** Share supply in whole shares. */
  supply: number;
  /** High-water mark: base-asset tokens per whole share. */
  highWaterMark: number;
  lastFeeAccrualSeconds: number;
  lastRebalanceSeconds: number;
  collateral?: ModulePosition;
  hedge?: ModulePosition;
};

/** Action codes, as the contracts' enums number them. */
export const collateralActions = ["none", "deleverage", "post", "repay", "borrow", "withdraw"] as const;
export const hedgeActions = ["none", "deleverage", "increase", "decrease"] as const;
export type CollateralActionName = (typeof collateralActions)[number];
export type HedgeActionName = (typeof hedgeActions)[number];
