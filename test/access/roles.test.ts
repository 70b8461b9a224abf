import { describe, expect, it } from "vitest";
import {
  encodeFunctionData,
  getAddress,
  keccak256,
  parseEther,
  parseUnits,
  toHex,
  zeroHash,
  type Abi,
  type AbiFunction,
  type AbiParameter,
  type Address,
} from "viem";
import { timelockRoles } from "../../ignition/modules/Governance.ts";
import { encodeDefinition, encodeRules, parameterCatalog, parameterKey } from "../../parameters/index.ts";
import {
  action,
  daySeconds,
  deployGovernance,
  proposeAndExecute,
  settings,
  type Governance,
} from "../helpers/governance.ts";
import { expectRevert } from "../helpers/revert.ts";
import { deployVault, type VaultStack } from "../helpers/vault.ts";
import { actAsTimelock } from "../helpers/timelock.ts";
import { chainFixture } from "../helpers/fixture.ts";

/**
 * Every state-changing function of every deployed contract, enumerated from the ABIs, with who may call it.
 * - a list of roles: everyone else (here the arbitrary account eve) reverts with `denied`, and each role is
 *   proven to succeed by a test below;
 * - "anyone": permissionless by design; `why` says what keeps it safe, and a test shows eve can only act for
 *   herself;
 * - "nobody": refused to every caller.
 * A function added to a contract without an entry here fails the coverage test.
 */
type Role =
  | "timelock"
  | "governance proposal"
  | "governor"
  | "guardian"
  | "the role holder"
  | "devnet operator"
  | "pending owner"
  | "collateral module"
  | "hedge module"
  | "vault"
  | "Morpho Blue";
type Access =
  | { roles: readonly Role[]; denied: string; args?: (gov: Governance) => Promise<readonly unknown[]> }
  | { anyone: string }
  | { nobody: string };

