import type { Address, TypedDataDomain } from "viem";

/** OpenZeppelin Governor's EIP-712 `Ballot` type, signed for `castVoteBySig`. */
export const ballotTypes = {
  Ballot: [
    { name: "proposalId", type: "uint256" },
    { name: "support", type: "uint8" },
    { name: "voter", type: "address" },
    { name: "nonce", type: "uint256" },
  ],
} as const;

/**
 * The typed data a voter signs to vote by signature on an OpenZeppelin Governor (support: 0 Against, 1 For,
 * 2 Abstain). `nonce` is the governor's `nonces(voter)`.
 * @example await wallet.signTypedData(ballotTypedData({ governor, governorName, chainId, proposalId, support: 1, voter, nonce }))
 */
export function ballotTypedData(args: {
  governor: Address;
  governorName: string;
  chainId: number;
  proposalId: bigint;
  support: number;
  voter: Address;
  nonce: bigint;
}) {
  const domain: TypedDataDomain = {
    name: args.governorName,
    version: "1",
    chainId: args.chainId,
    verifyingContract: args.governor,
  };
  return {
    domain,
    types: ballotTypes,
    primaryType: "Ballot" as const,
    message: { proposalId: args.proposalId, support: args.support, voter: args.voter, nonce: args.nonce },
  };
}
