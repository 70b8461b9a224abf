import { afterAll, describe, expect, it } from "vitest";
import type { Hex } from "viem";
import { executableSchema } from "../../indexer/graphql/resolvers.ts";
import { executeQuery } from "../../indexer/graphql/execute.ts";
import { fromString as decimal, toString as decimalString } from "../../indexer/runtime/bigDecimal.ts";
import type { Entity, StoreValue } from "../../indexer/runtime/values.ts";
import { parseSchema } from "../../indexer/schema.ts";
import { openDatabase, type Sql } from "../../indexer/store/database.ts";
import { databaseStore } from "../../indexer/store/databaseStore.ts";

/**
 * PostgreSQL when a server is given (`.ci/run` starts one), also as the query worker reads it: with prepared statements
 * (on one connection, so that the test can see them). PGlite always.
 */
const postgresUrl = process.env.TRIMTAB_TEST_DATABASE_URL;
const backends = [
  { name: "PGlite", open: () => openDatabase({}) },
  ...(postgresUrl
    ? [
        { name: "PostgreSQL", open: () => openDatabase({ url: postgresUrl }) },
        {
          name: "PostgreSQL, prepared",
          open: () => openDatabase({ url: postgresUrl, poolSize: 1, preparedStatements: 200 }),
          prepared: true,
        },
      ]
    : []),
];

const schema = parseSchema(`
  type Holding @entity {
    id: ID!
    big: BigInt!
    bigs: [BigInt!]!
    dec: BigDecimal!
    decs: [BigDecimal!]!
    int8: Int8!
    int8s: [Int8!]!
    at: Timestamp!
    ats: [Timestamp!]!
  }
`);

// Every value lies beyond 2^53, where a JavaScript number would round it.
const big = 2n ** 64n + 1n;
const bigs = [14_901_574_411_449_372_026n, -(2n ** 70n) + 3n, 9_007_199_254_740_993n];
// BigDecimal holds 34 significant digits, as graph-node's does.
const dec = "1234567890123456789012345.678901234";
const decs = ["9007199254740993.000000000000000001", "-0.000000000000000000000000000001"];
const int8 = 9_223_372_036_854_775_807n;
const int8s = [-9_223_372_036_854_775_807n, 9_007_199_254_740_993n];
const at = 9_007_199_254_740_993n;
const ats = [9_007_199_254_740_995n];

const list = (kind: "BigInt" | "Int8" | "Timestamp", values: bigint[]): StoreValue => ({
  kind: "Array",
  value: values.map((value) => ({ kind, value })),
});
const entity: Entity = new Map<string, StoreValue>([
  ["id", { kind: "String", value: "a" }],
  ["big", { kind: "BigInt", value: big }],
  ["bigs", list("BigInt", bigs)],
  ["dec", { kind: "BigDecimal", value: decimal(dec) }],
  ["decs", { kind: "Array", value: decs.map((d) => ({ kind: "BigDecimal", value: decimal(d) })) }],
  ["int8", { kind: "Int8", value: int8 }],
  ["int8s", list("Int8", int8s)],
  ["at", { kind: "Timestamp", value: at }],
  ["ats", list("Timestamp", ats)],
]);
const text = (v: StoreValue): unknown =>
  v.kind === "Array"
    ? v.value.map(text)
    : v.kind === "BigDecimal"
      ? decimalString(v.value)
      : "value" in v
        ? String(v.value)
        : null;

describe.each(backends)("exact numbers beyond 2^53 ($name)", ({ open, ...backend }) => {
  const opened: Sql[] = [];
  afterAll(async () => {
    for (const sql of opened) await sql.close();
  });

  it("come back exactly to a mapping and from GraphQL, scalars and lists, and stay exact when re-saved", async () => {
    const sql = await open();
    opened.push(sql);
    const store = await databaseStore(sql, schema, `numbers_${process.pid}_${Date.now()}`);
    const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;
    store.beginBlock(1n);
    store.set("Holding", "a", entity);
    await store.commitBlock({ number: 1n, hash: hash(1) });
    await store.flush();

    // What a mapping loads is what it saved; saved again unchanged, it stays so.
    const loaded = (await store.latest("Holding"))[0]!;
    expect(Object.fromEntries([...loaded].map(([k, v]) => [k, text(v)]))).toEqual(
      Object.fromEntries([...entity].map(([k, v]) => [k, text(v)])),
    );
    store.beginBlock(2n);
    store.set("Holding", "a", loaded);
    await store.commitBlock({ number: 2n, hash: hash(2) });
    await store.flush();

    const api = { schema: executableSchema(schema, store.namespace), sql, store, name: "t", deployment: "Qm" };
    const read = () => executeQuery(api, { query: "{ holdings { big bigs dec decs int8 int8s at ats } }" });
    const result = await read();
    // Read again, a prepared statement is only bound and run: the same exact values.
    expect(await read()).toEqual(result);
    if ("prepared" in backend) {
      const { rows } = await sql.query<{ statement: string }>("select statement from pg_prepared_statements");
      expect(rows.some((row) => /from .*"holding"/i.test(row.statement))).toBe(true);
    }
    expect(result).toEqual({
      data: {
        holdings: [
          {
            big: big.toString(),
            bigs: bigs.map(String),
            dec,
            decs,
            int8: int8.toString(),
            int8s: int8s.map(String),
            at: at.toString(),
            ats: ats.map(String),
          },
        ],
      },
    });
  });
});
