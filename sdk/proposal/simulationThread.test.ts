import { describe, expect, it } from "vitest";
import { devnetMarketModel, devnetStartPoint } from "../../devnet/startPoint.ts";
import { simulateNow, type SimulationRequest } from "../../sim/simulate.ts";
import { simulateInThread } from "./simulationThread.ts";

const request: SimulationRequest = {
  start: devnetStartPoint(),
  changes: { "rebalance.bandBps": 300 },
  market: devnetMarketModel(),
  paths: 40,
  steps: 30,
  seed: 5,
};

describe("the impact simulation on a thread of its own", () => {
  it("gives the report the simulation gives in this thread, bit for bit", async () => {
    const report = await simulateInThread(request);
    expect(report.contentHash).toBe(simulateNow(request).contentHash);
    expect(report).toEqual(simulateNow(request));
  });

  it("rejects with the simulation's own error, naming the field", async () => {
    await expect(simulateInThread({ ...request, paths: 1.5 })).rejects.toThrow(/^paths/);
  });
});
