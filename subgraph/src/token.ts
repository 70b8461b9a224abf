import { Address, BigInt, Bytes } from "@graphprotocol/graph-ts";
import { DelegateChanged, DelegateVotesChanged, Transfer } from "../generated/TrimtabToken/TrimtabToken";
import { Delegate, Delegation, VotingPowerChange } from "../generated/schema";
import { eventId } from "./helpers";

/** An account of the voting token, created at its first appearance. */
export function loadDelegate(address: Bytes): Delegate {
  let delegate = Delegate.load(address);
  if (delegate != null) return delegate;
  delegate = new Delegate(address);
  delegate.balance = BigInt.zero();
  delegate.votingPower = BigInt.zero();
  delegate.delegatorCount = 0;
  delegate.save();
  return delegate;
}

export function handleTransfer(event: Transfer): void {
  if (!event.params.from.equals(Address.zero())) {
    const from = loadDelegate(event.params.from);
    from.balance = from.balance.minus(event.params.value);
    from.save();
  }
  if (!event.params.to.equals(Address.zero())) {
    const to = loadDelegate(event.params.to);
    to.balance = to.balance.plus(event.params.value);
    to.save();
  }
}

export function handleDelegateChanged(event: DelegateChanged): void {
  const delegator = loadDelegate(event.params.delegator);
  if (!event.params.fromDelegate.equals(Address.zero())) {
    const from = loadDelegate(event.params.fromDelegate);
    from.delegatorCount = from.delegatorCount - 1;
    from.save();
  }
  if (event.params.toDelegate.equals(Address.zero())) {
    delegator.delegatingTo = null;
  } else {
    const to = loadDelegate(event.params.toDelegate);
    to.delegatorCount = to.delegatorCount + 1;
    to.save();
    delegator.delegatingTo = to.id;
  }
  delegator.save();

  const delegation = new Delegation(eventId(event));
  delegation.delegator = delegator.id;
  delegation.fromDelegate = event.params.fromDelegate;
  delegation.toDelegate = event.params.toDelegate;
  delegation.blockNumber = event.block.number;
  delegation.timestamp = event.block.timestamp;
  delegation.transactionHash = event.transaction.hash;
  delegation.save();
}

export function handleDelegateVotesChanged(event: DelegateVotesChanged): void {
  const delegate = loadDelegate(event.params.delegate);
  delegate.votingPower = event.params.newVotes;
  delegate.save();

  const change = new VotingPowerChange(eventId(event));
  change.delegate = delegate.id;
  change.previousVotes = event.params.previousVotes;
  change.newVotes = event.params.newVotes;
  change.blockNumber = event.block.number;
  change.timestamp = event.block.timestamp;
  change.transactionHash = event.transaction.hash;
  change.save();
}
