/**
 * Leaves a proposal open for a vote on the devnet, as a delegate would with `trimtab proposal submit`: the SDK's
 * review of an example file (checks, dry run, impact report cited in the description) and its submission by dev
 * account 1; then the clock moved past the voting delay and the feeds re-posted at their prices (so that the vault's
 * oracle is fresh for the app's simulation). Only for devnets: it warps the clock.
 */
import { http } from "viem";
import type { ChainType, NetworkConnection } from "hardhat/types/network";
import type { DeploymentRecord } from "../sdk/deployment.ts";
import { loadProposal } from "../sdk/proposal/load.ts";
import { submitProposal } from "../sdk/proposal/review.ts";
import { connectStack } from "../sdk/proposal/deployed.ts";
import { devnetOf, repostDevnetFeeds } from "./time.ts";

export async function openProposal<ChainTypeT extends ChainType | string>(
  connection: NetworkConnection<ChainTypeT>,
  record: DeploymentRecord,
  options: { file: string; rpcUrl: string; deploymentFile: string },
): Promise<bigint> {
  const { viem, networkHelpers } = connection;
  const [, delegate] = await viem.getWalletClients();
  if (!delegate) throw new Error("the devnet needs dev account 1 to propose");
  const stack = await connectStack(http(options.rpcUrl), record.contracts, options.deploymentFile);
  const proposal = await loadProposal(options.file);
  const submission = await submitProposal(stack, delegate, { name: options.file, proposal });
  if (!submission.submitted) throw new Error(`${options.file}: not submitted, the report's verdict is FAIL`);
  const { proposalId } = submission;

  const governor = await viem.getContractAt("TrimtabGovernor", record.contracts.TrimtabGovernor);
  await networkHelpers.time.increaseTo(Number(await governor.read.proposalSnapshot([proposalId])) + 1);
  await repostDevnetFeeds(http(options.rpcUrl), devnetOf(record, options.deploymentFile));
  return proposalId;
}
