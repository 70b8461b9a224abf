/**
 * The numbers the strategy kernel works on: the slots of a vault's state vector (a Float64Array, so that the hot loop
 * allocates nothing), of a lending position within it, and of a path's accumulators; and the state vector's encoding
 * from and to a `VaultState`.
 */
import { secondsPerYear } from "../market/types.ts";
import type { LendingMarket, ModulePosition, VaultSetup, VaultState } from "./types.ts";

/** Offsets into a state vector; balances start at `balances` (one per asset, base first). */
export const stateLayout = {
  supply: 0,
  highWaterMark: 1,
  lastFeeAccrual: 2,
  lastRebalance: 3,
  /** Collateral manager: collateral, vault's share of the market's borrow, market supply, market borrow, update. */
  cmCollateral: 4,
  cmShare: 5,
  cmSupply: 6,
  cmBorrow: 7,
  cmLastUpdate: 8,
  /** Hedge: the same five. */
  hCollateral: 9,
  hShare: 10,
  hSupply: 11,
  hBorrow: 12,
  hLastUpdate: 13,
  /** The collateral manager's and the hedge's markets' rate at target per second (adaptive-curve markets only). */
  cmRateAtTarget: 14,
  hRateAtTarget: 15,
  balances: 16,
} as const;

/**
 * Offsets of a module's five slots from its position's first (`stateLayout.cmCollateral` or `hCollateral`): its
 * collateral, its share of the market's borrow, and the market's supply, borrow and last update (unix seconds).
 */
export const positionLayout = {
  collateral: 0,
  borrowShare: 1,
  marketSupply: 2,
  marketBorrow: 3,
  lastUpdate: 4,
} as const;

/** Offsets into a path's accumulators. */
export const accumulatorLayout = {
  rebalances: 0,
  trades: 1,
  /** Base-asset value traded by rebalances and the hedge. */
  turnover: 2,
  /** Base-asset value of the fee shares minted. */
  fees: 3,
  gas: 4,
  collateralActions: 5,
  hedgeActions: 6,
  liquidations: 7,
  /** Lowest health factor seen (lltv × collateral value / debt), Infinity while nothing is borrowed. */
  minHealth: 8,
  /** Keeper transactions that would revert (a trade past the bounds, a market without liquidity). */
  reverts: 9,
  /** Interest accrued on the modules' debts, in base-asset value. */
  borrowCost: 10,
  /** Hedge effectiveness sums: Σ(exposure P&L)², Σ(exposure + hedge P&L)², and the last step's exposure and short. */
  exposurePnlSq: 11,
  hedgedPnlSq: 12,
  lastExposure: 13,
  lastShort: 14,
  /**
   * The cost of the pools' fills (rebalances, the hedge, collateral sold to repay), in base-asset value at the
   * oracle's prices: the pool fee paid (the fee tier on the input), and the rest of what the fill fell short of the
   * oracle price (price impact, and any gap between the pool and the oracle; negative when the pool paid better).
   */
  poolFees: 15,
  slippage: 16,
  /** The management fee's part of `fees` (the performance fee's is the rest). */
  managementFees: 17,
  /** The hedge's own costs: the interest on its short (part of `borrowCost`), and its fills' pool fees and slippage. */
  hedgeBorrowCost: 18,
  hedgeTradeCost: 19,
  /**
   * Rebalances in which `rebalance.maxTradeBps` bound: at least one planned trade was cut to the cap (the coverage of
   * the report counts them, sim/coverage.ts).
   */
  tradeCapBound: 20,
  size: 21,
} as const;

/** The length of a state vector for `setup`. */
export function stateSizeOf(setup: VaultSetup): number {
  return stateLayout.balances + setup.symbols.length;
}

/**
 * Writes `state` into the state vector `into` (zeroed first). A module without a position starts with none on its
 * market as the setup describes it.
 */
export function encodeState(setup: VaultSetup, state: VaultState, into: Float64Array): Float64Array {
  into.fill(0);
  into[stateLayout.supply] = state.supply;
  into[stateLayout.highWaterMark] = state.highWaterMark;
  into[stateLayout.lastFeeAccrual] = state.lastFeeAccrualSeconds;
  into[stateLayout.lastRebalance] = state.lastRebalanceSeconds;
  for (const [start, position, market, rateAtTarget] of [
    [stateLayout.cmCollateral, state.collateral, setup.collateral?.market, stateLayout.cmRateAtTarget],
    [stateLayout.hCollateral, state.hedge, setup.hedge?.market, stateLayout.hRateAtTarget],
  ] as const) {
    if (!market) continue;
    const held = position ?? {
      collateral: 0,
      debt: 0,
      marketSupplyAssets: market.totalSupplyAssets,
      marketBorrowAssets: market.totalBorrowAssets,
      marketLastUpdateSeconds: market.lastUpdateSeconds,
    };
    into[start + positionLayout.collateral] = held.collateral;
    into[start + positionLayout.borrowShare] = held.marketBorrowAssets > 0 ? held.debt / held.marketBorrowAssets : 0;
    into[start + positionLayout.marketSupply] = held.marketSupplyAssets;
    into[start + positionLayout.marketBorrow] = held.marketBorrowAssets;
    into[start + positionLayout.lastUpdate] = held.marketLastUpdateSeconds;
    if (market.rate.kind === "adaptiveCurve")
      into[rateAtTarget] = (held.rateAtTargetPerYear ?? market.rate.rateAtTargetPerYear) / secondsPerYear;
  }
  state.balances.forEach((balance, asset) => (into[stateLayout.balances + asset] = balance));
  return into;
}

/** Reads a state vector back, at `timeSeconds` (debts as of each market's last update). */
export function decodeState(setup: VaultSetup, vector: Float64Array, timeSeconds: number): VaultState {
  const positionAt = (start: number, market: LendingMarket, rateAtTarget: number): ModulePosition => ({
    collateral: vector[start + positionLayout.collateral]!,
    debt: vector[start + positionLayout.borrowShare]! * vector[start + positionLayout.marketBorrow]!,
    marketSupplyAssets: vector[start + positionLayout.marketSupply]!,
    marketBorrowAssets: vector[start + positionLayout.marketBorrow]!,
    marketLastUpdateSeconds: vector[start + positionLayout.lastUpdate]!,
    ...(market.rate.kind === "adaptiveCurve" ? { rateAtTargetPerYear: vector[rateAtTarget]! * secondsPerYear } : {}),
  });
  return {
    timeSeconds,
    balances: Array.from(vector.subarray(stateLayout.balances, stateLayout.balances + setup.symbols.length)),
    supply: vector[stateLayout.supply]!,
    highWaterMark: vector[stateLayout.highWaterMark]!,
    lastFeeAccrualSeconds: vector[stateLayout.lastFeeAccrual]!,
    lastRebalanceSeconds: vector[stateLayout.lastRebalance]!,
    ...(setup.collateral
      ? { collateral: positionAt(stateLayout.cmCollateral, setup.collateral.market, stateLayout.cmRateAtTarget) }
      : {}),
    ...(setup.hedge
      ? { hedge: positionAt(stateLayout.hCollateral, setup.hedge.market, stateLayout.hRateAtTarget) }
      : {}),
  };
}

/** Sets a path's accumulators to their starting values. */
export function resetAccumulators(acc: Float64Array): void {
  acc.fill(0);
  acc[accumulatorLayout.minHealth] = Infinity;
}
