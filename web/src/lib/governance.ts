/**
 * The governor and token as the app calls them (human-readable ABIs, so that the page bundles only what it uses),
 * and what their numbers mean.
 */
import { parseAbi } from "viem";

export const governorAbi = parseAbi([
  "function state(uint256 proposalId) view returns (uint8)",
  "function proposalSnapshot(uint256 proposalId) view returns (uint256)",
  "function proposalDeadline(uint256 proposalId) view returns (uint256)",
  "function proposalEta(uint256 proposalId) view returns (uint256)",
  "function quorum(uint256 timepoint) view returns (uint256)",
  "function proposalThreshold() view returns (uint256)",
  "function hasVoted(uint256 proposalId, address account) view returns (bool)",
  "function getVotes(address account, uint256 timepoint) view returns (uint256)",
  "function clock() view returns (uint48)",
  "function castVote(uint256 proposalId, uint8 support) returns (uint256)",
  "function castVoteWithReason(uint256 proposalId, uint8 support, string reason) returns (uint256)",
  "function propose(address[] targets, uint256[] values, bytes[] calldatas, string description) returns (uint256)",
  "function queue(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) returns (uint256)",
  "function execute(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) payable returns (uint256)",
  "function hashProposal(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) view returns (uint256)",
  "error GovernorUnexpectedProposalState(uint256 proposalId, uint8 current, bytes32 expectedStates)",
  "error GovernorAlreadyCastVote(address voter)",
  "error GovernorInsufficientProposerVotes(address proposer, uint256 votes, uint256 threshold)",
  "error GovernorRestrictedProposer(address proposer)",
  "error GovernorNonexistentProposal(uint256 proposalId)",
]);

export const tokenAbi = parseAbi([
  "function balanceOf(address account) view returns (uint256)",
  "function getVotes(address account) view returns (uint256)",
  "function delegates(address account) view returns (address)",
  "function delegate(address delegatee)",
  "function totalSupply() view returns (uint256)",
]);

/** OpenZeppelin's ProposalState, by its index. */
export const proposalStates = [
  "Pending",
  "Active",
  "Canceled",
  "Defeated",
  "Succeeded",
  "Queued",
  "Expired",
  "Executed",
] as const;
export type ProposalState = (typeof proposalStates)[number];

/** GovernorCountingSimple's support values. */
export const supports = [
  { value: 1, label: "For" },
  { value: 0, label: "Against" },
  { value: 2, label: "Abstain" },
] as const;

/** Share of the quorum reached: For and Abstain votes count towards it (GovernorCountingSimple). */
export function quorumProgress(votes: { forVotes: bigint; abstainVotes: bigint }, quorum: bigint): number {
  if (quorum === 0n) return 1;
  return Number(((votes.forVotes + votes.abstainVotes) * 10_000n) / quorum) / 10_000;
}
