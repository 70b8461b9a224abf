import { describe, expect, it } from "vitest";
import { devnetStartPoint } from "../../devnet/startPoint.ts";
import { modelParameterNames, paramValue, paramsFromRegistry, validateParams, withChanges } from "./params.ts";

const { setup, params } = devnetStartPoint();
const symbols = setup.symbols;

describe("Strategy parameters by registry name", () => {
  it("reads a set from the registry's values, and names every parameter it needs", () => {
    const names = modelParameterNames(symbols);
    expect(names).toContain("weight.WETH");
    expect(names).toContain("poolFee.WBTC");
    expect(names).not.toContain("poolFee.USDC");
    const values = Object.fromEntries(
      names.map((n) => [
        n,
        BigInt(paramValue(params, n, symbols) === true ? 1 : Number(paramValue(params, n, symbols))),
      ]),
    );
    expect(paramsFromRegistry(values, symbols)).toEqual(params);
    const { "hedge.ltvBps": _, ...missing } = values;
    expect(() => paramsFromRegistry(missing, symbols)).toThrow("registry parameter hedge.ltvBps is missing");
  });

  it("applies a proposal's changes by name, and refuses a name the model does not know", () => {
    const next = withChanges(params, { "rebalance.bandBps": 400n, "weight.WETH": 3_500, "pause.leverage": 1 }, symbols);
    expect(next.bandBps).toBe(400);
    expect(next.weightsBps).toEqual([4_000, 3_500, 2_000]);
    expect(next.pauseLeverage).toBe(true);
    expect(params.bandBps).toBe(500); // the current set is untouched
    expect(() => withChanges(params, { "rebalance.bandbps": 400 }, symbols)).toThrow(
      "rebalance.bandbps is not a parameter the simulation models",
    );
    expect(() => withChanges(params, { "pause.leverage": 2 }, symbols)).toThrow(
      "pause.leverage must be true or false (or 0 or 1), got 2",
    );
  });

  it("refuses impossible sets with an error that names the parameter", () => {
    const check = (changes: Record<string, number>) => () =>
      validateParams(withChanges(params, changes, symbols), setup, "proposed parameters");
    expect(check({})).not.toThrow();
    expect(check({ "weight.WETH": 3_500 })).toThrow(
      "proposed parameters: weight.USDC + weight.WETH + weight.WBTC must sum to 10000 bps, got 4000 + 3500 + 2000 = 9500",
    );
    expect(check({ "collateral.targetLtvBps": 8_700, "collateral.maxLtvBps": 8_800 })).toThrow(
      "proposed parameters: collateral.targetLtvBps (8700) must be below the market's liquidation LTV (8600)",
    );
    expect(check({ "collateral.maxLtvBps": 9_000 })).toThrow(
      "proposed parameters: collateral.maxLtvBps (9000) must be below the market's liquidation LTV (8600)",
    );
    expect(check({ "hedge.ltvBps": 8_600 })).toThrow(
      "proposed parameters: hedge.ltvBps (8600) must be below the market's liquidation LTV (8600)",
    );
    expect(check({ "rebalance.minIntervalSec": -3_600 })).toThrow(
      "proposed parameters: rebalance.minIntervalSec must be at least 0 seconds, got -3600",
    );
    expect(check({ "rebalance.bandBps": 12.5 })).toThrow(
      "proposed parameters: rebalance.bandBps must be a whole number of bps, got 12.5",
    );
    expect(check({ "fees.managementBps": Number.NaN })).toThrow(
      "proposed parameters: fees.managementBps must be a whole number of bps, got NaN",
    );
  });
});
