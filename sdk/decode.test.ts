import { encodeErrorResult, encodeFunctionData, erc20Abi, getAddress, zeroHash, type Hex } from "viem";
import { describe, expect, it } from "vitest";
import { parameterKey } from "../parameters/parameterKey.ts";
import {
  parameterRegistryAbi,
  portfolioVaultAbi,
  timelockControllerAbi,
  trimtabGovernorAbi,
  trimtabTokenAbi,
} from "./abis/contracts.ts";
import { decodeActions, decodeCall, decodeData, UnknownSelectorError, type DecodeContext } from "./decode.ts";
import { stackAbi } from "./proposal/abis.ts";
import { decodeRevertData, formatRevert } from "./revert.ts";

const registry = getAddress("0x00000000000000000000000000000000000000a1");
const timelock = getAddress("0x00000000000000000000000000000000000000a2");
const hedge = getAddress("0x00000000000000000000000000000000000000a3");
const token = getAddress("0x00000000000000000000000000000000000000a4");
const weth = getAddress("0x00000000000000000000000000000000000000a5");
const stranger = getAddress("0x00000000000000000000000000000000000000ff");
/** What the CLI knows of a deployment: its contracts' names, its tokens, the registry's kinds and base asset. */
const context: DecodeContext = {
  names: {
    [registry]: "ParameterRegistry",
    [timelock]: "TimelockController",
    [hedge]: "HedgeModule",
    [token]: "TrimtabToken",
  },
  tokens: { [token]: { symbol: "TRIM", decimals: 18 }, [weth]: { symbol: "WETH", decimals: 18 } },
  registry: { baseSymbol: "USDC", baseDecimals: 6, parameters: { "caps.depositCap": { kind: "amount" } } },
};
const setParameters = (updates: [string, bigint][]) =>
  encodeFunctionData({
    abi: parameterRegistryAbi,
    functionName: "setParameters",
    args: [updates.map(([name, value]) => ({ key: parameterKey(name), value }))],
  });

