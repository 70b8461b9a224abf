import { describe, expect, it } from "vitest";
import { devnetStartPoint } from "../../devnet/startPoint.ts";
import { modelParameterNames, validateParams, withChanges } from "../../sim/model/params.ts";
import { maxMove } from "../proposal/checks/maxStep.ts";
import type { RegistryParameter, RegistrySnapshot } from "../proposal/checks/types.ts";
import { devnetCatalogSnapshot } from "../proposal/registry.ts";
import { glidePath, type GlideStart, type GlideStep } from "./glidePath.ts";

const day = 86_400;
const now = 1_800_000_000;
/** The devnet's registry, last set by governance 60 days ago; a proposal made now executes in 6 days. */
const snapshot: RegistrySnapshot = devnetCatalogSnapshot(now);
const start: GlideStart = { params: devnetStartPoint().params, setup: devnetStartPoint().setup };

/** `snapshot` with some parameters replaced. */
const withParameters = (changed: Record<string, Partial<RegistryParameter>>): RegistrySnapshot => ({
  ...snapshot,
  parameters: {
    ...snapshot.parameters,
    ...Object.fromEntries(Object.entries(changed).map(([name, p]) => [name, { ...snapshot.parameters[name]!, ...p }])),
  },
});

/** The registry's value of each parameter the path touches, after each step. */
function valuesAfterEachStep(steps: readonly GlideStep[], at: RegistrySnapshot = snapshot) {
  const values = Object.fromEntries(Object.entries(at.parameters).map(([name, p]) => [name, p.value]));
  return steps.map((step) => ({ ...Object.assign(values, step.changes) }));
}

/** Each step's move of each parameter it changes, from the value before it (governance's baseline then). */
function movesOf(steps: readonly GlideStep[], at: RegistrySnapshot = snapshot) {
  const before = [Object.fromEntries(Object.entries(at.parameters).map(([n, p]) => [n, p.value]))];
  const after = valuesAfterEachStep(steps, at);
  return steps.flatMap((step, k) =>
    Object.entries(step.changes).map(([name, value]) => {
      const from = (k === 0 ? before[0]! : after[k - 1]!)[name]!;
      return { name, from, to: value, step: k + 1 };
    }),
  );
}

