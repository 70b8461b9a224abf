import { describe, expect, it } from "vitest";
import type { Check } from "../../../../sdk/proposal/check.ts";
import type { TracedCall, TransactionTrace } from "../../../../sdk/proposal/trace.ts";
import {
  registry,
  sampleTrace,
  stranger,
  timelock,
  tokens,
  tracedCall,
  usdc,
  word,
} from "../../../../test/fixtures/dryRunTrace.ts";
import { afterExecutionChecks, callTree, permissionFindings, stateDiffView, wordView } from "./dryRun.ts";

/** The sample call with a read of the token added, and the payment's value as a report's JSON holds it (a string). */
const calls: TracedCall[] = [
  sampleTrace.calls[0]!,
  tracedCall(1, {
    type: "STATICCALL",
    to: usdc,
    isStackContract: false,
    function: "balanceOf",
    args: `["${timelock}"]`,
  }),
  ...sampleTrace.calls.slice(1, 3),
  { ...sampleTrace.calls[3]!, valueWei: "2000000000000000000" as unknown as bigint },
];

describe("The dry run's call tree as the proposal page shows it", () => {
  const [root, ...others] = callTree(calls, tokens);

  it("nests each call under its caller, its target named by the stack or the token, its function decoded", () => {
    expect(others).toEqual([]);
    expect(root).toMatchObject({ type: "CALL", target: "ParameterRegistry", address: registry, status: "pass" });
    expect(root!.signature).toBe(`setParameter("${word(1n)}","3500")`);
    expect(root!.children.map((c) => [c.type, c.target, c.signature])).toEqual([
      ["STATICCALL", "USDC", `balanceOf("${timelock}")`],
      ["DELEGATECALL", stranger, "0xabcdef01(0x00)"],
      ["CALL", stranger, ""],
    ]);
    expect(root!.children[1]!.children.map((c) => c.target)).toEqual(["USDC"]);
  });

  it("carries each call's events, and marks what the trace rules flag with their status, a revert as said", () => {
    expect(root!.events).toEqual([{ emitter: "ParameterRegistry", signature: 'ParameterSet({"value":"3500"})' }]);
    const [, delegate, payment] = root!.children;
    expect(delegate!.marks.map((m) => [m.label, m.status])).toEqual([["delegatecall", "fail"]]);
    expect(delegate!.status).toBe("fail");
    expect(delegate!.children[0]!.marks.map((m) => [m.label, m.status, m.detail])).toEqual([
      ["reverted", "info", "execution reverted"],
    ]);
    expect(payment).toMatchObject({ value: "2 ETH", status: "warn" });
    expect(payment!.marks.map((m) => [m.label, m.status])).toEqual([
      ["sends ETH", "warn"],
      ["no code", "warn"],
    ]);
  });
});

describe("The dry run's state diff as the proposal page shows it", () => {
  const trace: TransactionTrace = {
    ...sampleTrace,
    state: {
      ...sampleTrace.state,
      // As a report's JSON holds it: amounts as decimal strings; a token the dry run did not read keeps its wei.
      balances: [{ address: stranger, beforeWei: 0n, afterWei: "2000000000000000000" as unknown as bigint }],
      tokens: [...sampleTrace.state.tokens, { token: stranger, holder: stranger, deltaWei: 7n }],
    },
  };
  const view = stateDiffView(trace, tokens);

  it("names a registry slot by its parameter, keeps a raw slot's hex, and reads words as numbers when they are", () => {
    expect(view.storage).toEqual([
      {
        contract: "ParameterRegistry",
        address: registry,
        slots: [
          {
            label: "weight.USDC (mapping at slot 2, word 0)",
            named: true,
            slot: word(7n),
            before: { number: "4,000", hex: word(4_000n) },
            after: { number: "3,500", hex: word(3_500n) },
          },
          {
            label: word(9n),
            named: false,
            slot: word(9n),
            before: { number: "0", hex: word(0n) },
            after: { hex: `0x${"ff".repeat(32)}` },
          },
        ],
      },
    ]);
    expect(wordView(word(10n ** 39n - 1n)).number).toBe((10n ** 39n - 1n).toLocaleString("en-US"));
    expect(wordView(word(10n ** 39n)).number).toBeUndefined();
  });

  it("writes ETH balances before, after and moved, and token moves in the token's units, holders named", () => {
    expect(view.balances).toEqual([
      { account: stranger, address: stranger, before: "0 ETH", after: "2 ETH", change: "+2 ETH" },
    ]);
    expect(view.tokens).toEqual([
      { token: "USDC", holder: "ParameterRegistry", holderAddress: registry, change: "-1.5000 USDC" },
      { token: stranger, holder: stranger, holderAddress: stranger, change: "+7 wei" },
    ]);
  });
});

describe("The dry run's checks as the proposal page groups them", () => {
  const check = (rule: string, status: Check["status"] = "pass"): Check => ({ rule, field: "f", status, message: "m" });

  it("splits the checks after execution into smoke tests and invariants, in their order", () => {
    const checks = [check("settings"), check("smoke test", "warn"), check("NAV unchanged"), check("smoke test")];
    const { smokeTests, invariants } = afterExecutionChecks(checks);
    expect(smokeTests.map((c) => c.status)).toEqual(["warn", "pass"]);
    expect(invariants.map((c) => c.rule)).toEqual(["settings", "NAV unchanged"]);
  });

  it("takes the permissions policy's findings out of a report's checks", () => {
    expect(permissionFindings([check("bounds"), check("permissions", "fail"), check("call trace")])).toEqual([
      check("permissions", "fail"),
    ]);
  });
});