describe("Calldata of the stack's contracts as people read it", () => {
  it("reads a registry update as each parameter's name and value in its unit, with the raw value", () => {
    const call = decodeData(
      setParameters([
        ["rebalance.bandBps", 400n],
        ["rebalance.minIntervalSec", 43_200n],
        ["caps.depositCap", 1_000_000_000_000n],
        ["pause.deposits", 1n],
        ["module.hedge", BigInt(hedge)],
        ["poolFee.WETH", 3_000n],
      ]),
      context,
    );
    expect(call).toMatchObject({
      kind: "call",
      functionName: "setParameters",
      signature: "setParameters((bytes32,uint256)[])",
    });
    expect(call.kind === "call" && call.args.map((a) => [a.name, a.text])).toEqual([
      [
        "updates",
        [
          "rebalance.bandBps = 4% (400 bps)",
          "rebalance.minIntervalSec = 12h (43200 s)",
          "caps.depositCap = 1_000_000 USDC (1000000000000 wei)",
          "pause.deposits = true",
          `module.hedge = ${hedge} (HedgeModule)`,
          "poolFee.WETH = 0.3% (3000 ppm)",
        ],
      ],
    ]);
  });

  it("decodes a call without arguments", () => {
    expect(decodeData(encodeFunctionData({ abi: portfolioVaultAbi, functionName: "rebalance" }))).toEqual({
      kind: "call",
      selector: "0x7d7c2a1c",
      functionName: "rebalance",
      signature: "rebalance()",
      args: [],
    });
  });

  it("without the chain, takes kinds from the catalog and leaves base-asset amounts in base wei", () => {
    const call = decodeCall(
      setParameters([
        ["weight.WETH", 4_500n],
        ["caps.depositCap", 5n],
      ]),
    );
    expect(call.args[0]!.text).toEqual(["weight.WETH = 45% (4500 bps)", "caps.depositCap = 5 base wei"]);
    const single = decodeCall(
      encodeFunctionData({
        abi: parameterRegistryAbi,
        functionName: "setParameter",
        args: [parameterKey("hedge.ratioBps"), 6_000n],
      }),
    );
    expect(single.args.map((a) => `${a.name}: ${String(a.text)}`)).toEqual([
      "key: hedge.ratioBps",
      "newValue: 60% (6000 bps)",
    ]);
  });

  it("names the stack's addresses, reads times and a parameter's rules in their units", () => {
    const guardian = decodeCall(
      encodeFunctionData({ abi: parameterRegistryAbi, functionName: "setGuardian", args: [timelock, 1_800_000_000] }),
      context,
    );
    expect(guardian.args.map((a) => a.text)).toEqual([
      `${timelock} (TimelockController)`,
      "2027-01-15 08:00 UTC (1800000000)",
    ]);
    const rules = decodeCall(
      encodeFunctionData({
        abi: parameterRegistryAbi,
        functionName: "setRules",
        args: [
          parameterKey("rebalance.bandBps"),
          { min: 100n, max: 2_000n, stepKind: 1, maxStep: 250n, minIntervalSeconds: 86_400 },
        ],
      }),
      context,
    );
    expect(rules.args[1]!.text).toBe(
      "min 1% (100 bps), max 20% (2000 bps), a step of at most 2.5% (250 bps), at least 1d apart",
    );
  });

  it("reads a token amount in the token's units when the call's target is the token", () => {
    const data = encodeFunctionData({
      abi: erc20Abi,
      functionName: "transfer",
      args: [stranger, 1_250_000_000_000_000_000n],
    });
    expect(decodeCall(data, context, weth).args.map((a) => a.text)).toEqual([
      stranger,
      "1.2500 WETH (1250000000000000000 wei)",
    ]);
    expect(decodeCall(data, context).args[1]!.text).toBe("1250000000000000000");
  });

  it("decodes the calls a timelock batch carries, and the call a governor relays, in turn", () => {
    const inner = setParameters([["hedge.bandBps", 800n]]);
    const transfer = encodeFunctionData({
      abi: trimtabTokenAbi,
      functionName: "transfer",
      args: [stranger, 2_000n * 10n ** 18n],
    });
    const relay = encodeFunctionData({ abi: trimtabGovernorAbi, functionName: "relay", args: [token, 0n, transfer] });
    const batch = decodeCall(
      encodeFunctionData({
        abi: timelockControllerAbi,
        functionName: "scheduleBatch",
        args: [[registry, registry], [0n, 0n], [inner, relay], zeroHash, zeroHash, 172_800n],
      }),
      context,
    );
    expect(batch.functionName).toBe("scheduleBatch");
    expect(batch.args.find((a) => a.name === "payloads")!.text).toEqual([
      `${(inner.length - 2) / 2} bytes: call 1 below`,
      `${(relay.length - 2) / 2} bytes: call 2 below`,
    ]);
    expect(batch.args.find((a) => a.name === "delay")!.text).toBe("2d (172800 s)");
    const [first, second] = batch.actions!;
    expect(first).toMatchObject({ target: registry, targetName: "ParameterRegistry", valueWei: 0n });
    expect(first!.call.kind === "call" && first!.call.args[0]!.text).toEqual(["hedge.bandBps = 8% (800 bps)"]);
    expect(second!.call).toMatchObject({ functionName: "relay" });
    const relayed = second!.call.kind === "call" ? second!.call.actions![0]! : undefined;
    expect(relayed).toMatchObject({ target: token, targetName: "TrimtabToken" });
    expect(relayed!.call.kind === "call" && relayed!.call.args[1]!.text).toBe(
      "2,000.00 TRIM (2000000000000000000000 wei)",
    );
  });

  it("reads revert data as sdk/revert.ts does", () => {
    const data = encodeErrorResult({
      abi: parameterRegistryAbi,
      errorName: "ParameterStepTooLarge",
      args: [parameterKey("hedge.ratioBps"), 5_000n, 7_500n, 1_000n],
    });
    const decoded = decodeData(data, context);
    expect(decoded).toMatchObject({ kind: "error", selector: data.slice(0, 10) });
    expect(decoded.kind === "error" && formatRevert(decoded.revert)).toBe(
      formatRevert(decodeRevertData(data, stackAbi)),
    );
    expect(decoded.kind === "error" && decoded.revert.errorName).toBe("ParameterStepTooLarge");
    const reason = encodeErrorResult({
      abi: [{ type: "error", name: "Error", inputs: [{ name: "message", type: "string" }] }],
      errorName: "Error",
      args: ["nope"],
    });
    expect(decodeData(reason)).toMatchObject({ kind: "error", revert: { errorName: "Error", args: ["nope"] } });
  });

  it("refuses an unknown selector in one line naming it, and data that is not calldata", () => {
    expect(() => decodeData("0xdeadbeef00")).toThrow(new UnknownSelectorError("0xdeadbeef"));
    expect(() => decodeData("0xdeadbeef00")).toThrow(
      "unknown selector 0xdeadbeef: no function or error of the stack's contracts has it",
    );
    expect(() => decodeData("hello")).toThrow('not hex data: expected 0x followed by hex digits, got "hello"');
    expect(() => decodeData("0x1234")).toThrow(
      "0x1234 is too short: calldata and revert data start with a 4-byte selector (8 hex digits)",
    );
    const truncated = setParameters([["hedge.bandBps", 800n]]).slice(0, 80) as Hex;
    expect(() => decodeData(truncated)).toThrow(/^0x[0-9a-f]{8} is setParameters, but its arguments do not decode/);
  });

  it("keeps every action of a proposal, those it cannot decode with why", () => {
    const actions = decodeActions(
      {
        targets: [registry, stranger, stranger],
        values: [0n, 0n, 10n ** 18n],
        calldatas: [setParameters([["fees.managementBps", 150n]]), "0xcafebabe", "0x"],
      },
      context,
    );
    expect(actions[0]!.call).toMatchObject({ kind: "call", functionName: "setParameters" });
    expect(actions[1]).toEqual({
      target: stranger,
      valueWei: 0n,
      call: {
        kind: "undecoded",
        selector: "0xcafebabe",
        data: "0xcafebabe",
        reason: "unknown selector 0xcafebabe: no function or error of the stack's contracts has it",
      },
    });
    expect(actions[2]).toMatchObject({
      valueWei: 10n ** 18n,
      call: { kind: "undecoded", reason: "no calldata: a plain transfer" },
    });
  });
});
