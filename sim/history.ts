/**
 * A price history read from the chain through the vault's feed proxies, as Chainlink's are read: each proxy's rounds
 * (`getRoundData`, round id = phase << 64 | the aggregator's round) walked back across its phases, sampled on a
 * regular grid, as calibration and the backtest need it. No logs are read: a proxy emits none, and its aggregators
 * change at every phase. Each grid time is found by a binary search over the round ids of the phase then current,
 * all grid times of a phase searched together one level at a time (so the calls are about
 * grid points × log2(rounds between them), not one per round), within a bound on the calls.
 */
import { parseAbi, type Address, type PublicClient } from "viem";
import { aggregatorV3Abi, parameterRegistryAbi } from "../sdk/abis/contracts.ts";
import { parameterKey } from "../parameters/parameterKey.ts";
import type { PriceHistory } from "./market/types.ts";

/** How far back the history reaches by default: a year (calibration wants a year of daily returns at most). */
export const defaultHistoryLookbackSeconds = 365 * 86_400;
/** The most RPC calls one history read makes by default (all feeds together). */
export const defaultHistoryMaxCalls = 20_000;

/** A round as the history needs it: its answer and when it was updated (unix seconds). */
export type FeedRound = { answer: bigint; updatedAt: number };

/** Rounds already read, by `<proxy>:<round id>`: a round, once answered, never changes. */
export type FeedRoundCache = Map<string, FeedRound>;

/** Progress of a history read: the calls made so far (of at most `maxCalls`), and what is being read. */
export type PriceHistoryProgress = { symbol: string; phaseId: number; calls: number; maxCalls: number };

export type ReadPriceHistoryOptions = {
  /** Grid step in seconds; a day by default. */
  stepSeconds?: number;
  /** The first grid time; by default the later of `lookbackSeconds` before the last block and the first moment
   *  every feed has an answer. */
  fromSeconds?: number;
  /** How far before the last block the default grid starts; a year by default. */
  lookbackSeconds?: number;
  /** The chain as it was at this block (every read is made at it); the latest block by default. */
  blockNumber?: bigint;
  /** The most `eth_call`s to make; the read fails, saying so, rather than make more. */
  maxCalls?: number;
  /** How many calls are in flight at once; 8 by default. */
  concurrency?: number;
  /** Rounds already read, to share between reads of one chain (e.g. a server's); a new one per read by default. */
  roundCache?: FeedRoundCache;
  onProgress?: (progress: PriceHistoryProgress) => void;
};

/** The most rounds a cache holds before it starts over (a year of a busy feed is ~10k rounds, each read once). */
const roundCacheLimit = 200_000;
/** Chainlink's proxy (EACAggregatorProxy) beyond AggregatorV3Interface: its phases. The devnet's proxy has them too. */
const feedProxyAbi = parseAbi([
  "function phaseId() view returns (uint16)",
  "function phaseAggregators(uint16 phaseId) view returns (address)",
]);
const phaseOffset = 64n;
const budgetMessage = "reading the feeds' history would take more than";
const roundMask = (1n << phaseOffset) - 1n;

/** A proxy round id: the phase in the high bits, the aggregator's round in the low 64. */
export function proxyRoundId(phaseId: number, aggregatorRoundId: bigint): bigint {
  return (BigInt(phaseId) << phaseOffset) | (aggregatorRoundId & roundMask);
}

/** The phase and aggregator round of a proxy round id. */
export function parseProxyRoundId(roundId: bigint): { phaseId: number; aggregatorRoundId: bigint } {
  return { phaseId: Number(roundId >> phaseOffset), aggregatorRoundId: roundId & roundMask };
}

/**
 * Each feed's last answer at or before every grid time, one every `stepSeconds` from `fromSeconds` up to the last
 * block (or `blockNumber`). `symbols` name the vault's assets as the registry does (`feed.<SYMBOL>`, a Chainlink
 * proxy or anything with its `phaseId`, `phaseAggregators` and `getRoundData`). A phase's answers serve from its
 * first round on; within a phase, answers are assumed in time order, as an aggregator posts them.
 */
