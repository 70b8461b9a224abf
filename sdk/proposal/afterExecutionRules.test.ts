import { describe, expect, it } from "vitest";
import { catalogSnapshot } from "./registry.ts";
import { parameterCatalog, vaultAssetParameters } from "../../parameters/index.ts";
import {
  driftBps,
  driftCheck,
  driftStatus,
  driftTolerance,
  guardianTightening,
  ltvCheck,
  weightsSumCheck,
} from "./afterExecutionRules.ts";
import type { RegistryParameter } from "./checks/types.ts";

const day = 86_400;
const feedAddress = "0x00000000000000000000000000000000000000f1";
const snapshot = catalogSnapshot(
  [
    ...parameterCatalog,
    ...vaultAssetParameters(
      (
        [
          ["USDC", 4_000n],
          ["WETH", 4_000n],
          ["WBTC", 2_000n],
        ] as const
      ).map(([symbol, weightBps]) => ({ symbol, feed: feedAddress, heartbeatSec: 3_600n, weightBps })),
    ),
  ],
  { earliestExecutionSeconds: 10 * day, guardianExpiresAtSeconds: 100 * day },
  { symbol: "USDC", decimals: 6 },
);

describe("NAV and share price across a proposal's calls", () => {
  it("measure the move in bps of the value before, either way", () => {
    expect(driftBps(1_000_000n, 1_000_100n)).toBe(1);
    expect(driftBps(1_000_000n, 999_000n)).toBe(-10);
    expect(driftBps(0n, 0n)).toBe(0);
    expect(driftBps(0n, 1n)).toBe(Infinity);
    // Large wei values keep their precision: 1 wei on 10^30 is no move at a hundredth of a bp.
    expect(driftBps(10n ** 30n, 10n ** 30n + 1n)).toBe(0);
  });

  it("pass within 1 bp, warn within 10 bps, fail beyond, at the bounds included", () => {
    expect(driftTolerance).toEqual({ passBps: 1, warnBps: 10 });
    expect(driftStatus(0)).toBe("pass");
    expect(driftStatus(1)).toBe("pass");
    expect(driftStatus(-1)).toBe("pass");
    expect(driftStatus(1.01)).toBe("warn");
    expect(driftStatus(-10)).toBe("warn");
    expect(driftStatus(10.01)).toBe("fail");
    expect(driftStatus(Infinity)).toBe("fail");
  });

  it("say the values, the move and the rule", () => {
    const show = (v: bigint) => `${v} wei`;
    expect(driftCheck("NAV unchanged", "totalAssets", 1_000_000n, 1_000_000n, show)).toEqual({
      rule: "NAV unchanged",
      field: "totalAssets",
      status: "pass",
      message: "1000000 wei → 1000000 wei: unchanged (PASS within 1 bp, WARN within 10 bps)",
    });
    expect(driftCheck("NAV unchanged", "totalAssets", 1_000_000n, 997_000n, show)).toMatchObject({
      status: "fail",
      message: "1000000 wei → 997000 wei: moved -30 bps (PASS within 1 bp, WARN within 10 bps)",
    });
  });
});

describe("The weights after the calls", () => {
  it("pass when they sum to 100%, and fail naming the sum otherwise", () => {
    expect(weightsSumCheck(snapshot)).toMatchObject({
      status: "pass",
      message: "3 weights sum to 100% (must be 100%)",
    });
    const usdc = snapshot.parameters["weight.USDC"]!;
    const off = { parameters: { ...snapshot.parameters, "weight.USDC": { ...usdc, value: usdc.value - 50n } } };
    expect(weightsSumCheck(off)).toMatchObject({ status: "fail", message: "3 weights sum to 99.5% (must be 100%)" });
  });
});

describe("A lending module's LTV", () => {
  it("passes below the liquidation LTV and fails at or above it; no debt passes", () => {
    const at = (debtUsd: number) =>
      ltvCheck({ module: "module.hedge", debtUsd, collateralUsd: 100, liquidationLtv: 0.86 });
    expect(at(50)).toMatchObject({ status: "pass", message: "LTV 50.00%, liquidation at 86.00%" });
    expect(at(86).status).toBe("fail");
    expect(at(90).status).toBe("fail");
    expect(at(0)).toMatchObject({ status: "pass", message: "LTV 0.00%, liquidation at 86.00%" });
    expect(ltvCheck({ module: "m", debtUsd: 1, collateralUsd: 0, liquidationLtv: 0.86 }).status).toBe("fail");
  });
});

describe("The guardian's smoke-test tightening", () => {
  it("is the first parameter by name it may move one unit safer now", () => {
    expect(guardianTightening(snapshot, 2 * day)).toEqual({
      name: "caps.depositCap",
      from: snapshot.parameters["caps.depositCap"]!.value,
      to: snapshot.parameters["caps.depositCap"]!.value - 1n,
    });
  });

  it("skips a parameter within its min interval, at its bound, without a safer direction or a step", () => {
    const only = (p: RegistryParameter) => ({ parameters: { [p.name]: p } });
    const cap = snapshot.parameters["caps.depositCap"]!;
    expect(guardianTightening(only({ ...cap, updatedAtSeconds: day }), day + 10)).toBeUndefined();
    expect(guardianTightening(only({ ...cap, updatedAtSeconds: day }), 2 * day)).toMatchObject({ to: cap.value - 1n });
    expect(guardianTightening(only({ ...cap, value: cap.rules.min }), 2 * day)).toBeUndefined();
    expect(guardianTightening(only({ ...cap, saferDirection: "none" }), 2 * day)).toBeUndefined();
    expect(guardianTightening(only({ ...cap, rules: { ...cap.rules, maxStep: 0n } }), 2 * day)).toBeUndefined();
    const relative = { ...cap, value: 100n, rules: { ...cap.rules, min: 0n, stepKind: "relative" as const } };
    expect(
      guardianTightening(only({ ...relative, rules: { ...relative.rules, maxStep: 99n } }), 2 * day),
    ).toBeUndefined();
    expect(
      guardianTightening(only({ ...relative, rules: { ...relative.rules, maxStep: 100n } }), 2 * day),
    ).toMatchObject({
      to: 99n,
    });
  });

  it("sets a pause flag, the safer way of a flag", () => {
    const flag = snapshot.parameters["pause.deposits"]!;
    expect(guardianTightening({ parameters: { [flag.name]: flag } }, 0)).toEqual({
      name: "pause.deposits",
      from: 0n,
      to: 1n,
    });
    expect(guardianTightening({ parameters: { [flag.name]: { ...flag, value: 1n } } }, 0)).toBeUndefined();
  });

  it("is none when no parameter may move", () => {
    expect(guardianTightening({ parameters: {} }, 0)).toBeUndefined();
  });
});
