import hre from "hardhat";
import { parseEther } from "viem";
import { proposalArgs, type ProposalAction } from "../../sdk/proposalArgs.ts";
import { expect } from "vitest";
import * as sdk from "../../sdk/governance/actions.ts";
import { GovernanceError } from "../../sdk/governance/errors.ts";
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
    connection,
    accounts: { deployer, guardian, alice, bob, carol, dave, eve },
    guardianExpiresAt,
  };
}

export type Governance = Awaited<ReturnType<typeof deployGovernance>>;

export { action, proposalArgs, type ProposalAction } from "../../sdk/proposalArgs.ts";

/** Proposes `actions` as alice (through the SDK, as the CLI and the web app do) and returns the proposal id. */
export async function propose(gov: Governance, actions: readonly ProposalAction[], description: string) {
  const publicClient = await gov.connection.viem.getPublicClient();
  const governor = gov.governor.address;
  const { proposalId } = await sdk.propose(
    { publicClient, walletClient: gov.accounts.alice },
    { governor, actions, description },
  );
  return proposalId;
}

/**
 * Runs a proposal through its whole life with the SDK's actions: propose, wait for the snapshot, alice and bob vote
 * For, wait for the deadline, queue, wait for the timelock, execute. Returns the proposal id.
 */
export async function proposeAndExecute(
  connection: Connection,
  gov: Governance,
  actions: readonly ProposalAction[],
  description: string,
) {
  const { time } = connection.networkHelpers;
  const publicClient = await connection.viem.getPublicClient();
  const governor = gov.governor.address;
  const { alice, bob } = gov.accounts;
  const proposal = proposalArgs(actions, description);
  const proposalId = await propose(gov, actions, description);
  await time.increase(settings.votingDelaySeconds + 1);
  for (const voter of [alice, bob])
    await sdk.castVote({ publicClient, walletClient: voter }, { governor, proposalId, support: Vote.For });
  await time.increaseTo(Number(await gov.governor.read.proposalDeadline([proposalId])) + 1);
  const { etaSeconds } = await sdk.queue({ publicClient, walletClient: alice }, { governor, proposal });
  await time.increaseTo(Number(etaSeconds));
  await sdk.execute({ publicClient, walletClient: alice }, { governor, proposal });
  return proposalId;
}

/**
 * Expects `promise` to be refused by the SDK with a `GovernanceError` whose short message is `message` (or matches
 * it).
 */
export function expectRefusal(promise: Promise<unknown>, message: string | RegExp) {
  return expect(promise).rejects.toSatisfy(
    (error: unknown) =>
      error instanceof GovernanceError &&
      (typeof message === "string" ? error.shortMessage === message : message.test(error.shortMessage)),
  );
}