export async function readPriceHistory(
  client: PublicClient,
  registry: Address,
  symbols: readonly string[],
  options: ReadPriceHistoryOptions = {},
): Promise<PriceHistory> {
  const stepSeconds = options.stepSeconds ?? 86_400;
  if (!(Number.isInteger(stepSeconds) && stepSeconds > 0))
    throw new Error(`stepSeconds must be a positive whole number of seconds, got ${stepSeconds}`);
  const lookbackSeconds = options.lookbackSeconds ?? defaultHistoryLookbackSeconds;
  if (!(Number.isInteger(lookbackSeconds) && lookbackSeconds > 0))
    throw new Error(`lookbackSeconds must be a positive whole number of seconds, got ${lookbackSeconds}`);
  const maxCalls = options.maxCalls ?? defaultHistoryMaxCalls;
  const latest = await client.getBlock(options.blockNumber === undefined ? {} : { blockNumber: options.blockNumber });
  const lastSeconds = Number(latest.timestamp);
  const since = options.fromSeconds ?? lastSeconds - lookbackSeconds;
  const reader = createRoundReader(client, latest.number, {
    maxCalls,
    concurrency: options.concurrency ?? 8,
    cache: options.roundCache ?? new Map(),
    onProgress: options.onProgress,
  });

  const feeds = await Promise.all(
    symbols.map(async (symbol) => {
      const proxy = await reader.call(symbol, 0, (at) =>
        client.readContract({
          address: registry,
          abi: parameterRegistryAbi,
          functionName: "getAddress",
          args: [parameterKey(`feed.${symbol}`)],
          ...at,
        }),
      );
      return { symbol, proxy, phases: await readPhases(client, reader, symbol, proxy, since) };
    }),
  );
  const answered = Math.max(...feeds.map(({ phases }) => phases[phases.length - 1]!.first.updatedAt));
  const first = options.fromSeconds ?? Math.max(answered, lastSeconds - lookbackSeconds);
  if (first < answered) throw new Error(`fromSeconds (${first}) is before every feed has an answer (${answered})`);
  const timestamps: number[] = [];
  for (let t = first; t <= lastSeconds; t += stepSeconds) timestamps.push(t);

  const columns = await Promise.all(
    feeds.map(async ({ symbol, proxy, phases }) => {
      const prices = new Array<number>(timestamps.length);
      for (const phase of phases) {
        // The grid times this phase serves: from its first round until the next (newer) phase's first round.
        const newer = phases[phases.indexOf(phase) - 1];
        const served = timestamps
          .map((t, i) => ({ t, i }))
          .filter(({ t }) => t >= phase.first.updatedAt && (!newer || t < newer.first.updatedAt));
        const rounds = await searchRounds(
          reader,
          symbol,
          proxy,
          phase,
          served.map(({ t }) => t),
        );
        served.forEach(({ i }, k) => (prices[i] = Number(rounds[k]!.answer) / 10 ** phase.decimals));
      }
      return prices;
    }),
  );
  return { symbols, timestamps, pricesUsd: timestamps.map((_, i) => columns.map((prices) => prices[i]!)) };
}

/** A phase of a proxy: its id, decimals, first and latest rounds (aggregator round ids). */
type Phase = { id: number; decimals: number; first: FeedRound; latestRound: bigint; latest: FeedRound };

/**
 * The proxy's phases, newest first, back to the first one whose first round is at or before `since` (older ones
 * serve no grid time), or to phase 1.
 */
async function readPhases(
  client: PublicClient,
  reader: RoundReader,
  symbol: string,
  proxy: Address,
  since: number,
): Promise<Phase[]> {
  const current = await reader.call(symbol, 0, (at) =>
    client.readContract({ address: proxy, abi: feedProxyAbi, functionName: "phaseId", ...at }),
  );
  const phases: Phase[] = [];
  for (let id = current; id >= 1; id--) {
    const aggregator = await reader.call(symbol, id, (at) =>
      client.readContract({
        address: proxy,
        abi: feedProxyAbi,
        functionName: "phaseAggregators",
        args: [id],
        ...at,
      }),
    );
    // The phase's length and decimals come from its aggregator (a proxy only tells the current phase's).
    const [[latestRound, answer, , updatedAt], decimals] = await Promise.all([
      reader.call(symbol, id, (at) =>
        client.readContract({ address: aggregator, abi: aggregatorV3Abi, functionName: "latestRoundData", ...at }),
      ),
      reader.call(symbol, id, (at) =>
        client.readContract({ address: aggregator, abi: aggregatorV3Abi, functionName: "decimals", ...at }),
      ),
    ]);
    const lastRound = latestRound & roundMask;
    if (lastRound === 0n || updatedAt === 0n) continue; // a phase that never answered serves nothing
    const latest = { answer, updatedAt: Number(updatedAt) };
    reader.remember(proxy, proxyRoundId(id, lastRound), latest);
    const first = await reader.round(symbol, proxy, id, 1n);
    phases.push({ id, decimals, first, latestRound: lastRound, latest });
    if (first.updatedAt <= since) break;
  }
  if (phases.length === 0) throw new Error(`feed.${symbol} (${proxy}) has posted no answer`);
  return phases;
}

