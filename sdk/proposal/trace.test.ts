import {
  encodeAbiParameters,
  encodeEventTopics,
  encodeFunctionData,
  erc20Abi,
  keccak256,
  numberToHex,
  type Address,
  type Hex,
} from "viem";
import { describe, expect, it } from "vitest";
import { parameterRegistryAbi } from "../abis/contracts.ts";
import { stackAbi } from "./abis.ts";
import {
  decodeCallTrace,
  decodeStateDiff,
  logsOf,
  nameSlots,
  tokenMoves,
  type CallFrame,
  type PrestateDiff,
} from "./trace.ts";
import { callLine, transactionTraceLines } from "./traceReport.ts";

const timelock: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const registry: Address = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const token: Address = "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0";
const alice: Address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const coinbase: Address = "0xC014BA5EC014ba5ec014Ba5EC014ba5Ec014bA5E";
const contracts = { TimelockController: timelock, ParameterRegistry: registry };
const key = `0x${"11".repeat(32)}` as Hex;

const setParameter = encodeFunctionData({
  abi: parameterRegistryAbi,
  functionName: "setParameter",
  args: [key, 3_500n],
});
const transferLog = (from: Address, to: Address, value: bigint) => ({
  address: token,
  topics: encodeEventTopics({ abi: erc20Abi, eventName: "Transfer", args: { from, to } }) as Hex[],
  data: encodeAbiParameters([{ type: "uint256" }], [value]),
});

/** The shape EDR's callTracer answers (captured from `debug_traceTransaction`), with a nested call and a log. */
const tree: CallFrame = {
  type: "CALL",
  from: timelock.toLowerCase() as Address,
  to: registry.toLowerCase() as Address,
  value: "0x0",
  input: setParameter,
  logs: [transferLog(timelock, alice, 5n)],
  calls: [
    {
      type: "STATICCALL",
      from: registry,
      to: token,
      input: encodeFunctionData({ abi: erc20Abi, functionName: "balanceOf", args: [alice] }),
    },
    {
      type: "CALL",
      from: registry,
      to: "0x0000000000000000000000000000000000001234",
      input: "0xabcdef0100",
      value: "0x5",
      error: "execution reverted",
      logs: [transferLog(alice, timelock, 99n)],
    },
    { type: "STATICCALL", from: registry, to: "0x0000000000000000000000000000000000000001", input: "0x" },
  ],
};

describe("decodeCallTrace", () => {
  const calls = decodeCallTrace(tree, { contracts, abi: stackAbi, withCode: new Set([registry, token.toLowerCase()]) });

  it("flattens the tree depth first, naming stack contracts and decoding calls with the stack's ABIs, then ERC-20's", () => {
    expect(calls.map((c) => [c.depth, c.type, c.contract ?? c.to, c.function])).toEqual([
      [0, "CALL", "ParameterRegistry", "setParameter"],
      [1, "STATICCALL", token, "balanceOf"],
      [1, "CALL", "0x0000000000000000000000000000000000001234", "0xabcdef01"],
      [1, "STATICCALL", "0x0000000000000000000000000000000000000001", ""],
    ]);
    expect(calls[0]!.args).toBe(`["${key}","3500"]`);
    expect(calls[0]).toMatchObject({ from: timelock, to: registry, isStackContract: true, valueWei: 0n });
    expect(calls[1]!.isStackContract).toBe(false);
  });

  it("keeps an unknown selector's calldata raw, the value sent, the revert, and which callees had code", () => {
    expect(calls[2]).toMatchObject({ args: "0x00", valueWei: 5n, hasCode: false, error: "execution reverted" });
    expect(calls.map((c) => c.hasCode)).toEqual([true, true, false, true]); // 0x01 is a precompile
  });

  it("keeps each call's own events, decoded, and none of a reverted call's (they are undone)", () => {
    const withTokens = decodeCallTrace(tree, {
      contracts,
      tokens: { [token]: { symbol: "USDC" } },
      abi: stackAbi,
      withCode: new Set(),
    });
    expect(withTokens.map((c) => c.events)).toEqual([
      [
        {
          address: token,
          contract: "USDC",
          name: "Transfer",
          args: `{"from":"${timelock}","to":"${alice}","value":"5"}`,
        },
      ],
      undefined,
      undefined,
      undefined,
    ]);
    const unknown = { address: token, topics: [key], data: "0x01" as Hex };
    expect(
      decodeCallTrace({ ...tree, logs: [unknown], calls: [] }, { contracts, abi: stackAbi, withCode: new Set() }),
    ).toMatchObject([{ events: [{ address: token, name: key, args: '{"data":"0x01"}' }] }]);
  });

  it("writes the tree indented by depth, with value and flags", () => {
    expect(calls.map((c) => callLine(c))).toEqual([
      `- CALL ParameterRegistry.setParameter(${key.replace(/^/, '"')}","3500")`,
      `  - STATICCALL ${token}.balanceOf("${alice}")`,
      "  - CALL 0x0000000000000000000000000000000000001234.0xabcdef01(0x00) (0.000000000000000005 ETH, no code, reverted: execution reverted)",
      "  - STATICCALL 0x0000000000000000000000000000000000000001",
    ]);
  });
});

