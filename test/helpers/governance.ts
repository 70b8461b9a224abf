import hre from "hardhat";
import { parseEther } from "viem";
import { proposalArgs, type ProposalAction } from "../../sdk/proposalArgs.ts";
import GovernanceModule from "../../ignition/modules/Governance.ts";
import { ProposalState, VoteSupport as Vote } from "../../sdk/governance/enums.ts";

export type Connection = Awaited<ReturnType<typeof hre.network.create>>;

export const daySeconds = 86_400;

/** Governor settings used by the test deployment (the module's defaults, restated for assertions). */
export const settings = {
  votingDelaySeconds: daySeconds,
  votingPeriodSeconds: 3 * daySeconds,
  timelockMinDelaySeconds: 2 * daySeconds,
  lateQuorumExtensionSeconds: daySeconds,
  proposalThreshold: parseEther("10000"),
  quorumNumerator: 4n,
  totalSupply: parseEther("10000000"),
} as const;

/** Token balances handed out after deployment; each holder self-delegates. */
export const holdings = {
  alice: parseEther("3000000"),
  bob: parseEther("2000000"),
  carol: parseEther("300000"),
  dave: parseEther("5000"),
} as const;

/** The governor's states and support values (`Vote.For`…), from the SDK. */
export { ProposalState, Vote };

/** Deploys the governance core through its Ignition module and hands tokens to four delegating holders. */
export async function deployGovernance(connection: Connection) {
  const { viem, ignition, networkHelpers } = connection;
  const [deployer, guardian, alice, bob, carol, dave, eve] = await viem.getWalletClients();
  if (!deployer || !guardian || !alice || !bob || !carol || !dave || !eve) throw new Error("need 7 accounts");
  const now = await networkHelpers.time.latest();
  const guardianExpiresAt = BigInt(now + 365 * daySeconds);

  const deployed = await ignition.deploy(GovernanceModule, {
    parameters: {
      Governance: {
        proposalGuardian: guardian.account.address,
        registryGuardian: guardian.account.address,
        registryGuardianExpiresAt: guardianExpiresAt,
      },
    },
  });
  const { token } = deployed;
  for (const [holder, amount] of [
    [alice, holdings.alice],
    [bob, holdings.bob],
    [carol, holdings.carol],
    [dave, holdings.dave],
  ] as const) {
    await token.write.transfer([holder.account.address, amount], { account: deployer.account });
    await token.write.delegate([holder.account.address], { account: holder.account });
  }
  await networkHelpers.mine();
  return {
    ...deployed,
    accounts: { deployer, guardian, alice, bob, carol, dave, eve },
    guardianExpiresAt,
  };
}

export type Governance = Awaited<ReturnType<typeof deployGovernance>>;

export { action, proposalArgs, type ProposalAction } from "../../sdk/proposalArgs.ts";

/** Proposes `actions` as alice and returns the proposal id. */
export async function propose(gov: Governance, actions: readonly ProposalAction[], description: string) {
  const { targets, values, calldatas, descriptionHash } = proposalArgs(actions, description);
  const { alice } = gov.accounts;
  await gov.governor.write.propose([targets, values, calldatas, description], { account: alice.account });
  return gov.governor.read.hashProposal([targets, values, calldatas, descriptionHash]);
}

/**
 * Runs a proposal through its whole life: propose, wait for the snapshot, alice and bob vote For, wait for the
 * deadline, queue, wait for the timelock, execute. Returns the proposal id.
 */
export async function proposeAndExecute(
  connection: Connection,
  gov: Governance,
  actions: readonly ProposalAction[],
  description: string,
) {
  const { time } = connection.networkHelpers;
  const { targets, values, calldatas, descriptionHash } = proposalArgs(actions, description);
  const proposalId = await propose(gov, actions, description);
  await time.increase(settings.votingDelaySeconds + 1);
  await gov.governor.write.castVote([proposalId, Vote.For], { account: gov.accounts.alice.account });
  await gov.governor.write.castVote([proposalId, Vote.For], { account: gov.accounts.bob.account });
  await time.increaseTo(Number(await gov.governor.read.proposalDeadline([proposalId])) + 1);
  await gov.governor.write.queue([targets, values, calldatas, descriptionHash]);
  await time.increase(settings.timelockMinDelaySeconds);
  await gov.governor.write.execute([targets, values, calldatas, descriptionHash]);
  return proposalId;
}
