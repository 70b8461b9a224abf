import { describe, expect, it } from "vitest";
import {
  createPublicClient,
  custom,
  encodeAbiParameters,
  encodeEventTopics,
  numberToHex,
  parseAbiItem,
  type Address,
  type PublicClient,
} from "viem";
import { isRangeTooLarge, scanLogs, type LogScanProgress } from "./logScan.ts";

const event = parseAbiItem("event Posted(uint256 indexed round, uint256 value)");
const address: Address = "0x00000000000000000000000000000000000000aa";

/**
 * An in-memory node of `head + 1` blocks with one `Posted` log in each block listed in `logBlocks`. It refuses
 * eth_getLogs over more than `maxRange` blocks (as providers do), fails the first `flaky` eth_getLogs calls with a
 * transient error, and records every range it was asked for.
 */
function fakeNode(options: { head: bigint; logBlocks: bigint[]; maxRange: bigint; flaky?: number }) {
  const ranges: [bigint, bigint][] = [];
  let failures = options.flaky ?? 0;
  const hash = (n: bigint) => numberToHex(n, { size: 32 });
  const request = async ({ method, params }: { method: string; params?: unknown }) => {
    if (method === "eth_chainId") return "0x1";
    if (method === "eth_blockNumber") return numberToHex(options.head);
    if (method === "eth_getBlockByNumber") {
      const n = BigInt((params as [string])[0]);
      return { number: numberToHex(n), hash: hash(n), timestamp: numberToHex(n * 12n), transactions: [] };
    }
    if (method === "eth_getLogs") {
      const [{ fromBlock, toBlock }] = params as [{ fromBlock: string; toBlock: string }];
      const [from, to] = [BigInt(fromBlock), BigInt(toBlock)];
      ranges.push([from, to]);
      if (failures > 0) {
        failures--;
        throw new Error("upstream connection reset");
      }
      if (to - from + 1n > options.maxRange) throw new Error(`query exceeds max block range ${options.maxRange}`);
      return options.logBlocks
        .filter((b) => b >= from && b <= to)
        .map((b, i) => ({
          address,
          blockNumber: numberToHex(b),
          blockHash: hash(b),
          transactionHash: hash(b + 1_000_000n),
          transactionIndex: "0x0",
          logIndex: numberToHex(i),
          removed: false,
          topics: encodeEventTopics({ abi: [event], eventName: "Posted", args: { round: b } }),
          data: encodeAbiParameters([{ type: "uint256" }], [b * 10n]),
        }));
    }
    throw new Error(`unexpected ${method}`);
  };
  const client = createPublicClient({ transport: custom({ request }, { retryCount: 0 }) }) as PublicClient;
  return { client, ranges };
}

