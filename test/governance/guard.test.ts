/**
 * The postcondition guard on a real Governor, TimelockController and registry: a guarded proposal executes only as
 * its voters were shown it, and its guard cannot be moved onto another payload.
 */
import { describe, expect, it } from "vitest";
import { getAddress, parseEventLogs } from "viem";
import { parameterKey } from "../../parameters/index.ts";
import { proposalGuardAbi } from "../../sdk/abis/contracts.ts";
import * as sdk from "../../sdk/governance/actions.ts";
import { roleId } from "../../sdk/proposal/authority.ts";
import { guardConditionsInWords, guardedActions, guardFailureInWords, readGuard } from "../../sdk/proposal/guard.ts";
import { readGuardConditions } from "../../sdk/proposal/guardState.ts";
import { decodeRevert } from "../../sdk/revert.ts";
import {
  action,
  deployGovernance,
  proposalArgs,
  propose,
  settings,
  Vote,
  type Governance,
  type ProposalAction,
} from "../helpers/governance.ts";
import { chainFixture } from "../helpers/fixture.ts";
import { expectRevert } from "../helpers/revert.ts";

const slippage = "rebalance.maxSlippageBps";
const wording = { nameOf: (a: string) => a, formatParameter: (_: string, v: bigint) => `${v}` };

