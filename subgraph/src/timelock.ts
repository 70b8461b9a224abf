import { CallExecuted, CallSalt, CallScheduled, Cancelled } from "../generated/TimelockController/TimelockController";
import { TimelockCall, TimelockOperation } from "../generated/schema";

export function handleCallScheduled(event: CallScheduled): void {
  let operation = TimelockOperation.load(event.params.id);
  if (operation == null) {
    operation = new TimelockOperation(event.params.id);
    operation.status = "Scheduled";
    operation.delay = event.params.delay;
    operation.predecessor = event.params.predecessor;
    operation.scheduledBlockNumber = event.block.number;
    operation.scheduledTimestamp = event.block.timestamp;
    operation.save();
  }
  const index = event.params.index.toI32();
  const call = new TimelockCall(event.params.id.concatI32(index));
  call.operation = operation.id;
  call.index = index;
  call.target = event.params.target;
  call.value = event.params.value;
  call.data = event.params.data;
  call.executed = false;
  call.save();
}

export function handleCallSalt(event: CallSalt): void {
  const operation = TimelockOperation.load(event.params.id);
  if (operation == null) return;
  operation.salt = event.params.salt;
  operation.save();
}

export function handleCallExecuted(event: CallExecuted): void {
  const call = TimelockCall.load(event.params.id.concatI32(event.params.index.toI32()));
  if (call != null) {
    call.executed = true;
    call.save();
  }
  const operation = TimelockOperation.load(event.params.id);
  if (operation == null) return;
  operation.status = "Executed";
  operation.executedTimestamp = event.block.timestamp;
  operation.save();
}

export function handleCancelled(event: Cancelled): void {
  const operation = TimelockOperation.load(event.params.id);
  if (operation == null) return;
  operation.status = "Cancelled";
  operation.cancelledTimestamp = event.block.timestamp;
  operation.save();
}
