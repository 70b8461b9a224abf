import { afterEach, describe, expect, it } from "vitest";
import { entityToStore, parseSchema } from "../../indexer/schema.ts";
import { openDatabase, type Sql } from "../../indexer/store/database.ts";
import { databaseStore, StoreError } from "../../indexer/store/databaseStore.ts";
import type { Entity, StoreValue } from "../../indexer/runtime/values.ts";
import type { Hex } from "viem";

const schema = parseSchema(`
  type Trade @entity(immutable: true) { id: ID!, amount: BigInt! }
  type Ping @entity(immutable: true, skipDuplicates: true) { id: Bytes!, n: Int! }
  type Counter @entity { id: ID!, n: Int! }
`);
const trade = (id: string, amount: bigint): Entity =>
  new Map([
    ["id", { kind: "String", value: id }],
    ["amount", { kind: "BigInt", value: amount }],
  ]);
const ping = (id: Hex, n: number): Entity =>
  new Map([
    ["id", { kind: "Bytes", value: id }],
    ["n", { kind: "Int", value: n }],
  ]);
const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;
/** Block `n` as the processor commits it: with its timestamp and parent's hash, which the head keeps. */
const block = (n: number) => ({
  number: BigInt(n),
  hash: hash(n),
  timestamp: 1_700_000_000n + BigInt(n),
  parentHash: hash(n - 1),
});

describe("indexer store: immutable entities as graph-node stores them", () => {
  let sql: Sql | undefined;
  afterEach(async () => {
    await sql?.close();
    sql = undefined;
  });

  it("a block may overwrite its own insert; a later block inserting the same id fails, with the blocks before it committed", async () => {
    sql = await openDatabase({});
    const store = await databaseStore(sql, schema);
    store.beginBlock(1n);
    store.set("Trade", "t1", trade("t1", 1n));
    store.set("Trade", "t1", trade("t1", 2n));
    await store.commitBlock(block(1));
    expect((await store.latest("Trade")).map((e) => e.get("amount"))).toEqual([{ kind: "BigInt", value: 2n }]);

    // Blocks are written in batches: block 2 is fine, block 3 repeats t1; block 4 comes after the failure.
    store.beginBlock(2n);
    store.set("Trade", "t2", trade("t2", 5n));
    await store.commitBlock(block(2));
    store.beginBlock(3n);
    store.set("Trade", "t3", trade("t3", 6n));
    store.set("Trade", "t1", trade("t1", 3n));
    await store.commitBlock(block(3));
    store.beginBlock(4n);
    store.set("Trade", "t4", trade("t4", 7n));
    await store.commitBlock(block(4));
    const failure = await store.flush().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).block).toBe(3n);
    expect((failure as StoreError).message).toBe(
      "entity Trade[t1] is immutable; inserting it at block 3 is not possible as it was already inserted at block 1",
    );
    expect((await store.status()).head?.number).toBe(2n);
    expect((await store.latest("Trade")).map((e) => e.get("id"))).toEqual([
      { kind: "String", value: "t1" },
      { kind: "String", value: "t2" },
    ]);

    store.beginBlock(3n);
    store.remove("Trade", "t1");
    await store.commitBlock(block(3));
    await expect(store.flush()).rejects.toThrow("immutable entity type Trade only allows inserts");
  });

  it("with skipDuplicates a later insert of an existing id is dropped, the rest of the block commits", async () => {
    sql = await openDatabase({});
    const store = await databaseStore(sql, schema);
    const a: Hex = "0x00aa";
    store.beginBlock(1n);
    store.set("Ping", a, ping(a, 1));
    await store.commitBlock(block(1));
    store.beginBlock(2n);
    store.set("Ping", a, ping(a, 2));
    store.set("Ping", "0x00bb", ping("0x00bb", 3));
    store.set(
      "Counter",
      "c",
      new Map([
        ["id", { kind: "String", value: "c" }],
        ["n", { kind: "Int", value: 1 }],
      ]),
    );
    await store.commitBlock(block(2));
    const pings = (await store.latest("Ping")).map((e) => [e.get("id"), e.get("n")]);
    expect(pings).toEqual([
      [
        { kind: "Bytes", value: a },
        { kind: "Int", value: 1 },
      ],
      [
        { kind: "Bytes", value: "0x00bb" },
        { kind: "Int", value: 3 },
      ],
    ]);
    expect((await store.status()).head?.number).toBe(2n);
  });
});

