import path from "node:path";
import hre from "hardhat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseUnits, type PublicClient } from "viem";
import { loadSubgraph, withDeployment, type Subgraph } from "../../indexer/manifest.ts";
import { processBlocks } from "../../indexer/processor.ts";
import { toString as decimalString } from "../../indexer/runtime/bigDecimal.ts";
import type { Entity, StoreValue } from "../../indexer/runtime/values.ts";
import { openDatabase, type Sql } from "../../indexer/store/database.ts";
import { databaseStore, type DatabaseStore } from "../../indexer/store/databaseStore.ts";
import { memoryStore } from "../../indexer/store/memory.ts";
import { syncOnce } from "../../indexer/sync.ts";
import { subgraphDir } from "../../scripts/codegen/subgraph.ts";
import type { Connection } from "../helpers/governance.ts";
import { deployVault, rebalanceUntilSettled, type VaultStack } from "../helpers/vault.ts";

const text = (v: StoreValue): string =>
  v.kind === "Null"
    ? "null"
    : v.kind === "BigDecimal"
      ? decimalString(v.value)
      : v.kind === "Array"
        ? `[${v.value.map(text).join(",")}]`
        : String(v.value);
/** Entities as sorted plain text, for comparing two stores. */
const canonical = (entities: Entity[]) =>
  entities
    .map((e) => Object.fromEntries([...e].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, text(v)])))
    .sort((a, b) => String(a.id).localeCompare(String(b.id)));

/** PostgreSQL for the same tests when a server is given (`.ci/run` starts one); PGlite always. */
const postgresUrl = process.env.TRIMTAB_TEST_DATABASE_URL;
const backends = [
  { name: "PGlite", open: () => openDatabase({}) },
  ...(postgresUrl ? [{ name: "PostgreSQL", open: () => openDatabase({ url: postgresUrl }) }] : []),
];
let namespaces = 0;

async function snapshotOf(store: DatabaseStore, subgraph: Subgraph) {
  const out: Record<string, unknown> = {};
  for (const type of subgraph.schema.entities.keys()) out[type] = canonical(await store.latest(type));
  return out;
}

describe.each(backends)("indexing into the database ($name)", ({ open }) => {
  let connection: Connection;
  let v: VaultStack;
  let client: PublicClient;
  let subgraph: Subgraph;
  const opened: Sql[] = [];
  /** A store in a namespace of its own (tests share a PostgreSQL database). */
  const freshStore = async (of: Subgraph): Promise<DatabaseStore> => {
    const sql = await open();
    opened.push(sql);
    return databaseStore(sql, of.schema, `test_${process.pid}_${Date.now()}_${namespaces++}`);
  };
  afterAll(async () => {
    for (const sql of opened) await sql.close();
  });

  beforeAll(async () => {
    connection = await hre.network.create();
    v = await deployVault(connection);
    client = (await connection.viem.getPublicClient()) as unknown as PublicClient;
    await v.vault.write.deposit([parseUnits("100000", 6), v.accounts.alice.account.address], {
      account: v.accounts.alice.account,
    });
    await rebalanceUntilSettled(connection, v);
    subgraph = withDeployment(await loadSubgraph(path.join(subgraphDir, "build", "default")), v.record);
  });

  it("stores exactly the entities an in-memory run produces, and records the head", async () => {
    const head = await client.getBlockNumber();
    const memory = memoryStore(subgraph.schema);
    await processBlocks({ client, subgraph, store: memory, from: 0n, to: head });
    const store = await freshStore(subgraph);
    const result = await syncOnce({ client, subgraph, store, rangeBlocks: 50 });
    expect(result.head?.number).toBe(head);
    expect(result.head?.hash).toBe((await client.getBlock({ blockNumber: head })).hash);
    for (const type of subgraph.schema.entities.keys()) {
      expect(canonical(await store.latest(type)), type).toEqual(canonical(memory.all(type)));
    }
    // A second sync finds nothing new and changes nothing.
    const again = await syncOnce({ client, subgraph, store });
    expect(again.events).toBe(0);
  });

  it("after the node fails mid-range, the next sync writes each block once and ends as an uninterrupted run", async () => {
    const memory = memoryStore(subgraph.schema);
    await processBlocks({ client, subgraph, store: memory, from: 0n, to: await client.getBlockNumber() });
    // The node stops answering block requests after a few (mid-range, with blocks committed and not yet written).
    let blocksServed = 0;
    const failing = new Proxy(client, {
      get(target, property, receiver) {
        if (property !== "getBlock") return Reflect.get(target, property, receiver) as unknown;
        return (args: Parameters<PublicClient["getBlock"]>[0]) => {
          if (++blocksServed > 4) return Promise.reject(new Error("the node went away"));
          return target.getBlock(args);
        };
      },
    });
    const store = await freshStore(subgraph);
    await expect(syncOnce({ client: failing, subgraph, store })).rejects.toThrow("the node went away");
    await syncOnce({ client, subgraph, store });
    for (const type of subgraph.schema.entities.keys()) {
      expect(canonical(await store.latest(type)), type).toEqual(canonical(memory.all(type)));
    }
  });

  it("rewinds a chain reorganisation and re-indexes the new branch, as a fresh index of it would", async () => {
    const store = await freshStore(subgraph);
    const fork = await connection.networkHelpers.takeSnapshot();
    const { alice, bob } = v.accounts;
    await v.vault.write.deposit([parseUnits("1000", 6), alice.account.address], { account: alice.account });
    await v.vault.write.deposit([parseUnits("2000", 6), alice.account.address], { account: alice.account });
    await syncOnce({ client, subgraph, store });
    expect((await store.latest("Deposit")).length).toBe(3);

    await fork.restore(); // the two deposits leave the chain
    await v.vault.write.deposit([parseUnits("5000", 6), bob.account.address], { account: bob.account });
    const result = await syncOnce({ client, subgraph, store });
    expect(result.rewoundTo?.number).toBeLessThan(result.head!.number);

    const deposits = (await store.latest("Deposit")).map((d) => d.get("assets"));
    expect(deposits).toHaveLength(2);
    expect(deposits).toContainEqual({ kind: "BigInt", value: parseUnits("5000", 6) });
    const fresh = await freshStore(subgraph);
    await syncOnce({ client, subgraph, store: fresh });
    expect(await snapshotOf(store, subgraph)).toEqual(await snapshotOf(fresh, subgraph));
  });
});
