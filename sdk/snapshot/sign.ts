/**
 * Snapshot's two flows, written once for the CLI and the web app: signal a draft (a single-choice proposal in a
 * space, open from now for whole days, its voting power counted at the latest block) and vote on a Snapshot
 * proposal (refused first when the account has no voting power at its snapshot block). Each returns the signed
 * envelope; `sendToHub` (hub.ts) delivers it, or the caller keeps it as a file.
 *
 * Times are the signer's clock (`nowSeconds`, default now), as Snapshot's hub checks them against its own; a
 * devnet's warped block time would be refused there. Blocks are the chain's.
 */
import type { Address, Hex } from "viem";
import type { GovernanceClients } from "../governance/actions.ts";
import { GovernanceError } from "../governance/errors.ts";
import { proposalDescription } from "../proposal/actions.ts";
import type { ProposalDraft } from "../proposal/proposalFile.ts";
import { erc20VotesPower } from "./hub.ts";
import { signalMessage, signSnapshot, voteMessage, type SnapshotEnvelope } from "./messages.ts";

/** How long a signal may last, in days. */
export const signalDays = { min: 1, max: 30 } as const;

function spaceOf(space: string): string {
  const name = space.trim();
  if (!/^[a-z0-9.-]+$/i.test(name))
    throw new GovernanceError(`The Snapshot space is a name such as trimtab.eth; got "${space}".`);
  return name;
}

/**
 * Signs a signal of `proposal` in `space`: its title, and its description as it would go on chain (citing the
 * impact report when one is given), open for `days` from `nowSeconds`.
 */
export async function signSignal(
  { publicClient, walletClient }: GovernanceClients,
  args: {
    space: string;
    proposal: ProposalDraft;
    report?: { contentHash: Hex; blockNumber?: bigint | string | undefined } | undefined;
    days: number;
    nowSeconds?: number | undefined;
  },
): Promise<SnapshotEnvelope> {
  const space = spaceOf(args.space);
  if (!(Number.isInteger(args.days) && args.days >= signalDays.min && args.days <= signalDays.max))
    throw new GovernanceError(`A signal lasts ${signalDays.min} to ${signalDays.max} whole days; got ${args.days}.`);
  const block = await publicClient.getBlock();
  const now = args.nowSeconds ?? Math.floor(Date.now() / 1000);
  const message = signalMessage({
    from: walletClient.account.address,
    space,
    title: args.proposal.title,
    body: proposalDescription(args.proposal, args.report?.contentHash, args.report?.blockNumber),
    startSeconds: now,
    endSeconds: now + args.days * 86_400,
    snapshotBlock: Number(block.number),
    timestampSeconds: now,
  });
  return signSnapshot(walletClient, walletClient.account, message);
}

/**
 * Signs a vote for `choice` ("For", "Against" or "Abstain") on Snapshot proposal `proposal`, after reading the
 * account's voting power as Snapshot's erc20-votes strategy would, at `snapshotBlock` (default: the latest block).
 */
export async function signSnapshotVote(
  { publicClient, walletClient }: GovernanceClients,
  args: {
    token: Address;
    space: string;
    proposal: string;
    choice: string;
    reason?: string | undefined;
    snapshotBlock?: bigint | undefined;
    nowSeconds?: number | undefined;
  },
): Promise<{ envelope: SnapshotEnvelope; votingPower: bigint; snapshotBlock: bigint }> {
  const space = spaceOf(args.space);
  const from = walletClient.account.address;
  const block = await publicClient.getBlock(
    args.snapshotBlock === undefined ? {} : { blockNumber: args.snapshotBlock },
  );
  const votingPower = await erc20VotesPower(publicClient, args.token, from, block.number);
  if (votingPower === 0n)
    throw new GovernanceError(`${from} has no voting power at block ${block.number} (delegate TRIM to it first).`);
  let message;
  try {
    message = voteMessage({
      from,
      space,
      proposal: args.proposal,
      choice: args.choice,
      ...(args.reason?.trim() ? { reason: args.reason.trim() } : {}),
      timestampSeconds: args.nowSeconds ?? Math.floor(Date.now() / 1000),
    });
  } catch (error) {
    throw new GovernanceError(`The ${(error as Error).message}.`);
  }
  const envelope = await signSnapshot(walletClient, walletClient.account, message);
  return { envelope, votingPower, snapshotBlock: block.number };
}