const access: Record<"token" | "governor" | "timelock" | "registry", Record<string, Access>> = {
  token: {
    approve: { anyone: "sets the caller's own allowance" },
    transfer: { anyone: "moves the caller's own balance" },
    transferFrom: { anyone: "bounded by the allowance the owner gave the caller" },
    delegate: { anyone: "delegates the caller's own votes" },
    delegateBySig: { anyone: "delegates the signer's own votes" },
    permit: { anyone: "needs the owner's signature" },
  },
  governor: {
    propose: { anyone: "needs the proposal threshold in votes" },
    castVote: { anyone: "weighs the caller's own votes at the snapshot" },
    castVoteWithReason: { anyone: "weighs the caller's own votes at the snapshot" },
    castVoteWithReasonAndParams: { anyone: "weighs the caller's own votes at the snapshot" },
    castVoteBySig: { anyone: "weighs the signer's votes" },
    castVoteWithReasonAndParamsBySig: { anyone: "weighs the signer's votes" },
    queue: { anyone: "only a succeeded proposal can be queued" },
    execute: { anyone: "only a queued proposal past its ETA can be executed" },
    cancel: {
      roles: ["guardian"],
      denied: "GovernorUnableToCancel",
      // A real proposal by alice, so that the call reaches the permission check.
      args: async (gov) => {
        const data = encodeFunctionData({ abi: gov.token.abi, functionName: "delegate", args: [gov.timelock.address] });
        const proposal = [[gov.token.address], [0n], [data]] as const;
        await gov.governor.write.propose([...proposal, "alice's"], { account: gov.accounts.alice.account });
        return [...proposal, keccak256(toHex("alice's"))];
      },
    },
    relay: { roles: ["governance proposal"], denied: "GovernorOnlyExecutor" },
    setVotingDelay: { roles: ["governance proposal"], denied: "GovernorOnlyExecutor" },
    setVotingPeriod: { roles: ["governance proposal"], denied: "GovernorOnlyExecutor" },
    setProposalThreshold: { roles: ["governance proposal"], denied: "GovernorOnlyExecutor" },
    updateQuorumNumerator: { roles: ["governance proposal"], denied: "GovernorOnlyExecutor" },
    setLateQuorumVoteExtension: { roles: ["governance proposal"], denied: "GovernorOnlyExecutor" },
    setProposalGuardian: { roles: ["governance proposal"], denied: "GovernorOnlyExecutor" },
    setProposalGuardianExpiry: { roles: ["governance proposal"], denied: "GovernorOnlyExecutor" },
    updateTimelock: { roles: ["governance proposal"], denied: "GovernorOnlyExecutor" },
    onERC721Received: { nobody: "the governor holds nothing: the timelock does" },
    onERC1155Received: { nobody: "the governor holds nothing: the timelock does" },
    onERC1155BatchReceived: { nobody: "the governor holds nothing: the timelock does" },
    receive: { nobody: "the governor holds nothing: the timelock does" },
  },
  timelock: {
    schedule: { roles: ["governor"], denied: "AccessControlUnauthorizedAccount" },
    scheduleBatch: { roles: ["governor"], denied: "AccessControlUnauthorizedAccount" },
    cancel: { roles: ["governor"], denied: "AccessControlUnauthorizedAccount" },
    execute: { roles: ["governor"], denied: "AccessControlUnauthorizedAccount" },
    executeBatch: { roles: ["governor"], denied: "AccessControlUnauthorizedAccount" },
    grantRole: { roles: ["timelock"], denied: "AccessControlUnauthorizedAccount" },
    revokeRole: { roles: ["timelock"], denied: "AccessControlUnauthorizedAccount" },
    updateDelay: { roles: ["timelock"], denied: "TimelockUnauthorizedCaller" },
    renounceRole: {
      roles: ["the role holder"],
      denied: "AccessControlBadConfirmation",
      args: async (gov) => [timelockRoles.PROPOSER_ROLE, gov.governor.address],
    },
    onERC721Received: { anyone: "accepts tokens sent to the treasury; changes no state" },
    onERC1155Received: { anyone: "accepts tokens sent to the treasury; changes no state" },
    onERC1155BatchReceived: { anyone: "accepts tokens sent to the treasury; changes no state" },
    receive: { anyone: "accepts ether sent to the treasury" },
  },
  registry: {
    addParameters: { roles: ["timelock"], denied: "RegistryUnauthorized" },
    setParameter: { roles: ["timelock"], denied: "RegistryUnauthorized" },
    setParameters: { roles: ["timelock"], denied: "RegistryUnauthorized" },
    setRules: { roles: ["timelock"], denied: "RegistryUnauthorized" },
    setGuardian: { roles: ["timelock"], denied: "RegistryUnauthorized" },
    revokePendingRules: { roles: ["timelock", "guardian"], denied: "RegistryNotGuardian" },
    tighten: { roles: ["guardian"], denied: "RegistryNotGuardian" },
    renounceGuardian: { roles: ["guardian"], denied: "RegistryNotGuardian" },
    acceptRules: { anyone: "applies only rules governance submitted, once their delay has passed" },
  },
};

/** A value of each ABI type, arbitrary but well formed, so that a call reaches the contract's checks. */
function arbitraryArg(param: AbiParameter, caller: Address): unknown {
  if (param.type.endsWith("]")) return [];
  if (param.type === "tuple") {
    const components = (param as { components: readonly AbiParameter[] }).components;
    return Object.fromEntries(components.map((c) => [c.name, arbitraryArg(c, caller)]));
  }
  if (param.type === "address") return caller;
  if (param.type === "bool") return true;
  if (param.type === "string") return "arbitrary";
  if (param.type === "bytes") return "0x";
  if (param.type.startsWith("bytes")) return keccak256(toHex("arbitrary"));
  if (param.type.startsWith("uint8") || param.type.startsWith("uint16")) return 1;
  if (param.type.startsWith("uint32") || param.type.startsWith("uint48")) return 1;
  return 1n;
}

function stateChanging(abi: Abi): string[] {
  return abi
    .filter(
      (item) =>
        (item.type === "function" && item.stateMutability !== "view" && item.stateMutability !== "pure") ||
        item.type === "receive",
    )
    .map((item) => (item.type === "function" ? item.name : "receive"));
}

