import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { hexToBytes, type Hex } from "viem";
import { executeQuery } from "../../indexer/graphql/execute.ts";
import { executableSchema } from "../../indexer/graphql/resolvers.ts";
import { parseSchema } from "../../indexer/schema.ts";
import { openDatabase, type Sql } from "../../indexer/store/database.ts";
import { databaseStore } from "../../indexer/store/databaseStore.ts";
import { createTables } from "../../indexer/store/layout.ts";

const schema = parseSchema(`type Counter @entity { id: ID!, n: Int! }`);
const hash = (n: number, salt = 0) => `0x${(n * 256 + salt).toString(16).padStart(64, "0")}` as Hex;
/** Block `n` as the processor commits it: its hash, timestamp (12 s apart) and parent's hash. */
const block = (n: number) => ({
  number: BigInt(n),
  hash: hash(n),
  timestamp: 1_700_000_000n + BigInt(12 * n),
  parentHash: hash(n - 1),
});

/** The meta row and block hashes as the indexer wrote them before it kept block timestamps. */
async function writeOldLayout(sql: Sql, namespace: string): Promise<void> {
  await sql.query(`create schema "${namespace}"`);
  await sql.query(
    `create table "${namespace}".meta (id int primary key default 1, head_number int8, head_hash bytea,
        failed boolean not null default false, error text, error_block int8)`,
  );
  await sql.query(`create table "${namespace}".block_hashes (number int8 primary key, hash bytea not null)`);
  for (const statement of createTables(schema, namespace)) await sql.query(statement);
  await sql.query(`insert into "${namespace}".meta (id, head_number, head_hash) values (1, 5, $1)`, [
    hexToBytes(hash(5)),
  ]);
  for (const n of [4, 5]) {
    await sql.query(`insert into "${namespace}".block_hashes (number, hash) values ($1, $2)`, [n, hexToBytes(hash(n))]);
  }
  await sql.query(`insert into "${namespace}".counter (id, n, block_range) values ('c', 7, int4range(4, null))`);
}

describe("the indexed block pointer keeps the block's timestamp and parent hash", () => {
  let sql: Sql | undefined;
  afterEach(async () => {
    await sql?.close();
    sql = undefined;
  });

  it("a database of the old layout migrates on start, its head, hashes and entities kept", async () => {
    const dataDir = path.join(await mkdtemp(path.join(tmpdir(), "trimtab-old-layout-")), "db");
    sql = await openDatabase({ dataDir });
    await writeOldLayout(sql, "subgraph");
    await sql.close();

    sql = await openDatabase({ dataDir });
    const store = await databaseStore(sql, schema);
    const status = await store.status();
    expect(status.head).toEqual({ number: 5n, hash: hash(5), timestamp: null, parentHash: null });
    expect(await store.recordedBlocks(0n)).toEqual([
      { number: 5n, hash: hash(5), timestamp: null, parentHash: null },
      { number: 4n, hash: hash(4), timestamp: null, parentHash: null },
    ]);
    expect((await store.latest("Counter")).map((e) => e.get("n"))).toEqual([{ kind: "Int", value: 7 }]);

    // Indexing goes on from the head, and the blocks indexed now carry their timestamps.
    store.beginBlock(6n);
    store.set(
      "Counter",
      "c",
      new Map([
        ["id", { kind: "String", value: "c" }],
        ["n", { kind: "Int", value: 8 }],
      ]),
    );
    await store.commitBlock(block(6));
    await store.flush();
    expect((await store.status()).head).toEqual(block(6));
    await sql.close();

    // Opening it again (the migration done) changes nothing.
    sql = await openDatabase({ dataDir });
    const reopened = await databaseStore(sql, schema);
    expect((await reopened.status()).head).toEqual(block(6));
    expect((await reopened.recordedBlocks(6n))[0]).toEqual(block(6));
  });

  it("_meta.block has the head's hash, number, timestamp and parent hash; a block by number its timestamp", async () => {
    sql = await openDatabase({});
    const store = await databaseStore(sql, schema);
    for (const n of [1, 2, 3]) {
      store.beginBlock(BigInt(n));
      store.set(
        "Counter",
        "c",
        new Map([
          ["id", { kind: "String", value: "c" }],
          ["n", { kind: "Int", value: n }],
        ]),
      );
      await store.commitBlock(block(n));
    }
    // A range without triggers ends with its last block as the head.
    await store.setHead(block(4));
    const api = { schema: executableSchema(schema, store.namespace), sql, store, name: "t", deployment: "Qm" };
    const meta = async (args: string) =>
      (
        (await executeQuery(api, { query: `{ _meta${args} { block { hash number timestamp parentHash } } }` })) as {
          data: { _meta: { block: unknown } };
        }
      ).data._meta.block;
    expect(await meta("")).toEqual({ hash: hash(4), number: 4, timestamp: 1_700_000_048, parentHash: hash(3) });
    // As graph-node: a block asked for by number has no hash (nor parent hash) in _meta.
    expect(await meta("(block: { number: 2 })")).toEqual({
      hash: null,
      number: 2,
      timestamp: 1_700_000_024,
      parentHash: null,
    });
    expect(await meta("(block: { number_gte: 3 })")).toMatchObject({ number: 4, timestamp: 1_700_000_048 });
  });
});
