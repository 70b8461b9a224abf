import { describe, expect, it } from "vitest";
import { devnetPositionsAt, poolOfPositions } from "../../devnet/poolPositions.ts";
import { createRandom } from "../random.ts";
import {
  liquidityCurve,
  priceOfSqrt,
  sqrtPriceAtTick,
  sqrtPriceOf,
  swapAcrossTicks,
  swapExactIn,
  type SwapResult,
} from "./uniswapV3.ts";

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

describe("Uniswap V3 swaps across initialised ticks (concentrated liquidity)", () => {
  // A WETH/USDC pool (WETH token0, 18 and 6 decimals) at tick −196,257 ($3,000): the devnet's positions, whose
  // ranges end at −196,260 (0.04% below the price), −196,200 (0.56% above) and further out, with a thin full range.
  const [decimals0, decimals1] = [18, 6];
  const tick = -196_257;
  const depth = Math.sqrt(20_000 * 60_000_000);
  const pool = poolOfPositions(devnetPositionsAt(tick, depth), tick, true);
  const curve = liquidityCurve(pool, decimals0, decimals1);
  const ticks = pool.ticks!;
  const at = (t: number) => sqrtPriceAtTick(t, decimals0, decimals1);
  const sqrtPrice = sqrtPriceOf(3_000, true);
  const noLimitDown = sqrtPrice * 1e-6;
  const noLimitUp = sqrtPrice * 1e6;

  it("holds, in each range, the liquidity of the positions covering it (the active one plus the nets crossed)", () => {
    const positions = devnetPositionsAt(tick, depth);
    for (let k = 0; k <= ticks.length; k++) {
      // A tick inside range k: between ticks k − 1 and k.
      const inside = k === 0 ? ticks[0]!.tick - 1 : ticks[k - 1]!.tick;
      const covering = positions
        .filter((p) => p.tickLower <= inside && inside < p.tickUpper)
        .reduce((sum, p) => sum + p.liquidity, 0);
      expect(Math.abs(curve.liquidities[k]! - covering) / depth, `range ${k}`).toBeLessThan(1e-12);
    }
    expect(curve.liquidities[ticks.findIndex((t) => t.tick > tick)]).toBeCloseTo(pool.liquidity, 6);
  });

  it("gives the same curve read at any tick: a pool realigned to another price keeps its tick structure", () => {
    for (const elsewhere of [-205_000, -196_300, -196_260, -196_200, -190_000]) {
      const moved = poolOfPositions(devnetPositionsAt(tick, depth), elsewhere, true);
      const again = liquidityCurve(moved, decimals0, decimals1);
      expect(Array.from(again.sqrtPrices)).toEqual(Array.from(curve.sqrtPrices));
      again.liquidities.forEach((l, k) =>
        expect(Math.abs(l - curve.liquidities[k]!) / depth, `range ${k}`).toBeLessThan(1e-12),
      );
    }
  });

  it("crosses no tick on a small swap: one step on the active liquidity", () => {
    const small = swapAcrossTicks(curve, sqrtPrice, false, 1_000, 3_000, noLimitUp, result());
    const step = swapExactIn(pool.liquidity, sqrtPrice, false, 1_000, 3_000, noLimitUp, result());
    expect(small).toEqual(step);
  });

  it("crosses a tick as the pool does: a step to the tick on one liquidity, then the rest on the next", () => {
    // Selling 5 WETH crosses −196,260, 0.04% below the price.
    const below = at(-196_260);
    const crossing = swapAcrossTicks(curve, sqrtPrice, true, 5, 3_000, noLimitDown, result());
    const k = ticks.findIndex((t) => t.tick === -196_260);
    const first = swapExactIn(curve.liquidities[k + 1]!, sqrtPrice, true, 5, 3_000, below, result());
    expect(first.sqrtPriceAfter).toBe(below);
    const rest = swapExactIn(curve.liquidities[k]!, below, true, 5 - first.amountIn, 3_000, noLimitDown, result());
    expect(crossing.amountIn).toBeCloseTo(5, 12);
    expect(crossing.amountOut / (first.amountOut + rest.amountOut)).toBeCloseTo(1, 12);
    expect(crossing.sqrtPriceAfter).toBe(rest.sqrtPriceAfter);
    // Less liquidity below the tick: the price moves further than on the active liquidity alone.
    const flat = swapExactIn(pool.liquidity, sqrtPrice, true, 5, 3_000, noLimitDown, result());
    expect(crossing.sqrtPriceAfter).toBeLessThan(flat.sqrtPriceAfter);
    expect(crossing.amountOut).toBeLessThan(flat.amountOut);
  });

  it("crosses several ticks on a large swap, and stops at the price limit between two of them", () => {
    // Buying WETH with $3,000,000 crosses −196,200, −196,140, −196,080 and −195,960 (2.9% above).
    const large = swapAcrossTicks(curve, sqrtPrice, false, 3_000_000, 3_000, noLimitUp, result());
    expect(large.sqrtPriceAfter).toBeGreaterThan(at(-195_960));
    expect(large.sqrtPriceAfter).toBeLessThan(at(-194_760));
    const limit = (at(-196_140) + at(-196_080)) / 2;
    const capped = swapAcrossTicks(curve, sqrtPrice, false, 3_000_000, 3_000, limit, result());
    expect(capped.sqrtPriceAfter).toBe(limit);
    expect(capped.amountIn).toBeLessThan(3_000_000);
    // Exactly that input without a limit lands there too.
    const exact = swapAcrossTicks(curve, sqrtPrice, false, capped.amountIn, 3_000, noLimitUp, result());
    expect(exact.sqrtPriceAfter / limit).toBeCloseTo(1, 12);
    expect(exact.amountOut / capped.amountOut).toBeCloseTo(1, 12);
  });

  it("takes the range below a price on a tick going down, and the range above going up", () => {
    const onTick = at(-196_260);
    const k = ticks.findIndex((t) => t.tick === -196_260);
    const down = swapAcrossTicks(curve, onTick, true, 1, 3_000, noLimitDown, result());
    expect(down).toEqual(swapExactIn(curve.liquidities[k]!, onTick, true, 1, 3_000, noLimitDown, result()));
    const up = swapAcrossTicks(curve, onTick, false, 1_000, 3_000, noLimitUp, result());
    expect(up).toEqual(swapExactIn(curve.liquidities[k + 1]!, onTick, false, 1_000, 3_000, noLimitUp, result()));
  });

  it("keeps one liquidity at every price for a pool without ticks, and refuses ticks out of order", () => {
    const flat = liquidityCurve({ liquidity: 7, riskIsToken0: true }, 18, 6);
    expect(Array.from(flat.liquidities)).toEqual([7]);
    const unordered = {
      ...pool,
      ticks: [
        { tick: 10, liquidityNet: 1 },
        { tick: 5, liquidityNet: -1 },
      ],
    };
    expect(() => liquidityCurve(unordered, 18, 6)).toThrow(/ascend/);
    expect(() => liquidityCurve({ liquidity: 1, riskIsToken0: true, ticks }, 18, 6)).toThrow(/tick its liquidity/);
  });

  describe("properties, over 2,000 random swaps each", () => {
    const random = createRandom(17);
    /** A random swap: direction, and an input from 10⁻⁴ to 10⁴ times a 1% move's worth. */
    const draw = () => {
      const zeroForOne = random.next() < 0.5;
      const scale = zeroForOne ? 20_000 * 0.01 : 60_000_000 * 0.01;
      return { zeroForOne, amountIn: scale * 10 ** (8 * random.next() - 4) };
    };
    const limitOf = (zeroForOne: boolean) => (zeroForOne ? noLimitDown : noLimitUp);

    it("pays more, and moves the price further, for more input", () => {
      for (let i = 0; i < 2_000; i++) {
        const { zeroForOne, amountIn } = draw();
        const more = amountIn * (1 + random.next());
        const a = swapAcrossTicks(curve, sqrtPrice, zeroForOne, amountIn, 3_000, limitOf(zeroForOne), result());
        const b = swapAcrossTicks(curve, sqrtPrice, zeroForOne, more, 3_000, limitOf(zeroForOne), result());
        expect(b.amountOut, `swap ${i}`).toBeGreaterThan(a.amountOut);
        expect(zeroForOne ? b.sqrtPriceAfter < a.sqrtPriceAfter : b.sqrtPriceAfter > a.sqrtPriceAfter).toBe(true);
      }
    });

    it("pays for one swap what two swaps of its parts pay in turn, wherever ticks split them", () => {
      for (let i = 0; i < 2_000; i++) {
        const { zeroForOne, amountIn } = draw();
        const part = amountIn * random.next();
        const limit = limitOf(zeroForOne);
        const whole = swapAcrossTicks(curve, sqrtPrice, zeroForOne, amountIn, 3_000, limit, result());
        const first = swapAcrossTicks(curve, sqrtPrice, zeroForOne, part, 3_000, limit, result());
        const second = swapAcrossTicks(
          curve,
          first.sqrtPriceAfter,
          zeroForOne,
          amountIn - part,
          3_000,
          limit,
          result(),
        );
        expect((first.amountOut + second.amountOut) / whole.amountOut, `swap ${i}`).toBeCloseTo(1, 9);
        expect(second.sqrtPriceAfter / whole.sqrtPriceAfter, `swap ${i}`).toBeCloseTo(1, 12);
      }
    });
  });
});
