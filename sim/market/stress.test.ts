import { describe, expect, it } from "vitest";
import { createRandom } from "../random.ts";
import { createPathGenerator } from "./paths.ts";
import { borrowRateFloors, stressScenarioNames, stressScenarios } from "./stress.ts";
import type { GbmModel } from "./types.ts";

const symbols = ["USDC", "WETH", "WBTC"];

describe("stressScenarios", () => {
  it("crash: drops every non-base asset in one step, 35% (Ether-like) or 30% (Bitcoin-like), mid-horizon by default", () => {
    expect(stressScenarios.crash(symbols, 365)).toEqual([
      { kind: "crash", step: 183, dropBps: { WETH: 3_500, WBTC: 3_000 } },
    ]);
    expect(stressScenarios.crash(["USDC", "cbBTC", "LINK"], 30, { startStep: 3 })).toEqual([
      { kind: "crash", step: 3, dropBps: { cbBTC: 3_000, LINK: 3_500 } },
    ]);
  });

  it("vol-spike: triples the random part of returns for 30 steps", () => {
    expect(stressScenarios["vol-spike"](symbols, 365, { startStep: 100 })).toEqual([
      { kind: "volSpike", fromStep: 100, toStep: 129, multiplier: 3 },
    ]);
  });

  it("usdc-depeg: pins the base asset at $0.90 for 10 steps, then at $0.97 to the horizon (it never recovers fully)", () => {
    expect(stressScenarios["usdc-depeg"](symbols, 365, { startStep: 50 })).toEqual([
      { kind: "depeg", symbol: "USDC", fromStep: 50, toStep: 59, priceUsd: 0.9 },
      { kind: "depeg", symbol: "USDC", fromStep: 60, toStep: 365, priceUsd: 0.97 },
    ]);
    // A depeg that reaches the horizon has nothing after it.
    expect(stressScenarios["usdc-depeg"](symbols, 55, { startStep: 50 })).toEqual([
      { kind: "depeg", symbol: "USDC", fromStep: 50, toStep: 55, priceUsd: 0.9 },
    ]);
  });

  it("rate-spike: every market the modules borrow on charges at least 100% a year for 14 steps", () => {
    expect(stressScenarios["rate-spike"](symbols, 365, { startStep: 20 })).toEqual([
      { kind: "rateSpike", fromStep: 20, toStep: 33, ratePerYear: 1 },
    ]);
    const floors = borrowRateFloors(stressScenarios["rate-spike"](symbols, 40, { startStep: 30 }), 40)!;
    expect(Array.from(floors)).toEqual(Array.from({ length: 41 }, (_, k) => (k >= 30 ? 1 : 0)));
    // The higher floor where spikes overlap; none without a spike.
    const both = borrowRateFloors(
      [
        { kind: "rateSpike", fromStep: 2, toStep: 3, ratePerYear: 0.5 },
        { kind: "rateSpike", fromStep: 3, toStep: 4, ratePerYear: 0.8 },
      ],
      5,
    )!;
    expect(Array.from(both)).toEqual([0, 0, 0.5, 0.8, 0.8, 0]);
    expect(borrowRateFloors(stressScenarios.crash(symbols, 10), 10)).toBeUndefined();
  });

  it("clamps each scenario to the horizon", () => {
    expect(stressScenarios.crash(symbols, 10, { startStep: 500 })[0]).toMatchObject({ step: 10 });
    expect(stressScenarios["vol-spike"](symbols, 365, { startStep: 350 })[0]).toMatchObject({
      fromStep: 350,
      toStep: 365,
    });
    expect(stressScenarios["vol-spike"](symbols, 10)[0]).toMatchObject({ fromStep: 5, toStep: 10 });
    expect(stressScenarios["usdc-depeg"](symbols, 1)[0]).toMatchObject({ fromStep: 1, toStep: 1 });
  });

  it("gives overlays that a path generator accepts for any horizon, and that do what they say", () => {
    const model: GbmModel = {
      kind: "gbm",
      symbols,
      driftPerYear: [0, 0.1, 0.1],
      volatilityPerYear: [0, 0.65, 0.5],
      correlation: [
        [1, 0, 0],
        [0, 1, 0.7],
        [0, 0.7, 1],
      ],
    };
    for (const steps of [1, 2, 9, 30, 365])
      for (const name of stressScenarioNames) {
        const options = { steps, stepSeconds: 86_400, initialPricesUsd: [1, 3_000, 60_000] };
        const out = new Float64Array((steps + 1) * 3);
        const plain = new Float64Array((steps + 1) * 3);
        createPathGenerator(model, stressScenarios[name](symbols, steps), options)(createRandom(steps), out, 0);
        createPathGenerator(model, [], options)(createRandom(steps), plain, 0);
        const last = steps * 3;
        if (name === "crash") expect(out[last + 1]! / plain[last + 1]!).toBeCloseTo(0.65, 12);
        if (name === "usdc-depeg") expect(out[Math.ceil(steps / 2) * 3]).toBe(0.9);
        if (name === "vol-spike") expect(out[last + 1]).not.toBe(plain[last + 1]);
        if (name === "rate-spike") expect(out).toEqual(plain);
      }
  });

  it("lists every scenario by name", () => {
    expect(Object.keys(stressScenarios).sort()).toEqual([...stressScenarioNames].sort());
  });

  it("refuses bad arguments, naming them", () => {
    expect(() => stressScenarios.crash(symbols, 0)).toThrow("steps must be an integer >= 1, got 0");
    expect(() => stressScenarios["vol-spike"](symbols, 10, { startStep: 0 })).toThrow(
      "options.startStep must be an integer >= 1, got 0",
    );
    expect(() => stressScenarios["usdc-depeg"]([], 10)).toThrow("symbols must be a non-empty array of symbols, got []");
  });
});
