import { buildSchema, introspectionFromSchema, printSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { loadSchema, schemaModel } from "./schemaExplorer.ts";

const sdl = `
  scalar BigInt
  "A trade of a rebalance"
  type Trade { id: ID!, slippageBps: BigInt!, side: Side }
  enum Side { buy sell }
  input Trade_filter { slippageBps_gt: BigInt }
  type Query {
    "Trades, filtered and ordered"
    trades(first: Int = 100, where: Trade_filter): [Trade!]!
    trade(id: ID!): Trade
  }
`;
const schema = buildSchema(sdl);

describe("schemaModel", () => {
  const model = schemaModel(schema);

  it("names the query type, and keeps every named type but introspection's", () => {
    expect(model.queryType).toBe("Query");
    expect(Object.keys(model.types).sort()).toEqual(
      ["BigInt", "Boolean", "ID", "Int", "Query", "Side", "String", "Trade", "Trade_filter"].sort(),
    );
  });

  it("gives each field its type as written, its named type, its description and its arguments", () => {
    const trades = model.types.Query!.fields.find((f) => f.name === "trades")!;
    expect(trades).toEqual({
      name: "trades",
      type: "[Trade!]!",
      typeName: "Trade",
      description: "Trades, filtered and ordered",
      args: [
        { name: "first", type: "Int", typeName: "Int", description: "" },
        { name: "where", type: "Trade_filter", typeName: "Trade_filter", description: "" },
      ],
    });
    expect(model.types.Trade).toMatchObject({ kind: "object", description: "A trade of a rebalance" });
  });

  it("gives inputs their fields, enums their values, and scalars neither", () => {
    expect(model.types.Trade_filter).toMatchObject({
      kind: "input",
      fields: [{ name: "slippageBps_gt", type: "BigInt" }],
    });
    expect(model.types.Side).toMatchObject({ kind: "enum", values: ["buy", "sell"], fields: [] });
    expect(model.types.BigInt).toMatchObject({ kind: "scalar", fields: [], values: [] });
  });
});

describe("loadSchema", () => {
  it("builds the schema from the relay's answer to the introspection query", async () => {
    const fetchFn = async (_url: string, init?: RequestInit) => {
      expect(JSON.parse(String(init?.body)).query).toContain("__schema");
      return new Response(JSON.stringify({ data: introspectionFromSchema(schema) }));
    };
    expect(printSchema(await loadSchema(fetchFn))).toBe(printSchema(schema));
  });

  it("says why when the subgraph answers an error or something that is no schema", async () => {
    const refusing = async () => new Response(JSON.stringify({ errors: [{ message: "introspection is off" }] }));
    await expect(loadSchema(refusing)).rejects.toThrow("The subgraph's schema could not be read: introspection is off");
    const odd = async () => new Response(JSON.stringify({ data: { __schema: null } }));
    await expect(loadSchema(odd)).rejects.toThrow(/^The subgraph's schema could not be read: /);
  });
});
