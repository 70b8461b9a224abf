import { describe, expect, it } from "vitest";
import { taylorGrowth } from "./lending.ts";
import { liquidationIncentive } from "./liquidations.ts";

describe("Morpho Blue's interest and liquidation math", () => {
  it("compounds interest as Morpho's wTaylorCompounded: e^x − 1 to the third order", () => {
    expect(taylorGrowth(0)).toBe(0);
    // A year at 10%: 0.1 + 0.1²/2 + 0.1³/6, short of e^0.1 − 1 by the series' rest (0.1⁴/24 and less).
    expect(taylorGrowth(0.1)).toBeCloseTo(0.1 + 0.005 + 0.001 / 6, 15);
    expect(Math.expm1(0.1) - taylorGrowth(0.1)).toBeGreaterThan(0.1 ** 4 / 24);
    expect(Math.expm1(0.1) - taylorGrowth(0.1)).toBeLessThan(0.1 ** 4 / 24 + 0.1 ** 5 / 100);
  });

  it("pays liquidators min(1.15, 1 / (1 − 0.3 · (1 − lltv))) of what they repay", () => {
    expect(liquidationIncentive(0.86)).toBeCloseTo(1 / (1 - 0.3 * 0.14), 12);
    expect(liquidationIncentive(0.945)).toBeCloseTo(1.0168, 4);
    expect(liquidationIncentive(0.3)).toBe(1.15);
  });
});
