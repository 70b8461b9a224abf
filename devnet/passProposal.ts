import type { ChainType, NetworkConnection } from "hardhat/types/network";
import type { Account, Address, Chain, Transport, WalletClient } from "viem";
import { castVote, execute, propose, queue, readProposalStatus } from "../sdk/governance/actions.ts";
import { VoteSupport } from "../sdk/governance/enums.ts";
import { proposalArgs, type ProposalAction } from "../sdk/proposalArgs.ts";

/**
 * Takes a proposal through its whole life on a local chain with the SDK's governance actions, moving time as needed:
 * the first voter proposes, every voter votes For, then it is queued and executed once the timelock allows. Returns
 * the proposal id. Only for devnets and tests: it warps the chain's clock.
 */
export async function passProposal<ChainTypeT extends ChainType | string>(
  connection: NetworkConnection<ChainTypeT>,
  governor: Address,
  voters: readonly WalletClient<Transport, Chain, Account>[],
  actions: readonly ProposalAction[],
  description: string,
): Promise<bigint> {
  const { viem, networkHelpers } = connection;
  const publicClient = await viem.getPublicClient();
  const [proposer] = voters;
  if (!proposer) throw new Error("passProposal needs at least one voter");
  const proposal = proposalArgs(actions, description);
  const { proposalId } = await propose({ publicClient, walletClient: proposer }, { governor, actions, description });
  const status = () => readProposalStatus(publicClient, { governor, proposalId });
  await networkHelpers.time.increaseTo(Number((await status()).snapshot) + 1);
  for (const walletClient of voters)
    await castVote({ publicClient, walletClient }, { governor, proposalId, support: VoteSupport.For });
  // Read after the votes: a quorum reached late extends the deadline (GovernorPreventLateQuorum).
  await networkHelpers.time.increaseTo(Number((await status()).deadline) + 1);
  const { etaSeconds } = await queue({ publicClient, walletClient: proposer }, { governor, proposal });
  await networkHelpers.time.increaseTo(Number(etaSeconds));
  await execute({ publicClient, walletClient: proposer }, { governor, proposal });
  return proposalId;
}
