import { describe, expect, it } from "vitest";
import { quorumProgress } from "./governance.ts";

describe("quorum progress", () => {
  it("counts For and Abstain towards the quorum, not Against", () => {
    expect(quorumProgress({ forVotes: 100n, abstainVotes: 100n }, 400n)).toBe(0.5);
    expect(quorumProgress({ forVotes: 0n, abstainVotes: 0n }, 400n)).toBe(0);
    expect(quorumProgress({ forVotes: 800n, abstainVotes: 0n }, 400n)).toBe(2);
  });

  it("is complete when no quorum is needed", () => {
    expect(quorumProgress({ forVotes: 0n, abstainVotes: 0n }, 0n)).toBe(1);
  });
});
