import { Address, BigInt, Bytes, dataSource, ethereum } from "@graphprotocol/graph-ts";
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
/** ERC-6372: a governor whose clock is the block's timestamp (else it is the block number). */
const TIMESTAMP_CLOCK = "mode=timestamp";
/** OpenZeppelin's GovernorCountingSimple, for a governor that does not say. */
const DEFAULT_COUNTING_MODE = "support=bravo&quorum=for,abstain";

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
  const clockMode = contract.try_CLOCK_MODE();
  governor.clockMode = clockMode.reverted ? "mode=blocknumber&from=default" : clockMode.value;
  const countingMode = contract.try_COUNTING_MODE();
  governor.countingMode = countingMode.reverted ? DEFAULT_COUNTING_MODE : countingMode.value;
  governor.proposalCount = 0;
  governor.openProposals = [];
  governor.save();
  return governor;
}

/** The proposal's next state change, numbered in its history (the caller saves the proposal). */
function newStateChange(proposal: Proposal, id: Bytes, state: string): ProposalStateChange {
  const change = new ProposalStateChange(id);
  change.proposal = proposal.id;
  change.state = state;
  change.sequence = proposal.stateChangeCount;
  proposal.stateChangeCount = proposal.stateChangeCount + 1;
  return change;
}

function recordState(proposal: Proposal, state: string, event: ethereum.Event): void {
  const change = newStateChange(proposal, eventId(event), state);
  change.blockNumber = event.block.number;
  change.timestamp = event.block.timestamp;
  change.transactionHash = event.transaction.hash;
  change.save();
}

/**
 * Records a state the governor's clock began at `start` (in its clock), read first in `block`: for a timestamp
 * clock the state's timestamp is `start` and its block the one read in; for a block-number clock its block is
 * `start`. Such a state has no transaction.
 */
function recordClockState(
  proposal: Proposal,
  governor: Governor,
  state: string,
  start: BigInt,
  block: ethereum.Block,
): void {
  const change = newStateChange(proposal, Bytes.fromUTF8(proposal.id + "-" + state), state);
  const timestampClock = governor.clockMode == TIMESTAMP_CLOCK;
  change.blockNumber = timestampClock ? block.number : start;
  change.timestamp = timestampClock ? start : block.timestamp;
  change.save();
}

/** The tallies COUNTING_MODE's `quorum=` names (for GovernorCountingSimple: for and abstain), summed. */
function quorumVotes(proposal: Proposal, countingMode: string): BigInt {
  const at = countingMode.indexOf("quorum=");
  const names = (at < 0 ? "for,abstain" : countingMode.slice(at + 7).split("&")[0]).split(",");
  let votes = BigInt.zero();
  for (let i = 0; i < names.length; i++) {
    if (names[i] == "for") votes = votes.plus(proposal.forVotes);
    else if (names[i] == "abstain") votes = votes.plus(proposal.abstainVotes);
    else if (names[i] == "against") votes = votes.plus(proposal.againstVotes);
  }
  return votes;
}

/** Takes a proposal off the governor's open list (the caller saves the governor). */
function closeProposal(governor: Governor, id: string): void {
  const open = governor.openProposals;
  const index = open.indexOf(id);
  if (index < 0) return;
  open.splice(index, 1);
  governor.openProposals = open;
}

/**
 * Moves a proposal through the states the governor's clock begins by `block`, as OpenZeppelin's `state()` reads
 * them: Pending until the clock passes voteStart (the snapshot), then Active until it passes voteEnd (the deadline,
 * as extended for a late quorum), then Succeeded when the quorum at the snapshot is reached and For beats Against,
 * else Defeated (and off the open list). Returns whether it moved (the caller saves the proposal and governor).
 */
function advance(proposal: Proposal, governor: Governor, block: ethereum.Block): boolean {
  const now = governor.clockMode == TIMESTAMP_CLOCK ? block.timestamp : block.number;
  let moved = false;
  if (proposal.state == "Pending" && now.gt(proposal.voteStart)) {
    proposal.state = "Active";
    recordClockState(proposal, governor, "Active", proposal.voteStart.plus(BigInt.fromI32(1)), block);
    moved = true;
  }
  if (proposal.state == "Active" && now.gt(proposal.voteEnd)) {
    fillQuorum(proposal, Address.fromBytes(governor.id));
    const quorumReached = quorumVotes(proposal, governor.countingMode).ge(proposal.quorum);
    proposal.state = quorumReached && proposal.forVotes.gt(proposal.againstVotes) ? "Succeeded" : "Defeated";
    recordClockState(proposal, governor, proposal.state, proposal.voteEnd.plus(BigInt.fromI32(1)), block);
    closeProposal(governor, proposal.id);
    moved = true;
  }
  return moved;
}

/**
 * The governor's block handler: moves each open proposal whose vote opened or closed by this block. Costs one
 * entity read per block while no proposal is open, and a read per open proposal otherwise.
 */
export function handleGovernorBlock(block: ethereum.Block): void {
  const governor = Governor.load(dataSource.address());
  if (governor == null) return;
  const open = governor.openProposals;
  if (open.length == 0) return;
  let moved = false;
  for (let i = 0; i < open.length; i++) {
    const proposal = Proposal.load(open[i]);
    if (proposal == null) continue;
    if (advance(proposal, governor, block)) {
      proposal.save();
      moved = true;
    }
  }
  if (moved) governor.save();
}

/** The proposal of an event, moved to the state the clock gave it by the event's block; null when unknown. */
function loadAdvanced(id: BigInt, event: ethereum.Event): Proposal | null {
  const proposal = Proposal.load(id.toString());
  if (proposal == null) return null;
  const governor = loadGovernor(event.address);
  if (advance(proposal, governor, event.block)) governor.save();
  return proposal;
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
  const open = governor.openProposals;
  open.push(event.params.proposalId.toString());
  governor.openProposals = open;
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
  proposal.stateChangeCount = 0;
  recordState(proposal, "Pending", event);
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
  const proposal = loadAdvanced(proposalId, event);
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
  const proposal = loadAdvanced(event.params.proposalId, event);
  if (proposal == null) return;
  proposal.state = "Queued";
  proposal.eta = event.params.etaSeconds;
  fillQuorum(proposal, event.address);
  recordState(proposal, "Queued", event);
  proposal.save();
}

export function handleProposalExecuted(event: ProposalExecuted): void {
  const proposal = loadAdvanced(event.params.proposalId, event);
  if (proposal == null) return;
  proposal.state = "Executed";
  recordState(proposal, "Executed", event);
  proposal.save();
}

export function handleProposalCanceled(event: ProposalCanceled): void {
  const proposal = loadAdvanced(event.params.proposalId, event);
  if (proposal == null) return;
  proposal.state = "Canceled";
  recordState(proposal, "Canceled", event);
  proposal.save();
  const governor = loadGovernor(event.address);
  closeProposal(governor, proposal.id);
  governor.save();
  // The proposal guardian may cancel any proposal; the proposer only a pending one. The transaction's sender
  // tells them apart (a guardian acting through a contract shows as that contract's relayer).
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
  const proposal = loadAdvanced(event.params.proposalId, event);
  if (proposal == null) return;
  proposal.extendedDeadline = event.params.extendedDeadline;
  proposal.voteEnd = event.params.extendedDeadline;
  recordState(proposal, "Extended", event);
  proposal.save();
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