/**
 * For each of `times` (ascending, none before the phase's first round), the phase's last round updated at or before
 * it: binary searches over its round ids, run together one level at a time, each level's distinct rounds read at once.
 */
async function searchRounds(
  reader: RoundReader,
  symbol: string,
  proxy: Address,
  phase: Phase,
  times: readonly number[],
): Promise<FeedRound[]> {
  // lo: a round known at or before the time; hi: a round known after it (or one past the last).
  const bounds = times.map((t) =>
    t >= phase.latest.updatedAt
      ? { lo: phase.latestRound, hi: phase.latestRound + 1n }
      : { lo: 1n, hi: phase.latestRound },
  );
  for (;;) {
    const open = bounds.map((b, k) => ({ b, k })).filter(({ b }) => b.hi - b.lo > 1n);
    if (open.length === 0) break;
    const mids = open.map(({ b }) => (b.lo + b.hi) / 2n);
    await reader.rounds(symbol, proxy, phase.id, [...new Set(mids)]);
    for (const [j, { b, k }] of open.entries()) {
      const mid = mids[j]!;
      if (reader.cached(proxy, proxyRoundId(phase.id, mid))!.updatedAt <= times[k]!) b.lo = mid;
      else b.hi = mid;
    }
  }
  return Promise.all(bounds.map(({ lo }) => reader.round(symbol, proxy, phase.id, lo)));
}

type RoundReader = ReturnType<typeof createRoundReader>;

/** Reads at one block, counting calls against `maxCalls`, a bounded number at once, rounds cached. */
function createRoundReader(
  client: PublicClient,
  blockNumber: bigint,
  options: {
    maxCalls: number;
    concurrency: number;
    cache: FeedRoundCache;
    onProgress: ((progress: PriceHistoryProgress) => void) | undefined;
  },
) {
  let calls = 0;
  let running = 0;
  const waiting: (() => void)[] = [];
  const key = (proxy: Address, roundId: bigint) => `${proxy.toLowerCase()}:${roundId}`;

  /** Runs one read (`read` is given the block to read at), counted and queued. */
  async function call<T>(
    symbol: string,
    phaseId: number,
    read: (at: { blockNumber: bigint }) => Promise<T>,
  ): Promise<T> {
    if (calls >= options.maxCalls)
      throw new Error(`${budgetMessage} ${options.maxCalls} calls: ask for a shorter lookback ` + `or a longer step`);
    calls++;
    if (running >= options.concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await read({ blockNumber });
    } finally {
      running--;
      waiting.shift()?.();
      options.onProgress?.({ symbol, phaseId, calls, maxCalls: options.maxCalls });
    }
  }

  function remember(proxy: Address, roundId: bigint, round: FeedRound): void {
    if (options.cache.size >= roundCacheLimit) options.cache.clear();
    options.cache.set(key(proxy, roundId), round);
  }

  function cached(proxy: Address, roundId: bigint): FeedRound | undefined {
    return options.cache.get(key(proxy, roundId));
  }

  /** Round `aggregatorRoundId` of phase `phaseId`, read through the proxy's getRoundData. */
  async function round(symbol: string, proxy: Address, phaseId: number, aggregatorRoundId: bigint): Promise<FeedRound> {
    const roundId = proxyRoundId(phaseId, aggregatorRoundId);
    const known = cached(proxy, roundId);
    if (known) return known;
    let data: readonly [bigint, bigint, bigint, bigint, bigint];
    try {
      data = await call(symbol, phaseId, (at) =>
        client.readContract({
          address: proxy,
          abi: aggregatorV3Abi,
          functionName: "getRoundData",
          args: [roundId],
          ...at,
        }),
      );
    } catch (error) {
      if ((error as Error).message.startsWith(budgetMessage)) throw error;
      throw new Error(
        `feed.${symbol} (${proxy}): getRoundData(${roundId}) (phase ${phaseId}, round ${aggregatorRoundId}) ` +
          `failed: ${(error as { shortMessage?: string }).shortMessage ?? (error as Error).message}`,
      );
    }
    const [, answer, , updatedAt] = data;
    if (updatedAt === 0n)
      throw new Error(
        `feed.${symbol} (${proxy}): round ${roundId} (phase ${phaseId}, round ${aggregatorRoundId}) has no answer`,
      );
    const result = { answer, updatedAt: Number(updatedAt) };
    remember(proxy, roundId, result);
    return result;
  }

  async function rounds(symbol: string, proxy: Address, phaseId: number, ids: readonly bigint[]): Promise<void> {
    await Promise.all(ids.map((id) => round(symbol, proxy, phaseId, id)));
  }

  return { call, round, rounds, remember, cached };
}
