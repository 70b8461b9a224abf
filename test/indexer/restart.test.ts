import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadSubgraph } from "../../indexer/manifest.ts";
import { indexerNodeOptions } from "../../indexer/nodeOptions.ts";
import { toString as decimalString } from "../../indexer/runtime/bigDecimal.ts";
import type { Entity, StoreValue } from "../../indexer/runtime/values.ts";
import { openDatabase } from "../../indexer/store/database.ts";
import { databaseStore } from "../../indexer/store/databaseStore.ts";
import { subgraphDir } from "../../scripts/codegen/subgraph.ts";

const root = path.resolve(import.meta.dirname, "..", "..");
const node = path.join(root, "node_modules", ".bin", "node");
const port = 18_546;
const graphqlPort = 18_001;

const text = (v: StoreValue): string =>
  v.kind === "Null"
    ? "null"
    : v.kind === "BigDecimal"
      ? decimalString(v.value)
      : v.kind === "Array"
        ? `[${v.value.map(text).join(",")}]`
        : String(v.value);
const canonical = (entities: Entity[]) =>
  entities.map((e) => JSON.stringify([...e].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, text(v)])));

/** An indexer run to the chain's head, in ranges of 25 blocks (it logs each range it commits). */
function indexOnce(deployment: string, dataDir: string): ChildProcess & { progress: () => number } {
  const args = [
    ...indexerNodeOptions,
    "indexer/cli.ts",
    "--once",
    "--rpc",
    `http://127.0.0.1:${port}`,
    "--deployment",
    deployment,
  ];
  const child = spawn(node, [...args, "--data-dir", dataDir, "--range-blocks", "25"], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let ranges = 0;
  child.stdout!.on("data", (chunk: Buffer) => (ranges += chunk.toString().split("indexed to block").length - 1));
  return Object.assign(child, { progress: () => ranges });
}

/** The processes whose arguments satisfy `where`. */
async function processesWhere(where: (args: string[]) => boolean): Promise<number[]> {
  const found: number[] = [];
  for (const pid of (await readdir("/proc")).filter((name) => /^\d+$/.test(name))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (where(cmdline.split("\0"))) found.push(Number(pid));
  }
  return found;
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.on("exit", (code) => resolve(code));
  });

async function state(dataDir: string) {
  const subgraph = await loadSubgraph(path.join(subgraphDir, "build", "default"));
  const sql = await openDatabase({ dataDir });
  const store = await databaseStore(sql, subgraph.schema);
  const out: Record<string, string[]> = {};
  for (const type of subgraph.schema.entities.keys()) out[type] = canonical(await store.latest(type));
  const head = (await store.status()).head;
  await sql.close();
  return { entities: out, head };
}

describe("indexer restarts", () => {
  const children: ChildProcess[] = [];
  afterAll(() => children.forEach((child) => child.kill("SIGTERM")));

  it("killed with SIGKILL again and again, it resumes to exactly the state of an uninterrupted run", async () => {
    const deploymentsDir = await mkdtemp(path.join(tmpdir(), "trimtab-restart-"));
    const start = spawn(
      node,
      [
        "devnet/start.ts",
        ...["--port", String(port), "--graphql-port", String(graphqlPort)],
        ...["--deployments-dir", deploymentsDir, "--days", "32"],
      ],
      { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
    );
    children.push(start);
    let output = "";
    start.stdout!.on("data", (chunk) => (output += chunk));
    start.stderr!.on("data", (chunk) => (output += chunk));
    while (!output.includes("Ready.")) {
      if (start.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const deployment = path.join(deploymentsDir, "localhost.json");

    const reference = await mkdtemp(path.join(tmpdir(), "trimtab-index-a-"));
    expect(await exited(indexOnce(deployment, reference))).toBe(0);
    const expected = await state(reference);

    const interrupted = await mkdtemp(path.join(tmpdir(), "trimtab-index-b-"));
    const heads: bigint[] = [];
    // Each run is killed once it has committed two more ranges, in the middle of the next one.
    for (let run = 0; run < 4; run++) {
      const child = indexOnce(deployment, interrupted);
      children.push(child);
      while (child.progress() < 2 && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
      child.kill("SIGKILL");
      await exited(child);
      heads.push((await state(interrupted)).head!.number);
    }
    // Every run resumed where the previous one was killed, and none reached the head.
    expect(heads).toEqual([...heads].sort((a, b) => (a < b ? -1 : 1)));
    expect(new Set(heads).size).toBe(heads.length);
    expect(heads.at(-1)!).toBeLessThan(expected.head!.number);
    expect(await exited(indexOnce(deployment, interrupted))).toBe(0);
    const resumed = await state(interrupted);
    expect(resumed.head).toEqual(expected.head);
    expect(resumed.entities).toEqual(expected.entities);

    // The stack's indexer killed: npm start says so and stops the stack, rather than standing "Ready" over it.
    const servingIndexer = await processesWhere(
      (args) => args.some((arg) => arg.endsWith("indexer/cli.ts")) && args.includes(String(graphqlPort)),
    );
    expect(servingIndexer).toHaveLength(1);
    process.kill(servingIndexer[0]!, "SIGKILL");
    expect(await exited(start)).toBe(1);
    expect(output).toMatch(/the indexer exited \(SIGKILL\): see \.trimtab\/indexer-18001\.log\. Stopping the stack\./);
  }, 300_000);

  it("killed with SIGKILL while it sets up its database, it leaves no process running and no half-made database", async () => {
    const dataDir = path.join(await mkdtemp(path.join(tmpdir(), "trimtab-init-")), "db");
    const staging = `${dataDir}.initdb`;
    /** The indexer's child processes: any other process with an argument naming the data directory or beside it. */
    const setupProcesses = () =>
      processesWhere((args) => args.some((arg) => arg.startsWith(dataDir))).then((pids) =>
        pids.filter((pid) => pid !== indexer.pid),
      );
    const args = [...indexerNodeOptions, "indexer/cli.ts", "--once", "--rpc", "http://127.0.0.1:9", "--data-dir"];
    const indexer = spawn(node, [...args, dataDir], { cwd: root, stdio: "ignore" });
    children.push(indexer);
    while ((await setupProcesses()).length === 0) {
      expect(indexer.exitCode, "the indexer exited before setting up its database").toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    indexer.kill("SIGKILL");
    await exited(indexer);
    const deadline = Date.now() + 2_000;
    while ((await setupProcesses()).length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await setupProcesses()).toEqual([]);
    expect(existsSync(path.join(dataDir, "PG_VERSION"))).toBe(false);
    // The next start sets the database up from scratch.
    const sql = await openDatabase({ dataDir });
    expect((await sql.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
    await sql.close();
    expect(existsSync(staging)).toBe(false);
  }, 60_000);
});
