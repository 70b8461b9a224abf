import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { changeFormatter, formatRecordedValue, formatTokenAmount, formatValue, parseValue } from "./units.ts";

const usdc = { baseSymbol: "USDC", baseDecimals: 6 };
const parse = (name: string, kind: Parameters<typeof parseValue>[1], input: unknown) =>
  parseValue(name, kind, input, usdc);

describe("Parameter values in human units", () => {
  it("reads basis points as a percentage, as bps or as a fraction, exactly", () => {
    expect(parse("rebalance.bandBps", "bps", "2.5%")).toBe(250n);
    expect(parse("rebalance.bandBps", "bps", "250 bps")).toBe(250n);
    expect(parse("collateral.targetLtvBps", "bps", 0.65)).toBe(6_500n);
    expect(parse("collateral.targetLtvBps", "bps", "0.0001")).toBe(1n);
    expect(parse("hedge.ratioBps", "bps", 1)).toBe(10_000n);
  });

  it("reads durations with their unit, amounts with their token, fee tiers, flags and addresses", () => {
    expect(parse("rebalance.minIntervalSec", "seconds", "6h")).toBe(21_600n);
    expect(parse("rebalance.minIntervalSec", "seconds", "1.5 days")).toBe(129_600n);
    expect(parse("oracle.maxStalenessSec.WETH", "seconds", "45m")).toBe(2_700n);
    expect(parse("caps.depositCap", "amount", "1_000_000 USDC")).toBe(1_000_000_000_000n);
    expect(parse("caps.depositCap", "amount", "2.5 USDC")).toBe(2_500_000n);
    expect(parse("poolFee.WETH", "amount", "0.3%")).toBe(3_000n);
    expect(parse("poolFee.WETH", "amount", 500)).toBe(500n);
    expect(parse("pause.deposits", "bool", true)).toBe(1n);
    expect(parse("pause.deposits", "bool", "false")).toBe(0n);
    expect(parse("module.hedge", "address", "0x00000000000000000000000000000000000000aa")).toBe(0xaan);
  });

  it("refuses what it cannot read exactly, saying what it expected", () => {
    const bps = 'expected a percentage ("2.5%"), basis points ("250 bps") or a fraction ("0.65")';
    expect(() => parse("rebalance.bandBps", "bps", 400)).toThrow(
      `400 as a fraction is above 100%; write "400 bps" or "400%": ${bps}, got 400`,
    );
    expect(() => parse("rebalance.bandBps", "bps", "2.555%")).toThrow(`2.555% is not a whole number of bps: ${bps}`);
    expect(() => parse("rebalance.bandBps", "bps", "-1%")).toThrow(`negative values are not parameters: ${bps}`);
    expect(() => parse("rebalance.bandBps", "bps", "5 percent")).toThrow(`unknown unit "percent": ${bps}`);
    expect(() => parse("rebalance.minIntervalSec", "seconds", "3600")).toThrow(
      'a duration needs a unit (s, m, h, d or w): expected a duration ("90s", "30m", "6h", "2d", "1w"), got "3600"',
    );
    expect(() => parse("caps.depositCap", "amount", "1_000_000 DAI")).toThrow(
      'unknown unit "DAI": expected an amount of USDC ("1_000_000 USDC"), got "1_000_000 DAI"',
    );
    expect(() => parse("caps.depositCap", "amount", "0.0000001 USDC")).toThrow(
      "0.0000001 USDC is not a whole number of USDC wei",
    );
    expect(() => parse("pause.deposits", "bool", "yes")).toThrow('expected true or false, got "yes"');
    // YAML 1.2 reads an unquoted 0x… as a hexadecimal number: the address is lost, and the message says to quote it.
    const unquoted = (parseYaml("module.hedge: 0x2bdB5C1c1E5c0a8d5B6b8c1a3E4f6a7B8c9D0e1F") as Record<string, unknown>)[
      "module.hedge"
    ];
    expect(typeof unquoted).toBe("number");
    expect(() => parse("module.hedge", "address", unquoted)).toThrow(
      'expected an address in quotes ("0x…"): YAML reads an unquoted 0x… as a number, got 2.',
    );
    expect(() => parse("module.hedge", "address", "0x1234")).toThrow(
      'expected an address (0x followed by 40 hex digits), got "0x1234"',
    );
    expect(() => parse("rebalance.bandBps", "bps", "1__000 bps")).toThrow("not a number");
  });

  it("reads and writes a feed's answer bounds as USD prices with 18 decimals, whatever the feed's decimals", () => {
    expect(parse("oracle.minAnswer.WETH", "amount", "100 USD")).toBe(100n * 10n ** 18n);
    expect(parse("oracle.maxAnswer.WBTC", "amount", "$1_000_000")).toBe(10n ** 24n);
    expect(parse("oracle.minAnswer.USDC", "amount", "0.5 USD")).toBe(5n * 10n ** 17n);
    expect(formatValue("oracle.minAnswer.USDC", "amount", 5n * 10n ** 17n, usdc)).toBe("0.5 USD");
    expect(formatValue("oracle.maxAnswer.WETH", "amount", 10n ** 24n, usdc)).toBe("1_000_000 USD");
    const usd = 'expected a USD price ("3_000 USD" or "$3000")';
    expect(() => parse("oracle.minAnswer.WETH", "amount", "100")).toThrow(`a price needs its unit`);
    expect(() => parse("oracle.minAnswer.WETH", "amount", "100 USDC")).toThrow(`unknown unit "USDC": ${usd}`);
  });

  it("writes values back in the same units", () => {
    expect(formatValue("rebalance.bandBps", "bps", 250n, usdc)).toBe("2.5%");
    expect(formatValue("rebalance.minIntervalSec", "seconds", 86_400n, usdc)).toBe("1d");
    expect(formatValue("oracle.maxStalenessSec.WETH", "seconds", 2_700n, usdc)).toBe("45m");
    expect(formatValue("caps.depositCap", "amount", 10_000_000_000_000n, usdc)).toBe("10_000_000 USDC");
    expect(formatValue("poolFee.WETH", "amount", 3_000n, usdc)).toBe("0.3%");
    for (const [name, kind, text] of [
      ["hedge.ratioBps", "bps", "62.5%"],
      ["rebalance.minIntervalSec", "seconds", "90s"],
      ["caps.depositCap", "amount", "1_234.5 USDC"],
    ] as const) {
      expect(formatValue(name, kind, parse(name, kind, text), usdc)).toBe(text);
    }
  });

  it("writes token amounts in the token's units with its symbol, grouped and exactly rounded", () => {
    const weth = { symbol: "WETH", decimals: 18 };
    const usdcToken = { symbol: "USDC", decimals: 6 };
    expect(formatTokenAmount(1_250_000_000_000_000_000n, weth)).toBe("1.2500 WETH");
    expect(formatTokenAmount(4_100_123_456n, usdcToken)).toBe("4,100.12 USDC");
    expect(formatTokenAmount(5_169_719_995_000n, usdcToken)).toBe("5,169,720.00 USDC");
    expect(formatTokenAmount(12_345n, { symbol: "WBTC", decimals: 8 })).toBe("0.0001 WBTC");
    expect(formatTokenAmount(-1_500_000n, usdcToken)).toBe("-1.5000 USDC");
    expect(formatTokenAmount(7n, { symbol: "X", decimals: 0 })).toBe("7 X");
    expect(formatTokenAmount(1_000_000n, usdcToken, 0)).toBe("1 USDC");
  });

  it("writes a recorded change (the subgraph's decimal string) in its parameter's unit, an unknown one as it is", () => {
    const registry = { ...usdc, parameters: { "rebalance.bandBps": { kind: "bps" as const } } };
    expect(formatRecordedValue("rebalance.bandBps", "400", registry)).toBe("4%");
    expect(formatRecordedValue("rebalance.bandBps", "300", registry)).toBe("3%");
    expect(formatRecordedValue("weight.DOGE", "400", registry)).toBe("400");
    expect(formatRecordedValue("rebalance.bandBps", "-1", registry)).toBe("-1");
  });

  it("writes an impact report's changes in their parameters' units, one it does not know as the registry's value", () => {
    const format = changeFormatter(
      [
        { name: "rebalance.bandBps", kind: "bps" },
        { name: "rebalance.minIntervalSec", kind: "seconds" },
        { name: "caps.depositCap", kind: "amount" },
      ],
      usdc,
    );
    expect(format("rebalance.bandBps", 400)).toBe("4%");
    expect(format("rebalance.minIntervalSec", 43_200)).toBe("12h");
    expect(format("caps.depositCap", 12_000_000_000_000)).toBe("12_000_000 USDC");
    expect(format("weight.WETH", 4_000)).toBe("4000");
    expect(format("hedge.enabled", true)).toBe("true");
  });
});