describe("access control: every state-changing function, enumerated from the ABIs", () => {
  const chain = chainFixture(async function accessFixture(connection) {
    const gov = await deployGovernance(connection);
    await connection.networkHelpers.time.increase(daySeconds);
    return gov;
  });
  const proven = new Set<string>();
  const prove = (name: string) => proven.add(name);
  const load = chain.load;
  const contractsOf = (gov: Governance) =>
    ({ token: gov.token, governor: gov.governor, timelock: gov.timelock, registry: gov.registry }) as const;

  it("the access table lists exactly the state-changing functions of each deployed contract", async () => {
    const gov = await load();
    for (const [name, contract] of Object.entries(contractsOf(gov))) {
      expect(Object.keys(access[name as keyof typeof access]).sort(), name).toEqual(
        stateChanging(contract.abi as Abi).sort(),
      );
    }
  });

  describe("an arbitrary account is refused every restricted function", () => {
    for (const [contractName, table] of Object.entries(access)) {
      for (const [fn, rule] of Object.entries(table)) {
        if ("anyone" in rule) continue;
        const expected = "denied" in rule ? rule.denied : "GovernorDisabledDeposit";
        it(`${contractName}.${fn} (${"roles" in rule ? rule.roles.join(", ") : "nobody"})`, async () => {
          const gov = await load();
          const contract = contractsOf(gov)[contractName as keyof typeof access];
          const eve = gov.accounts.eve;
          if (fn === "receive") {
            await expectRevert(
              eve.sendTransaction({ to: contract.address, value: 1n }),
              expected,
              undefined,
              contract.abi as Abi,
            );
            return;
          }
          const item = (contract.abi as Abi).find((i): i is AbiFunction => i.type === "function" && i.name === fn);
          if (!item) throw new Error(`${fn} not in the ABI`);
          const args =
            "args" in rule && rule.args
              ? await rule.args(gov)
              : item.inputs.map((p) => arbitraryArg(p, eve.account.address));
          await expectRevert(
            eve.sendTransaction({
              to: contract.address,
              data: encodeFunctionData({ abi: [item], functionName: fn, args }),
            }),
            expected,
            undefined,
            contract.abi as Abi,
          );
        });
      }
    }
  });

  describe("each allowed role succeeds", () => {
    it("timelock (an executed proposal): registry governance functions", async () => {
      const gov = await load();
      const { registry } = gov;
      const asTimelock = await actAsTimelock(chain.connection, gov.timelock.address);
      const band = parameterKey("rebalance.bandBps");
      const slippage = parameterKey("rebalance.maxSlippageBps");
      const bandRules = parameterCatalog.find((p) => p.name === "rebalance.bandBps")!.rules;
      const extra = { ...parameterCatalog[1]!, name: "pause.hedge" };

      await registry.write.setParameter([band, 600n], asTimelock);
      await registry.write.setParameters([[{ key: slippage, value: 40n }]], asTimelock);
      await registry.write.addParameters([[encodeDefinition(extra)]], asTimelock);
      await registry.write.setRules([band, encodeRules({ ...bandRules, max: 3_000n })], asTimelock);
      await registry.write.revokePendingRules([band], asTimelock);
      const expiresAt = (await chain.connection.networkHelpers.time.latest()) + daySeconds;
      await registry.write.setGuardian([gov.accounts.eve.account.address, expiresAt], asTimelock);

      expect(await registry.read.valueOf([band])).toBe(600n);
      expect(await registry.read.valueOf([slippage])).toBe(40n);
      expect(await registry.read.getBool([parameterKey("pause.hedge")])).toBe(false);
      expect(await registry.read.guardian()).toBe(getAddress(gov.accounts.eve.account.address));
      for (const fn of [
        "setParameter",
        "setParameters",
        "addParameters",
        "setRules",
        "revokePendingRules",
        "setGuardian",
      ])
        prove(`registry.${fn}`);
    });

    it("guardian: tighten, revoke a pending loosening, renounce; cancel a proposal", async () => {
      const gov = await load();
      const { registry, governor } = gov;
      const asGuardian = { account: gov.accounts.guardian.account };
      const asTimelock = await actAsTimelock(chain.connection, gov.timelock.address);
      const band = parameterKey("rebalance.bandBps");
      const bandRules = parameterCatalog.find((p) => p.name === "rebalance.bandBps")!.rules;

      await registry.write.tighten([[{ key: parameterKey("pause.rebalance"), value: 1n }]], asGuardian);
      await registry.write.setRules([band, encodeRules({ ...bandRules, max: 3_000n })], asTimelock);
      await registry.write.revokePendingRules([band], asGuardian);
      expect(await registry.read.getBool([parameterKey("pause.rebalance")])).toBe(true);
      expect((await registry.read.pendingRules([band])).executableAt).toBe(0);

      const description = "to be cancelled";
      const data = encodeFunctionData({ abi: registry.abi, functionName: "setParameter", args: [band, 600n] });
      await governor.write.propose([[registry.address], [0n], [data], description], {
        account: gov.accounts.alice.account,
      });
      await governor.write.cancel([[registry.address], [0n], [data], keccak256(toHex(description))], asGuardian);

      await registry.write.renounceGuardian(asGuardian);
      expect(await registry.read.guardian()).toBe("0x0000000000000000000000000000000000000000");
      for (const fn of ["tighten", "revokePendingRules", "renounceGuardian"]) prove(`registry.${fn}`);
      prove("governor.cancel");
    });

    it("governor: schedules, cancels and executes timelock operations; the timelock administers itself", async () => {
      const gov = await load();
      const { timelock, registry } = gov;
      const asGovernor = { account: gov.governor.address };
      await chain.connection.networkHelpers.impersonateAccount(gov.governor.address);
      await chain.connection.networkHelpers.setBalance(gov.governor.address, parseEther("1"));
      const asTimelock = await actAsTimelock(chain.connection, timelock.address);
      const delay = BigInt(settings.timelockMinDelaySeconds);
      const call = (value: bigint) =>
        encodeFunctionData({
          abi: registry.abi,
          functionName: "setParameter",
          args: [parameterKey("rebalance.bandBps"), value],
        });

      await timelock.write.schedule(
        [registry.address, 0n, call(600n), zeroHash, toHex(1, { size: 32 }), delay],
        asGovernor,
      );
      await timelock.write.scheduleBatch(
        [[registry.address], [0n], [call(550n)], zeroHash, toHex(2, { size: 32 }), delay],
        asGovernor,
      );
      const batchId = await timelock.read.hashOperationBatch([
        [registry.address],
        [0n],
        [call(550n)],
        zeroHash,
        toHex(2, { size: 32 }),
      ]);
      await timelock.write.cancel([batchId], asGovernor);
      await chain.connection.networkHelpers.time.increase(Number(delay));
      await timelock.write.execute([registry.address, 0n, call(600n), zeroHash, toHex(1, { size: 32 })], asGovernor);
      expect(await registry.read.valueOf([parameterKey("rebalance.bandBps")])).toBe(600n);

      await chain.connection.networkHelpers.time.increase(daySeconds);
      await timelock.write.scheduleBatch(
        [[registry.address], [0n], [call(700n)], zeroHash, toHex(3, { size: 32 }), delay],
        asGovernor,
      );
      await chain.connection.networkHelpers.time.increase(Number(delay));
      await timelock.write.executeBatch(
        [[registry.address], [0n], [call(700n)], zeroHash, toHex(3, { size: 32 })],
        asGovernor,
      );
      expect(await registry.read.valueOf([parameterKey("rebalance.bandBps")])).toBe(700n);

      const eve = gov.accounts.eve.account.address;
      await timelock.write.grantRole([timelockRoles.PROPOSER_ROLE, eve], asTimelock);
      expect(await timelock.read.hasRole([timelockRoles.PROPOSER_ROLE, eve])).toBe(true);
      await timelock.write.revokeRole([timelockRoles.PROPOSER_ROLE, eve], asTimelock);
      expect(await timelock.read.hasRole([timelockRoles.PROPOSER_ROLE, eve])).toBe(false);
      await timelock.write.updateDelay([delay * 2n], asTimelock);
      expect(await timelock.read.getMinDelay()).toBe(delay * 2n);
      await timelock.write.renounceRole([timelockRoles.CANCELLER_ROLE, gov.governor.address], asGovernor);
      expect(await timelock.read.hasRole([timelockRoles.CANCELLER_ROLE, gov.governor.address])).toBe(false);

      for (const fn of [
        "schedule",
        "scheduleBatch",
        "cancel",
        "execute",
        "executeBatch",
        "grantRole",
        "revokeRole",
        "updateDelay",
        "renounceRole",
      ])
        prove(`timelock.${fn}`);
    });

    it("governance proposal: every governor setting, relay and timelock update", async () => {
      const gov = await load();
      const { governor, token } = gov;
      const eve = gov.accounts.eve.account.address;
      await proposeAndExecute(
        chain.connection,
        gov,
        [
          action(governor, "setVotingDelay", [2 * daySeconds]),
          action(governor, "setVotingPeriod", [5 * daySeconds]),
          action(governor, "setProposalThreshold", [parseEther("20000")]),
          action(governor, "updateQuorumNumerator", [5n]),
          action(governor, "setLateQuorumVoteExtension", [2 * daySeconds]),
          action(governor, "setProposalGuardian", [eve]),
          action(governor, "setProposalGuardianExpiry", [2 ** 40]),
          action(governor, "relay", [
            token.address,
            0n,
            encodeFunctionData({ abi: token.abi, functionName: "delegate", args: [eve] }),
          ]),
          action(governor, "updateTimelock", [gov.timelock.address]),
        ],
        "Governor settings",
      );
      expect(await governor.read.votingDelay()).toBe(BigInt(2 * daySeconds));
      expect(await governor.read.votingPeriod()).toBe(BigInt(5 * daySeconds));
      expect(await governor.read.proposalThreshold()).toBe(parseEther("20000"));
      expect(await governor.read["quorumNumerator"]()).toBe(5n);
      expect(await governor.read.lateQuorumVoteExtension()).toBe(2 * daySeconds);
      expect(await governor.read.proposalGuardian()).toBe(getAddress(eve));
      expect(await governor.read.proposalGuardianExpiresAt()).toBe(2 ** 40);
      expect(await token.read.delegates([governor.address])).toBe(getAddress(eve));
      for (const fn of [
        "relay",
        "setVotingDelay",
        "setVotingPeriod",
        "setProposalThreshold",
        "updateQuorumNumerator",
        "setLateQuorumVoteExtension",
        "setProposalGuardian",
        "setProposalGuardianExpiry",
        "updateTimelock",
      ])
        prove(`governor.${fn}`);
    });

    it("every role of every restricted function was proven above", () => {
      const restricted = Object.entries(access).flatMap(([contract, table]) =>
        Object.entries(table)
          .filter(([, rule]) => "roles" in rule)
          .map(([fn]) => `${contract}.${fn}`),
      );
      expect(restricted.filter((fn) => !proven.has(fn))).toEqual([]);
    });
  });

  describe("permissionless functions act only for the caller", () => {
    it("token: eve cannot move, approve or delegate anyone's tokens but her own", async () => {
      const gov = await load();
      const { token } = gov;
      const { alice, eve } = gov.accounts;
      const asEve = { account: eve.account };
      await expectRevert(token.write.transfer([eve.account.address, 1n], asEve), "ERC20InsufficientBalance");
      await expectRevert(
        token.write.transferFrom([alice.account.address, eve.account.address, 1n], asEve),
        "ERC20InsufficientAllowance",
      );
      await token.write.approve([alice.account.address, 5n], asEve);
      expect(await token.read.allowance([eve.account.address, alice.account.address])).toBe(5n);

      // A permit or delegation signed by eve acts for eve, never for alice.
      const deadline = BigInt((await chain.connection.networkHelpers.time.latest()) + 3_600);
      const chainId = await (await chain.connection.viem.getPublicClient()).getChainId();
      const domain = { name: "Trimtab", version: "1", chainId, verifyingContract: token.address } as const;
      const permitSig = await eve.signTypedData({
        domain,
        types: {
          Permit: [
            { name: "owner", type: "address" },
            { name: "spender", type: "address" },
            { name: "value", type: "uint256" },
            { name: "nonce", type: "uint256" },
            { name: "deadline", type: "uint256" },
          ],
        },
        primaryType: "Permit",
        message: { owner: alice.account.address, spender: eve.account.address, value: 1n, nonce: 0n, deadline },
      });
      const { r, s, v } = await import("viem").then((viem) => viem.parseSignature(permitSig));
      await expectRevert(
        token.write.permit([alice.account.address, eve.account.address, 1n, deadline, Number(v), r, s], asEve),
        "ERC2612InvalidSigner",
      );

      const delegationSig = await eve.signTypedData({
        domain,
        types: {
          Delegation: [
            { name: "delegatee", type: "address" },
            { name: "nonce", type: "uint256" },
            { name: "expiry", type: "uint256" },
          ],
        },
        primaryType: "Delegation",
        message: { delegatee: eve.account.address, nonce: 0n, expiry: deadline },
      });
      const d = await import("viem").then((viem) => viem.parseSignature(delegationSig));
      await token.write.delegateBySig([eve.account.address, 0n, deadline, Number(d.v), d.r, d.s], {
        account: alice.account,
      });
      expect(await token.read.delegates([eve.account.address])).toBe(getAddress(eve.account.address));
      expect(await token.read.delegates([alice.account.address])).toBe(getAddress(alice.account.address));
      await token.write.delegate([alice.account.address], asEve);
      expect(await token.read.getVotes([alice.account.address])).toBe(
        await token.read.balanceOf([alice.account.address]),
      );
    });

    it("governor: eve without votes cannot propose; her vote weighs nothing; queue/execute need a passed proposal", async () => {
      const gov = await load();
      const { governor, registry } = gov;
      const asEve = { account: gov.accounts.eve.account };
      const data = encodeFunctionData({
        abi: registry.abi,
        functionName: "setParameter",
        args: [parameterKey("rebalance.bandBps"), 600n],
      });
      await expectRevert(
        governor.write.propose([[registry.address], [0n], [data], "eve's"], asEve),
        "GovernorInsufficientProposerVotes",
      );
      await governor.write.propose([[registry.address], [0n], [data], "alice's"], {
        account: gov.accounts.alice.account,
      });
      const id = await governor.read.hashProposal([[registry.address], [0n], [data], keccak256(toHex("alice's"))]);
      await chain.connection.networkHelpers.time.increase(settings.votingDelaySeconds + 1);
      await governor.write.castVote([id, 1], asEve);
      expect(await governor.read.proposalVotes([id])).toEqual([0n, 0n, 0n]);
      await expectRevert(
        governor.write.queue([[registry.address], [0n], [data], keccak256(toHex("alice's"))], asEve),
        "GovernorUnexpectedProposalState",
      );
      await expectRevert(
        governor.write.execute([[registry.address], [0n], [data], keccak256(toHex("alice's"))], asEve),
        "GovernorUnexpectedProposalState",
      );
    });

    it("registry: anyone may accept a loosening governance submitted, only after its delay", async () => {
      const gov = await load();
      const asTimelock = await actAsTimelock(chain.connection, gov.timelock.address);
      const band = parameterKey("rebalance.bandBps");
      const bandRules = parameterCatalog.find((p) => p.name === "rebalance.bandBps")!.rules;
      await expectRevert(
        gov.registry.write.acceptRules([band], { account: gov.accounts.eve.account }),
        "RulesNotPending",
      );
      await gov.registry.write.setRules([band, encodeRules({ ...bandRules, max: 3_000n })], asTimelock);
      await expectRevert(
        gov.registry.write.acceptRules([band], { account: gov.accounts.eve.account }),
        "RulesNotYetExecutable",
      );
    });

    it("timelock: accepts ether and tokens as the treasury", async () => {
      const gov = await load();
      await gov.accounts.eve.sendTransaction({ to: gov.timelock.address, value: 1n });
      const publicClient = await chain.connection.viem.getPublicClient();
      expect(await publicClient.getBalance({ address: gov.timelock.address })).toBe(parseEther("0") + 1n);
    });
  });
});