describe("logsOf and tokenMoves", () => {
  it("takes the logs of the frames that did not revert, and nets the ERC-20 transfers per token and holder", () => {
    const logs = logsOf(tree);
    expect(logs).toHaveLength(1);
    expect(tokenMoves(logs)).toEqual([
      { token, holder: timelock, deltaWei: -5n },
      { token, holder: alice, deltaWei: 5n },
    ]);
  });

  it("leaves out holders whose transfers net to zero, and events that are not an ERC-20 Transfer", () => {
    const there = transferLog(timelock, alice, 7n);
    const back = transferLog(alice, timelock, 7n);
    const other = { address: token, topics: [`0x${"ab".repeat(32)}`] as Hex[], data: "0x" as Hex };
    expect(tokenMoves([there, back, other])).toEqual([]);
  });
});

describe("decodeStateDiff", () => {
  const slot = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;
  /** As EDR's prestateTracer (diffMode) answers: zero slots are left out of pre and post. */
  const diff: PrestateDiff = {
    pre: {
      [registry.toLowerCase() as Address]: {
        balance: "0x0",
        nonce: 1,
        storage: { [slot(1)]: `0x${"0".repeat(60)}0fa0`, [slot(2)]: slot(7) },
      },
      [timelock]: { balance: "0x100" },
      [coinbase]: { balance: "0x1" },
    },
    post: {
      [registry]: { balance: "0x5", storage: { [slot(1)]: `0x${"0".repeat(60)}0dac`, [slot(3)]: slot(9) } },
      [timelock]: { balance: "0xf0", nonce: 2 },
      [coinbase]: { balance: "0x9" },
    },
  };
  const state = decodeStateDiff(diff, [], { contracts }, { sender: timelock, feeWei: 11n, producer: coinbase });

  it("lists each changed slot before and after as 32-byte words, a slot left out being zero", () => {
    expect(state.storage).toEqual([
      {
        address: registry,
        contract: "ParameterRegistry",
        slots: [
          { slot: slot(1), before: slot(4000), after: slot(3500) },
          { slot: slot(2), before: slot(7), after: slot(0) },
          { slot: slot(3), before: slot(0), after: slot(9) },
        ],
      },
    ]);
  });

  it("lists ETH balance changes with the sender's gas fee and the block producer left out", () => {
    // The timelock paid 5 wei to the registry and 11 wei of gas: 0x100 → 0xf0 is 5 sent once gas is added back.
    expect(state.balances).toEqual([
      { address: registry, contract: "ParameterRegistry", beforeWei: 0n, afterWei: 5n },
      { address: timelock, contract: "TimelockController", beforeWei: 256n, afterWei: 251n },
    ]);
  });

  it("writes a storage table per contract, the balances and the tokens moved", () => {
    const lines = transactionTraceLines(
      { call: 0, calls: [], state: { ...state, tokens: [{ token, holder: alice, deltaWei: 1_500_000n }] } },
      { [token]: { symbol: "USDC", decimals: 6 } },
    );
    expect(lines).toContain(`Storage of ParameterRegistry \`${registry}\`:`);
    expect(lines).toContain(`| \`${slot(1)}\` | \`${slot(4000)}\` | \`${slot(3500)}\` |`);
    expect(lines).toContain("| TimelockController | 0.000000000000000256 ETH | 0.000000000000000251 ETH |");
    expect(lines).toContain(`| USDC | \`${alice}\` | 1.5000 USDC |`);
  });
});

describe("nameSlots", () => {
  it("names a slot that is a word of a known key's entry in a mapping at a low slot, and leaves others raw", () => {
    // Solidity's layout: mapping(bytes32 => struct) at slot 3, the entry of `key` starts at keccak256(key . 3).
    const entry = BigInt(keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "uint256" }], [key, 3n])));
    const word1 = numberToHex(entry + 1n, { size: 32 });
    const other = numberToHex(entry + 100n, { size: 32 });
    const zero = numberToHex(0n, { size: 32 });
    const named = nameSlots(
      [
        { slot: word1, before: zero, after: zero },
        { slot: other, before: zero, after: zero },
      ],
      [{ label: "weight.USDC", key }],
    );
    expect(named.map((s) => s.name)).toEqual(["weight.USDC (mapping at slot 3, word 1)", undefined]);
  });
});
