/**
 * A proposal's call trace and state diff, as the dry run records them on a fork of a chain (a Hardhat node over
 * HTTP with the vault deployed): a real proposal traces clean and changes the registry's storage; crafted calls (ETH
 * sent, a target without code) are named by the trace rules.
 */
import path from "node:path";
import { createTestClient, createWalletClient, parseEther, type Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withFork } from "../../sdk/fork.ts";
import { stackAbi } from "../../sdk/proposal/abis.ts";
import { checkProposal, type CheckResult } from "../../sdk/proposal/check.ts";
import { traceChecks } from "../../sdk/proposal/checks/trace.ts";
import { connectStack, type Stack } from "../../sdk/proposal/deployed.ts";
import { dryRun as dryRunOn, type DryRun } from "../../sdk/proposal/dryRun.ts";
import { dryRunKeeper, dryRunProposal } from "../../sdk/proposal/dryRunProposal.ts";
import { loadProposal } from "../../sdk/proposal/load.ts";
import { proposalChecks } from "../../sdk/proposal/report.ts";
import { traceLines } from "../../sdk/proposal/traceReport.ts";
import type { ProposalAction } from "../../sdk/proposalArgs.ts";
import { startStackNode, type StackNode } from "../helpers/stackNode.ts";
import type { VaultStack } from "../helpers/vault.ts";

const root = path.resolve(import.meta.dirname, "../..");
const port = 18_574;
const rpcUrl = `http://127.0.0.1:${port}`;
/** An address with no code on the devnet. */
const nobody: Address = "0x000000000000000000000000000000000000dEaD";

describe("A proposal's call trace and state diff, on a fork of the chain", () => {
  let running: StackNode | undefined;
  let v: VaultStack;
  let stack: Stack;
  let dryRun: DryRun;
  let checked: CheckResult;

  /** `actions` dry-run as the timelock on a fork of the node's latest block. */
  const dryRunActions = async (actions: ProposalAction[]) =>
    withFork({ rpcUrl, blockNumber: await stack.publicClient.getBlockNumber() }, async ({ transport }) => {
      const forked = await connectStack(transport, v.record.contracts, "the test's fork");
      return dryRunOn(
        {
          publicClient: forked.publicClient,
          testClient: createTestClient({ mode: "hardhat", transport }),
          walletClient: createWalletClient({ transport }),
          abi: stackAbi,
          addresses: { timelock: v.timelock.address, vault: forked.vault, base: forked.base },
          keeper: dryRunKeeper,
          readSnapshot: forked.readSnapshot,
          contracts: v.record.contracts,
        },
        actions,
      );
    });

  beforeAll(async () => {
    running = await startStackNode(port, { name: "trace" });
    ({ v, stack } = running);
    const proposal = await loadProposal(path.join(root, "proposals/examples/reweight.yaml"));
    checked = checkProposal("reweight", proposal, await stack.readSnapshot());
    dryRun = await dryRunProposal(stack, proposal, checked);
  }, 300_000);

  afterAll(() => running?.stop());

  it("traces a real proposal's call as the registry's, and passes the trace rules", () => {
    expect(dryRun.traces).toHaveLength(dryRun.calls.length);
    const [trace] = dryRun.traces!;
    expect(trace!.calls[0]).toMatchObject({
      depth: 0,
      type: "CALL",
      from: v.timelock.address,
      contract: "ParameterRegistry",
      function: "setParameters",
      valueWei: 0n,
      hasCode: true,
    });
    const checks = traceChecks(dryRun.traces!);
    expect(checks.map((c) => c.status)).toEqual(["pass"]);
    expect(checks[0]!.message).toMatch(/^\d+ calls?, no ETH sent, no delegatecall, no call to an address without code/);
    // The report's checks list it among the dry run's.
    expect(proposalChecks(checked, dryRun).filter((c) => c.rule === "call trace")).toEqual(checks);
  });

  it("records the registry's storage as changed, named, and the proposal moves no ETH or tokens", () => {
    const { state } = dryRun.traces![0]!;
    const registry = state.storage.find((s) => s.contract === "ParameterRegistry");
    // Two weights (and their update times) changed: at least two slots, each with a new value.
    expect(registry?.slots.length).toBeGreaterThanOrEqual(2);
    for (const slot of registry!.slots) expect(slot.after).not.toBe(slot.before);
    // Each weight's word keeps its value in its low bits (above them, its kind and update time): 40% → 35% and
    // 20% → 25%, in basis points.
    const low = (word: string) => BigInt(word) & 0xffff_ffffn;
    expect(registry!.slots.map((s) => [s.name, low(s.before), low(s.after)])).toEqual(
      expect.arrayContaining([
        [expect.stringMatching(/^weight\.USDC \(mapping at slot \d+, word \d\)$/), 4_000n, 3_500n],
        [expect.stringMatching(/^weight\.WBTC \(mapping at slot \d+, word \d\)$/), 2_000n, 2_500n],
      ]),
    );
    expect(state.balances).toEqual([]);
    expect(state.tokens).toEqual([]);
    const lines = traceLines(dryRun);
    expect(lines[0]).toBe("### Trace of `calls[0]`");
    expect(lines[2]).toMatch(/^- CALL ParameterRegistry\.setParameters\(/);
    expect(lines).toContain(`Storage of ParameterRegistry \`${registry!.address}\`:`);
  });

  it("fails a call to an address without code, and warns ETH sent to it, naming both", async () => {
    const crafted = await dryRunActions([
      { target: nobody, data: "0xabcdef01" },
      { target: nobody, data: "0x", value: parseEther("1.5") },
    ]);
    const checks = traceChecks(crafted.traces!);
    expect(checks.map((c) => [c.field, c.status])).toEqual([
      ["calls[0]", "fail"],
      ["calls[1]", "warn"],
      ["calls[1]", "warn"],
    ]);
    expect(checks[0]!.message).toContain(`to ${nobody} (0xabcdef01)`);
    expect(checks[0]!.message).toContain("a call to an address without code fails");
    expect(checks[1]!.message).toContain(`sends 1.5 ETH (1500000000000000000 wei) to ${nobody}`);
    expect(checks[2]!.message).toContain("a plain ETH transfer to an address without code");
    // The ETH moved (gas aside): the timelock paid 1.5 ETH, the dead address got it.
    expect(crafted.traces![1]!.state.balances.map((b) => [b.address, b.afterWei - b.beforeWei])).toEqual(
      expect.arrayContaining([
        [v.timelock.address, -parseEther("1.5")],
        [nobody, parseEther("1.5")],
      ]),
    );
  });
});
