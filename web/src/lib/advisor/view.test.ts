import { describe, expect, it } from "vitest";
import { advisorResultFixture as result } from "../../../../sdk/advisor/advisorResult.fixture.ts";
import { compareMetrics, formatDifference, metricLabel, scatterPoints } from "./view.ts";

const units = { baseSymbol: "USDC", baseDecimals: 6 };

describe("the advisor's plot points", () => {
  it("draws each set as its kind: the current set, the front, the infeasible ones; x tail risk, y expected return", () => {
    const points = scatterPoints(result);
    expect(points.map((p) => [p.id, p.kind, p.x, p.y, p.label])).toEqual([
      [0, "current", 0.2, 0.03, "Current"],
      [3, "front", 0.18, 0.05, undefined],
      [5, "front", 0.1, 0.02, undefined],
      [7, "infeasible", 0.3, 0.09, undefined],
    ]);
  });

  it("names each point with its metrics, the ceilings an infeasible one breaks, and the front for a labelled set on it", () => {
    const points = scatterPoints({ ...result, current: { ...result.current, rank: 0 } });
    expect(points[1]!.description).toBe("Front point #3: expected return 5.00%, tail risk (CVaR 95) 18.00%");
    expect(points[3]!.description).toBe(
      "Infeasible set #7: expected return 9.00%, tail risk (CVaR 95) 30.00%; breaks: liquidation probability 4% is above 1%",
    );
    const onFront = scatterPoints({
      ...result,
      evaluated: [{ ...result.current, rank: 0 }, ...result.evaluated.slice(1)],
    });
    expect(onFront[0]!.description).toMatch(/^Current set #0, on the front: expected return 3\.00%/);
  });

  it("labels the proposed set", () => {
    const proposed = result.evaluated[2]!;
    const points = scatterPoints({ ...result, proposed });
    expect(points.find((p) => p.id === proposed.id)).toMatchObject({ kind: "proposed", label: "Proposed" });
  });
});

describe("a point against the current set", () => {
  it("compares every metric, reading each for holders (higher return better, lower tail risk better)", () => {
    const rows = compareMetrics(result.evaluated[1]!, result.current, units);
    expect(rows).toHaveLength(10);
    const row = (metric: string) => rows.find((r) => r.metric === metric)!;
    expect(row("returnMean")).toEqual({
      metric: "returnMean",
      label: "Expected return",
      current: "3.00%",
      point: "5.00%",
      difference: "+2.00%",
      reads: "better",
    });
    expect(row("cvar95")).toMatchObject({ difference: "-2.00%", reads: "better" });
    expect(row("breakingDrop")).toMatchObject({ current: "50.00%", point: "42.00%", reads: "worse" });
    expect(row("feesBase")).toMatchObject({ current: "1,234.50 USDC", difference: "0.00 USDC", reads: "same" });
  });

  it("writes a paired difference with its interval, signed", () => {
    expect(formatDifference({ estimate: 0.0042, low95: -0.001, high95: 0.0095, method: "paired-bootstrap" })).toBe(
      "+0.42% (-0.10% to +0.95%)",
    );
    expect(metricLabel("cvar95")).toBe("CVaR 95");
  });
});
