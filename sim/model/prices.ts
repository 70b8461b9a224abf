/**
 * Oracle prices in the base asset, read from a row of USD prices, and the pools realigned to them by arbitrageurs
 * (each pool's √price computed only when a trade needs it). Remembers which row it read, so that reading it again
 * is free, and whether a cash exit has moved the pools since.
 */
import type { KernelContext } from "./kernel.ts";
import { sqrtPriceOf } from "./uniswapV3.ts";

export type Prices = ReturnType<typeof createPrices>;

export function createPrices(context: KernelContext) {
  const { assetCount, pricesInBase, sqrtPrices, riskIsToken0 } = context;
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
  };

  /** Computes the pools' √prices at the oracle prices, unless done since they were realigned. */
  const ensurePools = () => {
    if (cache[POOLS_ALIGNED] === 0) return;
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
    if (exitMovedPoolsAt !== offset) readFrom = undefined;
    exitMovedPoolsAt = undefined;
    setPrices(usd, offset);
  };

  /** A cash exit at prices `offset` sold on the pools. */
  const exitMovedPools = (offset: number) => {
    exitMovedPoolsAt = offset;
  };

  return { setPrices, ensurePools, forgetPrices, realignPools, exitMovedPools };
}