/** The vault and the devnet's stand-ins, from the full stack's ABIs. */
const stackAccess: Record<
  "vault" | "collateralManager" | "hedgeModule" | "feed" | "feedProxy" | "devnetToken",
  Record<string, Access>
> = {
  vault: {
    moduleTransfer: { roles: ["collateral module", "hedge module"], denied: "VaultNotModule" },
    deposit: { anyone: "pays with the caller's own base asset" },
    mint: { anyone: "pays with the caller's own base asset" },
    redeem: { anyone: "burns the owner's shares: the caller's own or within the allowance the owner gave" },
    withdraw: { anyone: "burns the owner's shares: the caller's own or within the allowance the owner gave" },
    redeemInKind: { anyone: "burns the owner's shares: the caller's own or within the allowance the owner gave" },
    rebalance: { anyone: "keepers: only when due, within the registry's bands, caps and slippage bounds" },
    accrueFees: { anyone: "mints only the fees the registry's rates allow, to the treasury" },
    approve: { anyone: "sets the caller's own allowance" },
    transfer: { anyone: "moves the caller's own shares" },
    transferFrom: { anyone: "bounded by the allowance the owner gave the caller" },
  },
  collateralManager: {
    manage: { anyone: "keepers: only the action due under the registry's LTV rules" },
    release: { roles: ["vault"], denied: "CollateralNotVault" },
    // Morpho calls back whoever repays: only the manager's own repayment from collateral reaches it.
    onMorphoRepay: { roles: ["Morpho Blue"], denied: "CollateralNotMorpho" },
  },
  hedgeModule: {
    manage: { anyone: "keepers: only the action due under the registry's hedge rules" },
    release: { roles: ["vault"], denied: "HedgeNotVault" },
  },
  feed: {
    setAnswer: { roles: ["devnet operator"], denied: "OwnableUnauthorizedAccount" },
    setAnswerAt: { roles: ["devnet operator"], denied: "OwnableUnauthorizedAccount" },
    transferOwnership: { roles: ["devnet operator"], denied: "OwnableUnauthorizedAccount" },
    renounceOwnership: { roles: ["devnet operator"], denied: "OwnableUnauthorizedAccount" },
  },
  feedProxy: {
    proposeAggregator: { roles: ["devnet operator"], denied: "OwnableUnauthorizedAccount" },
    confirmAggregator: { roles: ["devnet operator"], denied: "OwnableUnauthorizedAccount" },
    transferOwnership: { roles: ["devnet operator"], denied: "OwnableUnauthorizedAccount" },
    renounceOwnership: { roles: ["devnet operator"], denied: "OwnableUnauthorizedAccount" },
    // Ownable2Step: only the pending owner the operator named accepts.
    acceptOwnership: { roles: ["pending owner"], denied: "OwnableUnauthorizedAccount" },
  },
  devnetToken: {
    mint: { anyone: "the devnet faucet: devnet balances are worthless by design" },
    approve: { anyone: "sets the caller's own allowance" },
    transfer: { anyone: "moves the caller's own balance" },
    transferFrom: { anyone: "bounded by the allowance the owner gave the caller" },
  },
};

