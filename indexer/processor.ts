/**
 * Runs a subgraph's event and block handlers over a range of blocks from a JSON-RPC node, in graph-node's order:
 * blocks in ascending order; within a block, first the `once` block handlers, then logs by log index (for each log,
 * every matching handler of every data source in manifest order), then the other block handlers of every data
 * source in manifest order. Each block's writes commit together, after its last handler.
 */
import {
  decodeFunctionResult,
  encodeFunctionData,
  formatLog,
  numberToHex,
  parseAbiItem,
  type AbiFunction,
  type Address,
  type Block,
  type Hex,
  type Log,
  type PublicClient,
  type Transaction,
} from "viem";
import { blockHandlerRunsAt, type BlockHandler, type DataSource, type Subgraph } from "./manifest.ts";
import { entityToStore } from "./schema.ts";
import { eventParameters, fromEthValue, toEthValue } from "./runtime/abi.ts";
import type { BlockData, TransactionData, TriggerData } from "./runtime/event.ts";
import { HandlerError, type CallRequest } from "./runtime/host.ts";
import { compileMapping, NeedsFetch, runHandler, type CallResolver } from "./runtime/mapping.ts";
import type { EthValue } from "./runtime/values.ts";
import { DeploymentFailure, type BlockStore } from "./store/types.ts";

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
/**
 * The eth_calls of one block's handlers, each made once at that block. `prefetch` requests calls a handler is
 * expected to make (those the previous block's handlers made) before it asks; a handler that asks then waits for
 * that request instead of making its own, and a guess no handler asks for costs only the node's time.
 */
