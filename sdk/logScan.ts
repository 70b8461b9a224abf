/**
 * Scanning a chain's logs as RPC providers allow: in ranges of at most `maxRangeBlocks` (halved while the node
 * refuses a range as too large, down to one block, and remembered per client), each range retried with backoff when the node fails otherwise,
 * final ranges (at least `finalityBlocks` below the head) cached per client, and progress reported after each range.
 * Every scan of logs in sdk/ and sim/ goes through {@link scanLogs}; none asks for a chain's whole history at once.
 */
import type { AbiEvent, Address, GetLogsReturnType, Hash, PublicClient } from "viem";

/** Progress of a scan: the blocks scanned so far of the whole range, and the logs found. */
export type LogScanProgress = {
  /** What is scanned, e.g. "ProposalCreated". */
  label: string;
  fromBlock: bigint;
  toBlock: bigint;
  scannedBlocks: bigint;
  totalBlocks: bigint;
  logs: number;
};

/** Ranges already scanned: their logs and the hash of their last block (checked on reuse, so a reorg misses). */
export type LogScanCache = Map<string, { lastBlockHash: Hash; logs: readonly unknown[] }>;

export type ScanLogsParameters<TEvent extends AbiEvent> = {
  address: Address;
  event: TEvent;
  fromBlock: bigint;
  /** The last block scanned (inclusive); the latest block by default. */
  toBlock?: bigint;
  /** The most blocks one `eth_getLogs` asks for; 2,000 by default (as the indexer). */
  maxRangeBlocks?: bigint;
  /** Retries of a range the node fails to answer (other than "too large"); 3 by default. */
  retries?: number;
  /** The first retry's delay, doubled at each next; 500 ms by default. */
  retryDelayMs?: number;
  /** Ranges ending at least this many blocks below the head are cached; 64 by default. */
  finalityBlocks?: bigint;
  /** The cache to use; by default one per client (`false`: none). */
  cache?: LogScanCache | false;
  /** Stops after the first range in which this holds of the logs found so far (e.g. the one log looked for). */
  until?: (logs: GetLogsReturnType<TEvent>) => boolean;
  onProgress?: (progress: LogScanProgress) => void;
};

const clientCaches = new WeakMap<object, LogScanCache>();
/** The widest range each client's node was found to accept, so that later scans start there. */
const learnedRanges = new WeakMap<object, bigint>();

/** Whether a failed `eth_getLogs` asked for too much: too large a response or range, or too many results. */
export function isRangeTooLarge(error: unknown): boolean {
  const e = error as { message?: string; details?: string; shortMessage?: string };
  const text = `${e.message ?? ""} ${e.details ?? ""} ${e.shortMessage ?? ""}`;
  if (/rate.?limit|too many requests|429/i.test(text)) return false; // busy, not too large: retried
  return /size limit|exceed|too (many|large|wide|big)|more than \d+ (results|blocks|logs)|block range|range (is )?too|limit/i.test(
    text,
  );
}

/**
 * The logs of `event` emitted by `address` in `fromBlock`..`toBlock`, in order, scanned range by range (see the
 * module's note). Throws, naming the range and the last error, when a range still fails after its retries.
 */
export async function scanLogs<const TEvent extends AbiEvent>(
  client: PublicClient,
  parameters: ScanLogsParameters<TEvent>,
): Promise<GetLogsReturnType<TEvent>> {
  const { address, event, fromBlock } = parameters;
  const maxRange = parameters.maxRangeBlocks ?? 2_000n;
  if (maxRange < 1n) throw new Error(`maxRangeBlocks must be at least 1, got ${maxRange}`);
  const retries = parameters.retries ?? 3;
  const retryDelayMs = parameters.retryDelayMs ?? 500;
  const finality = parameters.finalityBlocks ?? 64n;
  const head = await client.getBlockNumber();
  const toBlock = parameters.toBlock ?? head;
  const cache = parameters.cache === false ? undefined : (parameters.cache ?? cacheOf(client));
  const label = event.name;
  const found: unknown[] = [];
  const totalBlocks = toBlock >= fromBlock ? toBlock - fromBlock + 1n : 0n;
  const learned = learnedRanges.get(client);
  let range = learned !== undefined && learned < maxRange ? learned : maxRange;
  let from = fromBlock;
  while (from <= toBlock) {
    // Ranges end on multiples of maxRange (the first one may be shorter), so that later scans reuse cached ones.
    const aligned = (from / maxRange + 1n) * maxRange - 1n;
    const to = min(toBlock, min(aligned, from + range - 1n));
    const final = cache !== undefined && to + finality <= head;
    const key = `${address.toLowerCase()}|${label}|${from}-${to}`;
    const hit = final ? await cachedRange(client, cache, key, to) : undefined;
    let logs: readonly unknown[];
    if (hit) logs = hit;
    else {
      const result = await getLogsRetried(client, { address, event, from, to, retries, retryDelayMs });
      if (result === "too large") {
        if (to === from)
          throw new Error(`the node refuses eth_getLogs for ${label} even for the single block ${from}: too many logs`);
        range = (to - from + 1n) / 2n;
        learnedRanges.set(client, range);
        continue;
      }
      logs = result;
      if (final) {
        const { hash } = await client.getBlock({ blockNumber: to });
        cache.set(key, { lastBlockHash: hash, logs });
      }
    }
    found.push(...logs);
    parameters.onProgress?.({
      label,
      fromBlock,
      toBlock,
      scannedBlocks: to - fromBlock + 1n,
      totalBlocks,
      logs: found.length,
    });
    from = to + 1n;
    if (parameters.until?.(found as GetLogsReturnType<TEvent>)) break;
  }
  return found as GetLogsReturnType<TEvent>;
}

/** One range, retried on errors other than "too large" (which is returned, for the caller to split the range). */
async function getLogsRetried(
  client: PublicClient,
  args: { address: Address; event: AbiEvent; from: bigint; to: bigint; retries: number; retryDelayMs: number },
): Promise<readonly unknown[] | "too large"> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.getLogs({ address: args.address, event: args.event, fromBlock: args.from, toBlock: args.to });
    } catch (error) {
      if (isRangeTooLarge(error)) return "too large";
      if (attempt >= args.retries) {
        const e = error as { details?: string; shortMessage?: string; message: string };
        const reason = e.details || e.shortMessage || e.message;
        throw new Error(
          `eth_getLogs for ${args.event.name} at ${args.address}, blocks ${args.from}-${args.to}, failed ` +
            `${attempt + 1} times: ${reason}`,
          { cause: error },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, args.retryDelayMs * 2 ** attempt));
    }
  }
}

/** A cached range's logs, when its last block is still the one it was scanned at. */
async function cachedRange(
  client: PublicClient,
  cache: LogScanCache,
  key: string,
  to: bigint,
): Promise<readonly unknown[] | undefined> {
  const entry = cache.get(key);
  if (!entry) return undefined;
  const { hash } = await client.getBlock({ blockNumber: to });
  if (hash === entry.lastBlockHash) return entry.logs;
  cache.delete(key);
  return undefined;
}

function cacheOf(client: PublicClient): LogScanCache {
  let cache = clientCaches.get(client);
  if (!cache) clientCaches.set(client, (cache = new Map()));
  return cache;
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);
