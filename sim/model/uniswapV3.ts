/**
 * Uniswap V3's swap math in whole-token units: `sqrtPrice` is √(token1 per token0) and liquidity is the pool's
 * liquidity / √(10^decimals0 · 10^decimals1), so that amount0 = L·Δ(1/√P) and amount1 = L·Δ√P hold in whole tokens.
 * One step (`swapExactIn`) is SwapMath.computeSwapStep with exact input on one liquidity; a swap (`swapAcrossTicks`)
 * walks a pool's liquidity curve from initialised tick to initialised tick as UniswapV3Pool.swap does, one step per
 * range, crossing each tick on the way (liquidity ± its liquidityNet). Real numbers, not the pool's integer rounding
 * (which floors each step's input net of the fee, and its output, to a unit of the token: a unit of each per step).
 */
import { exp, ln } from "../detMath.ts";
import type { Pool } from "./types.ts";

/** A swap's result: input taken (fee included), output paid, and the pool's price after it. */
export type SwapResult = { amountIn: number; amountOut: number; sqrtPriceAfter: number };

/**
 * A pool's liquidity by price: `sqrtPrices` are its initialised ticks' √prices (whole-token units), ascending, and
 * `liquidities[k]` is the liquidity between `sqrtPrices[k - 1]` and `sqrtPrices[k]` (one more range than ticks: the
 * first below the lowest tick, the last above the highest). A pool without ticks has one liquidity at every price.
 */
export type LiquidityCurve = { sqrtPrices: Float64Array; liquidities: Float64Array };

/** ln 1.0001 and ln 10, from the deterministic logarithm. */
const lnTickBase = ln(1.0001);
const lnTen = ln(10);

/**
 * √(token1 per token0) in whole-token units at `tick` (TickMath.getSqrtRatioAtTick, unscaled): 1.0001^(tick/2) ×
 * 10^((decimals0 − decimals1)/2), as one exponential of detMath's (`Math.pow` may differ between engines, and a report
 * must hash the same in Node and in the browser).
 */
export function sqrtPriceAtTick(tick: number, decimals0: number, decimals1: number): number {
  return exp(lnTickBase * (tick / 2) + lnTen * ((decimals0 - decimals1) / 2));
}

/**
 * The liquidity curve of `pool` (tokens of `decimals0` and `decimals1` decimals): its active liquidity in the range
 * holding its tick, and in every other range that liquidity plus the liquidityNet of each tick crossed upward (less,
 * downward). Beyond the outermost tick read, the outermost range's liquidity holds.
 */
export function liquidityCurve(pool: Pool, decimals0: number, decimals1: number): LiquidityCurve {
  const ticks = pool.ticks ?? [];
  const count = ticks.length;
  const sqrtPrices = new Float64Array(count);
  const liquidities = new Float64Array(count + 1);
  for (let k = 0; k < count; k++) {
    const tick = ticks[k]!.tick;
    if (k > 0 && tick <= ticks[k - 1]!.tick)
      throw new Error(`pool ticks must ascend: ${tick} after ${ticks[k - 1]!.tick}`);
    sqrtPrices[k] = sqrtPriceAtTick(tick, decimals0, decimals1);
  }
  // The pool's tick lies in the range above every tick at or below it (Uniswap's active liquidity at tick T counts
  // the positions whose lower tick is ≤ T).
  if (count > 0 && pool.tick === undefined) throw new Error("a pool with ticks needs the tick its liquidity is at");
  const current = pool.tick ?? 0;
  let active = 0;
  while (active < count && ticks[active]!.tick <= current) active++;
  liquidities[active] = pool.liquidity;
  for (let k = active + 1; k <= count; k++) liquidities[k] = liquidities[k - 1]! + ticks[k - 1]!.liquidityNet;
  for (let k = active - 1; k >= 0; k--) liquidities[k] = liquidities[k + 1]! - ticks[k]!.liquidityNet;
  // Nets that cancel in exact arithmetic may leave a rounding error below zero; more than that is a wrong read.
  const largest = liquidities.reduce((a, b) => Math.max(a, b), 0);
  for (let k = 0; k <= count; k++) {
    if (liquidities[k]! >= 0) continue;
    if (liquidities[k]! < -1e-9 * largest)
      throw new Error(
        `pool liquidity below zero (${liquidities[k]}) next to tick ${ticks[Math.min(k, count - 1)]!.tick}`,
      );
    liquidities[k] = 0;
  }
  return { sqrtPrices, liquidities };
}

/**
 * One swap step on one liquidity (SwapMath.computeSwapStep, exact input): swaps up to `amountIn` of token0
 * (`zeroForOne`) or token1, stopping at `sqrtPriceLimit`.
 * @param feePpm The pool fee in hundredths of a bp (3,000 = 0.3%).
 */
