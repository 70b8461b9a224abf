import { mkdtemp, writeFile, readFile, cp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import hre from "hardhat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PublicClient } from "viem";
import { blockHandlerRunsAt, loadSubgraph, withDeployment, type Subgraph } from "../../indexer/manifest.ts";
import { blockHandlerBlocks } from "../../indexer/processor.ts";
import { openDatabase, type Sql } from "../../indexer/store/database.ts";
import { databaseStore } from "../../indexer/store/databaseStore.ts";
import { syncOnce } from "../../indexer/sync.ts";
import { graph, subgraphDir } from "../../scripts/codegen/subgraph.ts";
import { deployGovernance } from "../helpers/governance.ts";

const fixture = path.resolve(import.meta.dirname, "..", "fixtures", "block-handlers-subgraph");

describe("block handlers, as graph-node reads them from the manifest", () => {
  it("the subgraph's governor runs its block handler on every block", async () => {
    const subgraph = await loadSubgraph(path.join(subgraphDir, "build", "default"));
    const governor = subgraph.dataSources.find((ds) => ds.name === "TrimtabGovernor")!;
    expect(governor.blockHandlers).toEqual([{ handler: "handleGovernorBlock", filter: { kind: "every" } }]);
    expect(subgraph.dataSources.filter((ds) => ds.blockHandlers.length > 0).map((ds) => ds.name)).toEqual([
      "TrimtabGovernor",
    ]);
  });

  it("no filter runs on every block from the start block; polling every n blocks from it; once at it", () => {
    const every = { kind: "every" } as const;
    const polling = { kind: "polling", every: 3 } as const;
    const once = { kind: "once" } as const;
    const runs = (filter: Parameters<typeof blockHandlerRunsAt>[0]) =>
      [8n, 9n, 10n, 11n, 12n, 13n, 14n, 15n, 16n].filter((n) => blockHandlerRunsAt(filter, n, 10));
    expect(runs(every)).toEqual([10n, 11n, 12n, 13n, 14n, 15n, 16n]);
    expect(runs(polling)).toEqual([10n, 13n, 16n]);
    expect(runs(once)).toEqual([10n]);
    const source = (filter: typeof every | typeof polling | typeof once) =>
      ({ startBlock: 10, blockHandlers: [{ handler: "h", filter }] }) as unknown as Subgraph["dataSources"][number];
    // A range starting past the start block keeps the polling phase of the start block.
    expect(blockHandlerBlocks([source(polling)], 11n, 20n)).toEqual([13n, 16n, 19n]);
    expect(blockHandlerBlocks([source(once)], 11n, 20n)).toEqual([]);
    expect(blockHandlerBlocks([source(once), source(polling)], 0n, 12n)).toEqual([10n]);
  });

  describe("what the indexer refuses, naming the handler", () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), "trimtab-block-handlers-"));
      await cp(path.join(subgraphDir, "build", "default"), dir, { recursive: true });
    });
    /** The built subgraph with the governor's `blockHandlers:` entry replaced by `yaml` (indented as the list). */
    const withBlockHandlers = async (yaml: string) => {
      const manifest = await readFile(path.join(subgraphDir, "build", "default", "subgraph.yaml"), "utf8");
      const replaced = manifest.replace(/( +)blockHandlers:\n\1 {2}- handler: handleGovernorBlock\n/, `$1${yaml}\n`);
      expect(replaced).not.toBe(manifest);
      await writeFile(path.join(dir, "subgraph.yaml"), replaced);
      return loadSubgraph(dir);
    };
    const list = (...lines: string[]) => `blockHandlers:\n${lines.map((l) => `        ${l}`).join("\n")}`;

    it("a call filter (it needs traces) and call handlers", async () => {
      await expect(
        withBlockHandlers(list("- handler: handleGovernorBlock", "  filter:", "    kind: call")),
      ).rejects.toThrow(/block handler handleGovernorBlock: the call filter is not supported/);
      await expect(
        withBlockHandlers("callHandlers:\n        - function: propose()\n          handler: handleGovernorBlock"),
      ).rejects.toThrow(/data source TrimtabGovernor: call handlers are not supported/);
    });

    it("a polling interval that is not a positive integer, and an unknown filter kind", async () => {
      for (const every of ["0", "-2", "1.5", "often"]) {
        await expect(
          withBlockHandlers(
            list("- handler: handleGovernorBlock", "  filter:", "    kind: polling", `    every: ${every}`),
          ),
        ).rejects.toThrow(/handleGovernorBlock: a polling filter's `every` must be a positive integer/);
      }
      await expect(
        withBlockHandlers(list("- handler: handleGovernorBlock", "  filter:", "    kind: hourly")),
      ).rejects.toThrow(/unknown filter kind hourly/);
    });

    it("two block handlers with the same filter kind (graph-node's duplicated block handlers)", async () => {
      await expect(
        withBlockHandlers(list("- handler: handleGovernorBlock", "- handler: handleGovernorBlock")),
      ).rejects.toThrow(/data source has duplicated block handlers \(two with no filter\)/);
      const polling = ["  filter:", "    kind: polling", "    every: 2"];
      await expect(withBlockHandlers(list("- handler: a", ...polling, "- handler: b", ...polling))).rejects.toThrow(
        /duplicated block handlers \(two with filter kind polling\)/,
      );
    });
  });
});

