import { describe, expect, it } from "vitest";
import { devnetStartPoint } from "../devnet/startPoint.ts";
import { ratesAndPoolsMarkdown } from "./ratesAndPools.ts";
import type { VaultSetup } from "./model/types.ts";

const { setup } = devnetStartPoint();

describe("The report's section on borrow rates and pools", () => {
  it("names each module's interest rate model and says the pools sit at the oracle by default", () => {
    const lines = ratesAndPoolsMarkdown({ model: { stress: [] }, inputs: { setup } });
    expect(lines.slice(0, 3)).toEqual(["", "## Borrow rates and pools", ""]);
    expect(lines).toContain(
      "- The collateral manager borrows USDC against WETH at Morpho Blue's IrmMock: the yearly rate is the market's utilization (0% at the start).",
    );
    expect(lines.some((l) => l.startsWith("- The hedge borrows WETH against USDC at Morpho Blue's IrmMock"))).toBe(
      true,
    );
    expect(lines.at(-1)).toContain("Pools at the oracle's price at every keeper cycle");
  });

  it("describes an adaptive-curve market from its rate at target, the rate spike, and lagging pools", () => {
    const adaptive: VaultSetup = {
      ...setup,
      collateral: {
        assetIndex: 1,
        market: { ...setup.collateral!.market, rate: { kind: "adaptiveCurve", rateAtTargetPerYear: 0.0412 } },
      },
    };
    const lines = ratesAndPoolsMarkdown({
      model: { stress: ["rate-spike"], poolGap: { kind: "arbitrageBand", thresholdBps: 10 } },
      inputs: { setup: adaptive },
    });
    expect(lines[3]).toContain("Morpho's AdaptiveCurveIrm: rate at target (at 90% utilization) 4.12% at the start");
    expect(lines[3]).toContain("between 0.1% and 200%");
    expect(lines).toContain(
      "- Stress `rate-spike`: every market charges at least 100% a year for 14 steps from the middle of the horizon.",
    );
    expect(lines.at(-1)).toContain("beyond its fee plus 10 bps");
  });
});