export function swapExactIn(
  liquidity: number,
  sqrtPrice: number,
  zeroForOne: boolean,
  amountIn: number,
  feePpm: number,
  sqrtPriceLimit: number,
  out: SwapResult,
): SwapResult {
  const feeShare = feePpm / 1e6;
  const lessFee = amountIn * (1 - feeShare);
  let used: number;
  let next: number;
  if (zeroForOne) {
    const toLimit = (liquidity * (sqrtPrice - sqrtPriceLimit)) / (sqrtPrice * sqrtPriceLimit);
    if (lessFee >= toLimit) {
      next = sqrtPriceLimit;
      used = toLimit + (toLimit * feeShare) / (1 - feeShare);
    } else {
      next = (liquidity * sqrtPrice) / (liquidity + lessFee * sqrtPrice);
      used = amountIn;
    }
    out.amountOut = liquidity * (sqrtPrice - next);
  } else {
    const toLimit = liquidity * (sqrtPriceLimit - sqrtPrice);
    if (lessFee >= toLimit) {
      next = sqrtPriceLimit;
      used = toLimit + (toLimit * feeShare) / (1 - feeShare);
    } else {
      next = sqrtPrice + lessFee / liquidity;
      used = amountIn;
    }
    out.amountOut = (liquidity * (next - sqrtPrice)) / (next * sqrtPrice);
  }
  out.amountIn = used;
  out.sqrtPriceAfter = next;
  return out;
}

/**
 * A swap of up to `amountIn` of token0 (`zeroForOne`) or token1 on the pool whose liquidity is `curve`, from
 * `sqrtPrice` to at most `sqrtPriceLimit` (UniswapV3Pool.swap, exact input): one step to the next initialised tick or
 * the limit, whichever is nearer, then across the tick on the rest of the input, until the input is spent or the
 * limit reached. The fee is taken on each step's input. Going down from a price exactly on a tick, the range below
 * it is active, and going up the range above, as on the pool whichever way it reached that price. A swap that
 * crosses no tick costs one step and a search.
 */
export function swapAcrossTicks(
  curve: LiquidityCurve,
  sqrtPrice: number,
  zeroForOne: boolean,
  amountIn: number,
  feePpm: number,
  sqrtPriceLimit: number,
  out: SwapResult,
): SwapResult {
  const { sqrtPrices: ticks, liquidities } = curve;
  const count = ticks.length;
  if (count === 0) return swapExactIn(liquidities[0]!, sqrtPrice, zeroForOne, amountIn, feePpm, sqrtPriceLimit, out);
  // The range the swap starts in: k counts the ticks below the price (down) or at or below it (up).
  let low = 0;
  let high = count;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (zeroForOne ? ticks[middle]! < sqrtPrice : ticks[middle]! <= sqrtPrice) low = middle + 1;
    else high = middle;
  }
  let k = low;
  let remaining = amountIn;
  let taken = 0;
  let paid = 0;
  let price = sqrtPrice;
  for (;;) {
    const tick = zeroForOne ? (k > 0 ? ticks[k - 1]! : 0) : k < count ? ticks[k]! : Infinity;
    const target = zeroForOne
      ? tick > sqrtPriceLimit
        ? tick
        : sqrtPriceLimit
      : tick < sqrtPriceLimit
        ? tick
        : sqrtPriceLimit;
    swapExactIn(liquidities[k]!, price, zeroForOne, remaining, feePpm, target, out);
    taken += out.amountIn;
    paid += out.amountOut;
    price = out.sqrtPriceAfter;
    remaining -= out.amountIn;
    // Stopped inside the range (input spent), or at the limit: done. At the tick: cross it.
    if (price !== tick || tick === sqrtPriceLimit || remaining <= 0) break;
    k += zeroForOne ? -1 : 1;
  }
  out.amountIn = taken;
  out.amountOut = paid;
  out.sqrtPriceAfter = price;
  return out;
}

/** √(token1 per token0) for a risk asset priced `priceInBase` base tokens, given the pool's token order. */
export function sqrtPriceOf(priceInBase: number, riskIsToken0: boolean): number {
  return riskIsToken0 ? Math.sqrt(priceInBase) : Math.sqrt(1 / priceInBase);
}

/** The risk asset's price in base tokens that a pool at `sqrtPrice` quotes. */
export function priceOfSqrt(sqrtPrice: number, riskIsToken0: boolean): number {
  const p = sqrtPrice * sqrtPrice;
  return riskIsToken0 ? p : 1 / p;
}
