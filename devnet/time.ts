/**
 * The devnet's clock, moved as its keeper moves it: time jumps, then every stand-in price feed re-posts its answer, so
 * that the vault's oracle is fresh (an answer older than its asset's `oracle.maxStalenessSec.<SYMBOL>` stops
 * deposits, rebalances and simulations). For devnets only: a real chain's time and feeds are nobody's to move. An L2
 * sequencer uptime feed (`oracle.sequencerFeed`) is never re-posted: its `startedAt` is when the sequencer's status
 * last changed, and a re-post would start a new grace period.
 */
import { createPublicClient, createTestClient, createWalletClient, type Transport } from "viem";
import { devnetFeedProxyAbi, settableAggregatorAbi } from "../sdk/abis/contracts.ts";
import { currentAggregator, postFeedAnswer } from "./feeds.ts";
import type { DeploymentRecord, DevnetRecord } from "../sdk/deployment.ts";

/**
 * Re-posts each devnet feed's latest answer now, to its proxy's current aggregator, signed by that aggregator's owner
 * (an account the node unlocks).
 */
export async function repostDevnetFeeds(transport: Transport, devnet: DevnetRecord): Promise<void> {
  const publicClient = createPublicClient({ transport });
  for (const { feed } of Object.values(devnet.tokens)) {
    const aggregator = await currentAggregator(publicClient, feed);
    const [owner, [, answer]] = await Promise.all([
      publicClient.readContract({ address: aggregator, abi: settableAggregatorAbi, functionName: "owner" }),
      publicClient.readContract({ address: feed, abi: devnetFeedProxyAbi, functionName: "latestRoundData" }),
    ]);
    await postFeedAnswer(
      { publicClient, walletClient: createWalletClient({ transport, account: owner }) },
      feed,
      answer,
    );
  }
}

/** Moves the devnet's clock `seconds` ahead, mines a block and re-posts the feeds; returns the new block time. */
export async function advanceDevnetTime(
  transport: Transport,
  record: DeploymentRecord,
  source: string,
  seconds: bigint,
): Promise<bigint> {
  const devnet = devnetOf(record, source);
  if (seconds <= 0n) throw new Error(`the devnet's clock only moves forward; got ${seconds} seconds`);
  const testClient = createTestClient({ mode: "hardhat", transport });
  await testClient.increaseTime({ seconds: Number(seconds) });
  await testClient.mine({ blocks: 1 });
  await repostDevnetFeeds(transport, devnet);
  return (await createPublicClient({ transport }).getBlock()).timestamp;
}

/** The devnet part of a deployment record (`source` names the record); an error for any other chain's record. */
export function devnetOf(record: DeploymentRecord, source: string): DevnetRecord {
  if (!record.devnet)
    throw new Error(`${source} is not a devnet's deployment (it has no devnet section): only a devnet's clock moves`);
  return record.devnet;
}
