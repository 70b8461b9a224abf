import { describe, expect, it } from "vitest";
import { getAddress, parseEventLogs } from "viem";
import { parameterKey } from "../../parameters/index.ts";
import { signBallot } from "../../sdk/governance/actions.ts";
import {
  action,
  deployGovernance,
  holdings,
  propose,
  proposalArgs,
  proposeAndExecute,
  ProposalState,
  settings,
  Vote,
  type Governance,
} from "../helpers/governance.ts";
import { expectRevert } from "../helpers/revert.ts";
import { chainFixture } from "../helpers/fixture.ts";

const bandKey = parameterKey("rebalance.bandBps");

describe("governance lifecycle: a token holders' vote changes a strategy parameter", () => {
  const chain = chainFixture(async function governanceFixture(connection) {
    return deployGovernance(connection);
  });

  it("the token keeps time in seconds (ERC-6372 mode=timestamp)", async () => {
    const gov = await chain.load();
    expect(await gov.token.read.CLOCK_MODE()).toBe("mode=timestamp");
    expect(await gov.governor.read.CLOCK_MODE()).toBe("mode=timestamp");
    expect(await gov.token.read.clock()).toBe(await chain.connection.networkHelpers.time.latest());
  });

  it("delegate, propose, vote For/Against/Abstain with reasons and by signature, queue, wait, execute", async () => {
    const gov = await chain.load();
    const { time } = chain.connection.networkHelpers;
    const { alice, bob, carol, dave } = gov.accounts;
    const publicClient = await chain.connection.viem.getPublicClient();

    const actions = [action(gov.registry, "setParameter", [bandKey, 600n])];
    const description = "# Widen the rebalance band to 6%";
    const { targets, values, calldatas, descriptionHash } = proposalArgs(actions, description);
    const proposalId = await propose(gov, actions, description);

    expect(await gov.governor.read.state([proposalId])).toBe(ProposalState.Pending);
    const snapshot = await gov.governor.read.proposalSnapshot([proposalId]);
    expect(snapshot).toBe(BigInt(await time.latest()) + BigInt(settings.votingDelaySeconds));

    await time.increase(settings.votingDelaySeconds + 1);
    expect(await gov.governor.read.state([proposalId])).toBe(ProposalState.Active);

    await gov.governor.write.castVoteWithReason([proposalId, Vote.For, "Fewer, larger trades"], {
      account: alice.account,
    });
    await gov.governor.write.castVote([proposalId, Vote.Against], { account: bob.account });
    await gov.governor.write.castVoteWithReason([proposalId, Vote.Abstain, "No view"], { account: dave.account });

    // carol votes by signature; eve relays it and pays the gas.
    const { signature } = await signBallot(
      { publicClient, walletClient: carol },
      { governor: gov.governor.address, proposalId, support: Vote.For },
    );
    const hash = await gov.governor.write.castVoteBySig([proposalId, Vote.For, carol.account.address, signature], {
      account: gov.accounts.eve.account,
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    const [cast] = parseEventLogs({ abi: gov.governor.abi, logs: receipt.logs, eventName: "VoteCast" });
    expect(cast?.args.voter).toBe(getAddress(carol.account.address));
    expect(cast?.args.weight).toBe(holdings.carol);

    const [against, forVotes, abstain] = await gov.governor.read.proposalVotes([proposalId]);
    expect(forVotes).toBe(holdings.alice + holdings.carol);
    expect(against).toBe(holdings.bob);
    expect(abstain).toBe(holdings.dave);
    expect(await gov.governor.read.hasVoted([proposalId, alice.account.address])).toBe(true);
    await expect(gov.governor.write.castVote([proposalId, Vote.For], { account: alice.account })).rejects.toThrow(
      /GovernorAlreadyCastVote/,
    );

    await time.increaseTo(Number(await gov.governor.read.proposalDeadline([proposalId])) + 1);
    expect(await gov.governor.read.state([proposalId])).toBe(ProposalState.Succeeded);

    await gov.governor.write.queue([targets, values, calldatas, descriptionHash]);
    expect(await gov.governor.read.state([proposalId])).toBe(ProposalState.Queued);
    const eta = await gov.governor.read.proposalEta([proposalId]);
    expect(eta).toBe(BigInt(await time.latest()) + BigInt(settings.timelockMinDelaySeconds));

    await time.increaseTo(Number(eta));
    const executeHash = await gov.governor.write.execute([targets, values, calldatas, descriptionHash]);
    const executeReceipt = await publicClient.waitForTransactionReceipt({ hash: executeHash });
    const [changed] = parseEventLogs({ abi: gov.registry.abi, logs: executeReceipt.logs, eventName: "ParameterSet" });
    expect(changed?.args).toMatchObject({ key: bandKey, oldValue: 500n, newValue: 600n });
    expect(changed?.args.caller).toBe(getAddress(gov.timelock.address));
    expect(await gov.governor.read.state([proposalId])).toBe(ProposalState.Executed);
    expect(await gov.registry.read.valueOf([bandKey])).toBe(600n);
  });

  it("quorum counts For and Abstain at the snapshot: 4% of supply, not reached by a smaller turnout", async () => {
    const gov = await chain.load();
    const { time } = chain.connection.networkHelpers;
    const { carol, dave } = gov.accounts;
    const proposalId = await propose(gov, [action(gov.registry, "setParameter", [bandKey, 600n])], "quorum");
    await time.increase(settings.votingDelaySeconds + 1);

    const snapshot = await gov.governor.read.proposalSnapshot([proposalId]);
    const quorum = await gov.governor.read.quorum([snapshot]);
    expect(quorum).toBe((settings.totalSupply * settings.quorumNumerator) / 100n);

    // carol (300k) and dave (5k) For: 305k < 400k quorum.
    await gov.governor.write.castVote([proposalId, Vote.For], { account: carol.account });
    await gov.governor.write.castVote([proposalId, Vote.Abstain], { account: dave.account });
    await time.increaseTo(Number(await gov.governor.read.proposalDeadline([proposalId])) + 1);
    expect(await gov.governor.read.state([proposalId])).toBe(ProposalState.Defeated);
  });

  it("a vote that reaches quorum late extends the deadline by the late-quorum extension", async () => {
    const gov = await chain.load();
    const { time } = chain.connection.networkHelpers;
    const proposalId = await propose(gov, [action(gov.registry, "setParameter", [bandKey, 600n])], "late quorum");
    const deadline = await gov.governor.read.proposalDeadline([proposalId]);

    await time.increaseTo(Number(deadline) - 60);
    await gov.governor.write.castVote([proposalId, Vote.For], { account: gov.accounts.alice.account });
    const votedAt = BigInt(await time.latest());
    const extended = await gov.governor.read.proposalDeadline([proposalId]);
    expect(extended).toBe(votedAt + BigInt(settings.lateQuorumExtensionSeconds));

    await time.increaseTo(Number(deadline) + 1);
    expect(await gov.governor.read.state([proposalId])).toBe(ProposalState.Active);
    await gov.governor.write.castVote([proposalId, Vote.Against], { account: gov.accounts.bob.account });
    await time.increaseTo(Number(extended) + 1);
    expect(await gov.governor.read.state([proposalId])).toBe(ProposalState.Succeeded);
  });

  it("the proposal guardian cancels a proposal at any stage and nothing else", async () => {
    const gov = await chain.load();
    const actions = [action(gov.registry, "setParameter", [bandKey, 600n])];
    const { targets, values, calldatas, descriptionHash } = proposalArgs(actions, "to cancel");
    const proposalId = await propose(gov, actions, "to cancel");
    await expect(
      gov.governor.write.cancel([targets, values, calldatas, descriptionHash], { account: gov.accounts.bob.account }),
    ).rejects.toThrow(/GovernorUnableToCancel/);
    await gov.governor.write.cancel([targets, values, calldatas, descriptionHash], {
      account: gov.accounts.guardian.account,
    });
    expect(await gov.governor.read.state([proposalId])).toBe(ProposalState.Canceled);
  });

  describe("the proposal guardian's term and limits", () => {
    const cancelAs = (gov: Governance, who: "guardian" | "alice", args: ReturnType<typeof proposalArgs>) =>
      gov.governor.write.cancel([args.targets, args.values, args.calldatas, args.descriptionHash], {
        account: gov.accounts[who].account,
      });

    it("serves one year from deployment (ProposalGuardianExpirySet), then cancels nothing", async () => {
      const gov = await chain.load();
      const { governor } = gov;
      const events = await governor.getEvents.ProposalGuardianExpirySet({ fromBlock: 0n });
      const expiresAt = await governor.read.proposalGuardianExpiresAt();
      expect(events.map((e) => e.args)).toEqual([{ oldExpiresAt: 0, newExpiresAt: expiresAt }]);
      const client = await chain.connection.viem.getPublicClient();
      const deployment = await client.getBlock({ blockNumber: events[0]!.blockNumber });
      expect(expiresAt).toBe(Number(deployment.timestamp) + 365 * 86_400);

      await chain.connection.networkHelpers.time.increaseTo(expiresAt);
      // OpenZeppelin's behaviour without a guardian: the guardian reads zero and only the proposer cancels.
      expect(await governor.read.proposalGuardian()).toBe("0x0000000000000000000000000000000000000000");
      const actions = [action(gov.registry, "setParameter", [bandKey, 600n])];
      const args = proposalArgs(actions, "after the term");
      const proposalId = await propose(gov, actions, "after the term");
      await expectRevert(cancelAs(gov, "guardian", args), "GovernorUnableToCancel", [
        proposalId,
        getAddress(gov.accounts.guardian.account.address),
      ]);
      await cancelAs(gov, "alice", args);
      expect(await governor.read.state([proposalId])).toBe(ProposalState.Canceled);
    });

    it("cannot cancel a proposal that changes a guardian, of the governor or of the registry", async () => {
      const gov = await chain.load();
      const { governor, registry } = gov;
      const eve = gov.accounts.eve.account.address;
      const changes = [
        action(governor, "setProposalGuardian", [eve]),
        action(governor, "setProposalGuardianExpiry", [0]),
        action(registry, "setGuardian", [eve, 2 ** 40]),
      ];
      for (const [i, change] of changes.entries()) {
        // The guardian-changing call sits behind an ordinary one: every call is inspected.
        const actions = [action(registry, "setParameter", [bandKey, 600n]), change];
        const args = proposalArgs(actions, `guardian change ${i}`);
        const proposalId = await propose(gov, actions, `guardian change ${i}`);
        await expectRevert(cancelAs(gov, "guardian", args), "GovernorGuardianCannotCancelGuardianChange", [
          proposalId,
          1n,
          args.calldatas[1]!.slice(0, 10),
        ]);
        expect(await governor.read.state([proposalId])).toBe(ProposalState.Pending);
      }
    });

    it("governance extends or ends the term by proposal", async () => {
      const gov = await chain.load();
      const { governor } = gov;
      const later = (await governor.read.proposalGuardianExpiresAt()) + 365 * 86_400;
      await proposeAndExecute(
        chain.connection,
        gov,
        [action(governor, "setProposalGuardianExpiry", [later])],
        "extend",
      );
      expect(await governor.read.proposalGuardianExpiresAt()).toBe(later);
      await expectRevert(
        governor.write.setProposalGuardianExpiry([0], { account: gov.accounts.guardian.account }),
        "GovernorOnlyExecutor",
      );
    });
  });
});
