import { describe, expect, it } from "vitest";
import { devnetRuleRanges, devnetStartPoint } from "../../devnet/startPoint.ts";
import { paramValue } from "../model/params.ts";
import { defaultAdvisorParameters, pointAt, searchSpace } from "./space.ts";

const start = devnetStartPoint();
const symbols = start.setup.symbols;
const ranges = devnetRuleRanges();
const baseWeight = ranges["weight.USDC"]!;

describe("the search space", () => {
  it("is each parameter between its rules' min and max, narrowed by the contracts' limits", () => {
    const space = searchSpace(ranges, start);
    expect(space.map((d) => d.name)).toEqual(defaultAdvisorParameters(symbols));
    expect(space.find((d) => d.name === "rebalance.bandBps")).toEqual({
      name: "rebalance.bandBps",
      min: 100,
      max: 2_000,
    });
    // The rules allow 70%, but the target LTV may not pass the max LTV left in force (45%).
    expect(space.find((d) => d.name === "collateral.targetLtvBps")!.max).toBe(start.params.collateral.maxLtvBps);
  });

  it("names each parameter it cannot search and says why", () => {
    expect(() => searchSpace(ranges, start, ["weight.USDC"])).toThrow(/weight\.USDC is the remainder/);
    expect(() => searchSpace(ranges, start, ["pause.rebalance"])).toThrow(/pause\.rebalance is a pause/);
    expect(() => searchSpace(ranges, start, ["caps.depositCap"])).toThrow(
      /caps\.depositCap is not a parameter the simulation models/,
    );
    expect(() => searchSpace({}, start, ["rebalance.bandBps"])).toThrow(
      /rebalance\.bandBps has no rules in the registry/,
    );
    expect(() => searchSpace(ranges, start, ["hedge.ratioBps", "hedge.ratioBps"])).toThrow(
      /hedge\.ratioBps is named twice/,
    );
    expect(() =>
      searchSpace({ ...ranges, "rebalance.bandBps": { min: 500, max: 500 } }, start, ["rebalance.bandBps"]),
    ).toThrow(/rebalance\.bandBps can only be 500/);
    expect(() => searchSpace(ranges, start, [])).toThrow(/at least one parameter/);
  });
});

describe("the set at a point", () => {
  const space = searchSpace(ranges, start);
  const names = space.map((d) => d.name);
  const set = (values: Record<string, number>) =>
    pointAt(
      names.map((n) => values[n]!),
      space,
      start,
      baseWeight,
    );

  it("gives the base asset the weight the risk assets leave, so weights sum to 10000 bps", () => {
    const made = set({
      "weight.WETH": 3_000,
      "weight.WBTC": 2_500,
      "rebalance.bandBps": 700,
      "rebalance.maxTradeBps": 1_200,
      "collateral.targetLtvBps": 2_000,
      "hedge.ratioBps": 4_000,
    });
    if ("problem" in made) throw new Error(made.problem);
    expect(made.params.weightsBps).toEqual([4_500, 3_000, 2_500]);
    expect(paramValue(made.params, "rebalance.bandBps", symbols)).toBe(700);
  });

  it("scales risk weights that leave no room for the base back, keeping their proportions", () => {
    const made = set({
      "weight.WETH": 9_000,
      "weight.WBTC": 3_000,
      "rebalance.bandBps": 700,
      "rebalance.maxTradeBps": 1_200,
      "collateral.targetLtvBps": 2_000,
      "hedge.ratioBps": 4_000,
    });
    if ("problem" in made) throw new Error(made.problem);
    const [base, weth, wbtc] = made.params.weightsBps;
    expect(base! + weth! + wbtc!).toBe(10_000);
    expect(weth! / wbtc!).toBeCloseTo(3, 2);
    expect(made.values.slice(0, 2)).toEqual([weth, wbtc]);
  });

  it("says what is wrong when no valid set is at the point", () => {
    const made = pointAt([5_000, 5_000, 700, 1_200, 2_000, 4_000], space, start, { min: 2_000, max: 10_000 });
    expect(made).not.toHaveProperty("problem");
    const tooMuchBase = pointAt([1_000, 1_000, 700, 1_200, 2_000, 4_000], space, start, { min: 0, max: 500 });
    expect(tooMuchBase).toEqual({ problem: "weight.USDC would be 8000 bps, outside its rules (0–500)" });
  });
});
