/**
 * What went wrong with a wallet request, in words a token holder can act on: a rejected signature, a wrong
 * network, a proposal no longer open, too little voting power. Pure: it reads viem's errors by their names and
 * codes, and the governor's custom errors by name.
 */
import { proposalStates } from "../../../../sdk/governance/enums.ts";

type ErrorLike = {
  name?: string;
  code?: number;
  shortMessage?: string;
  message?: string;
  cause?: unknown;
  data?: unknown;
};

function* chain(error: unknown): Generator<ErrorLike> {
  let current: unknown = error;
  for (let depth = 0; current && typeof current === "object" && depth < 8; depth++) {
    yield current as ErrorLike;
    current = (current as ErrorLike).cause;
  }
}

/** The custom error a revert carries, as viem decoded it: its name and arguments. */
function revertOf(error: unknown): { errorName: string; args: readonly unknown[] } | undefined {
  for (const e of chain(error)) {
    const data = e.data as { errorName?: string; args?: readonly unknown[] } | undefined;
    if (data?.errorName) return { errorName: data.errorName, args: data.args ?? [] };
  }
  return undefined;
}

export function walletErrorMessage(error: unknown): string {
  for (const e of chain(error)) {
    if (e.code === 4001 || e.name === "UserRejectedRequestError")
      return "You rejected the request in your wallet: nothing was signed or sent.";
    if (e.code === 4902 || e.name === "SwitchChainError")
      return "Your wallet does not know this network: add it in the wallet, then try again.";
    if (e.name === "ChainMismatchError")
      return "Your wallet is on another network than Trimtab's: switch networks, then try again.";
  }
  const revert = revertOf(error);
  if (revert) {
    const { errorName, args } = revert;
    if (errorName === "GovernorUnexpectedProposalState") {
      const state = proposalStates[Number(args[1])] ?? "in another state";
      return `This proposal is no longer open to that: it is ${state}.`;
    }
    if (errorName === "GovernorAlreadyCastVote") return "This account has already voted on this proposal.";
    if (errorName === "GovernorInsufficientProposerVotes")
      return `Not enough voting power to propose: the account has ${String(args[1])} votes (wei) and the threshold is ${String(args[2])}.`;
    if (errorName === "GovernorRestrictedProposer") return "This account may not propose.";
    if (errorName === "GovernorNonexistentProposal") return "There is no such proposal on this governor.";
    return `The contract refused: ${errorName}${args.length ? `(${args.map(String).join(", ")})` : ""}.`;
  }
  for (const e of chain(error)) if (e.shortMessage) return e.shortMessage;
  return error instanceof Error ? error.message : String(error);
}
