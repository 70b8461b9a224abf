import type { Address } from "viem";
import { describe, expect, it } from "vitest";
import type { TracedCall, TransactionTrace } from "../trace.ts";
import { traceChecks } from "./trace.ts";

const timelock: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const registry: Address = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const stranger: Address = "0x0000000000000000000000000000000000001234";

const call = (overrides: Partial<TracedCall>): TracedCall => ({
  depth: 0,
  type: "CALL",
  from: timelock,
  to: registry,
  contract: "ParameterRegistry",
  isStackContract: true,
  function: "setParameter",
  args: "[]",
  valueWei: 0n,
  hasCode: true,
  ...overrides,
});
const traced = (...calls: TracedCall[]): TransactionTrace => ({
  call: 2,
  calls,
  state: { storage: [], balances: [], tokens: [] },
});
const checksOf = (...calls: TracedCall[]) =>
  traceChecks([traced(...calls)]).map((c) => ({ field: c.field, status: c.status, message: c.message }));

describe("the call trace rules", () => {
  it("pass a transaction without ETH, delegatecalls, codeless callees or selfdestructs, counting its calls", () => {
    expect(checksOf(call({}), call({ depth: 1, type: "STATICCALL", function: "balanceOf" }))).toEqual([
      {
        field: "calls[2]",
        status: "pass",
        message: "2 calls, no ETH sent, no delegatecall, no call to an address without code, no selfdestruct",
      },
    ]);
  });

  it("warn when ETH is sent anywhere in the tree, naming the amount and the recipient", () => {
    const [check] = checksOf(
      call({}),
      call({ depth: 1, to: stranger, contract: undefined, valueWei: 1_500_000_000_000_000_000n }),
    );
    expect(check?.status).toBe("warn");
    expect(check?.message).toContain(`sends 1.5 ETH (1500000000000000000 wei) to ${stranger}`);
    expect(check?.message).toContain("ETH sent anywhere in a proposal warns");
  });

  it("fail a call with calldata to an address without code, naming it", () => {
    const checks = checksOf(call({ to: stranger, contract: undefined, isStackContract: false, hasCode: false }));
    expect(checks).toHaveLength(1);
    expect(checks[0]?.status).toBe("fail");
    expect(checks[0]?.message).toContain(`to ${stranger} (setParameter)`);
    expect(checks[0]?.message).toContain("a call to an address without code fails");
  });

  it("only warn a plain ETH transfer (empty calldata) to an address without code", () => {
    const plain = call({ to: stranger, contract: undefined, function: "", args: "", valueWei: 1n, hasCode: false });
    const checks = checksOf(plain);
    expect(checks.map((c) => c.status)).toEqual(["warn", "warn"]);
    expect(checks[1]?.message).toContain("a plain ETH transfer to an address without code");
  });

  it("warn a delegatecall to a stack contract, and fail one to any other contract", () => {
    const [toStack] = checksOf(call({}), call({ depth: 1, type: "DELEGATECALL" }));
    expect(toStack?.status).toBe("warn");
    expect(toStack?.message).toMatch(/^DELEGATECALL from .* to ParameterRegistry\.setParameter at .*: a delegatecall/);
    const [toOther] = checksOf(call({ type: "DELEGATECALL", to: stranger, contract: "USDC", isStackContract: false }));
    expect(toOther?.status).toBe("fail");
    expect(toOther?.message).toContain("a delegatecall to a contract not of the stack");
  });

  it("fail a selfdestruct anywhere on the path", () => {
    const checks = checksOf(call({}), call({ depth: 2, type: "SELFDESTRUCT", function: "", args: "", to: stranger }));
    expect(checks.map((c) => c.status)).toEqual(["fail"]);
    expect(checks[0]?.message).toContain("a selfdestruct in a proposal's calls fails");
  });

  it("check each traced transaction on its own field", () => {
    const checks = traceChecks([traced(call({})), { ...traced(call({ valueWei: 1n })), call: 3 }]);
    expect(checks.map((c) => [c.field, c.status])).toEqual([
      ["calls[2]", "pass"],
      ["calls[3]", "warn"],
    ]);
  });
});
