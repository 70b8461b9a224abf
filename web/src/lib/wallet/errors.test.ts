import { BaseError, ContractFunctionRevertedError, UserRejectedRequestError, encodeErrorResult } from "viem";
import { describe, expect, it } from "vitest";
import { trimtabGovernorAbi } from "../../../../sdk/abis/contracts.ts";
import { walletErrorMessage } from "./errors.ts";

/** A revert of the governor as viem reports it from writeContract. */
function governorRevert(errorName: string, args: readonly unknown[]) {
  const data = encodeErrorResult({ abi: trimtabGovernorAbi, errorName, args } as never);
  const revert = new ContractFunctionRevertedError({ abi: trimtabGovernorAbi, data, functionName: "castVote" });
  return new BaseError("the call failed", { cause: revert });
}

describe("what a failed wallet request tells the user", () => {
  it("says a rejected signature was rejected and nothing was sent", () => {
    const error = new BaseError("request failed", { cause: new UserRejectedRequestError(new Error("User denied")) });
    expect(walletErrorMessage(error)).toBe("You rejected the request in your wallet: nothing was signed or sent.");
    expect(walletErrorMessage({ code: 4001, message: "denied" })).toContain("You rejected");
  });

  it("names the state of a proposal no longer open", () => {
    expect(walletErrorMessage(governorRevert("GovernorUnexpectedProposalState", [1n, 7, `0x${"0".repeat(64)}`]))).toBe(
      "This proposal is no longer open to that: it is Executed.",
    );
  });

  it("says a vote was already cast, and how short of the threshold a proposer is", () => {
    const voter = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
    expect(walletErrorMessage(governorRevert("GovernorAlreadyCastVote", [voter]))).toBe(
      "This account has already voted on this proposal.",
    );
    expect(walletErrorMessage(governorRevert("GovernorInsufficientProposerVotes", [voter, 5n, 10n]))).toContain(
      "has 5 votes (wei) and the threshold is 10",
    );
  });

  it("falls back to viem's short message, then to the error's own", () => {
    expect(walletErrorMessage(new BaseError("Something specific"))).toBe("Something specific");
    expect(walletErrorMessage(new Error("plain"))).toBe("plain");
    expect(walletErrorMessage("text")).toBe("text");
  });
});
