/**
 * Oracle prices in the base asset, read from a row of USD prices, and the pools realigned to them by arbitrageurs
 * (each pool's √price computed only when a trade needs it). Remembers which row it read, so that reading it again
 * is free, and whether a cash exit has moved the pools since. Under the `arbitrageBand` pool model (see
 * `PoolGapModel`) the pools keep their own prices from cycle to cycle, and arbitrageurs only bring them back within
 * the band.
 */
import type { KernelContext } from "./kernel.ts";
import type { PoolGapModel } from "./types.ts";
import { priceOfSqrt, sqrtPriceOf } from "./uniswapV3.ts";

export type Prices = ReturnType<typeof createPrices>;

/**
 * The arbitrage band with its threshold as an assumption (not a fit): an arbitrage between a large ETH or BTC pool
 * and an exchange pays once the gap passes the pool's fee plus its own costs, gas (a few dollars against trades of
 * $50,000 or more: 1–4 bps) and the exchange's taker fee (about 5 bps): 10 bps.
 */
export const arbitrageBand = { kind: "arbitrageBand", thresholdBps: 10 } as const satisfies PoolGapModel;

export function createPrices(context: KernelContext) {
  const { assetCount, pricesInBase, sqrtPrices, riskIsToken0, poolFeesPpm } = context;
  const gap = context.setup.poolGap;
  /** Under the arbitrage band: the arbitrageurs' threshold beyond the pool fee, as a share of the price. */
  const banded = gap !== undefined && gap.kind === "arbitrageBand";
  const thresholdShare = banded ? gap.thresholdBps / 10_000 : 0;
  /** Under the arbitrage band: whether the pools have prices of their own yet (not before a path's first cycle). */
  const poolsKnown = new Uint8Array(1);
  /** Where `pricesInBase` was read from (`usd` offset), and whether the pools still sit at those prices. */
  const cache = new Float64Array(2);
  const READ_OFFSET = 0;
  const POOLS_ALIGNED = 1;
  let readFrom: Float64Array | undefined;
  /** The price offset of a cash exit that moved the pools since the cycle's realignment (see `realignPools`). */
  let exitMovedPoolsAt: number | undefined;

  /** Oracle prices in the base asset from USD prices `usd[offset + asset]`; the pools realigned to them. */
  const setPrices = (usd: Float64Array, offset: number) => {
    if (readFrom === usd && cache[READ_OFFSET] === offset) return;
    readFrom = usd;
    cache[READ_OFFSET] = offset;
    cache[POOLS_ALIGNED] = 1;
    const perBase = 1 / usd[offset]!;
    pricesInBase[0] = 1;
    for (let asset = 1; asset < assetCount; asset++) pricesInBase[asset] = usd[offset + asset]! * perBase;
    // Under the arbitrage band, a path's pools start at the first prices read (its start's).
    if (banded && poolsKnown[0] === 0) ensurePools();
  };

  /**
   * Computes the pools' √prices at the oracle prices, unless done since they were realigned. Under the arbitrage
   * band, the pools are where they are (at the oracle's prices before a path's first cycle).
   */
  const ensurePools = () => {
    if (banded) {
      if (poolsKnown[0] === 1) return;
      poolsKnown[0] = 1;
    } else if (cache[POOLS_ALIGNED] === 0) return;
    cache[POOLS_ALIGNED] = 0;
    for (let asset = 1; asset < assetCount; asset++)
      sqrtPrices[asset - 1] = sqrtPriceOf(pricesInBase[asset]!, riskIsToken0[asset - 1]!);
  };

  /** The next `setPrices` reads its row afresh, and realigns the pools. */
  const forgetPrices = () => {
    readFrom = undefined;
  };

  /**
   * A keeper cycle's start: the arbitrageurs realign every pool to the feeds, but a cash exit made since at these
   * prices (between the realignment and the keeper) leaves the pools where its sales moved them.
   */
  const realignPools = (usd: Float64Array, offset: number) => {
    if (banded) return closeGapsBeyondBand(usd, offset);
    if (exitMovedPoolsAt !== offset) readFrom = undefined;
    exitMovedPoolsAt = undefined;
    setPrices(usd, offset);
  };

  /**
   * The arbitrage band's cycle start: the feeds read, and each pool moved from where it was to the nearer edge of
   * [oracle · (1 − fee − threshold), oracle · (1 + fee + threshold)] when outside it (the part of the gap an
   * arbitrage pays for), left alone when inside.
   */
  const closeGapsBeyondBand = (usd: Float64Array, offset: number) => {
    exitMovedPoolsAt = undefined;
    readFrom = undefined;
    setPrices(usd, offset);
    if (poolsKnown[0] === 0) return ensurePools();
    for (let asset = 1; asset < assetCount; asset++) {
      const risk = asset - 1;
      const token0 = riskIsToken0[risk]!;
      const oracle = pricesInBase[asset]!;
      const band = poolFeesPpm[risk]! / 1e6 + thresholdShare;
      const pool = priceOfSqrt(sqrtPrices[risk]!, token0);
      const low = oracle * (1 - band);
      const high = oracle * (1 + band);
      if (pool < low) sqrtPrices[risk] = sqrtPriceOf(low, token0);
      else if (pool > high) sqrtPrices[risk] = sqrtPriceOf(high, token0);
    }
  };

  /** A new path: under the arbitrage band, the pools start at the next prices read (the path's start). */
  const resetPools = () => {
    poolsKnown[0] = 0;
  };

  /** A cash exit at prices `offset` sold on the pools. */
  const exitMovedPools = (offset: number) => {
    exitMovedPoolsAt = offset;
  };

  return { setPrices, ensurePools, forgetPrices, realignPools, exitMovedPools, resetPools };
}
