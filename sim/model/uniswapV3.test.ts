import { describe, expect, it } from "vitest";
import { priceOfSqrt, sqrtPriceOf, swapExactIn, type SwapResult } from "./uniswapV3.ts";

const result = (): SwapResult => ({ amountIn: 0, amountOut: 0, sqrtPriceAfter: 0 });

describe("Uniswap V3 swap math in whole tokens (one full-range position)", () => {
  // A WETH/USDC pool at $3,000 holding 20,000 WETH and 60,000,000 USDC: L = √(x·y).
  const liquidity = Math.sqrt(20_000 * 60_000_000);
  const sqrtPrice = sqrtPriceOf(3_000, true);

  it("keeps x·y = L² on the input net of the fee, and charges the fee on top", () => {
    const sell = swapExactIn(liquidity, sqrtPrice, true, 10, 3_000, sqrtPriceOf(1, true), result());
    expect(sell.amountIn).toBe(10);
    const x = 20_000 + 10 * (1 - 0.003);
    const y = 60_000_000 - sell.amountOut;
    expect(x * y).toBeCloseTo(liquidity * liquidity, -2);
    expect(priceOfSqrt(sell.sqrtPriceAfter, true)).toBeCloseTo(y / x, 6);
    // Selling 10 WETH of 20,000 moves the price by about 2 × 10 / 20,000 = 0.1%.
    expect(sell.amountOut / 10).toBeGreaterThan(3_000 * 0.997 * 0.999);
    expect(sell.amountOut / 10).toBeLessThan(3_000 * 0.997);
  });

  it("stops at the price limit and takes only the input that gets there", () => {
    const limit = sqrtPriceOf(3_000 * 0.998, true);
    const capped = swapExactIn(liquidity, sqrtPrice, true, 1_000, 3_000, limit, result());
    expect(capped.sqrtPriceAfter).toBe(limit);
    expect(capped.amountIn).toBeLessThan(1_000);
    // Filling exactly that input without a limit lands on the same price.
    const exact = swapExactIn(liquidity, sqrtPrice, true, capped.amountIn, 3_000, sqrtPriceOf(1, true), result());
    expect(exact.sqrtPriceAfter / limit).toBeCloseTo(1, 12);
    expect(exact.amountOut / capped.amountOut).toBeCloseTo(1, 12);
  });

  it("buys the risk asset with token1 in the other direction, and quotes prices either way round", () => {
    const buy = swapExactIn(liquidity, sqrtPrice, false, 30_000, 3_000, sqrtPriceOf(1e9, true), result());
    expect(buy.amountIn).toBe(30_000);
    expect(buy.amountOut).toBeLessThan((30_000 * 0.997) / 3_000);
    expect(priceOfSqrt(buy.sqrtPriceAfter, true)).toBeGreaterThan(3_000);
    expect(priceOfSqrt(sqrtPriceOf(3_000, false), false)).toBeCloseTo(3_000, 9);
  });
});
