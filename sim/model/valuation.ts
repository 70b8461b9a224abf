/**
 * What the vault is worth in its base asset: each holding's value at the oracle prices (collateral posted
 * included), NAV net of the collateral manager's debt and the hedge's short, and NAV at entry prices (what a deposit
 * is priced at).
 */
import type { KernelContext } from "./kernel.ts";
import type { Lending } from "./lending.ts";
import type { Prices } from "./prices.ts";
import { stateLayout } from "./stateVector.ts";
import { priceOfSqrt } from "./uniswapV3.ts";

// The layouts' offsets as this module's constants: an imported layout's field read in the hot loop is a chain of loads.
const { balances: BALANCES, cmCollateral: CM_COLLATERAL, hCollateral: H_COLLATERAL } = stateLayout;

export type Valuation = ReturnType<typeof createValuation>;

export function createValuation(context: KernelContext, lending: Lending, prices: Prices) {
  const {
    assetCount,
    collateralAsset,
    hedgeAsset,
    hasCollateral,
    hasHedge,
    pricesInBase,
    values,
    sqrtPrices,
    riskIsToken0,
  } = context;
  const { collateralDebt, hedgeShort } = lending;
  const { ensurePools } = prices;

  /** Fills `context.values` (each holding in base, collateral included) and returns their sum. */
  const fillValues = (vector: Float64Array) => {
    let gross = vector[BALANCES]!;
    values[0] = gross;
    for (let asset = 1; asset < assetCount; asset++) {
      let amount = vector[BALANCES + asset]!;
      if (asset === collateralAsset) amount += vector[CM_COLLATERAL]!;
      const value = amount * pricesInBase[asset]!;
      values[asset] = value;
      gross += value;
    }
    return gross;
  };

  /**
   * NAV from the holdings' gross value: less the collateral manager's debt, plus the hedge's net value (its short
   * valued at `shortPrice`).
   */
  const navOf = (vector: Float64Array, gross: number, shortPrice = hasHedge ? pricesInBase[hedgeAsset]! : 0) => {
    const debt = hasCollateral ? collateralDebt() : 0;
    let nav = gross > debt ? gross - debt : 0;
    if (hasHedge) {
      const value = nav + vector[H_COLLATERAL]!;
      const shortValue = hedgeShort() * shortPrice;
      nav = value > shortValue ? value - shortValue : 0;
    }
    return nav;
  };

  /** Fills `context.values` and returns NAV. */
  const valuesAndNav = (vector: Float64Array) => navOf(vector, fillValues(vector));

  /**
   * NAV at entry prices (PortfolioVault._entryPriceWad): each risk asset the vault holds at the higher of its oracle
   * price and its pool's, what the hedge owes at the lower.
   */
  const entryNavOf = (vector: Float64Array) => {
    ensurePools();
    let gross = vector[BALANCES]!;
    for (let asset = 1; asset < assetCount; asset++) {
      let amount = vector[BALANCES + asset]!;
      if (asset === collateralAsset) amount += vector[CM_COLLATERAL]!;
      if (amount === 0) continue;
      gross += amount * Math.max(pricesInBase[asset]!, priceOfSqrt(sqrtPrices[asset - 1]!, riskIsToken0[asset - 1]!));
    }
    if (!hasHedge) return navOf(vector, gross);
    return navOf(
      vector,
      gross,
      Math.min(pricesInBase[hedgeAsset]!, priceOfSqrt(sqrtPrices[hedgeAsset - 1]!, riskIsToken0[hedgeAsset - 1]!)),
    );
  };

  return { fillValues, navOf, valuesAndNav, entryNavOf };
}