describe("indexer store: blocks written in batches keep every block's version", () => {
  let sql: Sql | undefined;
  afterEach(async () => {
    await sql?.close();
    sql = undefined;
  });
  const counter = (n: number): Entity =>
    new Map<string, StoreValue>([
      ["id", { kind: "String", value: "c" }],
      ["n", { kind: "Int", value: n }],
    ]);

  it("changes in several blocks of one batch become versions with the blocks' ranges", async () => {
    sql = await openDatabase({});
    const store = await databaseStore(sql, schema);
    const commit = async (number: number, write: () => void) => {
      store.beginBlock(BigInt(number));
      write();
      await store.commitBlock(block(number));
    };
    await commit(1, () => store.set("Counter", "c", counter(1)));
    await store.flush();
    await commit(2, () => store.set("Counter", "c", counter(2)));
    await commit(3, () => store.set("Trade", "t", trade("t", 1n))); // the counter does not change
    await commit(4, () => store.set("Counter", "c", counter(4)));
    await commit(5, () => store.remove("Counter", "c"));
    expect(store.get("Counter", "c")).toBeNull(); // read before it is written
    await commit(6, () => store.set("Counter", "c", counter(6)));
    expect(store.get("Counter", "c")?.get("n")).toEqual({ kind: "Int", value: 6 });
    await store.flush();
    const { rows } = await sql.query<{ n: number; range: string }>(
      `select n, block_range::text as range from subgraph.counter order by lower(block_range)`,
    );
    expect(rows).toEqual([
      { n: 1, range: "[1,2)" },
      { n: 2, range: "[2,4)" },
      { n: 4, range: "[4,5)" },
      { n: 6, range: "[6,)" },
    ]);
    expect((await store.status()).head).toEqual(block(6));
    expect(await store.hashAt(3n)).toBe(block(3).hash);
  });
});

describe("indexer store: an entity a mapping saves, checked and merged as graph-node does", () => {
  const types = parseSchema(`
    enum Side { Buy, Sell }
    type Pool @entity { id: Bytes!, name: String!, fee: Int, tokens: [Bytes!]!, side: Side, trades: [Fill!]! @derivedFrom(field: "pool") }
    type Fill @entity(immutable: true) { id: ID!, pool: Pool!, amount: BigInt! }
  `);
  const pool: Hex = "0x00000000000000000000000000000000000000aa";
  const base = (): Entity =>
    new Map<string, StoreValue>([
      ["name", { kind: "String", value: "ETH/USDC" }],
      ["tokens", { kind: "Array", value: [{ kind: "Bytes", value: "0x01" }] }],
    ]);
  const save = (entity: Entity, existing: Entity | null = null, type = "Pool", id: string = pool) =>
    entityToStore(types, type, id, entity, () => existing);

  it("adds the id field, and refuses one that differs from the id saved under", () => {
    expect(save(base()).get("id")).toEqual({ kind: "Bytes", value: pool });
    const wrong = new Map(base()).set("id", { kind: "Bytes", value: "0x00" });
    expect(() => save(wrong)).toThrow("differs from the id it is saved under");
  });

  it("names the entity, field, value and types in graph-node's words", () => {
    const where = `Entity Pool[${pool}]`;
    expect(() => save(base(), null, "Pond")).toThrow(`Entity Pond[${pool}]: unknown entity type \`Pond\``);
    expect(() =>
      save(new Map(base()).set("colour", { kind: "String", value: "red" }).set("age", { kind: "Int", value: 1 })),
    ).toThrow(
      "Attempted to set undefined fields [age, colour] for the entity type `Pool`. Make sure those fields are defined in the schema.",
    );
    expect(() => save(new Map(base()).set("fee", { kind: "String", value: "3000" }))).toThrow(
      `${where}: the value \`3000\` for field \`fee\` must have type Int but has type String`,
    );
    const mixed: StoreValue = {
      kind: "Array",
      value: [
        { kind: "Bytes", value: "0x01" },
        { kind: "Int", value: 2 },
      ],
    };
    expect(() => save(new Map(base()).set("tokens", mixed))).toThrow(
      `${where}: field \`tokens\` is of type [Bytes!]!, but the value \`[0x01, 2]\` contains a Int at index 1`,
    );
    expect(() => save(new Map(base()).set("trades", { kind: "Array", value: [] }))).toThrow(
      `${where}: field \`trades\` is derived and cannot be set`,
    );
    const noName = new Map(base());
    noName.delete("name");
    expect(() => save(noName)).toThrow(`${where}: missing value for non-nullable field \`name\``);
    expect(() => save(new Map(base()).set("side", { kind: "String", value: "Hold" }))).toThrow(
      "not a value of enum Side",
    );
  });

  it("merges a save into the current version: fields it leaves out stay, a null removes one", () => {
    const current = save(new Map(base()).set("fee", { kind: "Int", value: 3000 }));
    const partial = new Map<string, StoreValue>([["name", { kind: "String", value: "WETH/USDC" }]]);
    const merged = save(partial, current);
    expect(merged.get("name")).toEqual({ kind: "String", value: "WETH/USDC" });
    expect(merged.get("fee")).toEqual({ kind: "Int", value: 3000 });
    expect(merged.get("tokens")).toEqual(current.get("tokens"));
    expect(save(new Map([["fee", { kind: "Null" }]]), current).has("fee")).toBe(false);
    // A partial save of an entity that does not exist yet is incomplete.
    expect(() => save(partial)).toThrow("missing value for non-nullable field `tokens`");
  });

  it("never merges immutable entities: each save is a whole new entity", () => {
    const fill = new Map<string, StoreValue>([["amount", { kind: "BigInt", value: 5n }]]);
    const existing = new Map<string, StoreValue>([["pool", { kind: "Bytes", value: pool }]]);
    expect(() => save(fill, existing, "Fill", "f1")).toThrow(
      "Entity Fill[f1]: missing value for non-nullable field `pool`",
    );
  });
});
