import { describe, expect, it } from "vitest";
import { formatSeriesX, formatSeriesY, isTimeColumn, seriesColumns, seriesPoints } from "./series.ts";
import { fieldTable } from "./table.ts";

const snapshots = fieldTable("vaultDailySnapshots", [
  { id: "0x02", periodStart: "172800", pricePerShare: "1.02", totalAssets: "2000000", note: "b" },
  { id: "0x01", periodStart: "86400", pricePerShare: "1.01", totalAssets: "1000000", note: "a" },
  { id: "0x03", periodStart: "259200", pricePerShare: "", totalAssets: "3000000", note: "c" },
]);

describe("seriesColumns", () => {
  it("offers the numeric columns other than ids over the time-like ones", () => {
    expect(seriesColumns(snapshots)).toEqual({ x: ["periodStart"], y: ["pricePerShare", "totalAssets"] });
  });

  it("takes timestamps, *Timestamp fields, block numbers and _meta's block.number as x", () => {
    const table = fieldTable("t", [
      { createdTimestamp: "1", blockNumber: "5", timestamp: "1", block: { number: 5 }, v: "1" },
      { createdTimestamp: "2", blockNumber: "6", timestamp: "2", block: { number: 6 }, v: "2" },
    ]);
    expect(seriesColumns(table)).toEqual({
      x: ["createdTimestamp", "blockNumber", "timestamp", "block.number"],
      y: ["v"],
    });
  });

  it("offers nothing for one row, for no time-like column, or for no other numeric column", () => {
    expect(seriesColumns(fieldTable("t", [{ timestamp: "1", v: "1" }]))).toBeUndefined();
    expect(seriesColumns(fieldTable("t", [{ v: "1" }, { v: "2" }]))).toBeUndefined();
    expect(
      seriesColumns(
        fieldTable("t", [
          { timestamp: "1", who: "a" },
          { timestamp: "2", who: "b" },
        ]),
      ),
    ).toBeUndefined();
    expect(
      seriesColumns(
        fieldTable("t", [
          { timestamp: "x", v: "1" },
          { timestamp: "2", v: "2" },
        ]),
      ),
    ).toBeUndefined();
  });
});

describe("seriesPoints", () => {
  it("gives the points in the order of x, rows with an empty cell left out", () => {
    expect(seriesPoints(snapshots, "periodStart", "pricePerShare")).toEqual([
      { x: 86400, y: 1.01 },
      { x: 172800, y: 1.02 },
    ]);
    expect(seriesPoints(snapshots, "periodStart", "totalAssets")).toHaveLength(3);
  });

  it("gives no points for a column the table does not have", () => {
    expect(seriesPoints(snapshots, "periodStart", "nope")).toEqual([]);
  });
});

describe("axis labels", () => {
  it("label times as UTC dates, with the hour under two days, and blocks as numbers", () => {
    expect(isTimeColumn("periodStart")).toBe(true);
    expect(isTimeColumn("blockNumber")).toBe(false);
    expect(formatSeriesX(true, 30 * 86_400)(1_700_000_000)).toBe("2023-11-14");
    expect(formatSeriesX(true, 3_600)(1_700_000_000)).toBe("11-14 22:13");
    expect(formatSeriesX(false, 10)(1234.4)).toBe("1234");
  });

  it("label large values compactly, wei-sized ones in exponent form, and others to six significant digits", () => {
    expect([formatSeriesY(1_500_000), formatSeriesY(2.5e18), formatSeriesY(1.0012345678), formatSeriesY(-3)]).toEqual([
      "1.5M",
      "2.5e+18",
      "1.00123",
      "-3",
    ]);
  });
});
