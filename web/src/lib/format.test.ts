import { describe, expect, it } from "vitest";
import {
  formatBps,
  formatDurationSeconds,
  formatFraction,
  formatRelative,
  formatTimestamp,
  formatTokenAmount,
  formatVotes,
  shortAddress,
} from "./format.ts";

describe("how the app writes numbers", () => {
  it("writes token amounts from wei, grouped, with the decimals asked", () => {
    expect(formatTokenAmount(5_169_719_123_456n, 6)).toBe("5,169,719.12");
    expect(formatTokenAmount("1500000000000000000", 18, 3)).toBe("1.500");
    expect(formatVotes(1_234_567n * 10n ** 18n)).toBe("1,234,567");
  });

  it("writes basis points and fractions as percentages", () => {
    expect(formatBps(525)).toBe("5.25%");
    expect(formatBps(-234n)).toBe("-2.34%");
    expect(formatFraction(-0.0546)).toBe("-5.46%");
    expect(formatFraction(Number.NaN)).toBe("—");
  });

  it("writes durations in their largest unit and times in UTC", () => {
    expect(formatDurationSeconds(86_400)).toBe("1 d");
    expect(formatDurationSeconds(5_400)).toBe("1.5 h");
    expect(formatDurationSeconds(45)).toBe("45 s");
    expect(formatTimestamp(1_800_000_000)).toBe("2027-01-15 08:00 UTC");
    expect(formatRelative(1_000, 1_000 + 3 * 3_600)).toBe("3 h ago");
    expect(formatRelative(1_000 + 2 * 86_400, 1_000)).toBe("in 2 d");
    expect(formatRelative(1_000, 1_030)).toBe("just now");
  });

  it("shortens addresses", () => {
    expect(shortAddress("0x90F79bf6EB2c4f870365E785982E1f101E93b906")).toBe("0x90F7…b906");
  });
});
