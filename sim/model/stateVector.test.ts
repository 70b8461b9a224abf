import { describe, expect, it } from "vitest";
import { devnetStartPoint } from "../../devnet/startPoint.ts";
import {
  accumulatorLayout,
  decodeState,
  encodeState,
  positionLayout,
  resetAccumulators,
  stateLayout,
  stateSizeOf,
} from "./stateVector.ts";
import type { VaultState } from "./types.ts";

const start = devnetStartPoint();
const position = (debt: number) => ({
  collateral: 12.5,
  debt,
  marketSupplyAssets: 5_000_000,
  marketBorrowAssets: 2_000_000,
  marketLastUpdateSeconds: start.state.timeSeconds - 60,
});

describe("The state vector: a vault's state as the kernel's Float64Array", () => {
  it("holds the scalars, both modules' five slots, their markets' rates at target and one balance per asset, base last", () => {
    expect(stateSizeOf(start.setup)).toBe(stateLayout.balances + start.setup.symbols.length);
    expect(stateLayout.cmCollateral + positionLayout.lastUpdate).toBe(stateLayout.cmLastUpdate);
    expect(stateLayout.hCollateral + positionLayout.lastUpdate).toBe(stateLayout.hLastUpdate);
    expect(stateLayout.hLastUpdate + 1).toBe(stateLayout.cmRateAtTarget);
    expect(stateLayout.cmRateAtTarget + 1).toBe(stateLayout.hRateAtTarget);
    expect(stateLayout.hRateAtTarget + 1).toBe(stateLayout.balances);
  });

  it("reads back what it wrote: each debt as the module's share of its market's borrow", () => {
    const state: VaultState = { ...start.state, collateral: position(500_000), hedge: position(1_000_000) };
    const vector = encodeState(start.setup, state, new Float64Array(stateSizeOf(start.setup)).fill(7));
    expect(vector[stateLayout.cmShare]).toBe(0.25);
    expect(vector[stateLayout.hShare]).toBe(0.5);
    expect(decodeState(start.setup, vector, state.timeSeconds)).toEqual(state);
  });

  it("starts a module without a position with none, on its market as the setup describes it", () => {
    const vector = encodeState(
      start.setup,
      { ...start.state, collateral: undefined, hedge: undefined },
      new Float64Array(stateSizeOf(start.setup)),
    );
    const market = start.setup.collateral!.market;
    expect(decodeState(start.setup, vector, start.state.timeSeconds).collateral).toEqual({
      collateral: 0,
      debt: 0,
      marketSupplyAssets: market.totalSupplyAssets,
      marketBorrowAssets: market.totalBorrowAssets,
      marketLastUpdateSeconds: market.lastUpdateSeconds,
    });
  });

  it("starts a path's accumulators at zero, the lowest health factor at Infinity", () => {
    const acc = new Float64Array(accumulatorLayout.size).fill(3);
    resetAccumulators(acc);
    expect(acc[accumulatorLayout.minHealth]).toBe(Infinity);
    expect(acc.filter((value) => value !== 0)).toHaveLength(1);
  });
});
