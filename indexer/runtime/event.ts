/**
 * A trigger in the mapping's memory: for an event handler graph-ts's `ethereum.Event` (with its `Block`,
 * `Transaction` and `EventParam`s), for a block handler its `ethereum.Block`; fields in declaration order, as
 * graph-node writes them.
 */
import type { Hex } from "viem";
import type { Asc } from "./asc.ts";
import { writeBigInt, writeEthValue, writeHex, type EthValue } from "./values.ts";

export type BlockData = {
  hash: Hex;
  parentHash: Hex;
  unclesHash: Hex;
  author: Hex;
  stateRoot: Hex;
  transactionsRoot: Hex;
  receiptsRoot: Hex;
  number: bigint;
  gasUsed: bigint;
  gasLimit: bigint;
  timestamp: bigint;
  difficulty: bigint;
  totalDifficulty: bigint;
  size: bigint | null;
  baseFeePerGas: bigint | null;
};

export type TransactionData = {
  hash: Hex;
  index: bigint;
  from: Hex;
  to: Hex | null;
  value: bigint;
  gasLimit: bigint;
  gasPrice: bigint;
  input: Hex;
  nonce: bigint;
};

export type EventData = {
  address: Hex;
  /** The log's index in its block. */
  logIndex: bigint;
  /** The log's index in its transaction. */
  transactionLogIndex: bigint;
  logType: string | null;
  block: BlockData;
  transaction: TransactionData;
  parameters: { name: string; value: EthValue }[];
};

/** Writes a block and returns its pointer: what a block handler takes, and an event's `block`. */
export function writeBlock(asc: Asc, b: BlockData): number {
  const big = (v: bigint) => writeBigInt(asc, v);
  const hex = (v: Hex) => writeHex(asc, v);
  return asc.writeStruct(
    [
      hex(b.hash),
      hex(b.parentHash),
      hex(b.unclesHash),
      hex(b.author),
      hex(b.stateRoot),
      hex(b.transactionsRoot),
      hex(b.receiptsRoot),
      big(b.number),
      big(b.gasUsed),
      big(b.gasLimit),
      big(b.timestamp),
      big(b.difficulty),
      big(b.totalDifficulty),
      b.size === null ? 0 : big(b.size),
      b.baseFeePerGas === null ? 0 : big(b.baseFeePerGas),
    ],
    "EthereumBlock",
  );
}

function writeTransaction(asc: Asc, t: TransactionData): number {
  const big = (v: bigint) => writeBigInt(asc, v);
  const hex = (v: Hex) => writeHex(asc, v);
  return asc.writeStruct(
    [
      hex(t.hash),
      big(t.index),
      hex(t.from),
      t.to === null ? 0 : hex(t.to),
      big(t.value),
      big(t.gasLimit),
      big(t.gasPrice),
      hex(t.input),
      big(t.nonce),
    ],
    "EthereumTransaction",
  );
}

/** Writes the event and returns the pointer its handler takes. The receipt is not provided (null). */
export function writeEvent(asc: Asc, e: EventData): number {
  const parameters = asc.writeArray(
    e.parameters.map((p) => asc.writeStruct([asc.writeString(p.name), writeEthValue(asc, p.value)], "EventParam")),
    "ArrayEventParam",
  );
  return asc.writeStruct(
    [
      writeHex(asc, e.address),
      writeBigInt(asc, e.logIndex),
      writeBigInt(asc, e.transactionLogIndex),
      e.logType === null ? 0 : asc.writeString(e.logType),
      writeBlock(asc, e.block),
      writeTransaction(asc, e.transaction),
      parameters,
      0,
    ],
    "EthereumEvent",
  );
}

/** What a handler runs on: an event (a log), or a block (a block handler). */
export type TriggerData = { kind: "event"; event: EventData } | { kind: "block"; block: BlockData };

/** Writes the trigger and returns the pointer its handler takes. */
export function writeTrigger(asc: Asc, trigger: TriggerData): number {
  return trigger.kind === "event" ? writeEvent(asc, trigger.event) : writeBlock(asc, trigger.block);
}
