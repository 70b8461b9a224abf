/**
 * A small advisor answer on the devnet's registry, written by hand, for the tests of its text and glide path files:
 * the current set (point 0), point 3 that dominates it (more return, less CVaR 95) and is robustly better, point 5 of
 * least tail risk (a trade-off), and point 7 that breaks a ceiling.
 */
import { dominanceOf } from "../../sim/advisor/advise.ts";
import type { AdvisorPoint, AdvisorResult, PointMetrics, Robustness, Verdict } from "../../sim/advisor/types.ts";

const space = [
  { name: "weight.WETH", min: 0, max: 10_000 },
  { name: "weight.WBTC", min: 0, max: 10_000 },
  { name: "rebalance.bandBps", min: 100, max: 2_000 },
  { name: "collateral.targetLtvBps", min: 0, max: 4_500 },
  { name: "hedge.ratioBps", min: 0, max: 10_000 },
];

const metrics = (returnMean: number, cvar95: number, extra: Partial<PointMetrics> = {}): PointMetrics => ({
  returnMean,
  returnMedian: returnMean,
  cvar95,
  cvar99: cvar95 * 1.3,
  volatility: 0.2,
  maxDrawdownP95: 0.25,
  liquidationProbability: 0,
  turnover: 0.5,
  feesBase: 1_234.5,
  breakingDrop: 0.5,
  ...extra,
});

const difference = (estimate: number) => ({
  estimate,
  low95: estimate - 0.001,
  high95: estimate + 0.001,
  method: "paired-bootstrap" as const,
});

const robustness = (overall: Verdict, reason: string): Robustness => {
  const entry = { verdict: overall, returnMean: difference(0.01), cvar95: difference(-0.01) };
  return { overall, reason, monteCarlo: entry, drift: { bear: entry, flat: entry, bull: entry }, models: [] };
};

const point = (
  id: number,
  values: [number, number, number, number, number],
  pointMetrics: PointMetrics,
  extra: Partial<AdvisorPoint> = {},
): AdvisorPoint => ({
  id,
  values: Object.fromEntries(space.map((d, i) => [d.name, values[i]!])),
  metrics: pointMetrics,
  breaks: [],
  rank: 1,
  ...extra,
});

const current = point(0, [4_000, 2_000, 500, 3_000, 5_000], metrics(0.03, 0.2));
const dominating = point(3, [6_000, 500, 1_000, 4_000, 3_000], metrics(0.05, 0.18, { breakingDrop: 0.42 }), {
  rank: 0,
  robustness: robustness("better", "beats the current set beyond Monte Carlo error on the search's paths"),
});
const safest = point(5, [2_000, 1_000, 500, 1_000, 8_000], metrics(0.02, 0.1), {
  rank: 0,
  robustness: robustness("trade-off", "not better beyond uncertainty: trade-off on the search's paths"),
});
const breaking = point(7, [7_000, 2_000, 2_000, 4_500, 0], metrics(0.09, 0.3, { liquidationProbability: 0.04 }), {
  rank: null,
  breaks: ["liquidation probability 4% is above 1%"],
});

export const advisorResultFixture: AdvisorResult = {
  algorithm: "NSGA-II (population 4, 1 generations) on the same 200 paths × 30 steps",
  space,
  ceilings: { liquidationProbability: 0.01, breakingDropAtLeast: 0.3 },
  base: { paths: 200, steps: 30, stepSeconds: 86_400, seed: 1 },
  evaluated: [current, dominating, safest, breaking],
  front: [5, 3],
  current,
  dominance: [dominanceOf("current", current, [safest, dominating])],
};
