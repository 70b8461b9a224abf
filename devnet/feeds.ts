/**
 * The devnet's feeds as their operator sees them. Each feed is a proxy (DevnetFeedProxy, what the registry's
 * `feed.<SYMBOL>`, the vault, the Morpho oracles and every reader use) in front of its current aggregator
 * (SettableAggregator, where answers are posted). Writers post to the proxy's current aggregator, whichever phase it
 * is in; an upgrade moves the proxy to a new aggregator, as Chainlink does. For devnets only.
 */
import type { ChainType, NetworkConnection } from "hardhat/types/network";
import type { Account, Address, Chain, PublicClient, Transport, WalletClient } from "viem";
import { devnetFeedProxyAbi, settableAggregatorAbi } from "../sdk/abis/contracts.ts";

/** The clients a feed write needs: the wallet client's account is the aggregator's owner (the devnet operator). */
export type FeedWriter = {
  publicClient: Pick<PublicClient, "readContract" | "waitForTransactionReceipt">;
  walletClient: WalletClient<Transport, Chain | undefined, Account>;
};

/** The aggregator the proxy `feed` reads now (its current phase's). */
export async function currentAggregator(
  publicClient: Pick<PublicClient, "readContract">,
  feed: Address,
): Promise<Address> {
  return publicClient.readContract({ address: feed, abi: devnetFeedProxyAbi, functionName: "aggregator" });
}

/**
 * Posts `answer` to the current aggregator of the proxy `feed`, stamped now or `updatedAt` (seconds, to make a feed
 * stale on purpose); waits for it and throws when it reverts.
 */
export async function postFeedAnswer(
  { publicClient, walletClient }: FeedWriter,
  feed: Address,
  answer: bigint,
  updatedAt?: bigint,
): Promise<void> {
  const address = await currentAggregator(publicClient, feed);
  const hash = await walletClient.writeContract({
    address,
    abi: settableAggregatorAbi,
    ...(updatedAt === undefined
      ? { functionName: "setAnswer", args: [answer] as const }
      : { functionName: "setAnswerAt", args: [answer, updatedAt] as const }),
    account: walletClient.account,
    chain: walletClient.chain ?? null,
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`posting ${answer} to feed ${feed} (${address}) reverted`);
}

/**
 * Moves the proxy `feed` to a new SettableAggregator (a new phase), as Chainlink upgrades a feed: deploys it owned by
 * the operator (account 0, the proxy's owner), posting the current answer as its first round, then proposes and
 * confirms it. Returns the new phase and aggregator.
 */
export async function upgradeDevnetFeed<ChainTypeT extends ChainType | string>(
  connection: NetworkConnection<ChainTypeT>,
  feed: Address,
): Promise<{ phaseId: number; aggregator: Address }> {
  const { viem } = connection;
  const publicClient = await viem.getPublicClient();
  const [operator] = await viem.getWalletClients();
  if (!operator) throw new Error("no operator account");
  const proxy = await viem.getContractAt("DevnetFeedProxy", feed);
  const [decimals, description, [, answer]] = await Promise.all([
    proxy.read.decimals(),
    proxy.read.description(),
    proxy.read.latestRoundData(),
  ]);
  const next = await viem.deployContract("SettableAggregator", [
    operator.account.address,
    decimals,
    description,
    answer,
  ]);
  for (const hash of [
    await proxy.write.proposeAggregator([next.address]),
    await proxy.write.confirmAggregator([next.address]),
  ]) {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`moving feed ${feed} to ${next.address} reverted`);
  }
  return { phaseId: await proxy.read.phaseId(), aggregator: next.address };
}
