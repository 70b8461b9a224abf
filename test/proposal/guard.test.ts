/**
 * The postcondition guard in a proposal's dry run, on a fork of a node running the whole stack (vault, modules,
 * Uniswap V3, Morpho Blue): the guard's conditions are read after the calls, and the guarded batch is rehearsed as
 * the timelock would execute it.
 */
import path from "node:path";
import { createTestClient, getAddress, http, zeroAddress } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collateralManagerAbi } from "../../sdk/abis/contracts.ts";
import { checkProposal, type RegistrySnapshot } from "../../sdk/proposal/check.ts";
import type { Stack } from "../../sdk/proposal/deployed.ts";
import { dryRunProposal } from "../../sdk/proposal/dryRunProposal.ts";
import { guardSection, readGuard, stackWording } from "../../sdk/proposal/guard.ts";
import { guardCheck } from "../../sdk/proposal/checks/guard.ts";
import { loadProposal } from "../../sdk/proposal/load.ts";
import { parseProposal, type ProposalDraft } from "../../sdk/proposal/proposalFile.ts";
import { daySeconds } from "../helpers/governance.ts";
import { startStackNode, type StackNode } from "../helpers/stackNode.ts";
import { brokenFeedProposal } from "../fixtures/brokenFeed.ts";
import type { VaultStack } from "../helpers/vault.ts";

const root = path.resolve(import.meta.dirname, "../..");
const port = 18_580;

