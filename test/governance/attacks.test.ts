import { describe, expect, it } from "vitest";
import { getAddress, parseEther, zeroHash } from "viem";
import { parameterKey } from "../../parameters/index.ts";
import {
  action,
  daySeconds,
  deployGovernance,
  propose,
  proposalArgs,
  ProposalState,
  settings,
  Vote,
  type Governance,
} from "../helpers/governance.ts";
import { expectRevert } from "../helpers/revert.ts";
import { actAsTimelock } from "../helpers/timelock.ts";
import { chainFixture } from "../helpers/fixture.ts";

const band = parameterKey("rebalance.bandBps");

describe("attacks on governance", () => {
  const chain = chainFixture(async function attackFixture(connection) {
    const gov = await deployGovernance(connection);
    await connection.networkHelpers.time.increase(daySeconds);
    return gov;
  });
  const load = chain.load;

  it("voting power bought after the proposal snapshot counts for nothing", async () => {
    const gov = await load();
    const { deployer, eve } = gov.accounts;
    const proposalId = await propose(gov, [action(gov.registry, "setParameter", [band, 600n])], "snapshot");
    await chain.connection.networkHelpers.time.increase(settings.votingDelaySeconds + 1);

    // eve "buys" 4M tokens once voting is open and delegates them to herself.
    await gov.token.write.transfer([eve.account.address, parseEther("4000000")], { account: deployer.account });
    await gov.token.write.delegate([eve.account.address], { account: eve.account });
    expect(await gov.token.read.getVotes([eve.account.address])).toBe(parseEther("4000000"));

    await gov.governor.write.castVote([proposalId, Vote.Against], { account: eve.account });
    expect(await gov.governor.read.proposalVotes([proposalId])).toEqual([0n, 0n, 0n]);
  });

  it("tokens passed on after voting cannot vote twice", async () => {
    const gov = await load();
    const { alice, eve } = gov.accounts;
    const proposalId = await propose(gov, [action(gov.registry, "setParameter", [band, 600n])], "double vote");
    await chain.connection.networkHelpers.time.increase(settings.votingDelaySeconds + 1);
    await gov.governor.write.castVote([proposalId, Vote.For], { account: alice.account });
    const balance = await gov.token.read.balanceOf([alice.account.address]);
    await gov.token.write.transfer([eve.account.address, balance], { account: alice.account });
    await gov.token.write.delegate([eve.account.address], { account: eve.account });
    await gov.governor.write.castVote([proposalId, Vote.For], { account: eve.account });
    const [, forVotes] = await gov.governor.read.proposalVotes([proposalId]);
    expect(forVotes).toBe(balance);
  });

  it("a proposer below the proposal threshold is refused", async () => {
    const gov = await load();
    const { dave } = gov.accounts; // 5,000 votes < 10,000 threshold
    const { targets, values, calldatas } = proposalArgs([action(gov.registry, "setParameter", [band, 600n])], "x");
    await expectRevert(
      gov.governor.write.propose([targets, values, calldatas, "x"], { account: dave.account }),
      "GovernorInsufficientProposerVotes",
      [getAddress(dave.account.address), parseEther("5000"), settings.proposalThreshold],
    );
  });

  it("a queued proposal cannot execute before the timelock delay, through the governor or the timelock", async () => {
    const gov = await load();
    const actions = [action(gov.registry, "setParameter", [band, 600n])];
    const { targets, values, calldatas, descriptionHash } = proposalArgs(actions, "early");
    const proposalId = await propose(gov, actions, "early");
    await chain.connection.networkHelpers.time.increase(settings.votingDelaySeconds + 1);
    await gov.governor.write.castVote([proposalId, Vote.For], { account: gov.accounts.alice.account });
    await chain.connection.networkHelpers.time.increaseTo(
      Number(await gov.governor.read.proposalDeadline([proposalId])) + 1,
    );
    await gov.governor.write.queue([targets, values, calldatas, descriptionHash]);

    await chain.connection.networkHelpers.time.increase(settings.timelockMinDelaySeconds - 10);
    await expectRevert(
      gov.governor.write.execute([targets, values, calldatas, descriptionHash]),
      "TimelockUnexpectedOperationState",
      undefined,
      gov.timelock.abi,
    );
    await expectRevert(
      gov.timelock.write.executeBatch(
        [targets, values, calldatas, ("0x" + "00".repeat(32)) as `0x${string}`, descriptionHash],
        {
          account: gov.accounts.alice.account,
        },
      ),
      "AccessControlUnauthorizedAccount",
    );
    expect(await gov.governor.read.state([proposalId])).toBe(ProposalState.Queued);
    await chain.connection.networkHelpers.time.increase(10);
    await gov.governor.write.execute([targets, values, calldatas, descriptionHash]);
    expect(await gov.registry.read.valueOf([band])).toBe(600n);
  });

  it("a direct call to the registry, even by the largest holder or the deployer, is refused", async () => {
    const gov = await load();
    for (const who of [gov.accounts.alice, gov.accounts.deployer]) {
      await expectRevert(
        gov.registry.write.setParameter([band, 600n], { account: who.account }),
        "RegistryUnauthorized",
      );
    }
    expect(await gov.registry.read.valueOf([band])).toBe(500n);
  });

  it("the governor's own settings change only through a proposal, not by a direct timelock call", async () => {
    const gov = await load();
    await expectRevert(
      gov.governor.write.setVotingPeriod([60], { account: gov.accounts.alice.account }),
      "GovernorOnlyExecutor",
    );
    // Even the timelock itself cannot call in outside an executing proposal: the governor only accepts calls
    // it is relaying for a proposal (OpenZeppelin's governance-call queue).
    const asTimelock = await actAsTimelock(chain.connection, gov.timelock.address);
    await expect(gov.governor.write.setVotingPeriod([60], asTimelock)).rejects.toThrow();
    expect(await gov.governor.read.votingPeriod()).toBe(BigInt(settings.votingPeriodSeconds));
  });
});
