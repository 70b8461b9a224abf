/**
 * Keeps a database store in step with a chain: resumes after the last committed block, indexes new blocks in
 * ranges, follows the head, and on a chain reorganisation (a recorded block hash no longer on the chain, as after
 * Hardhat's `evm_revert`) rewinds to the newest block both agree on and indexes again, as graph-node does.
 * A handler failure marks the deployment failed (with its error) and stops indexing.
 */
import type { PublicClient } from "viem";
import type { Subgraph } from "./manifest.ts";
import { processBlocks, TriggerFailed, type ProcessorLog } from "./processor.ts";
import type { DatabaseStore } from "./store/databaseStore.ts";
import type { BlockPointer } from "./store/types.ts";

export type SyncOptions = {
  client: PublicClient;
  subgraph: Subgraph;
  store: DatabaseStore;
  /** Blocks per `eth_getLogs` range. */
  rangeBlocks?: number;
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

/** Indexes up to the chain's current head (once). */
export async function syncOnce(options: SyncOptions): Promise<SyncResult> {
  const { client, subgraph, store } = options;
  const log = options.log ?? (() => {});
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
  const range = BigInt(options.rangeBlocks ?? 2_000);
  let events = 0;
  while (from <= chainHead) {
    const to = from + range - 1n < chainHead ? from + range - 1n : chainHead;
    try {
      const result = await processBlocks({ client, subgraph, store, from, to, log: options.mappingLog });
      events += result.events;
    } catch (error) {
      if (!(error instanceof TriggerFailed)) throw error;
      await store.markFailed(error.message, error.block);
      log(`indexing failed: ${error.message}`);
      return { head: (await store.status()).head, failed: error.message, events };
    }
    const block = await client.getBlock({ blockNumber: to });
    head = { number: to, hash: block.hash };
    await store.setHead(head);
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
