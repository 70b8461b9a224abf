/** The governor's quorum as the app shows it (its states and support values: `sdk/governance/enums.ts`). */
/** Share of the quorum reached: For and Abstain votes count towards it (GovernorCountingSimple). */
export function quorumProgress(votes: { forVotes: bigint; abstainVotes: bigint }, quorum: bigint): number {
  if (quorum === 0n) return 1;
  return Number(((votes.forVotes + votes.abstainVotes) * 10_000n) / quorum) / 10_000;
}
