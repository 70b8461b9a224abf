/**
 * Runs a subgraph's event handlers over a range of blocks from a JSON-RPC node, in graph-node's order: blocks in
 * ascending order; within a block, logs by log index; for each log, every matching handler of every data source
 * in manifest order. Each block's writes commit together, after its last handler.
 */
import {
  decodeFunctionResult,
  encodeFunctionData,
  parseAbiItem,
  type AbiFunction,
  type Block,
  type Hex,
  type Log,
  type PublicClient,
  type Transaction,
} from "viem";
import type { DataSource, Subgraph } from "./manifest.ts";
import { entityToStore } from "./schema.ts";
import { eventParameters, fromEthValue, toEthValue } from "./runtime/abi.ts";
import type { BlockData, EventData, TransactionData } from "./runtime/event.ts";
import { HandlerError, type CallRequest } from "./runtime/host.ts";
import { compileMapping, runEventHandler, type CallResolver } from "./runtime/mapping.ts";
import type { EthValue } from "./runtime/values.ts";
import type { BlockStore } from "./store/types.ts";

export type ProcessorLog = (level: number, message: string, context: { dataSource: string; block: bigint }) => void;

/** A graph-cli call signature `name(inputs):(outputs)` as a viem ABI function. */
export function callFunction(signature: string): AbiFunction {
  const open = signature.indexOf("(");
  let depth = 0;
  let close = -1;
  for (let i = open; i < signature.length; i++) {
    if (signature[i] === "(") depth++;
    if (signature[i] === ")" && --depth === 0) {
      close = i;
      break;
    }
  }
  const name = signature.slice(0, open);
  const inputs = signature.slice(open, close + 1);
  const rest = signature.slice(close + 1);
  const outputs = rest.startsWith(":") ? rest.slice(1) : "()";
  return parseAbiItem(`function ${name}${inputs} view returns ${outputs}`) as AbiFunction;
}

/** Resolves a mapping's eth_calls at one block, caching results (a revert is cached as null). */
export function callResolver(client: PublicClient, blockNumber: bigint): CallResolver {
  const results = new Map<string, EthValue[] | null>();
  const keyOf = (request: CallRequest) =>
    `${request.address}:${request.signature}:${JSON.stringify(request.params, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`;
  return {
    cached: (request) => results.get(keyOf(request)),
    async fetch(request) {
      const fn = callFunction(request.signature);
      const args = fn.inputs.map((input, i) => fromEthValue(input, request.params[i]!));
      const data = encodeFunctionData({ abi: [fn], functionName: fn.name, args });
      let output: Hex | undefined;
      try {
        ({ data: output } = await client.call({ to: request.address, data, blockNumber }));
      } catch (error) {
        if (!isRevert(error)) throw error;
        results.set(keyOf(request), null);
        return;
      }
      if (!output || output === "0x") {
        results.set(keyOf(request), fn.outputs.length === 0 ? [] : null);
        return;
      }
      const decoded = decodeFunctionResult({ abi: [fn], functionName: fn.name, data: output }) as unknown;
      const values = fn.outputs.length === 1 ? [decoded] : (decoded as unknown[]);
      results.set(
        keyOf(request),
        fn.outputs.map((param, i) => toEthValue(param, values[i])),
      );
    },
  };
}

function isRevert(error: unknown): boolean {
  let e = error as { name?: string; message?: string; cause?: unknown } | undefined;
  while (e) {
    if (e.name === "CallExecutionError" || e.name === "ContractFunctionRevertedError") return true;
    if (e.message && /revert/i.test(e.message)) return true;
    e = e.cause as typeof e;
  }
  return false;
}

function blockData(block: Block): BlockData {
  return {
    hash: block.hash!,
    parentHash: block.parentHash,
    unclesHash: block.sha3Uncles,
    author: block.miner,
    stateRoot: block.stateRoot,
    transactionsRoot: block.transactionsRoot,
    receiptsRoot: block.receiptsRoot,
    number: block.number!,
    gasUsed: block.gasUsed,
    gasLimit: block.gasLimit,
    timestamp: block.timestamp,
    difficulty: block.difficulty,
    totalDifficulty: block.totalDifficulty ?? 0n,
    size: block.size,
    baseFeePerGas: block.baseFeePerGas,
  };
}

