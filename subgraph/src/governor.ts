import { Address, BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";
import {
  LateQuorumVoteExtensionSet,
  ProposalCanceled,
  ProposalCreated,
  ProposalExecuted,
  ProposalExtended,
  ProposalGuardianExpirySet,
  ProposalGuardianSet,
  ProposalQueued,
  ProposalThresholdSet,
  QuorumNumeratorUpdated,
  TimelockChange,
  TrimtabGovernor,
  VoteCast,
  VoteCastWithParams,
  VotingDelaySet,
  VotingPeriodSet,
} from "../generated/TrimtabGovernor/TrimtabGovernor";
import {
  GovernorSettingChange,
  Governor,
  GuardianAction,
  Proposal,
  ProposalCall,
  ProposalStateChange,
  Vote,
} from "../generated/schema";
import { eventId, titleOf } from "./helpers";
import { loadDelegate } from "./token";

const SUPPORT_LABELS = ["Against", "For", "Abstain"];

/** The governor, created at its first event with its settings read from the chain. */
function loadGovernor(address: Address): Governor {
  let governor = Governor.load(address);
  if (governor != null) return governor;
  const contract = TrimtabGovernor.bind(address);
  governor = new Governor(address);
  governor.votingDelay = contract.votingDelay();
  governor.votingPeriod = contract.votingPeriod();
  governor.proposalThreshold = contract.proposalThreshold();
  governor.quorumNumerator = contract.quorumNumerator1(); // quorumNumerator(), without a timepoint
  governor.lateQuorumVoteExtension = contract.lateQuorumVoteExtension();
  governor.timelock = contract.timelock();
  governor.proposalGuardian = contract.proposalGuardian();
  governor.proposalCount = 0;
  governor.save();
  return governor;
}

function recordState(proposal: Proposal, state: string, event: ethereum.Event): void {
  const change = new ProposalStateChange(eventId(event));
  change.proposal = proposal.id;
  change.state = state;
  change.blockNumber = event.block.number;
  change.timestamp = event.block.timestamp;
  change.transactionHash = event.transaction.hash;
  change.save();
}

/** The quorum at the proposal's snapshot, once the snapshot is in the past (the governor refuses future ones). */
function fillQuorum(proposal: Proposal, governor: Address): void {
  if (!proposal.quorum.isZero()) return;
  const quorum = TrimtabGovernor.bind(governor).try_quorum(proposal.voteStart);
  if (!quorum.reverted) proposal.quorum = quorum.value;
}

export function handleProposalCreated(event: ProposalCreated): void {
  const governor = loadGovernor(event.address);
  governor.proposalCount = governor.proposalCount + 1;
  governor.save();

  const proposal = new Proposal(event.params.proposalId.toString());
  proposal.governor = governor.id;
  proposal.proposalId = event.params.proposalId;
  proposal.proposer = loadDelegate(event.params.proposer).id;
  proposal.title = titleOf(event.params.description);
  proposal.description = event.params.description;
  proposal.voteStart = event.params.voteStart;
  proposal.voteEnd = event.params.voteEnd;
  proposal.state = "Pending";
  proposal.quorum = BigInt.zero();
  proposal.forVotes = BigInt.zero();
  proposal.againstVotes = BigInt.zero();
  proposal.abstainVotes = BigInt.zero();
  proposal.voteCount = 0;
  proposal.createdBlockNumber = event.block.number;
  proposal.createdTimestamp = event.block.timestamp;
  proposal.transactionHash = event.transaction.hash;
  proposal.save();

  for (let i = 0; i < event.params.targets.length; i++) {
    const call = new ProposalCall(proposal.id + "-" + i.toString());
    call.proposal = proposal.id;
    call.index = i;
    call.target = event.params.targets[i];
    call.value = event.params.values[i];
    call.signature = event.params.signatures[i];
    call.calldata = event.params.calldatas[i];
    call.save();
  }
  recordState(proposal, "Pending", event);
}

function recordVote(
  event: ethereum.Event,
  voter: Address,
  proposalId: BigInt,
  support: i32,
  weight: BigInt,
  reason: string,
  params: Bytes | null,
): void {
  const proposal = Proposal.load(proposalId.toString());
  if (proposal == null) return;
  if (support == 0) proposal.againstVotes = proposal.againstVotes.plus(weight);
  else if (support == 1) proposal.forVotes = proposal.forVotes.plus(weight);
  else proposal.abstainVotes = proposal.abstainVotes.plus(weight);
  proposal.voteCount = proposal.voteCount + 1;
  fillQuorum(proposal, event.address);
  proposal.save();

  const vote = new Vote(proposal.id + "-" + voter.toHexString());
  vote.proposal = proposal.id;
  vote.voter = loadDelegate(voter).id;
  vote.support = support;
  vote.supportLabel = support >= 0 && support < 3 ? SUPPORT_LABELS[support] : "Unknown";
  vote.weight = weight;
  vote.reason = reason;
  vote.params = params;
  vote.blockNumber = event.block.number;
  vote.timestamp = event.block.timestamp;
  vote.transactionHash = event.transaction.hash;
  vote.save();
}

export function handleVoteCast(event: VoteCast): void {
  const p = event.params;
  recordVote(event, p.voter, p.proposalId, p.support, p.weight, p.reason, null);
}

export function handleVoteCastWithParams(event: VoteCastWithParams): void {
  const p = event.params;
  recordVote(event, p.voter, p.proposalId, p.support, p.weight, p.reason, p.params);
}

export function handleProposalQueued(event: ProposalQueued): void {
  const proposal = Proposal.load(event.params.proposalId.toString());
  if (proposal == null) return;
  proposal.state = "Queued";
  proposal.eta = event.params.etaSeconds;
  fillQuorum(proposal, event.address);
  proposal.save();
  recordState(proposal, "Queued", event);
}

export function handleProposalExecuted(event: ProposalExecuted): void {
  const proposal = Proposal.load(event.params.proposalId.toString());
  if (proposal == null) return;
  proposal.state = "Executed";
  proposal.save();
  recordState(proposal, "Executed", event);
}

export function handleProposalCanceled(event: ProposalCanceled): void {
  const proposal = Proposal.load(event.params.proposalId.toString());
  if (proposal == null) return;
  proposal.state = "Canceled";
  proposal.save();
  recordState(proposal, "Canceled", event);
  // The proposal guardian may cancel any proposal; the proposer only a pending one. The transaction's sender
  // tells them apart (a guardian acting through a contract shows as that contract's relayer).
  const governor = loadGovernor(event.address);
  if (event.transaction.from.equals(governor.proposalGuardian)) {
    const action = new GuardianAction(eventId(event));
    action.guardian = event.transaction.from;
    action.action = "CancelProposal";
    action.proposal = proposal.id;
    action.blockNumber = event.block.number;
    action.timestamp = event.block.timestamp;
    action.transactionHash = event.transaction.hash;
    action.save();
  }
}

export function handleProposalExtended(event: ProposalExtended): void {
  const proposal = Proposal.load(event.params.proposalId.toString());
  if (proposal == null) return;
  proposal.extendedDeadline = event.params.extendedDeadline;
  proposal.voteEnd = event.params.extendedDeadline;
  proposal.save();
  recordState(proposal, "Extended", event);
}

function recordSetting(
  event: ethereum.Event,
  governor: Governor,
  setting: string,
  oldValue: string,
  newValue: string,
): void {
  const change = new GovernorSettingChange(eventId(event));
  change.governor = governor.id;
  change.setting = setting;
  change.oldValue = oldValue;
  change.newValue = newValue;
  change.blockNumber = event.block.number;
  change.timestamp = event.block.timestamp;
  change.transactionHash = event.transaction.hash;
  change.save();
}

export function handleVotingDelaySet(event: VotingDelaySet): void {
  const governor = loadGovernor(event.address);
  governor.votingDelay = event.params.newVotingDelay;
  governor.save();
  const p = event.params;
  recordSetting(event, governor, "votingDelay", p.oldVotingDelay.toString(), p.newVotingDelay.toString());
}

export function handleVotingPeriodSet(event: VotingPeriodSet): void {
  const governor = loadGovernor(event.address);
  governor.votingPeriod = event.params.newVotingPeriod;
  governor.save();
  const p = event.params;
  recordSetting(event, governor, "votingPeriod", p.oldVotingPeriod.toString(), p.newVotingPeriod.toString());
}

export function handleProposalThresholdSet(event: ProposalThresholdSet): void {
  const governor = loadGovernor(event.address);
  governor.proposalThreshold = event.params.newProposalThreshold;
  governor.save();
  const p = event.params;
  recordSetting(
    event,
    governor,
    "proposalThreshold",
    p.oldProposalThreshold.toString(),
    p.newProposalThreshold.toString(),
  );
}

export function handleQuorumNumeratorUpdated(event: QuorumNumeratorUpdated): void {
  const governor = loadGovernor(event.address);
  governor.quorumNumerator = event.params.newQuorumNumerator;
  governor.save();
  const p = event.params;
  recordSetting(event, governor, "quorumNumerator", p.oldQuorumNumerator.toString(), p.newQuorumNumerator.toString());
}

export function handleLateQuorumVoteExtensionSet(event: LateQuorumVoteExtensionSet): void {
  const governor = loadGovernor(event.address);
  governor.lateQuorumVoteExtension = event.params.newVoteExtension;
  governor.save();
  const p = event.params;
  recordSetting(
    event,
    governor,
    "lateQuorumVoteExtension",
    p.oldVoteExtension.toString(),
    p.newVoteExtension.toString(),
  );
}

export function handleTimelockChange(event: TimelockChange): void {
  const governor = loadGovernor(event.address);
  governor.timelock = event.params.newTimelock;
  governor.save();
  const p = event.params;
  recordSetting(event, governor, "timelock", p.oldTimelock.toHexString(), p.newTimelock.toHexString());
}

export function handleProposalGuardianSet(event: ProposalGuardianSet): void {
  const governor = loadGovernor(event.address);
  governor.proposalGuardian = event.params.newProposalGuardian;
  governor.save();
  const p = event.params;
  recordSetting(
    event,
    governor,
    "proposalGuardian",
    p.oldProposalGuardian.toHexString(),
    p.newProposalGuardian.toHexString(),
  );
}

export function handleProposalGuardianExpirySet(event: ProposalGuardianExpirySet): void {
  const governor = loadGovernor(event.address);
  const p = event.params;
  recordSetting(event, governor, "proposalGuardianExpiresAt", p.oldExpiresAt.toString(), p.newExpiresAt.toString());
}
