import { describe, expect, it } from "vitest";
import { devnetMarketModel, devnetRuleRanges, devnetStartPoint } from "../../devnet/startPoint.ts";
import type { Difference } from "../intervals.ts";
import { advise, verdictOf, type AdvisorRequest } from "./advise.ts";
import { pointMetricBetter, type AdvisorPoint, type AdvisorResult } from "./types.ts";

const start = devnetStartPoint();
const market = devnetMarketModel();
const request: AdvisorRequest = {
  start,
  market,
  ranges: devnetRuleRanges(),
  proposed: { "rebalance.bandBps": 300, "collateral.targetLtvBps": 4_000 },
  models: [
    { name: "a wilder GBM", market: { ...market, volatilityPerYear: market.volatilityPerYear.map((v) => v * 1.5) } },
  ],
  paths: 80,
  steps: 60,
  population: 8,
  generations: 2,
  robustnessPaths: 40,
  // A 60% joint drop must not liquidate a module: some sets the search meets break it.
  ceilings: { liquidationProbability: 0.01, breakingDropAtLeast: 0.6 },
};

/** Every number anywhere in a value. */
const numbers = (value: unknown): number[] =>
  typeof value === "number"
    ? [value]
    : value !== null && typeof value === "object"
      ? Object.values(value).flatMap(numbers)
      : [];

const dominates = (a: AdvisorPoint, b: AdvisorPoint) =>
  a.metrics.returnMean >= b.metrics.returnMean &&
  a.metrics.cvar95 <= b.metrics.cvar95 &&
  (a.metrics.returnMean > b.metrics.returnMean || a.metrics.cvar95 < b.metrics.cvar95);

describe("the advisor", async () => {
  const result: AdvisorResult = await advise(request);
  const front = result.front.map((id) => result.evaluated[id]!);
  const feasible = result.evaluated.filter((p) => p.breaks.length === 0);

  it("evaluates the current set, the proposed one, and a population per generation", () => {
    expect(result.current.values).toEqual({
      "weight.WETH": 4_000,
      "weight.WBTC": 2_000,
      "rebalance.bandBps": 500,
      "rebalance.maxTradeBps": 1_000,
      "collateral.targetLtvBps": 3_000,
      "hedge.ratioBps": 5_000,
    });
    expect(result.proposed?.values["rebalance.bandBps"]).toBe(300);
    // The current and proposed sets, the rest of the start's population, and a population of new sets per generation.
    expect(result.evaluated.length).toBe(2 + 7 + 2 * 8);
    expect(result.algorithm).toMatch(/^NSGA-II \(population 8, 2 generations/);
  });

  it("puts on the front exactly the feasible sets no other feasible set dominates", () => {
    expect(front.length).toBeGreaterThan(0);
    for (const p of feasible) {
      const dominated = feasible.some((q) => q !== p && dominates(q, p));
      expect(result.front.includes(p.id)).toBe(!dominated);
    }
    expect(front.map((p) => p.metrics.cvar95)).toEqual([...front.map((p) => p.metrics.cvar95)].sort((a, b) => a - b));
  });

  it("keeps a set that breaks a ceiling off the front, saying which", () => {
    const breaking = result.evaluated.filter((p) => p.metrics.breakingDrop < 0.6);
    expect(breaking.length).toBeGreaterThan(0);
    for (const p of breaking) {
      expect(p.rank).toBeNull();
      expect(p.breaks.join()).toMatch(/joint drop liquidates a module \(at least 60% asked\)/);
    }
    for (const p of front) expect(p.breaks).toEqual([]);
  });

  it("says for each front point whether it beats the current set beyond every uncertainty", () => {
    for (const p of front.filter((p) => p.id !== result.current.id)) {
      const r = p.robustness!;
      expect(Object.keys(r.drift)).toEqual(["bear", "flat", "bull"]);
      expect(r.models.map((m) => m.name)).toEqual(["a wilder GBM"]);
      const all = [
        r.monteCarlo.verdict,
        ...Object.values(r.drift).map((d) => d.verdict),
        ...r.models.map((m) => m.verdict),
      ];
      expect(r.overall === "better").toBe(all.every((v) => v === "better"));
      expect(r.reason.length).toBeGreaterThan(0);
    }
  });

  it("says whether the current and proposed sets are dominated, by which front point, on every metric", () => {
    expect(result.dominance.map((d) => d.set)).toEqual(["current", "proposed"]);
    for (const d of result.dominance) {
      const set = d.set === "current" ? result.current : result.proposed!;
      expect(d.metrics.map((m) => m.metric)).toEqual(Object.keys(pointMetricBetter));
      const dominators = front.filter((p) => p.id !== set.id && dominates(p, set));
      expect(d.dominated).toBe(dominators.length > 0);
      if (d.by !== undefined) expect(dominators.map((p) => p.id)).toContain(d.by);
    }
  });

  it("holds no NaN or infinity, and gives the same answer for the same seed", async () => {
    expect(numbers(result).every(Number.isFinite)).toBe(true);
    expect(await advise(request)).toEqual(result);
  });
});

describe("the advisor's settings", () => {
  it("names the bad setting", async () => {
    const bad = (overrides: Partial<AdvisorRequest>) => advise({ ...request, ...overrides });
    await expect(bad({ ceilings: { liquidationProbability: 2 } })).rejects.toThrow(/^ceilings\.liquidationProbability/);
    await expect(bad({ ceilings: { breakingDropAtLeast: -0.1 } })).rejects.toThrow(/^ceilings\.breakingDropAtLeast/);
    await expect(bad({ population: 2 })).rejects.toThrow(/^population must be a whole number/);
    await expect(bad({ robustnessPaths: 500 })).rejects.toThrow(/^robustnessPaths must be a whole number from 2 to 80/);
    await expect(bad({ parameters: ["nope"] })).rejects.toThrow(/parameters: nope is not a parameter/);
    await expect(bad({ proposed: { "rebalance.bandBps": true } })).rejects.toThrow(
      /rebalance\.bandBps must be a number/,
    );
    await expect(bad({ proposed: { "collateral.targetLtvBps": 6_000 } })).rejects.toThrow(
      /^proposed: collateral\.targetLtvBps \(6000\) must not exceed collateral\.maxLtvBps \(4500\)/,
    );
  });

  it("stops at its signal", async () => {
    await expect(advise(request, undefined, { signal: AbortSignal.abort(new Error("stop")) })).rejects.toThrow("stop");
  });
});

describe("a verdict against the current set", () => {
  const d = (low95: number, high95: number): Difference => ({
    estimate: (low95 + high95) / 2,
    low95,
    high95,
    method: "paired-bootstrap",
  });
  it("is better when one objective is better beyond its interval and the other not worse", () => {
    expect(verdictOf(d(0.01, 0.02), d(-0.01, 0.01))).toBe("better");
    expect(verdictOf(d(-0.01, 0.01), d(-0.03, -0.01))).toBe("better");
  });
  it("is a trade-off when one is better and the other worse, can't tell when neither is told apart", () => {
    expect(verdictOf(d(0.01, 0.02), d(0.01, 0.02))).toBe("trade-off");
    expect(verdictOf(d(-0.01, 0.01), d(-0.01, 0.01))).toBe("can't tell");
    expect(verdictOf(d(-0.02, -0.01), d(-0.01, 0.01))).toBe("worse");
  });
});
