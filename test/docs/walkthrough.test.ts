/**
 * docs/delegates.md's walk, run as written: its `trimtab` commands, in order, against a devnet (a Hardhat node with
 * the stack deployed, voters seeded and 40 days of market played, as `npm start` leaves it), each pointed at that
 * chain with --rpc and --deployment. The `<id>` the walk shows is the id `proposal submit` printed.
 */
import { execFile, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import hre from "hardhat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHardhatNode } from "../../devnet/hardhatNode.ts";
import { playScenario } from "../../devnet/scenario.ts";
import { seedVoters } from "../../devnet/seedVoters.ts";
import { deployStack } from "../../devnet/stack.ts";
import { sectionOf, trimtabCallsOf } from "../../scripts/checkDocs.ts";

const root = path.resolve(import.meta.dirname, "..", "..");
const node = path.join(root, "node_modules", ".bin", "node");
const port = 18_961;
const rpcUrl = `http://127.0.0.1:${port}`;
const deploymentId = `docs-walk-${port}`;
const run = promisify(execFile);

describe("docs/delegates.md's walk on the devnet", () => {
  let chain: ChildProcess | undefined;
  let deploymentFile = "";

  beforeAll(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "trimtab-docs-walk-"));
    chain = await startHardhatNode(port, path.join(dir, "node.log"));
    const connection = await hre.network.create({ network: "localhost", override: { url: rpcUrl } });
    const [, guardian] = await connection.viem.getWalletClients();
    const now = Number((await (await connection.viem.getPublicClient()).getBlock()).timestamp);
    await rm(path.join(root, "ignition", "deployments", deploymentId), { recursive: true, force: true });
    const deployed = await deployStack(connection, {
      network: "localhost",
      deploymentsDir: dir,
      deploymentId,
      rpcUrl,
      governance: {
        proposalGuardian: guardian!.account.address,
        registryGuardian: guardian!.account.address,
        registryGuardianExpiresAt: BigInt(now + 365 * 86_400),
      },
    });
    await seedVoters(connection, deployed.token);
    // The impact simulation calibrates its market from at least 31 daily prices.
    await playScenario(connection, deployed.record, { days: 40, seed: 1 });
    deploymentFile = deployed.file!;
  }, 300_000);

  afterAll(async () => {
    chain?.kill("SIGKILL");
    await rm(path.join(root, "ignition", "deployments", deploymentId), { recursive: true, force: true });
  });

  it("takes a proposal from its file to execution with the commands the page shows, each succeeding", async () => {
    const page = await readFile(path.join(root, "docs", "delegates.md"), "utf8");
    const walk = sectionOf(page, "the-walk-on-the-devnet-propose-vote-queue-execute");
    expect(walk, "docs/delegates.md has its walk").toBeDefined();
    const calls = trimtabCallsOf({ file: "docs/delegates.md", text: walk! });
    expect(calls.length).toBeGreaterThan(5);
    let id: string | undefined;
    const outputs: string[] = [];
    for (const call of calls) {
      const args = call.map((word) => {
        if (word !== "<id>") return word;
        expect(id, `${call.join(" ")}: an id, from proposal submit before it`).toBeDefined();
        return id!;
      });
      const shown = `trimtab ${call.join(" ")}`;
      const { stdout } = await run(node, ["cli/trimtab.ts", ...args, "--rpc", rpcUrl, "--deployment", deploymentFile], {
        cwd: root,
        maxBuffer: 64 * 1024 * 1024,
      }).catch((error: { code: number; stdout: string; stderr: string }) => {
        throw new Error(`${shown} exited ${error.code}:\n${error.stdout}${error.stderr}`);
      });
      outputs.push(stdout);
      id ??= /^proposed (\d+) /m.exec(stdout)?.[1];
    }
    expect(id, "proposal submit printed the proposal's id").toBeDefined();
    // Submitted guarded: it executed only once the guard's conditions held.
    expect(outputs.join("")).toMatch(/^guarded by 0x[0-9a-fA-F]{40}: it executes only if$/m);
    expect(outputs.join("")).toContain(`executed ${id}; state Executed`);
  }, 300_000);
});