describe("the postcondition guard: a proposal executes only as its voters were shown it", () => {
  const chain = chainFixture(deployGovernance);

  /** A guarded proposal setting maxSlippageBps 50 → 75 (one max step), with the conditions read from the chain. */
  async function guardedSlippage(gov: Governance, description = "# Wider slippage") {
    const publicClient = await chain.connection.viem.getPublicClient();
    const conditions = await readGuardConditions(
      publicClient,
      { registry: gov.registry.address, timelock: gov.timelock.address, governor: gov.governor.address },
      [{ name: slippage, before: 50n, after: 75n }],
    );
    const payload = [action(gov.registry, "setParameters", [[{ key: parameterKey(slippage), value: 75n }]])];
    const actions = guardedActions({
      guard: gov.proposalGuard.address,
      governor: gov.governor.address,
      actions: payload,
      description,
      conditions,
    });
    return { conditions, payload, actions, description };
  }

  /** Proposes `actions`, votes it through and queues it; returns its calls, ready to execute after the delay. */
  async function passAndQueue(gov: Governance, actions: readonly ProposalAction[], description: string) {
    const { time } = chain.connection.networkHelpers;
    const publicClient = await chain.connection.viem.getPublicClient();
    const governor = gov.governor.address;
    const proposalId = await propose(gov, actions, description);
    await time.increase(settings.votingDelaySeconds + 1);
    for (const voter of [gov.accounts.alice, gov.accounts.bob])
      await sdk.castVote({ publicClient, walletClient: voter }, { governor, proposalId, support: Vote.For });
    await time.increaseTo(Number(await gov.governor.read.proposalDeadline([proposalId])) + 1);
    const proposal = proposalArgs(actions, description);
    await sdk.queue({ publicClient, walletClient: gov.accounts.alice }, { governor, proposal });
    return proposal;
  }

  async function executeAfterDelay(gov: Governance, proposal: ReturnType<typeof proposalArgs>) {
    await chain.connection.networkHelpers.time.increase(settings.timelockMinDelaySeconds);
    const publicClient = await chain.connection.viem.getPublicClient();
    return sdk.execute(
      { publicClient, walletClient: gov.accounts.alice },
      { governor: gov.governor.address, proposal },
    );
  }

  it("wraps the calls as begin, the calls, verify; and reads its conditions back from the calldata", async () => {
    const gov = await chain.load();
    const { conditions, payload, actions } = await guardedSlippage(gov);
    expect(actions).toHaveLength(3);
    expect(actions.slice(1, -1)).toEqual(payload);
    const read = readGuard(actions);
    expect(read?.payload).toEqual(payload);
    expect(read?.conditions).toEqual(conditions);
    expect(readGuard(payload)).toBeUndefined();
    // The governor holds the proposer, canceller and executor roles; the timelock administers itself.
    expect(conditions.roles.map((r) => [r.account, r.role])).toEqual(
      expect.arrayContaining([
        [gov.governor.address, roleId("PROPOSER_ROLE")],
        [gov.governor.address, roleId("CANCELLER_ROLE")],
        [gov.governor.address, roleId("EXECUTOR_ROLE")],
        [gov.timelock.address, roleId("DEFAULT_ADMIN_ROLE")],
      ]),
    );
    expect(conditions.roles.every((r) => r.held)).toBe(true);
    expect(conditions.registryGuardian).toBe(getAddress(gov.accounts.guardian.account.address));
  });

  it("a proposal whose conditions hold executes, and the guard says so in an event", async () => {
    const gov = await chain.load();
    const { actions, description } = await guardedSlippage(gov);
    const proposal = await passAndQueue(gov, actions, description);
    const { hash } = await executeAfterDelay(gov, proposal);
    expect(await gov.registry.read.valueOf([parameterKey(slippage)])).toBe(75n);
    const publicClient = await chain.connection.viem.getPublicClient();
    const receipt = await publicClient.getTransactionReceipt({ hash });
    const [held] = parseEventLogs({ abi: proposalGuardAbi, logs: receipt.logs, eventName: "PostconditionsHeld" });
    const operationId = await gov.timelock.read.hashOperationBatch([
      proposal.targets,
      proposal.values,
      proposal.calldatas,
      `0x${"00".repeat(32)}`,
      // GovernorTimelockControl's salt: the governor's address XOR the description hash.
      `0x${((BigInt(gov.governor.address) << 96n) ^ BigInt(proposal.descriptionHash)).toString(16).padStart(64, "0")}`,
    ]);
    expect(held?.args.operationId).toBe(operationId);
    expect(await gov.timelock.read.isOperationDone([operationId])).toBe(true);
  });

  it("reverts, naming the parameter, when the guardian moved it between the vote and the execution", async () => {
    const gov = await chain.load();
    const { actions, description } = await guardedSlippage(gov);
    const proposal = await passAndQueue(gov, actions, description);
    await gov.registry.write.tighten([[{ key: parameterKey(slippage), value: 49n }]], {
      account: gov.accounts.guardian.account,
    });
    // The SDK's refusal names the condition, in words too.
    await expect(executeAfterDelay(gov, proposal)).rejects.toThrow(
      /GuardParameterNotAsShown\(.*\): rebalance\.maxSlippageBps reads 49, not 50 as voters were shown\./,
    );
    await expectRevert(
      executeAfterDelay(gov, proposal),
      "GuardParameterNotAsShown",
      [parameterKey(slippage), 50n, 49n],
      proposalGuardAbi,
    );
    const revert = await executeAfterDelay(gov, proposal).then(
      () => undefined,
      (e: unknown) => decodeRevert(e, proposalGuardAbi),
    );
    expect(guardFailureInWords(revert ?? {}, wording)).toBe(
      "rebalance.maxSlippageBps reads 49, not 50 as voters were shown",
    );
    expect(await gov.registry.read.valueOf([parameterKey(slippage)])).toBe(49n);
  });

  it("reverts, naming the role, when another proposal revoked a role voters were shown", async () => {
    const gov = await chain.load();
    const guarded = await guardedSlippage(gov);
    const revoke = [action(gov.timelock, "revokeRole", [roleId("CANCELLER_ROLE"), gov.governor.address])];
    const first = await passAndQueue(gov, guarded.actions, guarded.description);
    const second = await passAndQueue(gov, revoke, "# Revoke the governor's canceller role");
    await executeAfterDelay(gov, second);
    await expectRevert(
      executeAfterDelay(gov, first),
      "GuardRoleNotAsDeclared",
      [gov.timelock.address, roleId("CANCELLER_ROLE"), gov.governor.address, true],
      proposalGuardAbi,
    );
    expect(await gov.registry.read.valueOf([parameterKey(slippage)])).toBe(50n);
  });

  it("cannot be satisfied by another payload, even one with the same effect", async () => {
    const gov = await chain.load();
    const { actions, description } = await guardedSlippage(gov);
    // The same guard calls around setParameter instead of setParameters: the registry ends the same, the batch not.
    const other = [
      actions[0]!,
      action(gov.registry, "setParameter", [parameterKey(slippage), 75n]),
      actions[actions.length - 1]!,
    ];
    const proposal = await passAndQueue(gov, other, `${description} (copied guard)`);
    await expectRevert(executeAfterDelay(gov, proposal), "GuardPayloadMismatch", undefined, proposalGuardAbi);
    expect(await gov.registry.read.valueOf([parameterKey(slippage)])).toBe(50n);
  });

  it("cannot be attached with another description: the timelock's salt binds it too", async () => {
    const gov = await chain.load();
    const { actions } = await guardedSlippage(gov, "# The description voters read");
    const proposal = await passAndQueue(gov, actions, "# Another description");
    await expectRevert(executeAfterDelay(gov, proposal), "GuardPayloadMismatch", undefined, proposalGuardAbi);
  });

  it("answers only the timelock, and verify only after begin in the same execution", async () => {
    const gov = await chain.load();
    const { actions } = await guardedSlippage(gov);
    const { eve } = gov.accounts;
    const publicClient = await chain.connection.viem.getPublicClient();
    for (const call of [actions[0]!, actions[2]!])
      await expectRevert(
        eve.sendTransaction({ to: call.target, data: call.data }),
        "GuardNotTimelock",
        [getAddress(eve.account.address)],
        proposalGuardAbi,
      );
    // As the timelock, verify alone (no begin in this transaction) is refused.
    const { networkHelpers } = chain.connection;
    await networkHelpers.impersonateAccount(gov.timelock.address);
    await networkHelpers.setBalance(gov.timelock.address, 10n ** 18n);
    await expectRevert(
      publicClient.call({ account: gov.timelock.address, to: actions[2]!.target, data: actions[2]!.data }),
      "GuardNotBegun",
      undefined,
      proposalGuardAbi,
    );
  });

  it("says every condition in words, the binding last", async () => {
    const gov = await chain.load();
    const { conditions } = await guardedSlippage(gov);
    const words = guardConditionsInWords(conditions, wording);
    expect(words[0]).toBe("rebalance.maxSlippageBps still reads 50 (as shown) before the calls, and 75 after them");
    expect(words).toContain(`${gov.governor.address} holds PROPOSER_ROLE on ${gov.timelock.address}`);
    expect(words).toContain(`the registry's guardian is ${getAddress(gov.accounts.guardian.account.address)}`);
    expect(words.at(-1)).toMatch(/exactly these/);
    expect(words.some((w) => /share price/.test(w))).toBe(false); // no vault named: no share-price condition
  });
});
