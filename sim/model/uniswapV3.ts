/**
 * Uniswap V3's swap math for one liquidity range (SwapMath.computeSwapStep with exact input), in whole-token units:
 * `sqrtPrice` is √(token1 per token0) and `liquidity` is the pool's liquidity / √(10^decimals0 · 10^decimals1), so
 * that amount0 = L·Δ(1/√P) and amount1 = L·Δ√P hold in whole tokens. The devnet pools are full range, so a swap
 * never crosses an initialised tick. Real numbers, not the pool's integer rounding (a wei at most per swap).
 */

/** A swap's result: input taken (fee included), output paid, and the pool's price after it. */
export type SwapResult = { amountIn: number; amountOut: number; sqrtPriceAfter: number };

/**
 * Swaps up to `amountIn` of token0 (`zeroForOne`) or token1 into the pool, stopping at `sqrtPriceLimit`.
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

/** √(token1 per token0) for a risk asset priced `priceInBase` base tokens, given the pool's token order. */
export function sqrtPriceOf(priceInBase: number, riskIsToken0: boolean): number {
  return riskIsToken0 ? Math.sqrt(priceInBase) : Math.sqrt(1 / priceInBase);
}

/** The risk asset's price in base tokens that a pool at `sqrtPrice` quotes. */
export function priceOfSqrt(sqrtPrice: number, riskIsToken0: boolean): number {
  const p = sqrtPrice * sqrtPrice;
  return riskIsToken0 ? p : 1 / p;
}
