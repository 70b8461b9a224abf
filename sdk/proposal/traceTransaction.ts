/**
 * Traces one mined transaction with the node's tracers (`debug_traceTransaction`: `callTracer` with its logs, and
 * `prestateTracer` in diff mode; Hardhat's EDR and geth answer both) and decodes them (sdk/proposal/trace.ts).
 */
import type { Abi, Address, Hash, PublicClient } from "viem";
import {
  decodeCallTrace,
  decodeStateDiff,
  logsOf,
  type CallFrame,
  type MappingKeys,
  type PrestateDiff,
  type TraceContext,
  type TransactionTrace,
} from "./trace.ts";

export type TraceTransactionParameters = {
  hash: Hash;
  /** The transaction's index among the dry run's calls. */
  call: number;
  contracts: TraceContext["contracts"];
  abi: Abi;
  /** Keys of the contracts' mappings, to name the storage slots of their entries. */
  mappingKeys?: MappingKeys;
};

/** The decoded call tree and state diff of the mined transaction `hash`. */
export async function traceTransaction(
  client: PublicClient,
  { hash, call, contracts, abi, mappingKeys }: TraceTransactionParameters,
): Promise<TransactionTrace> {
  const request = (tracer: string, tracerConfig: Record<string, boolean>) =>
    client.request({ method: "debug_traceTransaction", params: [hash, { tracer, tracerConfig }] } as never);
  const [root, diff, receipt] = await Promise.all([
    request("callTracer", { withLog: true }) as Promise<CallFrame>,
    request("prestateTracer", { diffMode: true }) as Promise<PrestateDiff>,
    client.getTransactionReceipt({ hash }),
  ]);
  const block = await client.getBlock({ blockNumber: receipt.blockNumber });
  // Which callees had code: read at the transaction's block (a contract it created has code by then too).
  const callees = new Set<Address>();
  const collect = (frame: CallFrame) => {
    if (frame.to) callees.add(frame.to);
    frame.calls?.forEach(collect);
  };
  collect(root);
  const withCode = new Set<string>();
  await Promise.all(
    [...callees].map(async (address) => {
      const code = await client.getCode({ address, blockNumber: receipt.blockNumber });
      if (code && code !== "0x") withCode.add(address.toLowerCase());
    }),
  );
  return {
    call,
    calls: decodeCallTrace(root, { contracts, abi, withCode }),
    state: decodeStateDiff(
      diff,
      logsOf(root),
      { contracts, ...(mappingKeys ? { mappingKeys } : {}) },
      {
        sender: receipt.from,
        feeWei: receipt.gasUsed * receipt.effectiveGasPrice,
        producer: block.miner,
      },
    ),
  };
}
