/**
 * Sending signed Snapshot messages to a hub, and the voting power Snapshot's `erc20-votes` strategy would count:
 * the token's `getVotes(voter)` at the proposal's snapshot block.
 */
import type { Address, PublicClient } from "viem";
import { trimtabTokenAbi } from "../abis/contracts.ts";
import type { SnapshotEnvelope } from "./messages.ts";

/** Posts an envelope to a Snapshot hub (its sequencer URL); the hub's answer, or an error with its reason. */
export async function sendToHub(hubUrl: string, envelope: SnapshotEnvelope): Promise<unknown> {
  const response = await fetch(hubUrl, {
    method: "POST",
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    body: JSON.stringify(envelope),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`the hub at ${hubUrl} refused the message (${response.status}): ${text}`);
  return text ? (JSON.parse(text) as unknown) : {};
}

/** Voting power as the erc20-votes strategy reads it: `getVotes(voter)` at `blockNumber`, in token wei. */
export async function erc20VotesPower(
  client: Pick<PublicClient, "readContract">,
  token: Address,
  voter: Address,
  blockNumber: bigint,
): Promise<bigint> {
  return client.readContract({
    address: token,
    abi: trimtabTokenAbi,
    functionName: "getVotes",
    args: [voter],
    blockNumber,
  });
}
