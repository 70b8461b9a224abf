/**
 * A revert, anywhere, as a person reads it: the contract's error name and arguments, decoded with the ABIs given
 * (the CLI and the dry run pass every contract of the stack, `stackAbi`; the governance actions the governor's, the
 * timelock's and the token's, which keeps the web app's bundle small), and for the errors a user meets most a
 * sentence saying what it means.
 */
import { decodeErrorResult, type Abi, type Hex } from "viem";
import { parameterName } from "../parameters/parameterKey.ts";
import { proposalStateName, proposalStates } from "./governance/enums.ts";

/**
 * A decoded revert: the error's name and arguments, and what it means when that is known. `errorName` is undefined
 * when no ABI given knows the error (`data` then is all there is).
 */
export type Revert = { errorName: string | undefined; args: readonly unknown[]; data: Hex; meaning?: string };

/** The revert data an error carries (viem's errors keep it on a cause's `data`), if any. */
export function revertData(error: unknown): Hex | undefined {
  let cause: unknown = error;
  for (let depth = 0; cause && typeof cause === "object" && depth < 16; depth++) {
    const data = (cause as { data?: unknown }).data;
    if (typeof data === "string" && /^0x[0-9a-fA-F]{8}/.test(data)) return data as Hex;
    if (data && typeof data === "object" && typeof (data as { data?: unknown }).data === "string") {
      const nested = (data as { data: string }).data;
      if (/^0x[0-9a-fA-F]{8}/.test(nested)) return nested as Hex;
    }
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The revert in `error` decoded with `abi`; undefined when it carries no revert data. */
export function decodeRevert(error: unknown, abi: Abi): Revert | undefined {
  const data = revertData(error);
  return data ? decodeRevertData(data, abi) : undefined;
}

/** Revert data (an error's selector and arguments) decoded with `abi`; `errorName` undefined when none knows it. */
export function decodeRevertData(data: Hex, abi: Abi): Revert {
  try {
    const decoded = decodeErrorResult({ abi, data });
    const args = (decoded.args ?? []) as readonly unknown[];
    const meaning = meanings[decoded.errorName]?.(args);
    return { errorName: decoded.errorName, args, data, ...(meaning ? { meaning } : {}) };
  } catch {
    return { errorName: undefined, args: [], data };
  }
}

/** `ErrorName(arg, …)`, and its meaning after a colon when known; an unknown error's data as it is. */
export function formatRevert(revert: Revert): string {
  if (revert.errorName === undefined) return `an error no known contract defines (revert data ${revert.data})`;
  const call = `${revert.errorName}(${revert.args.map(showArg).join(", ")})`;
  return revert.meaning ? `${call}: ${revert.meaning}` : call;
}

/** The states a governor's or timelock's `expectedStates` bitmap (a bytes32, bit i for state i) names. */
export function statesOf(bitmap: bigint, names: readonly string[]): string[] {
  return names.filter((_, index) => (bitmap >> BigInt(index)) & 1n);
}

const timelockStates = ["Unset", "Waiting", "Ready", "Done"] as const;

const meanings: Record<string, (args: readonly unknown[]) => string> = {
  GovernorUnexpectedProposalState: ([, current, expected]) =>
    `the proposal is ${proposalStateName(Number(current))}, and this needs it ${statesOf(BigInt(expected as Hex), proposalStates).join(" or ")}`,
  TimelockUnexpectedOperationState: ([, expected]) =>
    `the timelock's operation is not ${statesOf(BigInt(expected as Hex), timelockStates).join(" or ")}` +
    " (Waiting: its delay has not passed, Unset: never queued, Done: already executed)",
  GovernorInsufficientProposerVotes: ([proposer, votes, threshold]) =>
    `${String(proposer)} has ${String(votes)} votes, and proposing needs ${String(threshold)}`,
  GovernorAlreadyCastVote: ([voter]) => `${String(voter)} has already voted on this proposal`,
  ERC20InsufficientBalance: ([account, balance, needed]) =>
    `${String(account)} holds ${String(balance)} and this needs ${String(needed)}`,
  ERC20InsufficientAllowance: ([spender, allowance, needed]) =>
    `${String(spender)} may spend ${String(allowance)} and this needs ${String(needed)}`,
};

/** A registry key (a bytes32 holding a parameter's name, left-aligned) as that name; undefined for other values. */
function keyName(value: string): string | undefined {
  if (value.length !== 66 || !/^0x(?:[2-7][0-9a-f])+(?:00)*$/i.test(value)) return undefined;
  const name = parameterName(value as Hex);
  return /^[\x21-\x7e]+$/.test(name) ? name : undefined;
}

const showArg = (value: unknown): string =>
  typeof value === "bigint"
    ? value.toString()
    : typeof value === "string"
      ? (keyName(value) ?? value)
      : JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