export function callResolver(
  client: PublicClient,
  blockNumber: bigint,
): CallResolver & {
  prefetch(requests: readonly CallRequest[]): void;
  /** The calls this block's handlers asked for. */
  asked(): CallRequest[];
} {
  const results = new Map<string, EthValue[] | null>();
  const inflight = new Map<string, Promise<void>>();
  const asked = new Map<string, CallRequest>();
  const keyOf = (request: CallRequest) =>
    `${request.address}:${request.signature}:${JSON.stringify(request.params, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`;
  async function call(request: CallRequest, key: string): Promise<void> {
    const fn = callFunction(request.signature);
    const args = fn.inputs.map((input, i) => fromEthValue(input, request.params[i]!));
    const data = encodeFunctionData({ abi: [fn], functionName: fn.name, args });
    let output: Hex | undefined;
    try {
      ({ data: output } = await client.call({ to: request.address, data, blockNumber }));
    } catch (error) {
      if (!isRevert(error)) throw error;
      results.set(key, null);
      return;
    }
    if (!output || output === "0x") {
      results.set(key, fn.outputs.length === 0 ? [] : null);
      return;
    }
    const decoded = decodeFunctionResult({ abi: [fn], functionName: fn.name, data: output }) as unknown;
    const values = fn.outputs.length === 1 ? [decoded] : (decoded as unknown[]);
    results.set(
      key,
      fn.outputs.map((param, i) => toEthValue(param, values[i])),
    );
  }
  const start = (request: CallRequest, key: string): Promise<void> => {
    let pending = inflight.get(key);
    if (!pending) {
      pending = call(request, key);
      inflight.set(key, pending);
      // A failed request is forgotten, so the handler's own request retries it.
      pending.catch(() => inflight.delete(key));
    }
    return pending;
  };
  return {
    cached: (request) => {
      const key = keyOf(request);
      asked.set(key, request);
      return results.get(key);
    },
    fetch: (request) => start(request, keyOf(request)),
    prefetch(requests) {
      for (const request of requests) {
        const key = keyOf(request);
        if (!results.has(key)) void start(request, key).catch(() => {});
      }
    },
    asked: () => [...asked.values()],
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

function blockData(block: Block<bigint, boolean>): BlockData {
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

/**
 * Blocks with triggers, events (logs) that ran at least one handler, block handler runs, and handler runs (of events
 * and blocks).
 */
export type ProcessResult = { blocks: number; events: number; blockTriggers: number; handlerRuns: number };

/** A handler failed: the block's writes were not committed; the deployment is failed at `block`. */
export class TriggerFailed extends DeploymentFailure {
  override name = "TriggerFailed";
}

/**
 * The logs of the subgraph's data sources from block `from` on: up to `to`, or, when the node refuses that as too
 * much (its result cap, or a response over the client's size limit), up to where a range it serves ends (cut in
 * proportion to how far over the limit the response was, at least halved, as graph-node reduces its range). `to` is
 * the last block the logs cover.
 */
export async function subgraphLogs(
  client: PublicClient,
  subgraph: Subgraph,
  from: bigint,
  to: bigint,
): Promise<{ logs: Log[]; to: bigint }> {
  const address = [...new Set(subgraph.dataSources.map((s) => s.address))];
  // Only the events some handler takes (as graph-node filters by event signature).
  const topic0s = [...new Set(subgraph.dataSources.flatMap((s) => s.eventHandlers.map((h) => h.topic0)))];
  for (let end = to; ;) {
    try {
      const logs = await client.request({
        method: "eth_getLogs",
        params: [{ address, topics: [topic0s], fromBlock: numberToHex(from), toBlock: numberToHex(end) }],
      });
      return { logs: logs.map((l) => formatLog(l)), to: end };
    } catch (error) {
      if (end === from || !tooManyLogs(error)) throw error;
      const { size, maxSize } = error as { size?: number; maxSize?: number };
      const share = size && maxSize ? Math.min(0.5, (0.8 * maxSize) / size) : 0.5;
      end = from + BigInt(Math.floor(Number(end - from) * share));
    }
  }
}

/** Blocks (with their expected calls) requested ahead of the one whose handlers run. */
const blocksAhead = 16;

type FetchedBlock = Block<bigint, boolean>;

/** The block handlers of `sources` that run at block `number`, `once` handlers (which run first) apart. */
function blockTriggersAt(
  sources: readonly DataSource[],
  number: bigint,
): { first: [DataSource, BlockHandler][]; last: [DataSource, BlockHandler][] } {
  const first: [DataSource, BlockHandler][] = [];
  const last: [DataSource, BlockHandler][] = [];
  for (const ds of sources) {
    for (const handler of ds.blockHandlers) {
      if (!blockHandlerRunsAt(handler.filter, number, ds.startBlock)) continue;
      (handler.filter.kind === "once" ? first : last).push([ds, handler]);
    }
  }
  return { first, last };
}

/** The blocks of `from`..`to` at which some block handler runs (as {@link blockHandlerRunsAt} says), ascending. */
export function blockHandlerBlocks(sources: readonly DataSource[], from: bigint, to: bigint): bigint[] {
  const handlers = sources.flatMap((ds) => ds.blockHandlers.map(({ filter }) => ({ filter, start: ds.startBlock })));
  const numbers: bigint[] = [];
  if (handlers.length === 0) return numbers;
  for (let n = from; n <= to; n++)
    if (handlers.some(({ filter, start }) => blockHandlerRunsAt(filter, n, start))) numbers.push(n);
  return numbers;
}

/** Whether a failed `eth_getLogs` asked for too much: the response is too large, or the node caps the results. */
function tooManyLogs(error: unknown): boolean {
  const text = `${(error as Error).message ?? ""} ${(error as { details?: string }).details ?? ""}`;
  return /size limit|exceed|too (many|large)|more than \d+ results|limit/i.test(text);
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
  /** The range's logs, when fetched already ({@link subgraphLogs} up to `to`). */
  logs?: Log[];
  /** Called once the range's first blocks and calls are requested (to request the next range's logs). */
  afterFirstRequests?: () => void;
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
  let logs = options.logs;
  if (!logs) {
    logs = [];
    for (let from = options.from; from <= options.to;) {
      const part = await subgraphLogs(client, subgraph, from, options.to);
      logs.push(...part.logs);
      from = part.to + 1n;
    }
  }
  const blocks = new Map<bigint, Log[]>();
  for (const l of logs) {
    const list = blocks.get(l.blockNumber!) ?? [];
    list.push(l);
    blocks.set(l.blockNumber!, list);
  }
  const result: ProcessResult = { blocks: 0, events: 0, blockTriggers: 0, handlerRuns: 0 };
  const numbers = [...new Set([...blocks.keys(), ...blockHandlerBlocks(sources, options.from, options.to)])].sort(
    (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  );
  // Requested ahead of the block being processed: each block in one call, with its transactions when it has logs (a
  // handler gets its event's transaction; a block handler only the block), and the calls its handlers will likely
  // make: those of the last block processed of the same sort (with logs, or with block triggers only), so that a
  // block only a block handler runs on is not sent the calls of the event handlers before it.
  const fetched = new Map<bigint, { block: Promise<FetchedBlock>; calls: ReturnType<typeof callResolver> }>();
  const expectedCalls = { withLogs: [] as CallRequest[], blockOnly: [] as CallRequest[] };
  const sortOf = (n: bigint) => (blocks.has(n) ? "withLogs" : "blockOnly");
  const fetchBlock = (n: bigint) => {
    let ahead = fetched.get(n);
    if (!ahead) {
      const block: Promise<FetchedBlock> = client.getBlock({ blockNumber: n, includeTransactions: blocks.has(n) });
      block.catch(() => {}); // awaited in turn; a failure surfaces there
      const calls = callResolver(client, n);
      calls.prefetch(expectedCalls[sortOf(n)]);
      ahead = { block, calls };
      fetched.set(n, ahead);
    }
    return ahead;
  };
  for (const [k, number] of numbers.entries()) {
    for (const next of numbers.slice(k, k + blocksAhead)) void fetchBlock(next);
    // A node answers in turn: what comes after this range waits until its first blocks are asked for.
    if (k === 0) options.afterFirstRequests?.();
    const { block: fetchedBlock, calls } = fetchBlock(number);
    const full = await fetchedBlock;
    fetched.delete(number);
    const blockLogs = (blocks.get(number) ?? []).sort((a, b) => a.logIndex! - b.logIndex!);
    const block = blockData(full);
    const transactions = new Map<Hex, TransactionData>(
      full.transactions.flatMap((t) => (typeof t === "string" ? [] : [[t.hash, transactionData(t)] as const])),
    );
    const logsPerTransaction = new Map<Hex, number>();
    /** Runs one handler of `ds` on `trigger`; a mapping's failure fails the deployment at this block. */
    const run = async (ds: DataSource, handler: string, trigger: TriggerData, what: string) => {
      try {
        await runHandler({
          module: compileMapping(ds.wasm),
          handler,
          trigger,
          store,
          calls,
          dataSource: { name: ds.name, address: ds.address.toLowerCase() as Hex, network: ds.network },
          log: (level, message) => log(level, message, { dataSource: ds.name, block: number }),
          validate: (type, id, entity, existing) => {
            try {
              return entityToStore(subgraph.schema, type, id, entity, existing);
            } catch (error) {
              if (error instanceof NeedsFetch) throw error;
              throw new HandlerError((error as Error).message);
            }
          },
        });
      } catch (error) {
        if (error instanceof HandlerError) {
          throw new TriggerFailed(`${ds.name}.${handler} failed at block ${number}${what}: ${error.message}`, number);
        }
        throw error;
      }
      result.handlerRuns++;
    };
    const blockTriggers = blockTriggersAt(sources, number);
    store.beginBlock(number);
    for (const [ds, handler] of blockTriggers.first) {
      await run(ds, handler.handler, { kind: "block", block }, " (block handler)");
      result.blockTriggers++;
    }
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
          const event = {
            address: l.address.toLowerCase() as Hex,
            logIndex: BigInt(l.logIndex!),
            transactionLogIndex: BigInt(transactionLogIndex),
            logType: null,
            block,
            transaction: tx,
            parameters: eventParameters(handler.event, l),
          };
          await run(ds, handler.handler, { kind: "event", event }, ` (log ${l.logIndex}, transaction ${txHash})`);
          handled = true;
        }
      }
      if (handled) result.events++;
    }
    for (const [ds, handler] of blockTriggers.last) {
      await run(ds, handler.handler, { kind: "block", block }, " (block handler)");
      result.blockTriggers++;
    }
    await store.commitBlock({ number, hash: block.hash, timestamp: block.timestamp, parentHash: block.parentHash });
    const asked = calls.asked();
    if (asked.length) expectedCalls[sortOf(number)] = asked;
    result.blocks++;
  }
  return result;
}
