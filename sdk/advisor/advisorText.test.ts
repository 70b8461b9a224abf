import { describe, expect, it } from "vitest";
import { dominanceOf } from "../../sim/advisor/advise.ts";
import { devnetCatalogSnapshot } from "../proposal/registry.ts";
import { advisorResultFixture as result } from "./advisorResult.fixture.ts";
import { advisorText, dominanceText, frontTable, glidePathText, robustnessText, showMetric } from "./advisorText.ts";
import { glidePath } from "./glidePath.ts";

const now = 1_800_000_000;
const units = devnetCatalogSnapshot(now);

describe("advisorText", () => {
  it("writes fractions as percentages and fees in the base asset", () => {
    expect(showMetric("cvar95", 0.1834, units)).toBe("18.34%");
    expect(showMetric("feesBase", 1234.5, units)).toBe("1,234.50 USDC");
  });

  it("tables the front by ascending tail risk, with each point's metrics, robustness and searched values in their units, then the current set", () => {
    const lines = frontTable(result, units).split("\n");
    expect(lines[0]!.split(/\s{2,}/)).toEqual([
      "point",
      "expected return",
      "CVaR 95",
      "liquidation probability",
      "breaking drop",
      "robustness",
      "weight.WETH",
      "weight.WBTC",
      "rebalance.bandBps",
      "collateral.targetLtvBps",
      "hedge.ratioBps",
    ]);
    expect(lines.slice(2).map((l) => l.split(/\s{2,}/))).toEqual([
      ["5", "2.00%", "10.00%", "0.00%", "50.00%", "trade-off", "20%", "10%", "5%", "10%", "80%"],
      ["3", "5.00%", "18.00%", "0.00%", "42.00%", "better", "60%", "5%", "10%", "40%", "30%"],
      ["current (0)", "3.00%", "20.00%", "0.00%", "50.00%", "(current)", "40%", "20%", "5%", "30%", "50%"],
    ]);
  });

  it("says which front point dominates the current set, metric by metric, and which is better on each", () => {
    const text = dominanceText(result, result.dominance[0]!, units);
    expect(text).toMatch(/^The current set is dominated by point 3:/);
    const rows = text.split("\n").slice(3);
    expect(rows.map((r) => r.split(/\s{2,}/))).toContainEqual(["CVaR 95", "20.00%", "18.00%", "point 3 better"]);
    expect(rows.map((r) => r.split(/\s{2,}/))).toContainEqual([
      "breaking drop",
      "50.00%",
      "42.00%",
      "the current set better",
    ]);
    expect(rows).toHaveLength(10);
  });

  it("says when a set is not dominated", () => {
    const safest = result.evaluated.find((p) => p.id === 5)!;
    const front = result.front.map((id) => result.evaluated.find((p) => p.id === id)!);
    expect(dominanceText(result, { ...dominanceOf("proposed", safest, front) }, units)).toBe(
      "The proposed set is not dominated: no front point has a higher expected return and a lower CVaR 95 than it.",
    );
  });

  it("gives each front point's robustness verdict and reason", () => {
    expect(robustnessText(result).split("\n")).toEqual([
      "point 5: trade-off: not better beyond uncertainty: trade-off on the search's paths",
      "point 3: better: beats the current set beyond Monte Carlo error on the search's paths",
    ]);
  });

  it("puts the algorithm, the ceilings, the front, the dominance and the robustness in one text", () => {
    const text = advisorText(result, units);
    expect(text.split("\n").slice(0, 2)).toEqual([
      "NSGA-II (population 4, 1 generations) on the same 200 paths × 30 steps.",
      "Ceilings: liquidation probability at most 1%; breaking drop at least 30% (1 of 4 sets break one).",
    ]);
    for (const part of [
      frontTable(result, units),
      dominanceText(result, result.dominance[0]!, units),
      robustnessText(result),
    ])
      expect(text).toContain(part);
  });

  it("lists a glide path's steps with each change, its earliest execution and why", () => {
    const steps = glidePath(units, { "rebalance.bandBps": 1_000n });
    expect(glidePathText(steps, units).split("\n")).toEqual([
      "step 1 of 2: executes from 2027-01-21T08:00:00Z (waits for the vote and the timelock of a proposal submitted now)",
      "  rebalance.bandBps: 5% → 7.5%",
      "step 2 of 2: executes from 2027-01-22T08:00:00Z (waits for the min interval (1d) of rebalance.bandBps since step 1)",
      "  rebalance.bandBps: 7.5% → 10%",
    ]);
    expect(glidePathText([], units)).toBe("Every target value is already in force: no proposal is needed.");
  });
});
