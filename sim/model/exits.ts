/**
 * Holders entering and leaving between keeper cycles: PortfolioVault.deposit (shares at entry prices, after the
 * fees), redeemInKind (the shares' part of each token, their part of the modules' debts repaid from it and the
 * collateral that frees) and redeem (the same, each risk part then sold on its pool, all or nothing).
 */
import type { Fees } from "./fees.ts";
import { basisPoints, type KernelContext } from "./kernel.ts";
import type { Lending } from "./lending.ts";
import type { Prices } from "./prices.ts";
import { stateLayout } from "./stateVector.ts";
import type { Swaps } from "./swaps.ts";
import type { Valuation } from "./valuation.ts";

// Basis points and the layouts' offsets as this module's constants: an imported one read in the hot loop is a chain
// of loads.
const { whole: BPS, inverse: INV_BPS } = basisPoints;
const {
  balances: BALANCES,
  cmCollateral: CM_COLLATERAL,
  hCollateral: H_COLLATERAL,
  highWaterMark: HIGH_WATER_MARK,
  supply: SUPPLY,
} = stateLayout;

/** A withdrawal's arguments: the state vector, USD prices `usd[offset + asset]`, its time, the shares redeemed, where
 * to write the amounts paid (base first, whole tokens) and the accumulators the fees go into. */
export type ExitArgs = [
  vector: Float64Array,
  usd: Float64Array,
  offset: number,
  timeSeconds: number,
  shares: number,
  out: Float64Array,
  acc: Float64Array,
];

export type Exits = ReturnType<typeof createExits>;

export function createExits(
  context: KernelContext,
  lending: Lending,
  prices: Prices,
  valuation: Valuation,
  fees: Fees,
  swaps: Swaps,
) {
  const {
    assetCount,
    virtualUnit,
    hasCollateral,
    hasHedge,
    collateralAsset,
    hedgeAsset,
    collateralFixedRatePerSecond,
    hedgeFixedRatePerSecond,
    pricesInBase,
    sqrtPrices,
    swap,
    cycleSeconds,
  } = context;
  const { refreshDebts, repay, collateralDebt, hedgeShort } = lending;
  const { setPrices, forgetPrices, ensurePools, exitMovedPools } = prices;
  const { valuesAndNav, entryNavOf } = valuation;
  const { accrueFees, accrueManagementFee } = fees;
  const { sellExact, deriskSlippage } = swaps;

  const deposit = (
    vector: Float64Array,
    usd: Float64Array,
    offset: number,
    timeSeconds: number,
    assets: number,
    acc: Float64Array,
  ) => {
    refreshDebts(vector, timeSeconds);
    cycleSeconds[0] = timeSeconds;
    forgetPrices();
    setPrices(usd, offset);
    accrueFees(vector, timeSeconds, acc);
    const nav = valuesAndNav(vector);
    const entryNav = entryNavOf(vector);
    const supply = vector[SUPPLY]!;
    const shares = (assets * (supply + virtualUnit)) / (entryNav + virtualUnit);
    vector[BALANCES] = vector[BALANCES]! + assets;
    vector[SUPPLY] = supply + shares;
    // PortfolioVault._afterEntry: the first holders' price starts the high-water mark.
    if (supply === 0) vector[HIGH_WATER_MARK] = (nav + assets + virtualUnit) / (shares + virtualUnit);
    return shares;
  };

  const redeemInKind = (
    vector: Float64Array,
    usd: Float64Array,
    offset: number,
    timeSeconds: number,
    shares: number,
    out: Float64Array,
    acc: Float64Array,
    exitPricesValid = true,
  ) => {
    refreshDebts(vector, timeSeconds);
    cycleSeconds[0] = NaN;
    forgetPrices();
    if (exitPricesValid) {
      setPrices(usd, offset);
      accrueFees(vector, timeSeconds, acc);
    } else {
      accrueManagementFee(vector, timeSeconds);
    }
    // ExitPlanLib.plan: every repayment from the redeemer's own amounts before any collateral is counted in.
    const part = shares / (vector[SUPPLY]! + virtualUnit);
    for (let asset = 0; asset < assetCount; asset++) {
      out[asset] = vector[BALANCES + asset]! * part;
      vector[BALANCES + asset] = vector[BALANCES + asset]! - out[asset]!;
    }
    let released = 0;
    if (hasCollateral) {
      const debtPart = collateralDebt() * part;
      const repaid = Math.min(out[0]!, debtPart);
      released = vector[CM_COLLATERAL]! * part * (debtPart > 0 ? repaid / debtPart : 1);
      out[0] = out[0]! - repaid;
      if (repaid > 0) repay(vector, CM_COLLATERAL, collateralFixedRatePerSecond, timeSeconds, repaid, 1);
      vector[CM_COLLATERAL] = vector[CM_COLLATERAL]! - released;
    }
    if (hasHedge) {
      const shortPart = hedgeShort() * part;
      const repaid = Math.min(out[hedgeAsset]!, shortPart);
      const margin = vector[H_COLLATERAL]! * part * (shortPart > 0 ? repaid / shortPart : 1);
      out[hedgeAsset] = out[hedgeAsset]! - repaid;
      if (repaid > 0)
        repay(vector, H_COLLATERAL, hedgeFixedRatePerSecond, timeSeconds, repaid, pricesInBase[hedgeAsset]!);
      vector[H_COLLATERAL] = vector[H_COLLATERAL]! - margin;
      out[0] = out[0]! + margin;
    }
    if (hasCollateral) out[collateralAsset] = out[collateralAsset]! + released;
    vector[SUPPLY] = vector[SUPPLY]! - shares;
  };

  const redeem = (...args: ExitArgs) => {
    const [vector, , offset, , , out, acc] = args;
    // All or nothing, as a transaction: what a revert puts back (a withdrawal is no hot path).
    const [savedVector, savedAcc, savedSqrtPrices] = [vector.slice(), acc.slice(), sqrtPrices.slice()];
    redeemInKind(...args);
    ensurePools();
    let assets = out[0]!;
    for (let asset = 1; asset < assetCount; asset++) {
      const amountIn = out[asset]!;
      if (amountIn === 0) continue;
      const risk = asset - 1;
      sellExact(risk, amountIn);
      if (swap.amountOut < amountIn * pricesInBase[asset]! * (BPS - deriskSlippage(risk)) * INV_BPS) {
        vector.set(savedVector);
        acc.set(savedAcc);
        sqrtPrices.set(savedSqrtPrices);
        // The pools stand where the step's arbitrageurs left them: at the feeds' prices.
        forgetPrices();
        return -1;
      }
      sqrtPrices[risk] = swap.sqrtPriceAfter;
      assets += swap.amountOut;
    }
    exitMovedPools(offset);
    return assets;
  };

  return { deposit, redeemInKind, redeem };
}