describe("The postcondition guard in a proposal's dry run", () => {
  let running: StackNode | undefined;
  let v: VaultStack;
  let stack: Stack;
  let snapshot: RegistrySnapshot;
  let reweight: ProposalDraft;

  beforeAll(async () => {
    // Invested: the vault holds WETH and WBTC, whose prices its NAV then reads.
    running = await startStackNode(port, { name: "guard", deposit: true, rebalance: true });
    ({ v, stack } = running);
    snapshot = await stack.readSnapshot();
    reweight = await loadProposal(path.join(root, "proposals/examples/reweight.yaml"));
  }, 300_000);

  afterAll(() => running?.stop());

  const guardOf = (description: string) => ({
    kind: "new" as const,
    guard: v.record.contracts.ProposalGuard!,
    description,
    accounts: [],
  });

  it("is deployed with the stack, bound to its timelock and registry", () => {
    expect(v.record.contracts.ProposalGuard).toMatch(/^0x[0-9a-fA-F]{40}$/);
  });

  it("reads what the dry run shows as its conditions, wraps the calls, and the rehearsed batch executes", async () => {
    const run = await dryRunProposal(stack, reweight, checkProposal("reweight", reweight, snapshot), {
      guard: guardOf("# Reweight\n"),
    });
    const guard = run.guard!;
    expect(guard.rehearsal).toEqual({ status: "held" });
    // The parameters as the dry run changed them, each as shown before and as set after.
    expect(guard.conditions.parameters).toEqual(
      run.parameters.map((p) => ({ name: p.name, shown: p.before, proposed: p.after })),
    );
    expect(guard.conditions.parameters.map((p) => p.name)).toEqual(["weight.USDC", "weight.WBTC"]);
    expect(guard.conditions.vault).toBe(getAddress(v.vault.address));
    // The collateral manager's LTV at most its Morpho market's liquidation LTV.
    expect(guard.conditions.ltvs).toEqual([
      { module: getAddress(v.record.contracts.CollateralManager!), maxLtvBps: expect.any(BigInt) },
    ]);
    expect(guard.conditions.ltvs[0]!.maxLtvBps).toBeGreaterThan(0n);
    expect(guard.conditions.ltvs[0]!.maxLtvBps).toBeLessThan(10_000n);
    // The batch: begin, the proposal's own calls, verify; read back from the calldata to the same conditions.
    const read = readGuard(guard.actions);
    expect(read?.conditions).toEqual(guard.conditions);
    expect(read?.payload.map((a) => a.target)).toEqual([getAddress(stack.registry)]);

    const section = guardSection(guard, stackWording(stack.contracts, snapshot));
    expect(section.executesOnlyIf[0]).toBe(
      "weight.USDC still reads 40% (as shown) before the calls, and 35% after them",
    );
    expect(section.executesOnlyIf).toContain("TrimtabGovernor holds EXECUTOR_ROLE on TimelockController");
    expect(section.executesOnlyIf).toContain(
      "the execution moves PortfolioVault's share price by at most 0.10%, and leaves it priced (when its oracles answer before the calls)",
    );
    expect(
      section.executesOnlyIf.some((w) =>
        /^CollateralManager's loan-to-value is at most \d+\.\d\d% \(when its oracles answer\)$/.test(w),
      ),
    ).toBe(true);
    expect(guardCheck(section)).toEqual([
      {
        rule: "postcondition guard",
        field: "guard",
        status: "pass",
        message: `the guarded batch executes on the fork: its ${section.executesOnlyIf.length} conditions hold`,
      },
    ]);
  }, 120_000);

  it("fails the rehearsal, naming the condition, when the calls move the share price: a feed swapped for another", async () => {
    // WBTC's feed as WETH's: every WETH is then priced as a WBTC, and the share price jumps with it.
    const swapped = parseProposal(
      "swapped-feed.yaml",
      [
        "title: Swapped feed",
        "body: WETH priced by WBTC's feed.",
        "changes:",
        `  feed.WETH: "${snapshot.parameters["feed.WBTC"] ? formatAddress(snapshot.parameters["feed.WBTC"].value) : zeroAddress}"`,
      ].join("\n"),
    );
    const run = await dryRunProposal(stack, swapped, checkProposal("swapped-feed", swapped, snapshot), {
      guard: guardOf("# Swapped feed\n"),
    });
    expect(run.guard?.rehearsal).toMatchObject({ status: "reverted", errorName: "GuardSharePriceMoved" });
    const section = guardSection(run.guard!, stackWording(stack.contracts, snapshot));
    expect(section.failure).toMatch(
      /^the execution moved the share price by [+-]\d+\.\d\d% \(\d+\.\d{6} → \d+\.\d{6}\), beyond 0\.10%$/,
    );
    expect(guardCheck(section)[0]).toMatchObject({
      status: "fail",
      message: expect.stringContaining(section.failure!),
    });
  }, 120_000);

  it("fails the rehearsal when the calls leave the vault unable to price its shares: a feed that cannot answer", async () => {
    const broken = brokenFeedProposal(v.timelock.address);
    const run = await dryRunProposal(stack, broken, checkProposal("broken-feed", broken, snapshot), {
      guard: guardOf("# Broken feed\n"),
    });
    expect(run.guard?.rehearsal).toMatchObject({ status: "reverted", errorName: "GuardSharePriceUnreadable" });
    expect(guardSection(run.guard!, stackWording(stack.contracts, snapshot)).failure).toBe(
      "the calls left PortfolioVault unable to price its shares, which it could before them",
    );
  }, 120_000);

  // Last: it leaves the node's feeds stale.
  it("executes in an oracle outage: the conditions that need prices wait for them, governance is not blocked", async () => {
    const node = createTestClient({ mode: "hardhat", transport: http(running!.rpcUrl) });
    // Past every feed's staleness limit.
    const limits = Object.values(snapshot.parameters).filter((p) => p.name.startsWith("oracle.maxStalenessSec."));
    const longest = Math.max(...limits.map((p) => Number(p.value)));
    await node.increaseTime({ seconds: longest + daySeconds });
    await node.mine({ blocks: 1 });
    // The outage is real: the collateral manager cannot price its LTV.
    await expect(
      stack.publicClient.readContract({
        address: v.record.contracts.CollateralManager!,
        abi: collateralManagerAbi,
        functionName: "ltvBps",
      }),
    ).rejects.toThrow(/VaultOracleStale/);
    const run = await dryRunProposal(stack, reweight, checkProposal("reweight", reweight, await stack.readSnapshot()), {
      guard: guardOf("# Reweight in an outage\n"),
    });
    expect(run.guard?.rehearsal).toEqual({ status: "held" });
  }, 120_000);
});

function formatAddress(value: bigint): string {
  return getAddress(`0x${value.toString(16).padStart(40, "0")}`);
}
