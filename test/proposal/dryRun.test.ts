/**
 * A proposal's dry run on a fork of a chain: a Hardhat node over HTTP, as a real chain is reached, with the vault
 * deployed and invested. The dry run reads the node and changes nothing on it; what it reports is what the proposal
 * and the keeper cycle do on the node itself; and the web server answers other requests while it runs.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import hre from "hardhat";
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  http,
  parseUnits,
  type Address,
  type PublicClient,
} from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHardhatNode } from "../../devnet/hardhatNode.ts";
import { writeDeploymentRecord } from "../../sdk/deployment.ts";
import { proposalActions } from "../../sdk/proposal/actions.ts";
import { stackAbi } from "../../sdk/proposal/abis.ts";
import { checkProposal, type RegistrySnapshot } from "../../sdk/proposal/check.ts";
import { connectStack, type Stack } from "../../sdk/proposal/deployed.ts";
import { dryRunKeeper, dryRunProposal } from "../../sdk/proposal/dryRunProposal.ts";
import { dryRun as dryRunOn, type DryRun } from "../../sdk/proposal/dryRun.ts";
import { loadProposal } from "../../sdk/proposal/load.ts";
import { parseProposal, type ProposalDraft } from "../../sdk/proposal/proposalFile.ts";
import { dryRunLines } from "../../sdk/proposal/report.ts";
import { daySeconds } from "../helpers/governance.ts";
import { deployVault, type VaultStack } from "../helpers/vault.ts";
import { brokenFeedProposal } from "../fixtures/brokenFeed.ts";

const root = path.resolve(import.meta.dirname, "../..");
const examples = path.join(root, "proposals/examples");
const port = 18_552;
const rpcUrl = `http://127.0.0.1:${port}`;
const deploymentId = `dry-run-${port}`;

/** What a dry run could leave behind on the node: its height, its registry, and the accounts it acts as. */
async function nodeState(client: PublicClient, stack: Stack, accounts: readonly Address[]) {
  return {
    blockNumber: await client.getBlockNumber(),
    registry: await stack.readSnapshot(),
    accounts: await Promise.all(
      accounts.map(async (address) => ({
        address,
        balance: await client.getBalance({ address }),
        nonce: await client.getTransactionCount({ address }),
      })),
    ),
  };
}

