import { describe, expect, it } from "vitest";
import { devnetMarketModel, devnetRuleRanges, devnetStartPoint } from "../../devnet/startPoint.ts";
import { advise } from "../../sim/advisor/advise.ts";
import { evaluateSets } from "../../sim/advisor/evaluate.ts";
import type { EvaluationBase } from "../../sim/advisor/types.ts";
import { withChanges } from "../../sim/model/params.ts";
import { withThreadPool } from "./threads.ts";

const start = devnetStartPoint();
const base: EvaluationBase = {
  start,
  market: devnetMarketModel(),
  paths: 40,
  steps: 30,
  stepSeconds: 86_400,
  seed: 11,
};

describe("the advisor over worker threads", () => {
  it("evaluates a batch split over threads to the same numbers as one thread", async () => {
    const sets = [2_000, 3_000, 4_000].map((ltv) =>
      withChanges(start.params, { "collateral.targetLtvBps": ltv }, start.setup.symbols),
    );
    const pooled = await withThreadPool((evaluate) => evaluate(base, sets), 2);
    expect(pooled).toEqual(evaluateSets(base, sets));
  });

  it("finds the same front as in one thread", async () => {
    const request = {
      start,
      market: devnetMarketModel(),
      ranges: devnetRuleRanges(),
      paths: 40,
      steps: 30,
      population: 6,
      generations: 1,
      robustnessPaths: 20,
    };
    const threaded = await withThreadPool((evaluate) => advise(request, evaluate), 2);
    expect(threaded).toEqual(await advise(request));
  });

  it("passes a worker's error on, naming the field", async () => {
    await expect(withThreadPool((evaluate) => evaluate({ ...base, steps: 0 }, [start.params]), 1)).rejects.toThrow(
      /^steps must be a whole number/,
    );
  });

  it("refuses a thread count it cannot start", async () => {
    await expect(withThreadPool(async () => 0, 0)).rejects.toThrow(
      /threads must be a whole number from 1 to 256, got 0/,
    );
  });
});
