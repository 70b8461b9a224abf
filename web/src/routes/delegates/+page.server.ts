import { querySubgraph } from "#lib/server/subgraph.ts";
import { sharedTrackRecords } from "#lib/server/outcomes.ts";
import { settled } from "#lib/server/settled.ts";
import type { PageServerLoad } from "./$types";

type Delegate = {
  id: string;
  votingPower: string;
  balance: string;
  delegatorCount: number;
  delegatingTo: { id: string } | null;
  votes: { id: string }[];
};
type Delegation = {
  id: string;
  delegator: { id: string };
  fromDelegate: string;
  toDelegate: string;
  timestamp: string;
};

export const load: PageServerLoad = async () => {
  const data = await querySubgraph<{ delegates: Delegate[]; delegations: Delegation[] }>(`{
    delegates(first: 100, orderBy: votingPower, orderDirection: desc, where: { votingPower_gt: "0" }) {
      id votingPower balance delegatorCount delegatingTo { id } votes(first: 1000) { id }
    }
    delegations(first: 50, orderBy: timestamp, orderDirection: desc) {
      id delegator { id } fromDelegate toDelegate timestamp
    }
  }`);
  // Streamed: the executed proposals' outcomes (each reproduces its cited report), read once, joined to the votes.
  return { ...data, trackRecords: settled(sharedTrackRecords()) };
};
