import { describe, expect, it } from "vitest";
import { parsePriceHistoryFile, priceHistoryFromTable } from "./historyFile.ts";

const day = 86_400;
const jan1 = Date.UTC(2025, 0, 1) / 1000;
const vault = ["USDC", "WETH", "WBTC"];

describe("a price history from a file (CSV or JSON: time, then a USD price per asset)", () => {
  it("reads CSV rows, skipping comments and blank lines, and samples them daily for the vault's assets", () => {
    const csv = [
      "# exported prices",
      "time,WETH,USDC,WBTC,LINK",
      "2025-01-01,3350.5,1.0001,94000,20",
      "",
      `${jan1 + day},3400,0.9999,95000,21`,
      "2025-01-03T12:00:00Z,3300,1,93000,19",
      "2025-01-04,3200,1,92000,18",
    ].join("\n");
    const history = priceHistoryFromTable(parsePriceHistoryFile(csv, "prices.csv"), vault, "prices.csv");
    expect(history.symbols).toEqual(vault);
    expect(history.timestamps).toEqual([0, 1, 2, 3].map((d) => jan1 + d * day));
    expect(history.pricesUsd).toEqual([
      [1.0001, 3350.5, 94000],
      [0.9999, 3400, 95000],
      [0.9999, 3400, 95000], // 3 January at midnight: the last row before it is the 2nd's
      [1, 3200, 92000],
    ]);
  });

  it("reads the same history from JSON", () => {
    const json = JSON.stringify([
      { time: "2025-01-01", USDC: 1, WETH: 3350.5, WBTC: 94000 },
      { time: jan1 + day, USDC: "0.9999", WETH: 3400, WBTC: 95000 },
    ]);
    const history = priceHistoryFromTable(parsePriceHistoryFile(json, "prices.json"), vault, "prices.json");
    expect(history.pricesUsd).toEqual([
      [1, 3350.5, 94000],
      [0.9999, 3400, 95000],
    ]);
  });

  it.each([
    ["h.csv", "", "h.csv: empty: expected a header line"],
    ["h.csv", "date,USDC\n2025-01-01,1", 'h.csv: line 1: the header\'s first field must be "time", got "date"'],
    ["h.csv", "time\n2025-01-01", "h.csv: line 1: no price columns"],
    ["h.csv", "time,USDC,USDC\n2025-01-01,1,1", "h.csv: line 1: USDC appears twice"],
    ["h.csv", "time,USDC\n", "h.csv: no rows"],
    ["h.csv", "time,USDC,WETH\n2025-01-01,1", "h.csv: line 2: 2 fields, but the header has 3 (time,USDC,WETH)"],
    [
      "h.csv",
      "time,USDC\nyesterday,1",
      'h.csv: line 2, time: "yesterday" is neither unix seconds nor an ISO 8601 date',
    ],
    ["h.csv", "time,USDC\n2025-13-01,1", 'h.csv: line 2, time: "2025-13-01" is neither'],
    ["h.csv", "time,USDC,WETH\n2025-01-01,1,-3000", 'h.csv: line 2, WETH: "-3000" is not a positive price'],
    ["h.csv", "time,USDC,WETH\n2025-01-01,1,", 'h.csv: line 2, WETH: "" is not a positive price'],
    ["h.csv", "time,USDC\n2025-01-02,1\n2025-01-01,1", "h.csv: line 3, time: 2025-01-01T00:00:00.000Z is not after"],
    ["h.json", "{", "h.json: not valid JSON"],
    ["h.json", "{}", "h.json: expected a non-empty array"],
    ["h.json", '[{"time":1,"USDC":1},{"time":2}]', "h.json: entry 2, USDC: every entry has the same fields"],
    ["h.json", '[{"time":1,"USDC":1},{"time":2,"USDC":"x"}]', 'h.json: entry 2, USDC: "x" is not a positive price'],
    ["h.json", '[{"time":true,"USDC":1}]', 'h.json: entry 1, time: "" is neither'],
  ])("%s %j fails: %s", (name, text, message) => {
    expect(() => parsePriceHistoryFile(text, name)).toThrow(message);
  });

  it("names an asset of the vault the file lacks", () => {
    const table = parsePriceHistoryFile("time,USDC,WETH\n2025-01-01,1,3000", "h.csv");
    expect(() => priceHistoryFromTable(table, vault, "h.csv")).toThrow(
      "h.csv: no column for WBTC (the vault holds USDC, WETH, WBTC; the file has USDC, WETH)",
    );
  });
});
