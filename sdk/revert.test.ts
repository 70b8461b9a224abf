import { BaseError, encodeErrorResult, keccak256, toHex, type Hex } from "viem";
import { parameterKey } from "../parameters/parameterKey.ts";
import { describe, expect, it } from "vitest";
import { timelockControllerAbi, trimtabGovernorAbi } from "./abis/contracts.ts";
import { ProposalState, proposalStates } from "./governance/enums.ts";
import { stackAbi } from "./proposal/abis.ts";
import { decodeRevert, formatRevert, statesOf } from "./revert.ts";

/** A viem error whose revert data sits two causes down, as a failed eth_estimateGas leaves it. */
const revertedWith = (data: Hex) =>
  new BaseError("The contract function reverted with the following signature:", {
    cause: new BaseError("Execution reverted", { cause: Object.assign(new Error("RPC error"), { data }) }),
  });
const bit = (index: number) => 1n << BigInt(index);
/** A state bitmap as the contracts encode it: a bytes32. */
const bitmap = (value: bigint) => toHex(value, { size: 32 });

describe("Reverts as a person reads them", () => {
  it("names the governor's error and says which state the proposal is in and which it needs", () => {
    const data = encodeErrorResult({
      abi: trimtabGovernorAbi,
      errorName: "GovernorUnexpectedProposalState",
      args: [42n, ProposalState.Pending, bitmap(bit(ProposalState.Active))],
    });
    const revert = decodeRevert(revertedWith(data), stackAbi);
    expect(revert?.errorName).toBe("GovernorUnexpectedProposalState");
    expect(formatRevert(revert!)).toBe(
      `GovernorUnexpectedProposalState(42, 0, ${bitmap(2n)}): the proposal is Pending, and this needs it Active`,
    );
  });

  it("decodes the timelock's error below the governor, with the states it expected", () => {
    const id = `0x${"ab".repeat(32)}` as Hex;
    const data = encodeErrorResult({
      abi: timelockControllerAbi,
      errorName: "TimelockUnexpectedOperationState",
      args: [id, bitmap(bit(2))],
    });
    expect(formatRevert(decodeRevert(revertedWith(data), stackAbi)!)).toBe(
      `TimelockUnexpectedOperationState(${id}, ${bitmap(4n)}): the timelock's operation is not Ready ` +
        "(Waiting: its delay has not passed, Unset: never queued, Done: already executed)",
    );
  });

  it("names a vault error with its arguments, and shows an unknown one's data", () => {
    const data = encodeErrorResult({ abi: stackAbi, errorName: "VaultDepositCapExceeded", args: [5n, 3n] });
    expect(formatRevert(decodeRevert(revertedWith(data), stackAbi)!)).toBe("VaultDepositCapExceeded(5, 3)");
    expect(formatRevert(decodeRevert(revertedWith("0xdeadbeef"), stackAbi)!)).toBe(
      "an error no known contract defines (revert data 0xdeadbeef)",
    );
    expect(decodeRevert(new Error("fetch failed"), stackAbi)).toBeUndefined();
  });

  it("writes a registry key argument as its parameter's name, and any other bytes32 as it is", () => {
    const below = encodeErrorResult({
      abi: stackAbi,
      errorName: "ParameterBelowMin",
      args: [parameterKey("rebalance.bandBps"), 10n, 25n],
    });
    expect(formatRevert(decodeRevert(revertedWith(below), stackAbi)!)).toBe(
      "ParameterBelowMin(rebalance.bandBps, 10, 25)",
    );
    const hash = keccak256("0x01");
    const unknown = encodeErrorResult({ abi: stackAbi, errorName: "ParameterUnknown", args: [hash] });
    expect(formatRevert(decodeRevert(revertedWith(unknown), stackAbi)!)).toBe(`ParameterUnknown(${hash})`);
  });

  it("reads a state bitmap as OpenZeppelin encodes it (bit i for state i)", () => {
    expect(
      statesOf(bit(ProposalState.Succeeded) | bit(ProposalState.Queued) | bit(ProposalState.Executed), proposalStates),
    ).toEqual(["Succeeded", "Queued", "Executed"]);
  });
});
