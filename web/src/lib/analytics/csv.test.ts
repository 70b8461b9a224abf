import { describe, expect, it } from "vitest";
import { csvField, csvFileName, toCsv } from "./csv.ts";

describe("toCsv (RFC 4180)", () => {
  it("writes the header row, then each row, fields separated by commas and every record ended by CRLF", () => {
    expect(
      toCsv(
        ["timestamp", "token.symbol"],
        [
          ["1700000000", "WETH"],
          ["1700086400", "WBTC"],
        ],
      ),
    ).toBe("timestamp,token.symbol\r\n1700000000,WETH\r\n1700086400,WBTC\r\n");
  });

  it("writes only the header row for a table without rows", () => {
    expect(toCsv(["id", "votingPower"], [])).toBe("id,votingPower\r\n");
  });

  it("leaves empty cells empty and keeps spaces as they are, unquoted", () => {
    expect(toCsv(["a", "b", "c"], [["", " padded ", ""]])).toBe("a,b,c\r\n, padded ,\r\n");
  });

  it("quotes a field holding a comma", () => {
    expect(toCsv(["reason"], [["yes, but later"]])).toBe('reason\r\n"yes, but later"\r\n');
  });

  it("quotes a field holding a double quote and doubles the quote", () => {
    expect(toCsv(["title"], [['Raise "bandBps"']])).toBe('title\r\n"Raise ""bandBps"""\r\n');
    expect(csvField('"')).toBe('""""');
  });

  it("quotes a field holding a line feed, a carriage return or both, keeping the line break inside", () => {
    expect(csvField("line 1\nline 2")).toBe('"line 1\nline 2"');
    expect(csvField("line 1\rline 2")).toBe('"line 1\rline 2"');
    expect(csvField("line 1\r\nline 2")).toBe('"line 1\r\nline 2"');
  });

  it("quotes header names by the same rules", () => {
    expect(toCsv(["a,b", 'say "hi"'], [["1", "2"]])).toBe('"a,b","say ""hi"""\r\n1,2\r\n');
  });

  it("does not quote fields that need no quoting: numbers, addresses, an empty list", () => {
    expect(csvField("-12.5e3")).toBe("-12.5e3");
    expect(csvField("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266")).toBe("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
    expect(csvField("[]")).toBe("[]");
  });

  it("quotes a nested list's compact JSON, which holds quotes", () => {
    expect(csvField('[{"id":"0x1"}]')).toBe('"[{""id"":""0x1""}]"');
  });
});

describe("csvFileName", () => {
  it("names the file after the top-level field", () => {
    expect(csvFileName("vaultDailySnapshots")).toBe("vaultDailySnapshots.csv");
    expect(csvFileName("_meta")).toBe("_meta.csv");
  });

  it("replaces characters a file name should not hold", () => {
    expect(csvFileName("a/b c")).toBe("a_b_c.csv");
    expect(csvFileName("")).toBe("data.csv");
  });
});
