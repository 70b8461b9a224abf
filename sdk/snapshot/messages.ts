/**
 * Snapshot's off-chain signalling messages, signed with EIP-712 under Snapshot's own domain and types (those of
 * `@snapshot-labs/snapshot.js` 0.17: domain `snapshot` version `0.1.4`, no chain id), so that any Snapshot hub
 * accepts them and snapshot.js's own verification checks them. Browser-safe: signing goes through viem.
 */
import { getAddress, type Account, type Address, type Hex, type WalletClient } from "viem";

export const snapshotDomain = { name: "snapshot", version: "0.1.4" } as const;

export const snapshotProposalTypes = {
  Proposal: [
    { name: "from", type: "string" },
    { name: "space", type: "string" },
    { name: "timestamp", type: "uint64" },
    { name: "type", type: "string" },
    { name: "title", type: "string" },
    { name: "body", type: "string" },
    { name: "discussion", type: "string" },
    { name: "choices", type: "string[]" },
    { name: "labels", type: "string[]" },
    { name: "start", type: "uint64" },
    { name: "end", type: "uint64" },
    { name: "snapshot", type: "uint64" },
    { name: "plugins", type: "string" },
    { name: "privacy", type: "string" },
    { name: "app", type: "string" },
  ],
} as const;

export const snapshotVoteTypes = {
  Vote: [
    { name: "from", type: "string" },
    { name: "space", type: "string" },
    { name: "timestamp", type: "uint64" },
    { name: "proposal", type: "string" },
    { name: "choice", type: "uint32" },
    { name: "reason", type: "string" },
    { name: "app", type: "string" },
    { name: "metadata", type: "string" },
  ],
} as const;

export type SnapshotProposalMessage = {
  from: string;
  space: string;
  timestamp: number;
  type: "single-choice";
  title: string;
  body: string;
  discussion: string;
  choices: string[];
  labels: string[];
  start: number;
  end: number;
  /** The block whose voting power counts (the erc20-votes strategy reads getVotes there). */
  snapshot: number;
  plugins: string;
  privacy: string;
  app: string;
};

export type SnapshotVoteMessage = {
  from: string;
  space: string;
  timestamp: number;
  /** The Snapshot proposal's id. */
  proposal: string;
  /** 1-based index into the proposal's choices. */
  choice: number;
  reason: string;
  app: string;
  metadata: string;
};

/** What a hub receives: the signer, the signature and the typed data it signed. */
export type SnapshotEnvelope = {
  address: Address;
  sig: Hex;
  data: {
    domain: typeof snapshotDomain;
    types: typeof snapshotProposalTypes | typeof snapshotVoteTypes;
    message: SnapshotProposalMessage | SnapshotVoteMessage;
  };
};

/** The choices of a Trimtab signal, as the Governor counts votes. */
export const signalChoices = ["For", "Against", "Abstain"];

/** A single-choice signalling proposal of `title` and `body` in `space`, voting from `start` to `end`. */
export function signalMessage(args: {
  from: Address;
  space: string;
  title: string;
  body: string;
  startSeconds: number;
  endSeconds: number;
  snapshotBlock: number;
  timestampSeconds: number;
}): SnapshotProposalMessage {
  if (!(args.endSeconds > args.startSeconds)) throw new Error("the signal must end after it starts");
  return {
    from: getAddress(args.from),
    space: args.space,
    timestamp: args.timestampSeconds,
    type: "single-choice",
    title: args.title,
    body: args.body,
    discussion: "",
    choices: signalChoices,
    labels: [],
    start: args.startSeconds,
    end: args.endSeconds,
    snapshot: args.snapshotBlock,
    plugins: "{}",
    privacy: "",
    app: "trimtab",
  };
}

/** A vote for `choice` ("For", "Against" or "Abstain") on Snapshot proposal `proposal`. */
export function voteMessage(args: {
  from: Address;
  space: string;
  proposal: string;
  choice: string;
  reason?: string;
  timestampSeconds: number;
}): SnapshotVoteMessage {
  const index = signalChoices.indexOf(args.choice);
  if (index < 0) throw new Error(`choice must be one of ${signalChoices.join(", ")}, got "${args.choice}"`);
  return {
    from: getAddress(args.from),
    space: args.space,
    timestamp: args.timestampSeconds,
    proposal: args.proposal,
    choice: index + 1,
    reason: args.reason ?? "",
    app: "trimtab",
    metadata: "{}",
  };
}

/** Signs a Snapshot message with EIP-712 and wraps it as the hub expects. */
export async function signSnapshot(
  wallet: WalletClient,
  account: Account | Address,
  message: SnapshotProposalMessage | SnapshotVoteMessage,
): Promise<SnapshotEnvelope> {
  const isVote = "choice" in message;
  const types = isVote ? snapshotVoteTypes : snapshotProposalTypes;
  const sig = await wallet.signTypedData({
    account,
    domain: snapshotDomain,
    types,
    primaryType: isVote ? "Vote" : "Proposal",
    message: message as never,
  });
  const address = getAddress(typeof account === "string" ? account : account.address);
  return { address, sig, data: { domain: snapshotDomain, types, message } };
}
