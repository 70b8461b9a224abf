/**
 * Leaves a proposal open for a vote on the devnet, as a delegate would: `trimtab proposal submit` of an example
 * file (checks, dry run, impact report cited in the description) by dev account 1, then the clock moved past the
 * voting delay and the feeds re-posted at their prices (so that the vault's oracle is fresh for the app's
 * simulation). Only for devnets: it warps the clock.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import type { ChainType, NetworkConnection } from "hardhat/types/network";
import type { DeploymentRecord } from "../ignition/deploy.ts";

const root = path.resolve(import.meta.dirname, "..");

export async function openProposal<ChainTypeT extends ChainType | string>(
  connection: NetworkConnection<ChainTypeT>,
  record: DeploymentRecord,
  options: { file: string; rpcUrl: string; deploymentFile: string },
): Promise<bigint> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      path.join(root, "cli", "trimtab.ts"),
      ...["proposal", "submit", options.file, "--account", "1"],
      ...["--rpc", options.rpcUrl, "--deployment", options.deploymentFile],
    ],
    { cwd: root },
  );
  const id = /^proposed (\d+)/m.exec(stdout)?.[1];
  if (!id) throw new Error(`trimtab proposal submit ${options.file} printed no proposal id:\n${stdout}`);

  const { viem, networkHelpers } = connection;
  const governor = await viem.getContractAt("TrimtabGovernor", record.contracts.TrimtabGovernor);
  await networkHelpers.time.increaseTo(Number(await governor.read.proposalSnapshot([BigInt(id)])) + 1);
  const publicClient = await viem.getPublicClient();
  for (const token of Object.values(record.devnet?.tokens ?? {})) {
    const feed = await viem.getContractAt("SettableAggregator", token.feed);
    const [, answer] = await feed.read.latestRoundData();
    await publicClient.waitForTransactionReceipt({ hash: await feed.write.setAnswer([answer]) });
  }
  return BigInt(id);
}
