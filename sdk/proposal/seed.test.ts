import { describe, expect, it } from "vitest";
import type { Address, Hex } from "viem";
import { proposalSeeds, seedText } from "./seed.ts";

const call = { target: "0x00000000000000000000000000000000000000Bb" as Address, data: "0x1234" as Hex, value: 0n };

describe("A report's seed is derived from the proposal's content, not chosen by its proposer", () => {
  it("is the first 4 bytes of keccak256 of the canonical changes and calls; the rerun's seed the next 4", () => {
    const content = { changes: [{ name: "rebalance.bandBps", after: 400n }], calls: [call] };
    const { seed, rerunSeed, digest } = proposalSeeds(content);
    expect(seedText(content)).toBe(
      '["trimtab.proposal-seed/1",[["rebalance.bandBps","400"]],[["0x00000000000000000000000000000000000000bb","0","0x1234"]]]',
    );
    expect(seed).toBe(Number.parseInt(digest.slice(2, 10), 16));
    expect(rerunSeed).toBe(Number.parseInt(digest.slice(10, 18), 16));
    expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32).toBe(true);
    expect(rerunSeed).not.toBe(seed);
  });

  it("changes with any change of value or call, not with the order the changes are written in", () => {
    const a = { name: "rebalance.bandBps", after: 400n };
    const b = { name: "fees.managementBps", after: 150n };
    const seedOf = (changes: (typeof a)[], calls = [call]) => proposalSeeds({ changes, calls }).seed;
    expect(seedOf([a, b])).toBe(seedOf([b, a]));
    expect(seedOf([a, { ...b, after: 151n }])).not.toBe(seedOf([a, b]));
    expect(seedOf([a, b], [])).not.toBe(seedOf([a, b]));
    expect(seedOf([a], [{ ...call, target: call.target.toLowerCase() as Address }])).toBe(seedOf([a]));
  });
});
