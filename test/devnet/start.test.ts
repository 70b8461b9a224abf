import { execFile, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { createPublicClient, http } from "viem";
import { parameterRegistryAbi, portfolioVaultAbi } from "../../sdk/abis/contracts.ts";
import type { DeploymentRecord } from "../../sdk/deployment.ts";
import { startStackProcess } from "../../devnet/startProcess.ts";
import { trimtab } from "../helpers/trimtab.ts";
import { parameterKey } from "../../parameters/index.ts";
import snapshot from "@snapshot-labs/snapshot.js";
import type { ProposalReport } from "../../sdk/proposal/report.ts";
import { verifyReport } from "../../sim/report.ts";
import { graphqlRequest, subgraphUrl } from "../../sdk/graphql.ts";

const root = path.resolve(import.meta.dirname, "..", "..");
const node = path.join(root, "node_modules", ".bin", "node");
const port = 18_545;
const graphqlPort = 18_000;
const webPort = 13_000;
const run = promisify(execFile);

describe("npm start: the local stack", () => {
  const children: ChildProcess[] = [];
  afterAll(() => children.forEach((child) => child.kill("SIGTERM")));

  it("starts a node on 127.0.0.1, deploys everything, plays the scenario with its proposal, and a second start leaves it running", async () => {
    const deploymentsDir = await mkdtemp(path.join(tmpdir(), "trimtab-start-"));
    // 40 days: long enough for the scenario's governance proposal to be executed (day 39).
    const args = [
      "--port",
      String(port),
      "--graphql-port",
      String(graphqlPort),
      "--web-port",
      String(webPort),
      "--deployments-dir",
      deploymentsDir,
      "--days",
      "40",
    ];
    const first = startStackProcess(node, root, args);
    children.push(first.child);
    await first.ready;
    const output = first.output();
    // Each phase is announced as it begins, and the wait is accounted for phase by phase.
    expect(output).toMatch(
      /\nReady in \d+ s: compiling \d+ s, deploying \d+ s, playing \d+ s, submitting \d+ s, indexing \d+ s, starting \d+ s\.\nReady\./,
    );

    const record = JSON.parse(await readFile(path.join(deploymentsDir, "localhost.json"), "utf8")) as DeploymentRecord;
    const client = createPublicClient({ transport: http(`http://127.0.0.1:${port}`) });
    expect(await client.getChainId()).toBe(record.chainId);
    for (const address of Object.values(record.contracts)) {
      expect((await client.getCode({ address }))?.length, address).toBeGreaterThan(2);
    }
    expect(output).toContain(record.contracts.TrimtabGovernor);
    const devnet = record.devnet!;
    for (const address of [devnet.uniswap.swapRouter, devnet.morpho.morpho, devnet.tokens.WETH.address]) {
      expect((await client.getCode({ address }))?.length, address).toBeGreaterThan(2);
    }

    expect(output).toContain("proposal executed");
    /** A registry parameter's value on the started chain. */
    const registryValue = (name: string) =>
      client.readContract({
        address: record.contracts.ParameterRegistry,
        abi: parameterRegistryAbi,
        functionName: "valueOf",
        args: [parameterKey(name)],
      });
    const band = await registryValue("rebalance.bandBps");
    expect(band).toBe(400n);

    // The local indexer has caught up with the scenario: its GraphQL answers with what the chain holds.
    const data = await graphqlRequest<{
      _meta: { block: { number: number }; hasIndexingErrors: boolean };
      vaults: { rebalanceCount: number }[];
      proposals: { state: string }[];
    }>(
      fetch,
      subgraphUrl(`http://127.0.0.1:${graphqlPort}`),
      "{ _meta { block { number } hasIndexingErrors } vaults { rebalanceCount } proposals { state } }",
    );
    expect(data._meta.hasIndexingErrors).toBe(false);
    const rebalances = await client.getLogs({
      address: record.contracts.PortfolioVault,
      event: {
        type: "event",
        name: "Rebalanced",
        inputs: [
          { type: "address", name: "keeper", indexed: true },
          { type: "uint256", name: "trades" },
          { type: "uint256", name: "navBefore" },
          { type: "uint256", name: "navAfter" },
        ],
      },
      fromBlock: 0n,
      toBlock: BigInt(data._meta.block.number),
    });
    expect(data.vaults).toEqual([{ rebalanceCount: rebalances.length }]);
    expect(data.proposals.map((p) => p.state)).toContain("Executed");
    // A second proposal (reweight.yaml) is left open for a vote.
    expect(output).toMatch(/proposal \d+ is open for voting/);

    // The web app serves the dashboard, rendered on the server from the subgraph.
    const page = await fetch(`http://127.0.0.1:${webPort}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/data-testid="nav">[\d,.]+ USDC/);

    // A delegate checks proposal files against this chain with the CLI: exit 0 when they pass, 1 when one fails.
    const deployment = path.join(deploymentsDir, "localhost.json");
    // The record holds its node's RPC URL, so that the CLI finds this chain on its port without --rpc.
    expect(record.rpcUrl).toBe(`http://127.0.0.1:${port}`);
    const check = (file: string) => trimtab("proposal", "check", file, "--deployment", deployment);
    const hedge = await check("proposals/examples/hedge-more.yaml");
    // The file once, at the top; each row its status, rule, field and finding.
    expect(hedge.output).toMatch(
      /^checks of proposals\/examples\/hedge-more.yaml\n\n(.+\n)*PASS\s+max step\s+changes."hedge.ratioBps": 50% → 60%/,
    );
    expect(hedge).toMatchObject({ code: 0, output: expect.stringMatching(/\nPASS\n$/) });
    // The scenario's own proposal already set the band to 4%: the example proposing it now fails.
    const sameBand = await check("proposals/examples/tighter-rebalance-band.yaml");
    expect(sameBand.code).toBe(1);
    expect(sameBand.output).toContain(
      'changes."rebalance.bandBps": is already 4%: the registry refuses an unchanged value',
    );
    expect(sameBand.output).toMatch(/\nFAIL\n$/);

    const cli = (...more: string[]) =>
      run(
        node,
        ["cli/trimtab.ts", "proposal", ...more, "--rpc", `http://127.0.0.1:${port}`, "--deployment"].concat(
          path.join(deploymentsDir, "localhost.json"),
        ),
        { cwd: root, maxBuffer: 64 * 1024 * 1024 },
      );
    const top = (...more: string[]) =>
      run(
        node,
        ["cli/trimtab.ts", ...more, "--rpc", `http://127.0.0.1:${port}`, "--deployment"].concat(
          path.join(deploymentsDir, "localhost.json"),
        ),
        { cwd: root, maxBuffer: 64 * 1024 * 1024 },
      );
    const vaultMaxDeposit = () =>
      client.readContract({
        address: record.contracts.PortfolioVault!,
        abi: portfolioVaultAbi,
        functionName: "maxDeposit",
        args: [record.contracts.TrimtabToken],
      });
    // Delegation from the CLI: dev account 5 (a depositor without TRIM) delegates to itself, and has no votes.
    expect((await top("delegate", "self", "--account", "5")).stdout).toMatch(
      /^0x[0-9a-fA-F]{40} delegated to 0x[0-9a-fA-F]{40} \(transaction 0x[0-9a-f]{64}\); its voting power is now 0 TRIM\n$/,
    );
    await expect(top("delegate", "nobody")).rejects.toMatchObject({
      code: 2,
      stderr: 'delegate to an address (0x and 40 hex digits) or self; got "nobody"\n',
    });

    // The dry run and impact simulation of a proposal, on this chain, which it leaves untouched.
    const simulated = await cli("simulate", "proposals/examples/hedge-more.yaml", "--json");
    const report = JSON.parse(simulated.stdout) as ProposalReport;
    // The same proposal on the same chain gives the same report, to the hash (the dry run left nothing behind).
    const again = await cli("simulate", "proposals/examples/hedge-more.yaml", "--json");
    expect((JSON.parse(again.stdout) as ProposalReport).contentHash).toBe(report.contentHash);
    expect(report.verdict).toBe("PASS");
    expect(report.dryRun.parameters).toEqual([
      { name: "hedge.ratioBps", kind: "bps", before: "5000", after: "6000" },
      { name: "hedge.bandBps", kind: "bps", before: "1000", after: "800" },
    ]);
    expect(report.dryRun.keeper.map((k) => k.action)).toEqual(["rebalance", "collateral", "hedge"]);
    expect(verifyReport(report.impact)).toBe(true);
    expect(report.impact.inputs.changes).toEqual({ "hedge.ratioBps": 6_000, "hedge.bandBps": 800 });
    const ratio = await registryValue("hedge.ratioBps");
    expect(ratio).toBe(5_000n);

    // A delegate (dev account 1 holds TRIM) submits it; its description cites the impact report; the same proposal,
    // read back from the chain by id and decoded, simulates to the same changes and the same report; voted, it is
    // queued and executed.
    const submitted = await cli("submit", "proposals/examples/hedge-more.yaml", "--account", "1");
    const [, id, cited] = /^proposed (\d+) \(PASS\); impact report (0x[0-9a-f]{64})/.exec(submitted.stdout) ?? [];
    expect(id, submitted.stdout).toBeDefined();
    const decoded = JSON.parse((await cli("simulate", id!, "--json")).stdout) as ProposalReport & {
      citedImpactReport: string;
    };
    expect(decoded.dryRun.parameters).toEqual(report.dryRun.parameters);
    expect(decoded.citedImpactReport).toBe(cited);
    // The description names the block the report's simulation started from: from it, the report is reproduced.
    expect(decoded.impact.contentHash).toBe(cited);
    // Voting, delegating and the devnet's clock from the CLI too: a day on (the feeds re-posted, so the vault's
    // oracle stays fresh), dev accounts 1–3 vote For, one with a reason; the vote ends, it is queued, then executed.
    const devnetTime = (duration: string) => top("devnet", "time", duration);
    expect((await devnetTime("1d")).stdout).toMatch(/^the devnet's clock is at \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(await vaultMaxDeposit()).toBeGreaterThan(0n);
    for (const account of ["1", "2", "3"]) {
      const reason = account === "1" ? ["--reason", "more of the exposure hedged"] : [];
      const voted = await cli("vote", id!, "--choice", "For", ...reason, "--account", account);
      expect(voted.stdout).toMatch(
        /voted For with [1-9][\d.]* TRIM \(transaction 0x[0-9a-f]{64}\)\nproposal \d+ is Active\n$/,
      );
    }
    await expect(cli("vote", id!, "--choice", "For", "--account", "1")).rejects.toMatchObject({
      code: 2,
      stderr: "This account has already voted on this proposal.\n",
    });
    await devnetTime("3d");
    expect((await cli("queue", id!)).stdout).toContain(`queued ${id}; state Queued`);
    await expect(cli("execute", id!)).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^The timelock lets it execute from \d{4}-\d\d-\d\d \d\d:\d\d UTC/),
    });
    await devnetTime("2d");
    expect((await cli("execute", id!)).stdout).toContain(`executed ${id}; state Executed`);
    expect(await vaultMaxDeposit()).toBeGreaterThan(0n);
    // Executed, it has nothing left to check or dry-run; its impact as submitted is still reproduced.
    const asSubmitted = (await cli("simulate", id!)).stdout;
    expect(asSubmitted).toMatch(
      new RegExp(
        `^proposal ${id} is Executed: its changes are on chain, so there is nothing left to check or dry-run\\. ` +
          "Its impact as submitted, from block \\d+: the report its description cites\\.\n",
      ),
    );
    // Its changes in their units, as the registry's kinds say (60%, not 6000).
    expect(asSubmitted).toContain("Changes: `hedge.ratioBps` → 60%");
    expect(await registryValue("hedge.ratioBps")).toBe(6_000n);
    await expect(cli("execute", id!)).rejects.toMatchObject({ code: 2 });

    // Snapshot: a signalling proposal and a vote, signed by dev account 1, written as envelopes (no hub here) that
    // snapshot.js verifies; an account without TRIM is refused a vote.
    const signalFile = path.join(deploymentsDir, "signal.json");
    expect(
      (
        await cli(
          "signal",
          "proposals/examples/hedge-more.yaml",
          "--space",
          "trimtab.eth",
          "--account",
          "1",
          "--out",
          signalFile,
        )
      ).stdout,
    ).toContain(`envelope written to ${signalFile}`);
    const voteFile = path.join(deploymentsDir, "vote.json");
    const voted = await cli(
      "snapshot-vote",
      "0x1234",
      "--choice",
      "For",
      "--space",
      "trimtab.eth",
      "--account",
      "1",
      "--out",
      voteFile,
    );
    expect(voted.stdout).toMatch(/voting power at block \d+: [1-9][\d.]* TRIM/);
    const { utils } = snapshot as unknown as typeof snapshot.default;
    for (const file of [signalFile, voteFile]) {
      const envelope = JSON.parse(await readFile(file, "utf8")) as {
        address: string;
        sig: string;
        data: Parameters<typeof utils.verify>[2];
      };
      expect(await utils.verify(envelope.address, envelope.sig, envelope.data), file).toBe(true);
    }
    await expect(
      cli("snapshot-vote", "0x1234", "--choice", "For", "--space", "trimtab.eth", "--account", "7"),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("has no voting power at block"),
    });

    const second = await run(node, ["devnet/start.ts", ...args], { cwd: root });
    expect(second.stdout).toContain("already running");
    expect(await client.getChainId()).toBe(record.chainId);

    first.child.kill("SIGINT");
    await new Promise((resolve) => first.child.on("exit", resolve));
    await expect(client.getChainId()).rejects.toThrow();
  }, 180_000);
});
