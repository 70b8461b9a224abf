import { describe, expect, it } from "vitest";
import {
  addExcessReturns,
  createExcessReturnSums,
  pooledSharpe,
  pooledSortino,
  riskFreePerStep,
} from "./pooledRatios.ts";
import { mean, sharpeRatio, sortinoRatio, standardDeviation } from "./stats.ts";

/** The share prices of a path with these step returns, from 1. */
const pricesOf = (returns: number[]) => returns.reduce((prices, r) => [...prices, prices.at(-1)! * (1 + r)], [1]);

/** The pooled sums of paths given by their step returns. */
function pooled(paths: number[][], riskFree = 0) {
  const sums = createExcessReturnSums();
  for (const returns of paths) addExcessReturns(sums, pricesOf(returns), returns.length, riskFree);
  return sums;
}

describe("Sharpe and Sortino pooled over paths, in excess of a risk-free rate", () => {
  it("equal the ratios of every step return of every path taken as one series", () => {
    const paths = [
      [0.01, -0.02, 0.03, 0.005],
      [-0.01, 0.04, -0.03, 0.002],
      [0.02, 0.01, -0.015, -0.005],
    ];
    const options = { stepsPerYear: 365, riskFreePerYear: 0.04 };
    const sums = pooled(paths, riskFreePerStep(0.04, 365));
    expect(pooledSharpe(sums, 365)).toBeCloseTo(sharpeRatio(paths.flat(), options), 10);
    expect(pooledSortino(sums, 365)).toBeCloseTo(sortinoRatio(paths.flat(), options), 10);
  });

  it("rank a hedge that cuts volatility and raises return above the unhedged vault, where per-path averaging does not", () => {
    // Unhedged: one smooth winning path (a huge per-path Sharpe) and one volatile losing one.
    const unhedged = [
      [0.1, 0.11],
      [-0.1, -0.3],
    ];
    // Hedged: half the moves on the winning path, a much smaller loss on the losing one.
    const hedged = [
      [0.05, 0.07],
      [-0.05, -0.01],
    ];
    // The hedge raises the mean step return and cuts its deviation over all outcomes…
    expect(mean(hedged.flat())).toBeGreaterThan(mean(unhedged.flat()));
    expect(standardDeviation(hedged.flat())).toBeLessThan(standardDeviation(unhedged.flat()));
    // …yet the mean of per-path Sharpe ratios says it is worse (4.2 and −1.1 against 14.8 and −1.4, per step)…
    const perPath = (paths: number[][]) => mean(paths.map((r) => sharpeRatio(r, { stepsPerYear: 1 })));
    expect(perPath(hedged)).toBeLessThan(perPath(unhedged));
    // …while the pooled ratios say it is better.
    expect(pooledSharpe(pooled(hedged), 1)).toBeGreaterThan(pooledSharpe(pooled(unhedged), 1));
    expect(pooledSortino(pooled(hedged), 1)).toBeGreaterThan(pooledSortino(pooled(unhedged), 1));
  });

  it("count returns in excess of the risk-free rate: a vault earning exactly the rate has a Sharpe of 0 or less", () => {
    const riskFree = riskFreePerStep(0.04, 365);
    const atTheRate = [Array.from({ length: 10 }, (_, k) => riskFree + (k % 2 === 0 ? 0.001 : -0.001))];
    expect(pooledSharpe(pooled(atTheRate, riskFree), 365)).toBeCloseTo(0, 10);
    expect(pooledSharpe(pooled(atTheRate), 365)).toBeGreaterThan(1);
    expect(pooledSharpe(pooled([[0.01, 0.01]]), 365)).toBe(0); // returns that do not vary
    expect(pooledSortino(pooled([[0.01, 0.02]]), 365)).toBe(0); // nothing below the rate
  });

  it("refuses a risk-free rate that is not a yearly fraction within −5% and 50%, naming it", () => {
    expect(() => riskFreePerStep(4, 365)).toThrow(
      "riskFreePerYear must be a yearly rate from -0.05 to 0.5 (a fraction: 0.04 is 4%), got 4",
    );
    expect(() => riskFreePerStep(Number.NaN, 365)).toThrow("riskFreePerYear must be a yearly rate");
    expect(riskFreePerStep(0.0365, 365)).toBeCloseTo(0.0001, 15);
  });
});
