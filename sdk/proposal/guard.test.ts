import { encodeFunctionData, getAddress, keccak256, toHex, zeroAddress, type Address } from "viem";
import { describe, expect, it } from "vitest";
import { proposalGuardAbi } from "../abis/contracts.ts";
import { parameterKey } from "../../parameters/parameterKey.ts";
import { roleId } from "./authority.ts";
import { parameterCatalog } from "../../parameters/index.ts";
import { decodeOnchainProposal } from "./onchain.ts";
import { catalogSnapshot } from "./registry.ts";
import { guardCheck } from "./checks/guard.ts";
import {
  guardConditionsInWords,
  guardedActions,
  guardFailureInWords,
  guardSection,
  readGuard,
  timelockSalt,
  type GuardConditions,
} from "./guard.ts";

const guard = getAddress("0x00000000000000000000000000000000000000aa");
const governor = getAddress("0x1111111111111111111111111111111111111111");
const timelock = getAddress("0x2222222222222222222222222222222222222222");
const registry = getAddress("0x3333333333333333333333333333333333333333");
const vault = getAddress("0x4444444444444444444444444444444444444444");
const names: Record<Address, string> = { [governor]: "governor", [timelock]: "timelock", [vault]: "vault" };
const wording = {
  nameOf: (a: Address) => names[a] ?? a,
  formatParameter: (_: string, v: bigint) => `${Number(v) / 100}%`,
};

const conditions: GuardConditions = {
  vault,
  maxSharePriceMoveBps: 10n,
  parameters: [{ name: "weight.USDC", shown: 4_000n, proposed: 3_500n }],
  roles: [{ target: timelock, role: roleId("PROPOSER_ROLE"), account: governor, held: true }],
  registryGuardian: zeroAddress,
  ltvs: [{ module: vault, maxLtvBps: 8_600n }],
};
const payload = [{ target: registry, data: "0x12345678" as const }];
const wrap = (description = "# A") => guardedActions({ guard, governor, actions: payload, description, conditions });

describe("The postcondition guard's calldata", () => {
  it("salts as GovernorTimelockControl does: the governor's address in the high 20 bytes, XOR the description hash", () => {
    const hash = keccak256(toHex("# A"));
    const salt = timelockSalt(governor, hash);
    expect(BigInt(salt) ^ BigInt(hash)).toBe(BigInt(governor) << 96n);
    expect(salt).toHaveLength(66);
  });

  it("wraps the calls between begin and verify, and reads the same conditions back", () => {
    const actions = wrap();
    expect(actions.map((a) => a.target)).toEqual([guard, registry, guard]);
    expect(readGuard(actions)).toEqual({ guard, payload, conditions });
  });

  it("binds verify to the description: another description, other calldata", () => {
    expect(wrap("# A")[2]!.data).not.toBe(wrap("# B")[2]!.data);
    expect(wrap("# A")[0]!.data).toBe(wrap("# B")[0]!.data);
  });

  it("reads no guard from calls that do not begin and end with one guard's begin and verify that agree", () => {
    const actions = wrap();
    expect(readGuard(payload)).toBeUndefined();
    expect(readGuard(actions.slice(0, 2))).toBeUndefined();
    expect(readGuard([actions[0]!, ...payload, { ...actions[2]!, target: vault }])).toBeUndefined();
    // A begin naming another parameter than its verify.
    const otherBegin = encodeFunctionData({
      abi: proposalGuardAbi,
      functionName: "begin",
      args: [vault, [{ key: parameterKey("weight.WBTC"), shown: 4_000n, proposed: 3_500n }]],
    });
    expect(readGuard([{ target: guard, data: otherBegin }, ...payload, actions[2]!])).toBeUndefined();
  });
});