describe("access control: the vault and the devnet stand-ins", () => {
  const chain = chainFixture(async function vaultAccessFixture(connection) {
    return deployVault(connection);
  });
  const load = chain.load;
  const contractsOf = (v: VaultStack) =>
    ({
      vault: v.vault,
      collateralManager: v.collateralManager,
      hedgeModule: v.hedgeModule,
      feed: v.feeds.WETH,
      feedProxy: v.feedProxies.WETH,
      devnetToken: v.usdc,
    }) as const;

  it("the access table lists exactly the state-changing functions of each contract; the vault has no owner", async () => {
    // The vault's only restricted function serves the modules governance plugged in; no address owns it.
    const v = await load();
    for (const [name, contract] of Object.entries(contractsOf(v))) {
      expect(Object.keys(stackAccess[name as keyof typeof stackAccess]).sort(), name).toEqual(
        stateChanging(contract.abi as Abi).sort(),
      );
    }
    expect(
      Object.values(stackAccess.vault).every(
        (rule) => "anyone" in rule || ("roles" in rule && rule.roles.every((role) => role.endsWith("module"))),
      ),
    ).toBe(true);
  });

  for (const [contractName, table] of Object.entries(stackAccess)) {
    for (const [fn, rule] of Object.entries(table)) {
      if (!("denied" in rule)) continue;
      it(`${contractName}.${fn}: refused to an arbitrary account`, async () => {
        const v = await load();
        const contract = contractsOf(v)[contractName as keyof typeof stackAccess];
        const item = (contract.abi as Abi).find((i): i is AbiFunction => i.type === "function" && i.name === fn)!;
        const eve = v.accounts.eve;
        await expectRevert(
          eve.sendTransaction({
            to: contract.address,
            data: encodeFunctionData({
              abi: [item],
              functionName: fn,
              args: item.inputs.map((p) => arbitraryArg(p, eve.account.address)),
            }),
          }),
          rule.denied,
          undefined,
          contract.abi as Abi,
        );
      });
    }
  }

  it("the modules draw on the vault, and the vault releases their positions", async () => {
    const v = await load();
    await v.vault.write.deposit([parseUnits("100000", 6), v.accounts.alice.account.address], {
      account: v.accounts.alice.account,
    });
    await v.vault.write.rebalance({ account: v.accounts.eve.account });
    // PostCollateral and a hedge Increase: each module calls moduleTransfer; a redemption then has the vault call
    // release on both.
    await v.collateralManager.write.manage({ account: v.accounts.eve.account });
    expect((await v.collateralManager.read.position())[1]).toBeGreaterThan(0n);
    await v.hedgeModule.write.manage({ account: v.accounts.eve.account });
    const [, hedgeCollateral] = await v.hedgeModule.read.position();
    expect(hedgeCollateral).toBeGreaterThan(0n);
    const shares = (await v.vault.read.balanceOf([v.accounts.alice.account.address])) / 2n;
    await v.vault.write.redeemInKind([shares, v.accounts.alice.account.address, v.accounts.alice.account.address], {
      account: v.accounts.alice.account,
    });
    expect(await v.weth.read.balanceOf([v.accounts.alice.account.address])).toBeGreaterThan(0n);
    expect((await v.hedgeModule.read.position())[1]).toBeLessThan(hedgeCollateral);
  });

  it("the devnet operator posts prices", async () => {
    const v = await load();
    await v.feeds.WETH.write.setAnswer([3_100n * 10n ** 8n]);
    expect((await v.feeds.WETH.read.latestRoundData())[1]).toBe(3_100n * 10n ** 8n);
  });

  it("vault: eve cannot redeem, withdraw or move alice's shares without her allowance", async () => {
    const v = await load();
    const { alice, eve } = v.accounts;
    await v.vault.write.deposit([parseUnits("1000", 6), alice.account.address], { account: alice.account });
    const shares = await v.vault.read.balanceOf([alice.account.address]);
    const asEve = { account: eve.account };
    await expectRevert(
      v.vault.write.redeem([shares, eve.account.address, alice.account.address], asEve),
      "ERC20InsufficientAllowance",
    );
    await expectRevert(
      v.vault.write.withdraw([parseUnits("1", 6), eve.account.address, alice.account.address], asEve),
      "ERC20InsufficientAllowance",
    );
    await expectRevert(
      v.vault.write.redeemInKind([shares, eve.account.address, alice.account.address], asEve),
      "ERC20InsufficientAllowance",
    );
    await expectRevert(
      v.vault.write.transferFrom([alice.account.address, eve.account.address, 1n], asEve),
      "ERC20InsufficientAllowance",
    );
    expect(await v.vault.read.balanceOf([alice.account.address])).toBe(shares);
  });
});