function transactionData(tx: Transaction): TransactionData {
  return {
    hash: tx.hash,
    index: BigInt(tx.transactionIndex ?? 0),
    from: tx.from.toLowerCase() as Hex,
    to: tx.to ? (tx.to.toLowerCase() as Hex) : null,
    value: tx.value,
    gasLimit: tx.gas,
    gasPrice: tx.gasPrice ?? 0n,
    input: tx.input,
    nonce: BigInt(tx.nonce),
  };
}

/** Blocks with triggers, events (logs) that ran at least one handler, and handler runs. */
export type ProcessResult = { blocks: number; events: number; handlerRuns: number };

/** A handler failed: the block's writes were not committed; the deployment is failed at `block`. */
export class TriggerFailed extends HandlerError {
  override name = "TriggerFailed";
  readonly block: bigint;
  constructor(message: string, block: bigint) {
    super(message);
    this.block = block;
  }
}

/**
 * Indexes blocks `from`..`to` (inclusive) into `store`, committing each block with triggers. Throws
 * {@link TriggerFailed} (naming the block, handler, log and transaction) when a mapping fails; the failing
 * block's writes are not committed.
 */
export async function processBlocks(options: {
  client: PublicClient;
  subgraph: Subgraph;
  store: BlockStore;
  from: bigint;
  to: bigint;
  log?: ProcessorLog;
}): Promise<ProcessResult> {
  const { client, subgraph, store } = options;
  const log = options.log ?? (() => {});
  const sources = subgraph.dataSources;
  const byAddress = new Map<string, DataSource[]>();
  for (const ds of sources) {
    const list = byAddress.get(ds.address.toLowerCase()) ?? [];
    list.push(ds);
    byAddress.set(ds.address.toLowerCase(), list);
  }
  const logs = await client.getLogs({
    address: [...new Set(sources.map((s) => s.address))],
    fromBlock: options.from,
    toBlock: options.to,
  });
  const blocks = new Map<bigint, Log[]>();
  for (const l of logs) {
    const list = blocks.get(l.blockNumber!) ?? [];
    list.push(l);
    blocks.set(l.blockNumber!, list);
  }
  const result: ProcessResult = { blocks: 0, events: 0, handlerRuns: 0 };
  for (const number of [...blocks.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const blockLogs = blocks.get(number)!.sort((a, b) => a.logIndex! - b.logIndex!);
    // One call for the block and its transactions (a handler gets its event's transaction).
    const full = await client.getBlock({ blockNumber: number, includeTransactions: true });
    const block = blockData(full);
    const transactions = new Map<Hex, TransactionData>(full.transactions.map((t) => [t.hash, transactionData(t)]));
    const calls = callResolver(client, number);
    const logsPerTransaction = new Map<Hex, number>();
    store.beginBlock(number);
    for (const l of blockLogs) {
      const txHash = l.transactionHash!;
      const transactionLogIndex = logsPerTransaction.get(txHash) ?? 0;
      let handled = false;
      logsPerTransaction.set(txHash, transactionLogIndex + 1);
      for (const ds of byAddress.get(l.address.toLowerCase()) ?? []) {
        if (number < BigInt(ds.startBlock)) continue;
        for (const handler of ds.eventHandlers) {
          if (handler.topic0 !== l.topics[0]) continue;
          const tx = transactions.get(txHash);
          if (!tx) throw new Error(`block ${number} does not hold transaction ${txHash} of its log`);
          const event: EventData = {
            address: l.address.toLowerCase() as Hex,
            logIndex: BigInt(l.logIndex!),
            transactionLogIndex: BigInt(transactionLogIndex),
            logType: null,
            block,
            transaction: tx,
            parameters: eventParameters(handler.event, l),
          };
          try {
            await runEventHandler({
              module: compileMapping(ds.wasm),
              handler: handler.handler,
              event,
              store,
              calls,
              dataSource: { name: ds.name, address: ds.address.toLowerCase() as Hex, network: ds.network },
              log: (level, message) => log(level, message, { dataSource: ds.name, block: number }),
              validate: (type, id, entity) => {
                try {
                  return entityToStore(subgraph.schema, type, id, entity);
                } catch (error) {
                  throw new HandlerError((error as Error).message);
                }
              },
            });
          } catch (error) {
            if (error instanceof HandlerError) {
              throw new TriggerFailed(
                `${ds.name}.${handler.handler} failed at block ${number} (log ${l.logIndex}, transaction ${txHash}): ${error.message}`,
                number,
              );
            }
            throw error;
          }
          result.handlerRuns++;
          handled = true;
        }
      }
      if (handled) result.events++;
    }
    await store.commitBlock({ number, hash: block.hash });
    result.blocks++;
  }
  return result;
}
