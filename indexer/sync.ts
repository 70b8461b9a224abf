/**
 * Keeps a database store in step with a chain: resumes after the last committed block, indexes new blocks in
 * ranges, follows the head, and on a chain reorganisation (a recorded block hash no longer on the chain, as after
 * Hardhat's `evm_revert`) rewinds to the newest block both agree on and indexes again, as graph-node does.
 * A handler failure marks the deployment failed (with its error) and stops indexing.
 */
import type { Log, PublicClient } from "viem";
import type { Subgraph } from "./manifest.ts";
import { processBlocks, subgraphLogs, type ProcessorLog } from "./processor.ts";
import { StoreError, type DatabaseStore } from "./store/databaseStore.ts";
import { DeploymentFailure, type BlockPointer } from "./store/types.ts";

export type SyncOptions = {
  client: PublicClient;
  subgraph: Subgraph;
  store: DatabaseStore;
  /** The most blocks per range (an `eth_getLogs` call and a progress commit); 2,000 by default. */
  rangeBlocks?: number;
  /**
   * Events a range aims at (5,000 by default): after a busy range the next one is shorter, after a quiet one
   * longer (up to `rangeBlocks`), as graph-node sizes its ranges by triggers. Bounds memory and the work a crash loses.
   */
  targetRangeEvents?: number;
  log?: (message: string) => void;
  mappingLog?: ProcessorLog;
};

export type SyncResult = {
  head: BlockPointer | null;
  rewoundTo?: BlockPointer | null;
  failed?: string;
  events: number;
};

async function hashOnChain(client: PublicClient, number: bigint): Promise<`0x${string}` | null> {
  try {
    return (await client.getBlock({ blockNumber: number })).hash;
  } catch {
    return null; // beyond the chain's head
  }
}

/** The newest recorded block still on the chain, or null when none is. */
async function commonAncestor(client: PublicClient, store: DatabaseStore): Promise<BlockPointer | null> {
  for (const recorded of await store.recordedBlocks(0n)) {
    if ((await hashOnChain(client, recorded.number)) === recorded.hash) return recorded;
  }
  return null;
}

/** Writes the blocks the store holds; the failure the store met doing so, if any. */
async function flushed(store: DatabaseStore): Promise<StoreError | null> {
  try {
    await store.flush();
    return null;
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    return error;
  }
}

/** Indexes up to the chain's current head (once). */
export async function syncOnce(options: SyncOptions): Promise<SyncResult> {
  const { client, subgraph, store } = options;
  const log = options.log ?? (() => {});
  // Blocks a previous call processed before an error it could not handle (the node unreachable mid-range) are
  // complete: written now, they are not indexed twice.
  const refused = await flushed(store);
  if (refused) await store.markFailed(refused.message, refused.block);
  const status = await store.status();
  if (status.failed) return { head: status.head, failed: status.error ?? "failed", events: 0 };
  let head = status.head;
  let rewoundTo: BlockPointer | null | undefined;
  if (head && (await hashOnChain(client, head.number)) !== head.hash) {
    rewoundTo = await commonAncestor(client, store);
    log(`chain reorganised below block ${head.number}: rewinding to ${rewoundTo?.number ?? "the start"}`);
    await store.rewind(rewoundTo);
    head = rewoundTo;
  }
  const chainHead = await client.getBlockNumber();
  const start = BigInt(Math.min(...subgraph.dataSources.map((ds) => ds.startBlock)));
  let from = head ? head.number + 1n : start;
  const maxRange = BigInt(options.rangeBlocks ?? 2_000);
  const targetEvents = BigInt(options.targetRangeEvents ?? 5_000);
  let range = maxRange;
  let events = 0;
  const upTo = (start: bigint, blocks: bigint) => (start + blocks - 1n < chainHead ? start + blocks - 1n : chainHead);
  type Requested = Promise<{ logs: Log[]; to: bigint }>;
  const ahead: { next: { from: bigint; logs: Requested } | null } = { next: null };
  const request = (start: bigint): Requested => {
    const logs = subgraphLogs(client, subgraph, start, upTo(start, range));
    logs.catch(() => {}); // awaited in turn; a failure surfaces there
    return logs;
  };
  while (from <= chainHead) {
    const next = ahead.next;
    const current: { logs: Log[]; to: bigint } = await (next?.from === from ? next.logs : request(from));
    const to: bigint = current.to;
    // A range the node refused as too large sizes the next ones at once.
    if (to < upTo(from, range)) range = to - from + 1n;
    // The next range's logs are requested while this range's handlers run.
    ahead.next = null;
    const requestNext = () => {
      if (to < chainHead && !ahead.next) ahead.next = { from: to + 1n, logs: request(to + 1n) };
    };
    try {
      const result = await processBlocks({
        client,
        subgraph,
        store,
        from,
        to,
        logs: current.logs,
        afterFirstRequests: requestNext,
        log: options.mappingLog,
      });
      requestNext(); // a range without triggers asks for nothing first
      events += result.events;
      const blocks = to - from + 1n;
      const sized = result.events > 0 ? (targetEvents * blocks) / BigInt(result.events) : blocks * 2n;
      range = sized < 1n ? 1n : sized > maxRange ? maxRange : sized;
      const block = await client.getBlock({ blockNumber: to });
      head = { number: to, hash: block.hash, timestamp: block.timestamp, parentHash: block.parentHash };
      await store.setHead(head);
    } catch (error) {
      if (!(error instanceof DeploymentFailure)) throw error;
      // The blocks before the failing one are committed; an earlier store failure among them comes first.
      const failure = (await flushed(store)) ?? error;
      await store.markFailed(failure.message, failure.block);
      log(`indexing failed: ${failure.message}`);
      return { head: (await store.status()).head, failed: failure.message, events };
    }
    log(`indexed to block ${to}`);
    from = to + 1n;
  }
  return { head, rewoundTo, events };
}

/** Follows the chain until `signal` aborts, polling every `pollMs`. */
export async function follow(options: SyncOptions & { pollMs?: number; signal?: AbortSignal }): Promise<void> {
  const log = options.log ?? (() => {});
  while (!options.signal?.aborted) {
    try {
      const result = await syncOnce(options);
      if (result.failed) return;
    } catch (error) {
      // The node is unreachable or the database busy: nothing was committed; try again.
      log(`sync error, retrying: ${(error as Error).message}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
  }
}