describe("glidePath", () => {
  it("gives no steps when the target is already in force", () => {
    expect(glidePath(snapshot, {})).toEqual([]);
    expect(glidePath(snapshot, { "rebalance.bandBps": 500n, "weight.WETH": 4_000n }, start)).toEqual([]);
  });

  it("reaches a target within one max step in one proposal, executable when a proposal made now can execute", () => {
    const [step, ...rest] = glidePath(snapshot, { "rebalance.bandBps": 600n });
    expect(rest).toEqual([]);
    expect(step!.changes).toEqual({ "rebalance.bandBps": 600n });
    expect(step!.earliestExecutionSeconds).toBe(now + 6 * day);
    expect(step!.waitsFor.join("; ")).toMatch(/the vote and the timelock/);
  });

  it("moves each parameter at most its max step per update, measured from the value the step before set", () => {
    const steps = glidePath(snapshot, { "rebalance.bandBps": 2_000n, "rebalance.maxTradeBps": 200n });
    // 500 → 2000 bps at 250 bps per update takes 6 steps; 1000 → 200 bps at 500 per update takes 2.
    expect(steps.map((s) => s.changes["rebalance.bandBps"])).toEqual([750n, 1_000n, 1_250n, 1_500n, 1_750n, 2_000n]);
    expect(steps.map((s) => s.changes["rebalance.maxTradeBps"])).toEqual([
      500n,
      200n,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    for (const move of movesOf(steps)) {
      const step = maxMove(move.from, snapshot.parameters[move.name]!.rules)!;
      expect(
        move.to > move.from ? move.to - move.from : move.from - move.to,
        `${move.name} in step ${move.step}`,
      ).toBeLessThanOrEqual(step);
    }
  });

  it("measures step 1's max step from governance's baseline, not from a guardian's tightening since", () => {
    const tightened = withParameters({
      "rebalance.maxTradeBps": { value: 800n, governanceBaseline: { value: 1_000n, updatedAtSeconds: now - 60 * day } },
    });
    expect(glidePath(tightened, { "rebalance.maxTradeBps": 2_000n })[0]!.changes).toEqual({
      "rebalance.maxTradeBps": 1_500n,
    });
  });

  it("changes a parameter at most once per min interval, counted from governance's last update", () => {
    const recent = withParameters({
      "rebalance.bandBps": {
        rules: { ...snapshot.parameters["rebalance.bandBps"]!.rules, minIntervalSeconds: 10 * day },
        governanceBaseline: { value: 500n, updatedAtSeconds: now - day },
      },
    });
    const steps = glidePath(recent, { "rebalance.bandBps": 1_000n });
    expect(steps.map((s) => s.earliestExecutionSeconds)).toEqual([now + 9 * day, now + 19 * day]);
    expect(steps[0]!.waitsFor).toEqual([
      "the min interval (10d) of rebalance.bandBps since governance last set it 2027-01-14T08:00:00Z",
    ]);
    expect(steps[1]!.waitsFor).toEqual(["the min interval (10d) of rebalance.bandBps since step 1"]);
  });

  it("executes a later step no earlier than one second after the one before, and the vote and timelock after it when the snapshot knows their delays", () => {
    // maxTradeBps in step 1 only, bandBps in both: step 2 waits bandBps's min interval (1 day) after step 1.
    const target = { "rebalance.bandBps": 1_000n, "rebalance.maxTradeBps": 1_100n };
    const plain = glidePath(snapshot, target);
    expect(plain.map((s) => s.earliestExecutionSeconds)).toEqual([now + 6 * day, now + 7 * day]);
    const delays = { votingDelay: BigInt(day), votingPeriod: BigInt(3 * day), minDelay: BigInt(2 * day) };
    const governed = {
      ...snapshot,
      authority: { timelock: "0x0000000000000000000000000000000000000009" as const, settings: delays },
    };
    const steps = glidePath(governed, target);
    expect(steps.map((s) => s.earliestExecutionSeconds)).toEqual([now + 6 * day, now + 12 * day]);
    expect(steps[1]!.waitsFor).toEqual(["the vote and the timelock (6d) after step 1 executes"]);
  });

  it("moves all the weights by the same fraction of their distance, none beyond its max step, summing to 10,000 bps after every step", () => {
    const target = { "weight.USDC": 3_500n, "weight.WETH": 6_000n, "weight.WBTC": 500n };
    const steps = glidePath(snapshot, target, start);
    // WETH's 2000 bps at 1000 per update sets the pace: half the way in step 1.
    expect(steps.map((s) => s.changes)).toEqual([
      { "weight.USDC": 3_750n, "weight.WETH": 5_000n, "weight.WBTC": 1_250n },
      target,
    ]);
  });

  it("rounds the weights' moves so they sum to 10,000 bps exactly and none exceeds its max step", () => {
    const target = { "weight.USDC": 3_333n, "weight.WETH": 6_667n, "weight.WBTC": 0n };
    const steps = glidePath(snapshot, target, start);
    for (const values of valuesAfterEachStep(steps))
      expect(values["weight.USDC"]! + values["weight.WETH"]! + values["weight.WBTC"]!).toBe(10_000n);
    for (const move of movesOf(steps))
      expect(
        move.to > move.from ? move.to - move.from : move.from - move.to,
        `${move.name} in step ${move.step}`,
      ).toBeLessThanOrEqual(1_000n);
    expect(valuesAfterEachStep(steps).at(-1)).toMatchObject(target);
    expect(steps).toHaveLength(3);
  });

  it("keeps the weights left out of the target and completes the set with them", () => {
    const steps = glidePath(snapshot, { "weight.USDC": 3_000n, "weight.WETH": 5_000n });
    expect(steps.map((s) => s.changes)).toEqual([{ "weight.USDC": 3_000n, "weight.WETH": 5_000n }]);
  });

  it("moves a parameter without a max step to its target in step 1", () => {
    const steps = glidePath(snapshot, { "heartbeat.WETH": 86_400n, "rebalance.bandBps": 1_000n });
    expect(steps.map((s) => s.changes)).toEqual([
      { "heartbeat.WETH": 86_400n, "rebalance.bandBps": 750n },
      { "rebalance.bandBps": 1_000n },
    ]);
  });

  it("keeps every step a set the contracts accept: a raised max LTV comes with or before the target LTV above it", () => {
    const target = { "collateral.targetLtvBps": 5_500n, "collateral.maxLtvBps": 6_000n };
    const steps = glidePath(snapshot, target, start);
    expect(steps.map((s) => s.changes["collateral.maxLtvBps"])).toEqual([5_000n, 5_500n, 6_000n, undefined, undefined]);
    for (const values of valuesAfterEachStep(steps))
      expect(() =>
        validateParams(withChanges(start.params, pick(values), start.setup.symbols), start.setup),
      ).not.toThrow();
  });

  it("holds a parameter back for a later step when moving it now would leave a set the contracts refuse", () => {
    // The target LTV comes down 250 bps per update, the max LTV 500: lowered together, the max would pass below it.
    const at = withParameters({
      "collateral.targetLtvBps": {
        value: 4_400n,
        rules: { ...snapshot.parameters["collateral.targetLtvBps"]!.rules, maxStep: 250n },
      },
    });
    const from: GlideStart = {
      ...start,
      params: { ...start.params, collateral: { ...start.params.collateral, targetLtvBps: 4_400 } },
    };
    const steps = glidePath(at, { "collateral.targetLtvBps": 2_900n, "collateral.maxLtvBps": 3_000n }, from);
    const values = valuesAfterEachStep(steps, at);
    for (const [k, v] of values.entries())
      expect(v["collateral.targetLtvBps"]! <= v["collateral.maxLtvBps"]!, `after step ${k + 1}`).toBe(true);
    expect(values.at(-1)).toMatchObject({ "collateral.targetLtvBps": 2_900n, "collateral.maxLtvBps": 3_000n });
    // Without the model's limits the same path would cross them.
    const unchecked = valuesAfterEachStep(
      glidePath(at, { "collateral.targetLtvBps": 2_900n, "collateral.maxLtvBps": 3_000n }),
      at,
    );
    expect(unchecked.some((v) => v["collateral.targetLtvBps"]! > v["collateral.maxLtvBps"]!)).toBe(true);
  });

  it("refuses, naming the step and the parameter, a path no order of moves keeps valid", () => {
    expect(() => glidePath(snapshot, { "collateral.targetLtvBps": 5_000n }, start)).toThrow(
      "step 4: collateral.targetLtvBps (5000) must not exceed collateral.maxLtvBps (4500)",
    );
  });

  it("refuses a target outside the rules' range, an unknown parameter, and weights that do not sum to 10,000 bps", () => {
    expect(() => glidePath(snapshot, { "rebalance.bandBps": 5_000n })).toThrow(
      "rebalance.bandBps: the target 50% is outside its rules' range 1% to 20%",
    );
    expect(() => glidePath(snapshot, { "rebalance.nothing": 1n })).toThrow(
      "rebalance.nothing: the registry has no such parameter",
    );
    expect(() => glidePath(snapshot, { "weight.WETH": 5_000n })).toThrow(
      "weight.USDC + weight.WETH + weight.WBTC: the target weights sum to 11000 bps",
    );
  });

  it("refuses a target a relative max step cannot reach from zero", () => {
    const atZero = withParameters({
      "hedge.ratioBps": {
        value: 0n,
        rules: { ...snapshot.parameters["hedge.ratioBps"]!.rules, stepKind: "relative", maxStep: 5_000n },
      },
    });
    expect(() => glidePath(atZero, { "hedge.ratioBps": 1_000n })).toThrow(
      "hedge.ratioBps: one update may not move it from 0% (its max step is 0 there), so it cannot reach 10%",
    );
  });
});

/** The parameters the model reads, of a registry's values. */
function pick(values: Record<string, bigint>): Record<string, bigint> {
  const modelled = new Set(modelParameterNames(start.setup.symbols));
  return Object.fromEntries(Object.entries(values).filter(([name]) => modelled.has(name)));
}
