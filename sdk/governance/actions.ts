/**
 * The governor's and the token's actions, written once for the CLI, the web app, the devnet and the tests: propose,
 * vote (with a reason, or by signature), queue, execute, cancel, delegate (or by signature). Each first reads what
 * the chain would refuse (the proposal's state, the timelock's ETA, voting power, a vote already cast) and throws a
 * `GovernanceError` saying so, before anything is signed; then it signs, sends and waits for the receipt.
 *
 * viem's manner: clients first, then one object of named parameters; `onProgress` reports signing and mining.
 */
import {
  formatUnits,
  isAddress,
  parseSignature,
  zeroAddress,
  type Account,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import {
  parameterRegistryAbi,
  proposalGuardAbi,
  timelockControllerAbi,
  trimtabGovernorAbi,
  trimtabTokenAbi,
} from "../abis/contracts.ts";
import { proposalArgs, type ProposalAction } from "../proposalArgs.ts";
import { proposalStateName, VoteSupport, type ProposalStateName } from "./enums.ts";
import { utcMinutes } from "../time.ts";
import { GovernanceError } from "./errors.ts";
import { guardFailureInWords } from "../proposal/guard.ts";
import { decodeRevert, formatRevert } from "../revert.ts";

/**
 * The errors a governance action may meet: the governor's, the timelock's below it, the token's, the registry's
 * (what most proposals call) and the proposal guard's (a guarded proposal's condition that no longer holds). A revert
 * none of them knows is passed on as it is, for a caller with more ABIs.
 */
const governanceAbi = [
  ...trimtabGovernorAbi,
  ...timelockControllerAbi,
  ...trimtabTokenAbi,
  ...parameterRegistryAbi,
  ...proposalGuardAbi,
] as const;

/** A wallet client with its account: the one that signs. */
export type SigningClient = WalletClient<Transport, Chain | undefined, Account>;

/** What the actions read with: contract reads, blocks and receipts (any viem public client). */
export type ReadingClient = Pick<PublicClient, "readContract" | "getBlock" | "waitForTransactionReceipt">;

/** Reads (and receipts) through `publicClient`; signatures and transactions through `walletClient`. */
export type GovernanceClients = { publicClient: ReadingClient; walletClient: SigningClient };

/** Where a sending action is: waiting for the wallet's signature, or sent and waiting to be mined. */
export type Progress = { stage: "signing" } | { stage: "mining"; hash: Hex };

type Sending = { onProgress?: ((progress: Progress) => void) | undefined };

/** A proposal as the governor identifies it: its calls and the hash of its description. */
export type ProposalCalls = {
  targets: readonly Address[];
  values: readonly bigint[];
  calldatas: readonly Hex[];
  descriptionHash: Hex;
};

/** Where a proposal stands: its state, its voting window and (once queued) the timelock's ETA, in the governor's
 * clock (seconds: Trimtab's token votes on a timestamp clock). */
export type ProposalStatus = {
  proposalId: bigint;
  state: ProposalStateName | `unknown state ${number}`;
  proposer: Address;
  snapshot: bigint;
  deadline: bigint;
  etaSeconds: bigint;
};

/** Voting power in whole TRIM, for messages: "5000 TRIM". */
export const formatTrim = (wei: bigint) => `${formatUnits(wei, 18)} TRIM`;

/** Reads where proposal `proposalId` stands; a `GovernanceError` when the governor has no such proposal. */
export async function readProposalStatus(
  publicClient: ReadingClient,
  { governor, proposalId }: { governor: Address; proposalId: bigint },
): Promise<ProposalStatus> {
  const contract = { address: governor, abi: trimtabGovernorAbi } as const;
  const snapshot = await publicClient.readContract({
    ...contract,
    functionName: "proposalSnapshot",
    args: [proposalId],
  });
  if (snapshot === 0n) throw new GovernanceError(`There is no proposal ${proposalId} on the governor at ${governor}.`);
  const [state, proposer, deadline, etaSeconds] = await Promise.all([
    publicClient.readContract({ ...contract, functionName: "state", args: [proposalId] }),
    publicClient.readContract({ ...contract, functionName: "proposalProposer", args: [proposalId] }),
    publicClient.readContract({ ...contract, functionName: "proposalDeadline", args: [proposalId] }),
    publicClient.readContract({ ...contract, functionName: "proposalEta", args: [proposalId] }),
  ]);
  return { proposalId, state: proposalStateName(state), proposer, snapshot, deadline, etaSeconds };
}

/** A proposal's calls and description hash as the governor's functions take them. */
const governorArgs = (proposal: ProposalCalls) =>
  [[...proposal.targets], [...proposal.values], [...proposal.calldatas], proposal.descriptionHash] as const;

/**
 * A contract's EIP-712 domain (ERC-5267's `eip712Domain`) and `signer`'s current nonce: what a signature for its
 * `...BySig` functions is made with.
 */
async function signingDomain(publicClient: ReadingClient, contract: Address, signer: Address) {
  const eip712 = { address: contract, abi: trimtabTokenAbi } as const; // the same two functions on the governor
  const [[, name, version, chainId, verifyingContract], nonce] = await Promise.all([
    publicClient.readContract({ ...eip712, functionName: "eip712Domain" }),
    publicClient.readContract({ ...eip712, functionName: "nonces", args: [signer] }),
  ]);
  return { domain: { name, version, chainId, verifyingContract }, nonce };
}

/** The id the governor gives a proposal: `hashProposal` of its calls and description hash. */
export function proposalIdOf(
  publicClient: ReadingClient,
  { governor, proposal }: { governor: Address; proposal: ProposalCalls },
) {
  return publicClient.readContract({
    address: governor,
    abi: trimtabGovernorAbi,
    functionName: "hashProposal",
    args: governorArgs(proposal),
  });
}

function expectState(status: ProposalStatus, allowed: readonly ProposalStateName[], refusal: string): void {
  if (!(allowed as readonly string[]).includes(status.state))
    throw new GovernanceError(`${refusal}: it is ${status.state}.`, {
      details: `proposal ${status.proposalId} must be ${allowed.join(" or ")}`,
    });
}

/** Signs (reporting progress), sends, waits for the receipt; a `GovernanceError` naming `what` when it reverted. */
async function sent(
  publicClient: ReadingClient,
  what: string,
  { onProgress }: Sending,
  write: () => Promise<Hex>,
): Promise<Hex> {
  onProgress?.({ stage: "signing" });
  const hash = await write().catch((error: unknown) => {
    const revert = decodeRevert(error, governanceAbi);
    if (!revert?.errorName) throw error;
    // A guarded proposal's condition that no longer holds, also in words (raw values: no registry at hand here).
    const guard = guardFailureInWords(revert, { nameOf: (a) => a, formatParameter: (_, v) => v.toString() });
    throw new GovernanceError(`The ${what} would revert: ${formatRevert(revert)}${guard ? `: ${guard}` : ""}.`, {
      details: (error as { shortMessage?: string }).shortMessage,
      cause: error,
    });
  });
  onProgress?.({ stage: "mining", hash });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new GovernanceError(`The ${what} (transaction ${hash}) reverted.`);
  return hash;
}

const signedBy = (walletClient: SigningClient) => ({
  account: walletClient.account,
  chain: walletClient.chain ?? null,
});

/**
 * Proposes `actions` with `description` as the wallet's account. Refused first when the account's voting power
 * (at the governor's clock minus one) is below the proposal threshold, or when the same proposal already exists.
 */
export async function propose(
  { publicClient, walletClient }: GovernanceClients,
  args: { governor: Address; actions: readonly ProposalAction[]; description: string } & Sending,
): Promise<{ proposalId: bigint; hash: Hex }> {
  const contract = { address: args.governor, abi: trimtabGovernorAbi } as const;
  const proposer = walletClient.account.address;
  const calls = proposalArgs(args.actions, args.description);
  const [clock, threshold, proposalId] = await Promise.all([
    publicClient.readContract({ ...contract, functionName: "clock" }),
    publicClient.readContract({ ...contract, functionName: "proposalThreshold" }),
    proposalIdOf(publicClient, { governor: args.governor, proposal: calls }),
  ]);
  const votes = await publicClient.readContract({
    ...contract,
    functionName: "getVotes",
    args: [proposer, BigInt(clock) - 1n],
  });
  if (votes < threshold)
    throw new GovernanceError(
      `Your voting power (${formatTrim(votes)}) is below the proposal threshold (${formatTrim(threshold)}): ` +
        "gather delegations, or signal on Snapshot instead.",
      { details: `${proposer} at timepoint ${BigInt(clock) - 1n}` },
    );
  const existing = await publicClient.readContract({
    ...contract,
    functionName: "proposalSnapshot",
    args: [proposalId],
  });
  if (existing !== 0n)
    throw new GovernanceError(
      `This proposal already exists (id ${proposalId}): change its description to propose it again.`,
    );
  const hash = await sent(publicClient, "proposal", args, () =>
    walletClient.writeContract({
      ...contract,
      ...signedBy(walletClient),
      functionName: "propose",
      args: [calls.targets, calls.values, calls.calldatas, args.description],
    }),
  );
  return { proposalId, hash };
}

function supportOf(support: number): number {
  if (!(Object.values(VoteSupport) as number[]).includes(support))
    throw new GovernanceError(`A vote is For (1), Against (0) or Abstain (2); got ${support}.`);
  return support;
}

/** What `voter` may cast on an Active proposal it has not voted on: its voting power at the proposal's snapshot. */
async function votingWeight(publicClient: ReadingClient, governor: Address, proposalId: bigint, voter: Address) {
  const contract = { address: governor, abi: trimtabGovernorAbi } as const;
  const status = await readProposalStatus(publicClient, { governor, proposalId });
  expectState(status, ["Active"], "This proposal is not open for voting");
  const [voted, weight] = await Promise.all([
    publicClient.readContract({ ...contract, functionName: "hasVoted", args: [proposalId, voter] }),
    publicClient.readContract({ ...contract, functionName: "getVotes", args: [voter, status.snapshot] }),
  ]);
  if (voted) throw new GovernanceError("This account has already voted on this proposal.", { details: voter });
  if (weight === 0n)
    throw new GovernanceError(
      "This account had no voting power when the proposal was created (its snapshot): TRIM must be delegated " +
        "(to yourself or someone else) before a proposal is made to count on it.",
      { details: `${voter} at timepoint ${status.snapshot}` },
    );
  return weight;
}

/**
 * Votes on proposal `proposalId` as the wallet's account: `support` is `VoteSupport.For`, `.Against` or `.Abstain`;
 * a non-empty `reason` is recorded with the vote. Returns the weight counted.
 */
export async function castVote(
  { publicClient, walletClient }: GovernanceClients,
  args: { governor: Address; proposalId: bigint; support: number; reason?: string | undefined } & Sending,
): Promise<{ hash: Hex; weight: bigint }> {
  const support = supportOf(args.support);
  const weight = await votingWeight(publicClient, args.governor, args.proposalId, walletClient.account.address);
  const contract = { address: args.governor, abi: trimtabGovernorAbi, ...signedBy(walletClient) } as const;
  const reason = args.reason?.trim();
  const hash = await sent(publicClient, "vote", args, () =>
    reason
      ? walletClient.writeContract({
          ...contract,
          functionName: "castVoteWithReason",
          args: [args.proposalId, support, reason],
        })
      : walletClient.writeContract({ ...contract, functionName: "castVote", args: [args.proposalId, support] }),
  );
  return { hash, weight };
}

/** A vote signed off chain (EIP-712 `Ballot`), which anyone may submit with `castVoteBySignature`. */
export type SignedBallot = { proposalId: bigint; support: number; voter: Address; signature: Hex };

/** Signs a ballot as the wallet's account, with the governor's EIP-712 domain and the voter's current nonce. */
export async function signBallot(
  { publicClient, walletClient }: GovernanceClients,
  args: { governor: Address; proposalId: bigint; support: number },
): Promise<SignedBallot> {
  const support = supportOf(args.support);
  const voter = walletClient.account.address;
  const { domain, nonce } = await signingDomain(publicClient, args.governor, voter);
  const signature = await walletClient.signTypedData({
    account: walletClient.account,
    domain,
    types: ballotTypes,
    primaryType: "Ballot",
    message: { proposalId: args.proposalId, support, voter, nonce },
  });
  return { proposalId: args.proposalId, support, voter, signature };
}

/** OpenZeppelin Governor's EIP-712 `Ballot` type, signed for `castVoteBySig`. */
export const ballotTypes = {
  Ballot: [
    { name: "proposalId", type: "uint256" },
    { name: "support", type: "uint8" },
    { name: "voter", type: "address" },
    { name: "nonce", type: "uint256" },
  ],
} as const;

/** Submits a signed ballot; the wallet's account pays the gas, the vote counts for the ballot's voter. */
export async function castVoteBySignature(
  { publicClient, walletClient }: GovernanceClients,
  args: { governor: Address; ballot: SignedBallot } & Sending,
): Promise<{ hash: Hex; weight: bigint }> {
  const { ballot } = args;
  const weight = await votingWeight(publicClient, args.governor, ballot.proposalId, ballot.voter);
  const hash = await sent(publicClient, "vote", args, () =>
    walletClient.writeContract({
      address: args.governor,
      abi: trimtabGovernorAbi,
      ...signedBy(walletClient),
      functionName: "castVoteBySig",
      args: [ballot.proposalId, supportOf(ballot.support), ballot.voter, ballot.signature],
    }),
  );
  return { hash, weight };
}

/** Queues a proposal that Succeeded in the timelock; returns the ETA from which it may execute. */
export async function queue(
  { publicClient, walletClient }: GovernanceClients,
  args: { governor: Address; proposal: ProposalCalls } & Sending,
): Promise<{ proposalId: bigint; hash: Hex; etaSeconds: bigint }> {
  const { governor, proposal } = args;
  const proposalId = await proposalIdOf(publicClient, { governor, proposal });
  expectState(await readProposalStatus(publicClient, { governor, proposalId }), ["Succeeded"], "It cannot be queued");
  const hash = await sent(publicClient, "queue", args, () =>
    walletClient.writeContract({
      address: governor,
      abi: trimtabGovernorAbi,
      ...signedBy(walletClient),
      functionName: "queue",
      args: governorArgs(proposal),
    }),
  );
  const { etaSeconds } = await readProposalStatus(publicClient, { governor, proposalId });
  return { proposalId, hash, etaSeconds };
}

/**
 * Executes a Queued proposal once the timelock's ETA has come (by the latest block's time). The calls' ETH values
 * come from the timelock's balance: the executor sends none.
 */
export async function execute(
  { publicClient, walletClient }: GovernanceClients,
  args: { governor: Address; proposal: ProposalCalls } & Sending,
): Promise<{ proposalId: bigint; hash: Hex }> {
  const { governor, proposal } = args;
  const proposalId = await proposalIdOf(publicClient, { governor, proposal });
  const [status, block] = await Promise.all([
    readProposalStatus(publicClient, { governor, proposalId }),
    publicClient.getBlock(),
  ]);
  expectState(status, ["Queued"], "It cannot be executed");
  if (block.timestamp < status.etaSeconds)
    throw new GovernanceError(`The timelock lets it execute from ${utcMinutes(status.etaSeconds)}.`, {
      details: `ETA ${status.etaSeconds}, latest block at ${block.timestamp}`,
    });
  const hash = await sent(publicClient, "execution", args, () =>
    walletClient.writeContract({
      address: governor,
      abi: trimtabGovernorAbi,
      ...signedBy(walletClient),
      functionName: "execute",
      args: governorArgs(proposal),
    }),
  );
  return { proposalId, hash };
}

/**
 * Cancels a proposal: its proposer may while it is Pending; the proposal guardian (while its term runs) may until it
 * is executed, canceled or expired.
 */
export async function cancel(
  { publicClient, walletClient }: GovernanceClients,
  args: { governor: Address; proposal: ProposalCalls } & Sending,
): Promise<{ proposalId: bigint; hash: Hex }> {
  const { governor, proposal } = args;
  const proposalId = await proposalIdOf(publicClient, { governor, proposal });
  const [status, guardian] = await Promise.all([
    readProposalStatus(publicClient, { governor, proposalId }),
    publicClient.readContract({ address: governor, abi: trimtabGovernorAbi, functionName: "proposalGuardian" }),
  ]);
  expectState(status, ["Pending", "Active", "Defeated", "Succeeded", "Queued"], "It cannot be canceled");
  const caller = walletClient.account.address.toLowerCase();
  if (caller !== guardian.toLowerCase()) {
    if (caller !== status.proposer.toLowerCase())
      throw new GovernanceError("Only its proposer or the proposal guardian may cancel a proposal.", {
        details: `proposer ${status.proposer}, guardian ${guardian}, caller ${walletClient.account.address}`,
      });
    expectState(status, ["Pending"], "Its proposer may cancel it only while it is Pending");
  }
  const hash = await sent(publicClient, "cancellation", args, () =>
    walletClient.writeContract({
      address: governor,
      abi: trimtabGovernorAbi,
      ...signedBy(walletClient),
      functionName: "cancel",
      args: governorArgs(proposal),
    }),
  );
  return { proposalId, hash };
}

function delegateeOf(delegatee: string): Address {
  if (!isAddress(delegatee))
    throw new GovernanceError(`Delegate to an address (0x and 40 hex digits); got "${delegatee}".`);
  if (delegatee.toLowerCase() === zeroAddress)
    throw new GovernanceError("Delegating to the zero address would leave your votes uncounted: pick an account.");
  return delegatee;
}

/** Delegates the wallet account's voting power (all of it, now and later) to `delegatee` (itself to vote). */
export async function delegate(
  { publicClient, walletClient }: GovernanceClients,
  args: { token: Address; delegatee: Address } & Sending,
): Promise<{ hash: Hex }> {
  const delegatee = delegateeOf(args.delegatee);
  const hash = await sent(publicClient, "delegation", args, () =>
    walletClient.writeContract({
      address: args.token,
      abi: trimtabTokenAbi,
      ...signedBy(walletClient),
      functionName: "delegate",
      args: [delegatee],
    }),
  );
  return { hash };
}

/** OpenZeppelin Votes' EIP-712 `Delegation` type, signed for `delegateBySig`. */
export const delegationTypes = {
  Delegation: [
    { name: "delegatee", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "expiry", type: "uint256" },
  ],
} as const;

/** A delegation signed off chain, which anyone may submit with `delegateBySignature` until `expirySeconds`. */
export type SignedDelegation = {
  delegator: Address;
  delegatee: Address;
  nonce: bigint;
  expirySeconds: bigint;
  signature: Hex;
};

/** Signs a delegation to `delegatee` as the wallet's account, valid until `expirySeconds` (unix time). */
export async function signDelegation(
  { publicClient, walletClient }: GovernanceClients,
  args: { token: Address; delegatee: Address; expirySeconds: bigint },
): Promise<SignedDelegation> {
  const delegatee = delegateeOf(args.delegatee);
  const delegator = walletClient.account.address;
  const { domain, nonce } = await signingDomain(publicClient, args.token, delegator);
  const signature = await walletClient.signTypedData({
    account: walletClient.account,
    domain,
    types: delegationTypes,
    primaryType: "Delegation",
    message: { delegatee, nonce, expiry: args.expirySeconds },
  });
  return { delegator, delegatee, nonce, expirySeconds: args.expirySeconds, signature };
}

/**
 * Submits a signed delegation; the wallet's account pays the gas. Refused first when it has expired or its nonce is
 * no longer the delegator's (already used).
 */
export async function delegateBySignature(
  { publicClient, walletClient }: GovernanceClients,
  args: { token: Address; delegation: SignedDelegation } & Sending,
): Promise<{ hash: Hex }> {
  const { delegation } = args;
  const contract = { address: args.token, abi: trimtabTokenAbi } as const;
  const [block, nonce] = await Promise.all([
    publicClient.getBlock(),
    publicClient.readContract({ ...contract, functionName: "nonces", args: [delegation.delegator] }),
  ]);
  if (block.timestamp > delegation.expirySeconds)
    throw new GovernanceError(`This signed delegation expired at ${utcMinutes(delegation.expirySeconds)}.`);
  if (nonce !== delegation.nonce)
    throw new GovernanceError("This signed delegation was already used, or another was signed since.", {
      details: `signed with nonce ${delegation.nonce}; the delegator's nonce is ${nonce}`,
    });
  const { r, s, v, yParity } = parseSignature(delegation.signature);
  const hash = await sent(publicClient, "delegation", args, () =>
    walletClient.writeContract({
      ...contract,
      ...signedBy(walletClient),
      functionName: "delegateBySig",
      args: [delegation.delegatee, delegation.nonce, delegation.expirySeconds, Number(v ?? BigInt(yParity + 27)), r, s],
    }),
  );
  return { hash };
}