describe("block handlers run in graph-node's order", () => {
  let sql: Sql;
  let runs: { kind: string; block: bigint }[];
  let startBlock: number;
  let head: bigint;
  let transfersPerBlock: Map<bigint, number>;

  beforeAll(async () => {
    await graph(["codegen", "subgraph.yaml", "--output-dir", "generated"], fixture);
    await graph(["build", "subgraph.yaml", "--output-dir", "build"], fixture);
    const connection = await hre.network.create();
    const gov = await deployGovernance(connection);
    const client = (await connection.viem.getPublicClient()) as unknown as PublicClient;
    // Starting past the deployment: the start block's phase, not block 0's, sets when polling runs.
    startBlock = Number(await client.getBlockNumber()) - 4;
    await gov.token.write.transfer([gov.accounts.eve.account.address, 1n], { account: gov.accounts.alice.account });
    await connection.networkHelpers.mine(3);
    await gov.token.write.transfer([gov.accounts.eve.account.address, 2n], { account: gov.accounts.bob.account });
    head = await client.getBlockNumber();
    const subgraph = withDeployment(await loadSubgraph(path.join(fixture, "build")), {
      network: "hardhat",
      startBlock,
      contracts: { TrimtabToken: gov.token.address },
    });
    const transfers = await gov.token.getEvents.Transfer({}, { fromBlock: BigInt(startBlock) });
    transfersPerBlock = new Map();
    for (const t of transfers) transfersPerBlock.set(t.blockNumber, (transfersPerBlock.get(t.blockNumber) ?? 0) + 1);
    sql = await openDatabase({});
    const store = await databaseStore(sql, subgraph.schema);
    expect((await syncOnce({ client, subgraph, store, rangeBlocks: 4 })).failed).toBeUndefined();
    runs = (await store.latest("TriggerRun"))
      .map((e) => ({
        id: Number(e.get("id")!.kind === "String" ? (e.get("id") as { value: string }).value : -1),
        kind: (e.get("kind") as { value: string }).value,
        block: (e.get("blockNumber") as { value: bigint }).value,
      }))
      .sort((a, b) => a.id - b.id)
      .map(({ kind, block }) => ({ kind, block }));
  });
  afterAll(async () => sql?.close());

  it("once first at the start block, then the block's events, then the other block handlers in manifest order", async () => {
    const expected: { kind: string; block: bigint }[] = [];
    for (let block = BigInt(startBlock); block <= head; block++) {
      if (block === BigInt(startBlock)) expected.push({ kind: "once", block });
      for (let i = 0; i < (transfersPerBlock.get(block) ?? 0); i++) expected.push({ kind: "event", block });
      expected.push({ kind: "every", block });
      if ((block - BigInt(startBlock)) % 3n === 0n) expected.push({ kind: "polling", block });
    }
    expect(transfersPerBlock.size).toBeGreaterThan(1);
    expect(runs).toEqual(expected);
  });
});
