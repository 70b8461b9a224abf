/**
 * SwapLib's fills on a risk asset's Uniswap V3 pool: within the slippage and deviation bounds (rebalances, the
 * hedge), or exact input with a minimum output alone (exits, repayments from collateral), and the de-risking bound.
 * Every fill is left in `context.swap`.
 */
import { basisPoints, paramLayout, type KernelContext } from "./kernel.ts";
import { accumulatorLayout } from "./stateVector.ts";
import { priceOfSqrt, sqrtPriceOf, swapAcrossTicks } from "./uniswapV3.ts";

// Basis points and the layouts' offsets as this module's constants: an imported one read in the hot loop is a chain
// of loads.
const { whole: BPS, inverse: INV_BPS } = basisPoints;
const { maxDeviationBps: MAX_DEVIATION_BPS, maxSlippageBps: MAX_SLIPPAGE_BPS } = paramLayout;
const { poolFees: POOL_FEES, slippage: SLIPPAGE } = accumulatorLayout;
const PER_PPM = 1e-6;

/** SwapLib's DERISK_SLIPPAGE_OVER_FEE_BPS: exits and deleverages accept at least the pool fee plus this. */
const DERISK_SLIPPAGE_OVER_FEE_BPS = 20;
/** SwapLib's ROUNDING_WEI: units of input, and of output, a fill may lose to the pool's roundings. */
export const ROUNDING_UNITS = 2;

export type Swaps = ReturnType<typeof createSwaps>;

export function createSwaps(context: KernelContext) {
  const { params, poolFeesPpm, pricesInBase, riskIsToken0, poolCurves, unitSizes, sqrtPrices, trialSqrtPrices, swap } =
    context;

  /**
   * SwapLib.swapWithinSlippage on risk asset `risk`'s pool at `trialSqrtPrices`: fills up to `amountIn` until the
   * pool's marginal price is the slippage bound less the pool fee away from the oracle. Sets `swap`; returns false
   * when the transaction would revert (pool price past the deviation bound, or a fill below the minimum output less
   * the pool's roundings: SwapLib.ROUNDING_WEI units of input and of output).
   */
  const swapWithinSlippage = (
    risk: number,
    sellRisk: boolean,
    amountIn: number,
    slippageBps = params[MAX_SLIPPAGE_BPS]!,
    deviationBps = params[MAX_DEVIATION_BPS]!,
  ) => {
    swap.amountIn = 0;
    swap.amountOut = 0;
    const oracle = pricesInBase[risk + 1]!;
    const token0 = riskIsToken0[risk]!;
    const sqrtNow = trialSqrtPrices[risk]!;
    const poolPrice = priceOfSqrt(sqrtNow, token0);
    const gap = poolPrice > oracle ? poolPrice - oracle : oracle - poolPrice;
    if (gap * BPS > oracle * deviationBps) return false;
    const feeBps = Math.floor(poolFeesPpm[risk]! / 100);
    if (slippageBps <= feeBps || amountIn <= 0) return true;
    const limit = sellRisk
      ? oracle * (BPS - (slippageBps - feeBps)) * INV_BPS
      : oracle * (BPS + slippageBps - feeBps) * INV_BPS;
    if (sellRisk ? poolPrice <= limit : poolPrice >= limit) return true;
    // Selling the risk asset lowers its price: token0 in when it is token0, token1 in otherwise.
    const zeroForOne = sellRisk === token0;
    swapAcrossTicks(
      poolCurves[risk]!,
      sqrtNow,
      zeroForOne,
      amountIn,
      poolFeesPpm[risk]!,
      sqrtPriceOf(limit, token0),
      swap,
    );
    trialSqrtPrices[risk] = swap.sqrtPriceAfter;
    const unitIn = sellRisk ? unitSizes[risk + 1]! : unitSizes[0]!;
    const unitOut = sellRisk ? unitSizes[0]! : unitSizes[risk + 1]!;
    const usedLessRounding = Math.max(swap.amountIn - ROUNDING_UNITS * unitIn, 0);
    const fair = sellRisk ? usedLessRounding * oracle : usedLessRounding / oracle;
    return swap.amountOut + ROUNDING_UNITS * unitOut >= fair * (BPS - slippageBps) * INV_BPS;
  };

  /**
   * An exact-input sale of `amountIn` of risk asset `risk` on its pool at `sqrtPrices`, with no price limit
   * (SwapLib.swapExact): the minimum output is the only bound. Sets `swap`.
   */
  const sellExact = (risk: number, amountIn: number) => {
    const token0 = riskIsToken0[risk]!;
    const sqrtNow = sqrtPrices[risk]!;
    swapAcrossTicks(
      poolCurves[risk]!,
      sqrtNow,
      token0,
      amountIn,
      poolFeesPpm[risk]!,
      token0 ? sqrtNow * 1e-6 : sqrtNow * 1e6,
      swap,
    );
  };

  /** SwapLib.deriskSlippageBps for risk asset `risk`'s pool: the slippage bound of exits and deleverages. */
  const deriskSlippage = (risk: number) =>
    Math.max(params[MAX_SLIPPAGE_BPS]!, Math.floor(poolFeesPpm[risk]! / 100) + DERISK_SLIPPAGE_OVER_FEE_BPS);

  /** What `costOfFill` found: the pool fee and the slippage of the last fill, in base-asset value. */
  const fillCost = new Float64Array(2);

  /**
   * The cost of the fill in `swap` on risk asset `risk`'s pool, valued at the oracle's price, into `fillCost`: the
   * pool fee (the fee tier on the input) and the slippage (the rest of the input's value the output falls short by:
   * price impact, and any gap between the pool and the oracle). Reads the state; changes nothing else.
   */
  const costOfFill = (risk: number, sellRisk: boolean) => {
    const oracle = pricesInBase[risk + 1]!;
    const valueIn = sellRisk ? swap.amountIn * oracle : swap.amountIn;
    const valueOut = sellRisk ? swap.amountOut : swap.amountOut * oracle;
    const fee = valueIn * poolFeesPpm[risk]! * PER_PPM;
    fillCost[0] = fee;
    fillCost[1] = valueIn - valueOut - fee;
  };

  /** `costOfFill` charged to the accumulators' pool fees and slippage; returns their sum. */
  const chargeFill = (acc: Float64Array, risk: number, sellRisk: boolean) => {
    costOfFill(risk, sellRisk);
    acc[POOL_FEES] = acc[POOL_FEES]! + fillCost[0]!;
    acc[SLIPPAGE] = acc[SLIPPAGE]! + fillCost[1]!;
    return fillCost[0]! + fillCost[1]!;
  };

  return { swapWithinSlippage, sellExact, deriskSlippage, costOfFill, chargeFill, fillCost };
}
