import hre from "hardhat";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parameterKey } from "../../parameters/index.ts";
import { checkProposal } from "../../sdk/proposal/check.ts";
import { loadProposal } from "../../sdk/proposal/load.ts";
import { readRegistrySnapshot } from "../../sdk/proposal/registry.ts";
import { daySeconds, type Connection } from "../helpers/governance.ts";
import { expectRevert } from "../helpers/revert.ts";
import { deployVault, type VaultStack } from "../helpers/vault.ts";

const examples = path.resolve(import.meta.dirname, "../../proposals/examples");

describe("Pre-vote checks against the live registry predict what its execution does", () => {
  let connection: Connection;
  let v: VaultStack;
  beforeAll(async () => {
    connection = await hre.network.create();
    v = await deployVault(connection);
  });
  const snapshot = async () =>
    readRegistrySnapshot(
      await connection.viem.getPublicClient(),
      { registry: v.registry.address, governor: v.governor.address },
      { symbol: "USDC", decimals: 6 },
    );
  /** Sets the checked changes as the timelock would, at the proposal's earliest execution. */
  const execute = async (changes: { name: string; after: bigint }[], at: number) => {
    await connection.networkHelpers.time.increaseTo(at);
    return v.registry.write.setParameters([changes.map((c) => ({ key: parameterKey(c.name), value: c.after }))], {
      account: v.asGov.account,
    });
  };

  it("reads every parameter with its value, rules and last update, and the earliest execution", async () => {
    const now = await connection.networkHelpers.time.latest();
    const s = await snapshot();
    expect(s.parameters["rebalance.bandBps"]).toMatchObject({ kind: "bps", value: 500n, saferDirection: "none" });
    expect(s.parameters["rebalance.bandBps"]!.rules).toMatchObject({ min: 100n, max: 2_000n, stepKind: "absolute" });
    expect(s.parameters["weight.WETH"]!.value).toBe(4_000n);
    // Voting delay, voting period and timelock delay all lie between now and the earliest execution.
    expect(s.earliestExecutionSeconds).toBeGreaterThan(now + daySeconds);
  });

  it("a proposal that passes executes; one that fails a rule reverts at execution with that rule", async () => {
    const s = await snapshot();
    const passing = checkProposal("hedge-more", await loadProposal(path.join(examples, "hedge-more.yaml")), s);
    expect(passing.verdict).toBe("PASS");
    const failing = checkProposal(
      "too-far",
      { title: "t", body: "b", changes: { "hedge.ratioBps": "75%" }, calls: [], simulation: {} },
      s,
    );
    expect(failing.checks.find((c) => c.status === "fail")).toMatchObject({ rule: "max step" });
    await expectRevert(execute(failing.changes, s.earliestExecutionSeconds), "ParameterStepTooLarge");
    await execute(passing.changes, s.earliestExecutionSeconds + 1);
    expect(await v.registry.read.valueOf([parameterKey("hedge.ratioBps")])).toBe(6_000n);

    // Right after that change, the same parameter fails the interval check, and the registry agrees.
    const after = await snapshot();
    const again = checkProposal(
      "again",
      { title: "t", body: "b", changes: { "hedge.ratioBps": "55%" }, calls: [], simulation: {} },
      { ...after, earliestExecutionSeconds: (await connection.networkHelpers.time.latest()) + 60 },
    );
    expect(again.checks.find((c) => c.status === "fail")).toMatchObject({ rule: "min interval" });
    await expectRevert(
      execute(again.changes, (await connection.networkHelpers.time.latest()) + 60),
      "ParameterUpdatedTooSoon",
    );
  });

  it("after a guardian's tightening, step and interval are predicted from governance's baseline, as executed", async () => {
    const slippage = parameterKey("rebalance.maxSlippageBps"); // 50 bps, absolute step 25, 1 day, lower is safer
    await connection.networkHelpers.time.increase(daySeconds);
    await v.registry.write.tighten([[{ key: slippage, value: 49n }]], { account: v.accounts.guardian.account });
    const s = await snapshot();
    expect(s.parameters["rebalance.maxSlippageBps"]!.governanceBaseline).toMatchObject({ value: 50n });
    const draft = (value: string) => ({
      title: "t",
      body: "b",
      changes: { "rebalance.maxSlippageBps": value },
      calls: [],
      simulation: {},
    });
    // 0.76% is 27 from the guardian's 49 but also 26 from governance's 50: refused either way.
    expect(checkProposal("far", draft("0.76%"), s).checks.find((c) => c.status === "fail")).toMatchObject({
      rule: "max step",
      message: expect.stringContaining("governance set 0.5%"),
    });
    // The guardian's own value is a change governance may make (re-baselining); 0.75% is one step from 50.
    expect(checkProposal("same", draft("0.49%"), s).checks.filter((c) => c.status === "fail")).toEqual([]);
    const wider = checkProposal("wider", draft("0.75%"), s);
    expect(wider.checks.filter((c) => c.status === "fail")).toEqual([]);
    await execute(wider.changes, s.earliestExecutionSeconds);
    expect(await v.registry.read.valueOf([slippage])).toBe(75n);
  });
});