describe("A proposal's dry run, on a fork of the chain", () => {
  let node: ChildProcess | undefined;
  let dir: string;
  let v: VaultStack;
  let stack: Stack;
  let client: PublicClient;
  let proposal: ProposalDraft;
  let snapshot: RegistrySnapshot;
  let before: Awaited<ReturnType<typeof nodeState>>;
  let dryRun: DryRun;
  /** The id the node gave a snapshot taken just before the dry run. */
  let snapshotIdBefore: bigint;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "trimtab-dry-run-"));
    node = await startHardhatNode(port, path.join(dir, "node.log"));
    const connection = await hre.network.create({ network: "localhost", override: { url: rpcUrl } });
    await rm(path.join(root, "ignition", "deployments", deploymentId), { recursive: true, force: true });
    v = await deployVault(connection, { deploymentId });
    // Alice's $1,000,000 sits in USDC: the keeper cycle after the proposal buys WETH and WBTC with it.
    await v.vault.write.deposit([parseUnits("1000000", 6), v.accounts.alice.account.address], {
      account: v.accounts.alice.account,
    });
    // Past the weights' min interval since the deployment set them, the feeds fresh.
    await connection.networkHelpers.time.increase(2 * daySeconds);
    await v.setPrices();

    client = createPublicClient({ transport: http(rpcUrl) }) as PublicClient;
    stack = await connectStack(http(rpcUrl), v.record.contracts, "the test's stack");
    proposal = await loadProposal(path.join(examples, "reweight.yaml"));
    snapshot = await stack.readSnapshot();
    before = await nodeState(client, stack, [v.timelock.address, dryRunKeeper]);
    snapshotIdBefore = BigInt(await client.request({ method: "evm_snapshot" } as never));
    dryRun = await dryRunProposal(stack, proposal, checkProposal("reweight", proposal, snapshot));
  }, 300_000);

  afterAll(async () => {
    node?.kill("SIGTERM");
    await rm(path.join(root, "ignition", "deployments", deploymentId), { recursive: true, force: true });
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("forks the chain at its latest block and leaves the node as it was: height, registry, accounts, no snapshot", async () => {
    expect(dryRun.blockNumber).toBe(before.blockNumber);
    expect(dryRun.parameters.map((p) => p.name)).toEqual(["weight.USDC", "weight.WBTC"]);
    expect(await nodeState(client, stack, [v.timelock.address, dryRunKeeper])).toEqual(before);
    // The node numbers its snapshots in order: the next one follows the test's own, so the dry run took none.
    const snapshotIdAfter = BigInt(await client.request({ method: "evm_snapshot" } as never));
    expect(snapshotIdAfter).toBe(snapshotIdBefore + 1n);
  });

  it("says NAV in the base asset's units, and keeps its raw value for machines", () => {
    const solvency = dryRun.invariants.find((i) => i.rule === "solvency");
    expect(solvency?.message).toMatch(/^NAV reads \d{1,3}(,\d{3})*\.\d{2} USDC$/);
    expect(dryRun.base).toMatchObject({ address: v.usdc.address, symbol: "USDC", decimals: 6 });
    expect(dryRun.navBaseWei).toBeGreaterThan(parseUnits("990000", 6));
  });

  it("after the calls, the product still works: every smoke test and invariant passes", () => {
    const after = dryRun.invariants.filter((c) => !["settings", "solvency"].includes(c.rule));
    expect(after.map((c) => `${c.rule}: ${c.field}`)).toEqual([
      "NAV unchanged: totalAssets",
      "share price unchanged: sharePriceWad",
      "weights sum: weight.*",
      "LTV below liquidation: module.collateral",
      "LTV below liquidation: module.hedge",
      "not paused: pause.*",
      "exits open: maxRedeem",
      "smoke test: deposit",
      "smoke test: cash redemption",
      "smoke test: in-kind redemption",
      "smoke test: guardian tighten",
    ]);
    expect(after.filter((c) => c.status !== "pass")).toEqual([]);
    const deposit = after.find((c) => c.field === "deposit");
    expect(deposit?.message).toMatch(/^100\.0+ USDC deposited for \d+ shares$/);
    expect(after.find((c) => c.field === "cash redemption")?.message).toMatch(
      /^redeem of \d+ of the \d+ shares \(deposited\) executes$/,
    );
    expect(after.find((c) => c.field === "in-kind redemption")?.message).toMatch(
      /^redeemInKind of \d+ of the \d+ shares \(deposited\) executes$/,
    );
  });

  it("names the smoke test a proposal breaks, with its decoded revert: pausing deposits fails the deposit, not the exits", async () => {
    const pause = parseProposal(
      "pause-deposits.yaml",
      ["title: Pause deposits", "body: Pause deposits.", "changes:", "  pause.deposits: true"].join("\n"),
    );
    const paused = await dryRunProposal(stack, pause, checkProposal("pause-deposits", pause, snapshot));
    expect(paused.calls.map((c) => c.status)).toEqual(["success"]);
    const byField = Object.fromEntries(paused.invariants.map((c) => [c.field, c]));
    expect(byField["deposit"]).toMatchObject({ rule: "smoke test", status: "fail" });
    expect(byField["deposit"]?.message).toMatch(/^reverts: VaultDepositsPaused\(\)/);
    expect(byField["pause.*"]).toMatchObject({ status: "warn", message: "paused: pause.deposits" });
    // The exits are tested on shares written into the vault's storage, as the deposit could not give any.
    for (const field of ["cash redemption", "in-kind redemption", "maxRedeem"]) {
      expect(byField[field]?.status, field).toBe("pass");
      expect(byField[field]?.message, field).toMatch(
        /written into storage \(the deposit failed: reverts: VaultDepositsPaused/,
      );
    }
    expect(byField["totalAssets"]?.status).toBe("pass");
  }, 120_000);

  it("names what a proposal breaks with why: a feed that cannot answer fails NAV, the exits and the cash redemption", async () => {
    const broken = brokenFeedProposal(v.timelock.address);
    const run = await dryRunProposal(stack, broken, checkProposal("broken-feed", broken, snapshot));
    expect(run.calls.map((c) => c.status)).toEqual(["success"]);
    const byField = Object.fromEntries(run.invariants.map((c) => [c.field, c]));
    expect(byField["totalAssets"]).toMatchObject({ rule: "NAV unchanged", status: "fail" });
    expect(byField["totalAssets"]?.message).toMatch(/^NAV cannot be read after the calls: .*totalAssets.* reverted/);
    expect(byField["maxRedeem"]).toMatchObject({ rule: "exits open", status: "fail" });
    expect(byField["maxRedeem"]?.message).toMatch(/^reverts: .*maxRedeem.* reverted/);
    expect(byField["cash redemption"]).toMatchObject({ rule: "smoke test", status: "fail" });
    expect(byField["cash redemption"]?.message).toMatch(/^reverts: .*reverted without a reason string$/);
    // What the feed does not touch still works.
    expect(byField["guardian tighten"]?.status).toBe("pass");
    expect(byField["weight.*"]?.status).toBe("pass");
  }, 120_000);

  it("writes each trade in its tokens' units with their symbols, and each change in its unit", () => {
    const trades = dryRun.keeper.flatMap((k) => k.trades);
    expect(trades.length).toBeGreaterThan(0);
    expect(Object.values(dryRun.tokens).map((t) => t.symbol)).toContain("USDC");
    const lines = dryRunLines(dryRun);
    expect(lines.slice(0, 2)).toEqual(["- `weight.USDC`: 40% → 35%", "- `weight.WBTC`: 20% → 25%"]);
    const rebalance = lines.find((line) => line.startsWith("- rebalance: executed"));
    expect(rebalance).toMatch(/; sell [\d,]+\.\d\d USDC → \d+\.\d{4} (WETH|WBTC), slippage -?[\d.]+ bps/);
    expect(rebalance).not.toMatch(/\d{10}/);
  });

  it("forks at the block it is given, as a report made then saw it", async () => {
    const earlier = await dryRunProposal(stack, proposal, checkProposal("reweight", proposal, snapshot), {
      blockNumber: before.blockNumber - 1n,
    });
    expect(earlier.blockNumber).toBe(before.blockNumber - 1n);
    expect(earlier.parameters).toEqual(dryRun.parameters);
  });

  it("lets the web server answer reads of the chain while a dry run runs", async () => {
    process.env.TRIMTAB_RPC_URL = rpcUrl;
    process.env.TRIMTAB_DEPLOYMENT = await writeDeploymentRecord(v.record, dir);
    const { forkDryRun, sharedStack } = await import("../../web/src/lib/server/sharedStack.ts");
    const { relayRpcBody } = await import("../../web/src/lib/server/rpcProxy.ts");
    const running = forkDryRun(proposal, "reweight");
    let done = false;
    void running.then(
      () => (done = true),
      () => (done = true),
    );
    // Well into the dry run (a fork alone takes longer to make), what the browser's requests get through the app's
    // relay (POST /api/rpc), and the server's own reads.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(done).toBe(false);
    const rpc = await relayRpcBody({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] });
    const served = (await rpc.json()) as { result: string };
    const registry = await (await sharedStack()).readSnapshot();
    // Both answered while the dry run was still running on its fork.
    expect(done).toBe(false);
    expect(BigInt(served.result)).toBe(before.blockNumber);
    expect(registry.parameters["weight.USDC"]?.value).toBe(4_000n);
    expect((await running).dryRun.parameters).toEqual(dryRun.parameters);
  });

  it("reports what the proposal and the keeper cycle do when run on the node itself (then the node keeps them)", async () => {
    const transport = http(rpcUrl);
    const checked = checkProposal("reweight", proposal, snapshot);
    const onNode = await dryRunOn(
      {
        publicClient: client,
        testClient: createTestClient({ mode: "hardhat", transport }),
        walletClient: createWalletClient({ transport }),
        abi: stackAbi,
        addresses: {
          timelock: v.timelock.address,
          vault: stack.vault,
          base: stack.base,
          collateralManager: v.collateralManager.address,
          hedgeModule: v.hedgeModule.address,
        },
        keeper: dryRunKeeper,
        readSnapshot: stack.readSnapshot,
        contracts: v.record.contracts,
      },
      proposalActions(proposal, checked.changes, stack.registry),
    );
    expect(onNode).toEqual(dryRun);
    expect((await stack.readSnapshot()).parameters["weight.USDC"]?.value).toBe(3_500n);
  });
});
