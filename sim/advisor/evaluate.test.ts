import { describe, expect, it } from "vitest";
import { devnetMarketModel, devnetStartPoint } from "../../devnet/startPoint.ts";
import { withChanges } from "../model/params.ts";
import { createMonteCarlo } from "../monteCarlo.ts";
import { breakingDropOf, evaluateSets } from "./evaluate.ts";
import { answerEvaluation, poolEvaluator, slices, type EvaluationPort } from "./pool.ts";
import type { EvaluationBase } from "./types.ts";

const start = devnetStartPoint();
const symbols = start.setup.symbols;
const base: EvaluationBase = { start, market: devnetMarketModel(), paths: 60, steps: 60, stepSeconds: 86_400, seed: 3 };
const sets = [
  start.params,
  withChanges(start.params, { "rebalance.bandBps": 300, "collateral.targetLtvBps": 4_000 }, symbols),
  withChanges(start.params, { "hedge.ratioBps": 0, "weight.USDC": 6_000, "weight.WETH": 2_000 }, symbols),
];

describe("evaluating parameter sets on common random numbers", () => {
  it("gives each set the returns the impact simulation's Monte Carlo gives it on the same seed", () => {
    const [current, proposed] = evaluateSets(base, sets.slice(0, 2));
    const run = createMonteCarlo({
      ...base,
      setup: start.setup,
      state: start.state,
      pricesUsd: start.pricesUsd,
      params: { current: sets[0]!, proposed: sets[1]! },
      stress: [],
      gasPriceGwei: 5,
    });
    run.runPaths(base.paths);
    expect(Array.from(current!.returns)).toEqual(Array.from(run.pathValues(0, "return")));
    expect(Array.from(proposed!.returns)).toEqual(Array.from(run.pathValues(1, "return")));
    expect(current!.metrics.liquidationProbability).toBe(run.results().current.liquidationProbability);
  });

  it("gives a set the same numbers whichever sets it is evaluated with", () => {
    const together = evaluateSets(base, sets);
    const alone = evaluateSets(base, [sets[2]!]);
    expect(alone[0]).toEqual(together[2]);
  });

  it("measures every metric as a finite number, the breaking point as the reverse stress test finds it", () => {
    const [evaluation] = evaluateSets(base, [sets[1]!]);
    for (const value of Object.values(evaluation!.metrics)) expect(Number.isFinite(value)).toBe(true);
    expect(evaluation!.metrics.breakingDrop).toBe(breakingDropOf(base, sets[1]!));
    expect(evaluation!.metrics.breakingDrop).toBeGreaterThan(0);
  });

  it("names the set and the parameter the contracts would refuse, and a bad base's field", () => {
    const bad = { ...start.params, bandBps: -1 };
    expect(() => evaluateSets(base, [start.params, bad])).toThrow(/parameter set 1: rebalance\.bandBps/);
    expect(() => evaluateSets({ ...base, paths: 0 }, sets)).toThrow(/^paths must be a whole number/);
  });
});

describe("a pool of workers", () => {
  /** A worker answering in this thread, as a worker thread or a Web Worker would, after a turn of the event loop. */
  const inThread = (): EvaluationPort => {
    let handler: Parameters<EvaluationPort["onAnswer"]>[0] = () => undefined;
    return {
      post: (request) => void setTimeout(() => handler(answerEvaluation(request).response)),
      onAnswer: (h) => (handler = h),
    };
  };

  it("cuts a batch into even contiguous slices, one per worker", () => {
    expect(slices(5, 2)).toEqual([
      { start: 0, end: 3 },
      { start: 3, end: 5 },
    ]);
    expect(slices(1, 4)).toEqual([{ start: 0, end: 1 }]);
  });

  it("gives the same numbers, in the same order, as one thread", async () => {
    const pooled = await poolEvaluator([inThread(), inThread()])(base, sets);
    expect(pooled).toEqual(evaluateSets(base, sets));
  });

  it("rejects with the worker's error", async () => {
    await expect(poolEvaluator([inThread()])({ ...base, seed: 0.5 }, sets)).rejects.toThrow(/seed must be an integer/);
  });
});
