import { describe, expect, it } from "vitest";
import { cellText, dataTables, fieldTable, numericColumns, resultTable, resultTables } from "./table.ts";

describe("fieldTable: a top-level field of a GraphQL answer as a table", () => {
  it("makes a row of each entity of a list and a column of each leaf, in the answer's order", () => {
    expect(
      fieldTable("deposits", [
        { owner: "0xaa", assets: "100", shares: "99" },
        { owner: "0xbb", assets: "250", shares: "240" },
      ]),
    ).toEqual({
      field: "deposits",
      columns: ["owner", "assets", "shares"],
      rows: [
        ["0xaa", "100", "99"],
        ["0xbb", "250", "240"],
      ],
    });
  });

  it("flattens nested objects into dotted paths, at any depth", () => {
    const table = fieldTable("trades", [
      { tokenIn: { symbol: "USDC" }, tokenOut: { symbol: "WETH", pool: { fee: 500 } }, slippageBps: "12" },
    ]);
    expect(table.columns).toEqual(["tokenIn.symbol", "tokenOut.symbol", "tokenOut.pool.fee", "slippageBps"]);
    expect(table.rows).toEqual([["USDC", "WETH", "500", "12"]]);
  });

  it("shows a list nested in an entity as compact JSON in one cell", () => {
    const table = fieldTable("vaults", [
      { totalAssets: "5", holdings: [{ token: { symbol: "WETH" }, weightBps: 5000 }], empty: [] },
    ]);
    expect(table.columns).toEqual(["totalAssets", "holdings", "empty"]);
    expect(table.rows).toEqual([["5", '[{"token":{"symbol":"WETH"},"weightBps":5000}]', "[]"]]);
  });

  it("writes null as an empty cell, and numbers and booleans as JSON", () => {
    expect(fieldTable("proposals", [{ eta: null, forVotes: 3, executed: false, score: 1.5 }]).rows).toEqual([
      ["", "3", "false", "1.5"],
    ]);
    expect([null, "text", 0, true, ["a", 1]].map(cellText)).toEqual(["", "text", "0", "true", '["a",1]']);
  });

  it("gives an entity whose nested object is null empty cells under that object's paths", () => {
    const table = fieldTable("delegates", [
      { id: "0xaa", delegatingTo: null, votingPower: "1" },
      { id: "0xbb", delegatingTo: { id: "0xaa" }, votingPower: "2" },
    ]);
    expect(table.columns).toEqual(["id", "delegatingTo.id", "votingPower"]);
    expect(table.rows).toEqual([
      ["0xaa", "", "1"],
      ["0xbb", "0xaa", "2"],
    ]);
  });

  it("keeps a column that is null in every row, with empty cells", () => {
    const table = fieldTable("parameterChanges", [
      { newValue: "1", proposal: null },
      { newValue: "2", proposal: null },
    ]);
    expect(table.columns).toEqual(["newValue", "proposal"]);
    expect(table.rows).toEqual([
      ["1", ""],
      ["2", ""],
    ]);
  });

  it("places a column first seen in a later row after the column before it in that row", () => {
    const table = fieldTable("x", [
      { a: "1", c: "3" },
      { a: "1", b: "2", c: "3" },
    ]);
    expect(table.columns).toEqual(["a", "b", "c"]);
    expect(table.rows).toEqual([
      ["1", "", "3"],
      ["1", "2", "3"],
    ]);
  });

  it("makes one row of a single object", () => {
    expect(fieldTable("_meta", { block: { number: 42, hash: "0xab" }, hasIndexingErrors: false })).toEqual({
      field: "_meta",
      columns: ["block.number", "block.hash", "hasIndexingErrors"],
      rows: [["42", "0xab", "false"]],
    });
  });

  it("makes no columns and no rows of an empty list, or of null (an entity not found)", () => {
    expect(fieldTable("trades", [])).toEqual({ field: "trades", columns: [], rows: [] });
    expect(fieldTable("delegate", null)).toEqual({ field: "delegate", columns: [], rows: [] });
  });

  it("puts a scalar, or a list of scalars, in a column named after the field", () => {
    expect(fieldTable("count", 3)).toEqual({ field: "count", columns: ["count"], rows: [["3"]] });
    expect(fieldTable("ids", ["a", "b"]).rows).toEqual([["a"], ["b"]]);
  });
});

describe("dataTables", () => {
  it("makes a table of each top-level field of data, in the answer's order", () => {
    const tables = dataTables({
      vaults: [{ totalAssets: "10" }],
      _meta: { block: { number: 7 } },
    });
    expect(tables.map((t) => t.field)).toEqual(["vaults", "_meta"]);
    expect(tables[1]).toEqual({ field: "_meta", columns: ["block.number"], rows: [["7"]] });
  });

  it("makes no table of empty data", () => {
    expect(dataTables({})).toEqual([]);
  });
});

describe("numericColumns", () => {
  it("marks the columns whose non-empty cells are all numbers, for right alignment", () => {
    const table = fieldTable("t", [
      { id: "0x1f", amount: "1000000", ratio: "-0.25", eta: null, note: "3 days", none: null },
      { id: "0x20", amount: "5", ratio: "1e-3", eta: "1700000000", note: "4", none: null },
    ]);
    expect(table.columns).toEqual(["id", "amount", "ratio", "eta", "note", "none"]);
    expect(numericColumns(table)).toEqual([false, true, true, true, false, false]);
  });
});

describe("resultTable: a table as the console shows it", () => {
  it("keeps a nested list's JSON as the cell's text (the CSV's) and holds the list as a table of its own", () => {
    const vaults = [{ totalAssets: "5", holdings: [{ token: { symbol: "WETH" }, weightBps: 5000 }], empty: [] }];
    const table = resultTable("vaults", vaults);
    expect(table.rows).toEqual(fieldTable("vaults", vaults).rows);
    expect(table.nested[0]![1]).toEqual({
      field: "holdings",
      columns: ["token.symbol", "weightBps"],
      rows: [["WETH", "5000"]],
      nested: [[undefined, undefined]],
    });
    expect(table.nested[0]![0]).toBeUndefined();
    expect(table.nested[0]![2], "an empty list has no table").toBeUndefined();
  });

  it("nests lists in lists to any depth, each named after its field", () => {
    const table = resultTable("rebalances", [
      { navChange: "-3", trades: [{ tokenIn: { symbol: "USDC" }, fills: [{ price: "2" }, { price: "3" }] }] },
    ]);
    const trades = table.nested[0]![1]!;
    expect(trades.field).toBe("trades");
    const fills = trades.nested[0]![1]!;
    expect([fills.field, fills.columns, fills.rows]).toEqual(["fills", ["price"], [["2"], ["3"]]]);
  });

  it("names a list under a nested object after the list, and makes a list of scalars a one-column table", () => {
    const table = resultTable("delegate", { voter: { ids: ["0xaa", "0xbb"] } });
    expect(table.columns).toEqual(["voter.ids"]);
    expect(table.nested[0]![0]).toMatchObject({ field: "ids", columns: ["ids"], rows: [["0xaa"], ["0xbb"]] });
  });

  it("makes one result table of each top-level field, in the answer's order", () => {
    expect(resultTables({ a: [{ x: 1 }], b: null }).map((t) => [t.field, t.rows.length])).toEqual([
      ["a", 1],
      ["b", 0],
    ]);
  });
});
