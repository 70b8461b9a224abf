/** Integer square root (floor) of a non-negative bigint, by Newton's method. */
export function sqrtFloor(value: bigint): bigint {
  if (value < 0n) throw new Error(`sqrtFloor of a negative number: ${value}`);
  if (value < 2n) return value;
  let x = value;
  let y = (x + 1n) / 2n;
  while (y < x) {
    x = y;
    y = (x + value / x) / 2n;
  }
  return x;
}

/**
 * Uniswap V3's sqrtPriceX96 for a pool whose token0 is worth `price0Usd` and token1 `price1Usd` (same units,
 * e.g. 8-decimal feed answers): sqrt(token1 wei per token0 wei) × 2^96, rounded down.
 * @example sqrtPriceX96FromUsd({ price0Usd: 3000n, decimals0: 18, price1Usd: 1n, decimals1: 6 })
 */
export function sqrtPriceX96FromUsd(args: {
  price0Usd: bigint;
  decimals0: number;
  price1Usd: bigint;
  decimals1: number;
}): bigint {
  const { price0Usd, decimals0, price1Usd, decimals1 } = args;
  if (price0Usd <= 0n || price1Usd <= 0n) throw new Error("prices must be positive");
  const numerator = price0Usd * 10n ** BigInt(decimals1);
  const denominator = price1Usd * 10n ** BigInt(decimals0);
  return sqrtFloor((numerator << 192n) / denominator);
}

/** token1 wei per token0 wei as a float, from a pool's sqrtPriceX96 (for display and checks, not for accounting). */
export function priceFromSqrtPriceX96(sqrtPriceX96: bigint): number {
  const ratio = Number(sqrtPriceX96) / 2 ** 96;
  return ratio * ratio;
}