describe("scanLogs: bounded, retried, cached log scans with progress", () => {
  it("splits the scan into ranges of at most maxRangeBlocks, aligned, and finds every log in order", async () => {
    const { client, ranges } = fakeNode({ head: 10_000n, logBlocks: [5n, 2_500n, 4_001n, 9_999n], maxRange: 5_000n });
    const progress: LogScanProgress[] = [];
    const logs = await scanLogs(client, {
      address,
      event,
      fromBlock: 1n,
      maxRangeBlocks: 2_000n,
      onProgress: (p) => progress.push(p),
    });
    expect(logs.map((l) => l.args.round)).toEqual([5n, 2_500n, 4_001n, 9_999n]);
    expect(ranges).toEqual([
      [1n, 1_999n],
      [2_000n, 3_999n],
      [4_000n, 5_999n],
      [6_000n, 7_999n],
      [8_000n, 9_999n],
      [10_000n, 10_000n],
    ]);
    expect(progress.map((p) => p.scannedBlocks)).toEqual([1_999n, 3_999n, 5_999n, 7_999n, 9_999n, 10_000n]);
    expect(progress.at(-1)).toMatchObject({ totalBlocks: 10_000n, logs: 4, label: "Posted" });
  });

  it("halves a range the node refuses as too large, down to what it accepts", async () => {
    const { client, ranges } = fakeNode({ head: 3_000n, logBlocks: [10n, 1_000n, 2_999n], maxRange: 500n });
    const logs = await scanLogs(client, { address, event, fromBlock: 0n, toBlock: 2_999n, maxRangeBlocks: 2_000n });
    expect(logs.map((l) => l.args.round)).toEqual([10n, 1_000n, 2_999n]);
    expect(ranges.every(([from, to]) => to - from + 1n <= 2_000n)).toBe(true);
    const accepted = ranges.filter(([from, to]) => to - from + 1n <= 500n);
    // Once halved to what the node takes, the scan stays there: contiguous ranges cover every block once.
    expect(accepted[0]![0]).toBe(0n);
    accepted.slice(1).forEach(([from], i) => expect(from).toBe(accepted[i]![1] + 1n));
    expect(accepted.at(-1)![1]).toBe(2_999n);
    // The node's limit is learned: a later scan on the same client asks for no range it would refuse.
    const asked = ranges.length;
    await scanLogs(client, { address, event, fromBlock: 0n, toBlock: 2_999n, maxRangeBlocks: 2_000n, cache: false });
    expect(ranges.slice(asked).every(([from, to]) => to - from + 1n <= 500n)).toBe(true);
  });

  it("retries a range the node fails to answer, then names the range when it keeps failing", async () => {
    const flaky = fakeNode({ head: 100n, logBlocks: [42n], maxRange: 1_000n, flaky: 2 });
    const logs = await scanLogs(flaky.client, { address, event, fromBlock: 0n, retryDelayMs: 1 });
    expect(logs.map((l) => l.args.round)).toEqual([42n]);
    expect(flaky.ranges).toEqual([
      [0n, 100n],
      [0n, 100n],
      [0n, 100n],
    ]);
    const broken = fakeNode({ head: 100n, logBlocks: [], maxRange: 1_000n, flaky: 10 });
    await expect(
      scanLogs(broken.client, { address, event, fromBlock: 0n, retries: 2, retryDelayMs: 1 }),
    ).rejects.toThrow(
      "eth_getLogs for Posted at 0x00000000000000000000000000000000000000aa, blocks 0-100, failed 3 times: " +
        "upstream connection reset",
    );
  });

  it("reuses final ranges from the client's cache, and stops early once `until` holds", async () => {
    const { client, ranges } = fakeNode({ head: 10_000n, logBlocks: [100n, 7_000n], maxRange: 10_000n });
    await scanLogs(client, { address, event, fromBlock: 0n, maxRangeBlocks: 4_000n });
    expect(ranges).toHaveLength(3);
    const again = await scanLogs(client, { address, event, fromBlock: 0n, maxRangeBlocks: 4_000n });
    expect(again.map((l) => l.args.round)).toEqual([100n, 7_000n]);
    // The last range (8000-10000) is within 64 blocks of the head: asked again; the two final ones come from cache.
    expect(ranges.slice(3)).toEqual([[8_000n, 10_000n]]);
    const first = await scanLogs(client, {
      address,
      event,
      fromBlock: 0n,
      maxRangeBlocks: 4_000n,
      cache: false,
      until: (logs) => logs.length > 0,
    });
    expect(first.map((l) => l.args.round)).toEqual([100n]);
    expect(ranges.slice(4)).toEqual([[0n, 3_999n]]);
  });

  it("tells a refusal for size from a busy node", () => {
    expect(isRangeTooLarge(new Error("query returned more than 10000 results"))).toBe(true);
    expect(isRangeTooLarge(new Error("block range is too wide"))).toBe(true);
    expect(isRangeTooLarge(new Error("429 Too Many Requests: rate limit exceeded"))).toBe(false);
    expect(isRangeTooLarge(new Error("upstream connection reset"))).toBe(false);
  });
});
