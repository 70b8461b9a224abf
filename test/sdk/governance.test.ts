import { beforeAll, describe, expect, it } from "vitest";
import { getAddress, zeroAddress } from "viem";
import { parameterKey } from "../../parameters/index.ts";
import {
  cancel,
  castVote,
  castVoteBySignature,
  delegate,
  delegateBySignature,
  execute,
  propose,
  queue,
  readProposalStatus,
  signBallot,
  signDelegation,
  type GovernanceClients,
  type ReadingClient,
  type SigningClient,
} from "../../sdk/governance/actions.ts";
import {
  action,
  deployGovernance,
  expectRefusal,
  holdings,
  proposalArgs,
  settings,
  Vote,
  type Governance,
} from "../helpers/governance.ts";
import { chainFixture } from "../helpers/fixture.ts";

describe("sdk/governance: each action says what the chain would refuse before anything is signed", () => {
  const chain = chainFixture(async function governanceFixture(connection) {
    return deployGovernance(connection);
  });
  let publicClient: ReadingClient;
  beforeAll(async () => {
    publicClient = await chain.connection.viem.getPublicClient();
  });

  const as = (walletClient: SigningClient): GovernanceClients => ({ publicClient, walletClient });
  const bandTo = (gov: Governance, bps: bigint) =>
    action(gov.registry, "setParameter", [parameterKey("rebalance.bandBps"), bps]);
  it("takes a proposal through its life: propose, votes (one by signature), queue, execute, each refused out of turn", async () => {
    const gov = await chain.load();
    const { time } = chain.connection.networkHelpers;
    const { alice, bob, carol, dave, eve } = gov.accounts;
    const governor = gov.governor.address;
    const actions = [bandTo(gov, 400n)];
    const description = "# Tighter band\n\nFrom 5% to 4%.";
    const proposal = proposalArgs(actions, description);

    await expectRefusal(
      propose(as(dave), { governor, actions, description }),
      "Your voting power (5000 TRIM) is below the proposal threshold (10000 TRIM): gather delegations, or signal on Snapshot instead.",
    );
    const stages: string[] = [];
    const { proposalId } = await propose(as(alice), {
      governor,
      actions,
      description,
      onProgress: (p) => stages.push(p.stage),
    });
    expect(stages).toEqual(["signing", "mining"]);
    expect((await readProposalStatus(publicClient, { governor, proposalId })).state).toBe("Pending");
    await expectRefusal(
      propose(as(bob), { governor, actions, description }),
      `This proposal already exists (id ${proposalId}): change its description to propose it again.`,
    );
    await expectRefusal(
      castVote(as(bob), { governor, proposalId, support: Vote.For }),
      "This proposal is not open for voting: it is Pending.",
    );

    await time.increase(settings.votingDelaySeconds + 1);
    await expectRefusal(
      castVote(as(bob), { governor, proposalId, support: 7 }),
      "A vote is For (1), Against (0) or Abstain (2); got 7.",
    );
    expect(
      await castVote(as(alice), { governor, proposalId, support: Vote.For, reason: "  tighter is safer " }),
    ).toMatchObject({
      weight: holdings.alice,
    });
    await expectRefusal(
      castVote(as(alice), { governor, proposalId, support: Vote.Against }),
      "This account has already voted on this proposal.",
    );
    await expectRefusal(
      castVote(as(eve), { governor, proposalId, support: Vote.For }),
      /^This account had no voting power/,
    );
    // carol signs; eve relays and pays the gas; the vote is carol's.
    const ballot = await signBallot(as(carol), { governor, proposalId, support: Vote.Against });
    expect(await castVoteBySignature(as(eve), { governor, ballot })).toMatchObject({ weight: holdings.carol });
    await expectRefusal(
      castVoteBySignature(as(eve), { governor, ballot }),
      "This account has already voted on this proposal.",
    );
    expect(await gov.governor.read.proposalVotes([proposalId])).toEqual([holdings.carol, holdings.alice, 0n]);

    await expectRefusal(queue(as(eve), { governor, proposal }), "It cannot be queued: it is Active.");
    await time.increaseTo(Number(await gov.governor.read.proposalDeadline([proposalId])) + 1);
    await expectRefusal(execute(as(eve), { governor, proposal }), "It cannot be executed: it is Succeeded.");
    const { etaSeconds } = await queue(as(eve), { governor, proposal });
    expect(etaSeconds).toBe(BigInt(await time.latest()) + BigInt(settings.timelockMinDelaySeconds));
    const early = new Date(Number(etaSeconds) * 1000).toISOString();
    await expectRefusal(
      execute(as(eve), { governor, proposal }),
      `The timelock lets it execute from ${early.slice(0, 10)} ${early.slice(11, 16)} UTC.`,
    );
    await time.increaseTo(Number(etaSeconds));
    await execute(as(eve), { governor, proposal });
    expect(await gov.registry.read.valueOf([parameterKey("rebalance.bandBps")])).toBe(400n);
    expect((await readProposalStatus(publicClient, { governor, proposalId })).state).toBe("Executed");
    await expectRefusal(
      cancel(as(gov.accounts.guardian), { governor, proposal }),
      "It cannot be canceled: it is Executed.",
    );
    await expectRefusal(
      readProposalStatus(publicClient, { governor, proposalId: 1n }),
      `There is no proposal 1 on the governor at ${governor}.`,
    );
  });

  it("lets the proposer cancel only while Pending, and the proposal guardian until the end", async () => {
    const gov = await chain.load();
    const { alice, bob, guardian } = gov.accounts;
    const governor = gov.governor.address;
    const mine = { actions: [bandTo(gov, 450n)], description: "# Mine" };
    const other = { actions: [bandTo(gov, 420n)], description: "# Other" };
    await propose(as(alice), { governor, ...mine });
    await propose(as(alice), { governor, ...other });
    const proposal = proposalArgs(mine.actions, mine.description);
    await expectRefusal(
      cancel(as(bob), { governor, proposal }),
      "Only its proposer or the proposal guardian may cancel a proposal.",
    );
    const { proposalId } = await cancel(as(alice), { governor, proposal });
    expect((await readProposalStatus(publicClient, { governor, proposalId })).state).toBe("Canceled");

    await chain.connection.networkHelpers.time.increase(settings.votingDelaySeconds + 1);
    const active = proposalArgs(other.actions, other.description);
    await expectRefusal(
      cancel(as(alice), { governor, proposal: active }),
      "Its proposer may cancel it only while it is Pending: it is Active.",
    );
    await cancel(as(guardian), { governor, proposal: active });
  });

  it("delegates, directly or by a signature anyone relays, and refuses a used or expired signature", async () => {
    const gov = await chain.load();
    const { carol, dave, eve } = gov.accounts;
    const token = gov.token.address;
    await expectRefusal(
      delegate(as(dave), { token, delegatee: "0x1234" }),
      'Delegate to an address (0x and 40 hex digits); got "0x1234".',
    );
    await expectRefusal(
      delegate(as(dave), { token, delegatee: zeroAddress }),
      "Delegating to the zero address would leave your votes uncounted: pick an account.",
    );
    await delegate(as(dave), { token, delegatee: carol.account.address });
    expect(await gov.token.read.delegates([dave.account.address])).toBe(getAddress(carol.account.address));

    const now = BigInt(await chain.connection.networkHelpers.time.latest());
    const delegation = await signDelegation(as(dave), {
      token,
      delegatee: dave.account.address,
      expirySeconds: now + 600n,
    });
    await delegateBySignature(as(eve), { token, delegation });
    expect(await gov.token.read.delegates([dave.account.address])).toBe(getAddress(dave.account.address));
    await expectRefusal(
      delegateBySignature(as(eve), { token, delegation }),
      "This signed delegation was already used, or another was signed since.",
    );
    const late = await signDelegation(as(dave), { token, delegatee: carol.account.address, expirySeconds: now + 600n });
    await chain.connection.networkHelpers.time.increase(3_600);
    await expectRefusal(
      delegateBySignature(as(eve), { token, delegation: late }),
      /^This signed delegation expired at /,
    );
  });
});