describe("The guard in words", () => {
  it("says each condition, in the parameter's unit and the contracts' names, the binding last", () => {
    expect(guardConditionsInWords(conditions, wording)).toEqual([
      "weight.USDC still reads 40% (as shown) before the calls, and 35% after them",
      "governor holds PROPOSER_ROLE on timelock",
      "the registry has no guardian",
      "vault's loan-to-value is at most 86.00% (when its oracles answer)",
      "the execution moves vault's share price by at most 0.10%, and leaves it priced (when its oracles answer before the calls)",
      "the calls executed are exactly these, in this order (the guard is bound to this proposal)",
    ]);
    expect(guardConditionsInWords({ ...conditions, vault: zeroAddress }, wording)).not.toContain(
      "the execution moves vault's share price by at most 0.10%, and leaves it priced (when its oracles answer before the calls)",
    );
  });

  it("says each failure, and nothing for another contract's error", () => {
    const key = parameterKey("weight.USDC");
    const say = (errorName: string, args: unknown[]) => guardFailureInWords({ errorName, args }, wording);
    expect(say("GuardParameterNotAsShown", [key, 4_000n, 3_900n])).toBe(
      "weight.USDC reads 39%, not 40% as voters were shown",
    );
    expect(say("GuardParameterNotAsProposed", [key, 3_500n, 4_000n])).toBe(
      "weight.USDC reads 40% after the calls, not 35% as proposed",
    );
    expect(say("GuardRoleNotAsDeclared", [timelock, roleId("CANCELLER_ROLE"), governor, true])).toBe(
      "governor does not hold CANCELLER_ROLE on timelock",
    );
    expect(say("GuardSharePriceMoved", [10n ** 18n, 12n * 10n ** 17n, 10n])).toBe(
      "the execution moved the share price by +20.00% (1.000000 → 1.200000), beyond 0.10%",
    );
    expect(say("GuardLtvAboveBound", [vault, 8_700n, 8_600n])).toBe("vault's loan-to-value is 87.00%, above 86.00%");
    expect(say("GuardPayloadMismatch", [keccak256("0x")])).toBe(
      "the calls executed are not the ones proposed with this guard",
    );
    expect(say("ParameterStepTooLarge", [key, 1n, 2n, 3n])).toBeUndefined();
  });

  it("checks PASS when the rehearsed batch executes, FAIL with the failed condition when it reverts", () => {
    const actions = wrap();
    const held = guardSection({ guard, conditions, actions, rehearsal: { status: "held" } }, wording);
    expect(guardCheck(held)).toMatchObject([{ rule: "postcondition guard", status: "pass" }]);
    const reverted = guardSection(
      {
        guard,
        conditions,
        actions,
        rehearsal: {
          status: "reverted",
          errorName: "GuardLtvAboveBound",
          args: [vault, 8_700n, 8_600n],
          message: "GuardLtvAboveBound(…)",
        },
      },
      wording,
    );
    expect(reverted.failure).toBe("vault's loan-to-value is 87.00%, above 86.00%");
    expect(guardCheck(reverted)).toEqual([
      {
        rule: "postcondition guard",
        field: "guard",
        status: "fail",
        message: "the guarded batch reverts on the fork: vault's loan-to-value is 87.00%, above 86.00%",
      },
    ]);
    expect(guardCheck(undefined)).toEqual([]);
  });
});

describe("A guarded proposal read back from the chain", () => {
  const snapshot = catalogSnapshot(
    parameterCatalog,
    { earliestExecutionSeconds: 0, guardianExpiresAtSeconds: 0 },
    { symbol: "USDC", decimals: 6 },
  );
  const onchain = (actions: ReturnType<typeof wrap>) => ({
    id: 1n,
    proposer: governor,
    targets: actions.map((a) => a.target),
    values: actions.map((a) => a.value ?? 0n),
    calldatas: actions.map((a) => a.data),
    description: "# A",
    descriptionHash: keccak256(toHex("# A")),
    voteStart: 0n,
    voteEnd: 0n,
    createdBlockNumber: 1n,
  });

  it("leaves the stack's own guard out of its calls, and keeps any other contract's begin and verify as calls", () => {
    const actions = wrap();
    const ours = decodeOnchainProposal(onchain(actions), registry, snapshot, { ProposalGuard: guard });
    expect(ours.calls.map((c) => c.target)).toEqual([registry]);
    const theirs = decodeOnchainProposal(onchain(actions), registry, snapshot, { ProposalGuard: vault });
    expect(theirs.calls.map((c) => c.target)).toEqual([guard, registry, guard]);
    const none = decodeOnchainProposal(onchain(actions), registry, snapshot, {});
    expect(none.calls).toHaveLength(3);
  });
});
