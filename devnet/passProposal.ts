import type { ChainType, NetworkConnection } from "hardhat/types/network";
import type { Address, Hex } from "viem";
import { proposalArgs, type ProposalAction } from "../sdk/proposalArgs.ts";

/**
 * Takes a proposal through its whole life on a local chain, moving time as needed: the first voter proposes, every
 * voter votes For, then it is queued and executed once the timelock allows. Returns the proposal id.
 * Only for devnets and tests: it warps the chain's clock.
 */
export async function passProposal<ChainTypeT extends ChainType | string>(
  connection: NetworkConnection<ChainTypeT>,
  governorAddress: Address,
  voters: readonly { account: { address: Address } }[],
  actions: readonly ProposalAction[],
  description: string,
): Promise<bigint> {
  const { viem, networkHelpers } = connection;
  const publicClient = await viem.getPublicClient();
  const governor = await viem.getContractAt("TrimtabGovernor", governorAddress);
  const wait = async (hash: Promise<Hex>) => publicClient.waitForTransactionReceipt({ hash: await hash });
  const { targets, values, calldatas, descriptionHash } = proposalArgs(actions, description);
  const [proposer] = voters;
  if (!proposer) throw new Error("passProposal needs at least one voter");

  await wait(governor.write.propose([targets, values, calldatas, description], { account: proposer.account.address }));
  const id = await governor.read.hashProposal([targets, values, calldatas, descriptionHash]);
  await networkHelpers.time.increaseTo(Number(await governor.read.proposalSnapshot([id])) + 1);
  for (const voter of voters) await wait(governor.write.castVote([id, 1], { account: voter.account.address }));
  await networkHelpers.time.increaseTo(Number(await governor.read.proposalDeadline([id])) + 1);
  await wait(governor.write.queue([targets, values, calldatas, descriptionHash]));
  await networkHelpers.time.increaseTo(Number(await governor.read.proposalEta([id])));
  await wait(governor.write.execute([targets, values, calldatas, descriptionHash]));
  return id;
}
