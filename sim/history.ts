/**
 * A price history read from the chain: every answer the vault's feeds posted (Chainlink's `AnswerUpdated` event,
 * which the devnet's feeds emit too), sampled on a regular grid, as calibration and the backtest need it.
 */
import { parseAbiItem, type Address, type PublicClient } from "viem";
import { aggregatorV3Abi, parameterRegistryAbi } from "../sdk/abis/contracts.ts";
import { parameterKey } from "../parameters/parameterKey.ts";
import type { PriceHistory } from "./market/types.ts";

const answerUpdated = parseAbiItem(
  "event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt)",
);

/**
 * Each feed's last answer at or before every grid time, one every `stepSeconds` from `fromSeconds` (default: the
 * first moment all feeds have an answer) up to the latest block, or up to `blockNumber` (the chain as it was then).
 * `symbols` name the vault's assets as the registry does (`feed.<SYMBOL>`).
 */
export async function readPriceHistory(
  client: PublicClient,
  registry: Address,
  symbols: readonly string[],
  options: { stepSeconds?: number; fromBlock?: bigint; fromSeconds?: number; blockNumber?: bigint } = {},
): Promise<PriceHistory> {
  const stepSeconds = options.stepSeconds ?? 86_400;
  if (!(Number.isInteger(stepSeconds) && stepSeconds > 0))
    throw new Error(`stepSeconds must be a positive whole number of seconds, got ${stepSeconds}`);
  const latest = await client.getBlock(options.blockNumber === undefined ? {} : { blockNumber: options.blockNumber });
  const series = await Promise.all(
    symbols.map(async (symbol) => {
      const feed = await client.readContract({
        address: registry,
        abi: parameterRegistryAbi,
        functionName: "getAddress",
        args: [parameterKey(`feed.${symbol}`)],
        blockNumber: latest.number,
      });
      const decimals = await client.readContract({
        address: feed,
        abi: aggregatorV3Abi,
        functionName: "decimals",
        blockNumber: latest.number,
      });
      const logs = await client.getLogs({
        address: feed,
        event: answerUpdated,
        fromBlock: options.fromBlock ?? 0n,
        toBlock: latest.number,
      });
      const points = logs.map((log) => ({
        time: Number(log.args.updatedAt!),
        priceUsd: Number(log.args.current!) / 10 ** decimals,
      }));
      if (points.length === 0) throw new Error(`feed.${symbol} (${feed}) has posted no answer`);
      return points.sort((a, b) => a.time - b.time);
    }),
  );
  const answered = Math.max(...series.map((points) => points[0]!.time));
  const first = options.fromSeconds ?? answered;
  if (first < answered) throw new Error(`fromSeconds (${first}) is before every feed has an answer (${answered})`);
  const timestamps: number[] = [];
  for (let t = first; t <= Number(latest.timestamp); t += stepSeconds) timestamps.push(t);
  // Walk each series along the grid: the last answer at or before each time.
  const cursors = series.map(() => 0);
  const pricesUsd = timestamps.map((t) =>
    series.map((points, a) => {
      while (cursors[a]! + 1 < points.length && points[cursors[a]! + 1]!.time <= t) cursors[a]!++;
      return points[cursors[a]!]!.priceUsd;
    }),
  );
  return { symbols, timestamps, pricesUsd };
}
