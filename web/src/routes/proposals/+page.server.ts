import { proposalStates } from "../../../../sdk/governance/enums.ts";
import { trimtabGovernorAbi } from "../../../../sdk/abis/contracts.ts";
import { publicClient } from "#lib/server/chain.ts";
import { readDeployment, serverConfig } from "#lib/server/config.ts";
import { querySubgraph } from "#lib/server/subgraph.ts";
import { sharedOutcomeCalibration } from "#lib/server/outcomes.ts";
import { settled } from "#lib/server/settled.ts";
import type { PageServerLoad } from "./$types";

type Row = {
  id: string;
  title: string;
  proposer: { id: string };
  voteStart: string;
  voteEnd: string;
  forVotes: string;
  againstVotes: string;
  abstainVotes: string;
  quorum: string;
  voteCount: number;
  createdTimestamp: string;
};

export const load: PageServerLoad = async () => {
  const { contracts } = await readDeployment(serverConfig());
  const { proposals } = await querySubgraph<{ proposals: Row[] }>(`{
    proposals(first: 100, orderBy: createdTimestamp, orderDirection: desc) {
      id title proposer { id } voteStart voteEnd forVotes againstVotes abstainVotes quorum voteCount createdTimestamp
    }
  }`);
  // The state from the governor itself: the subgraph records events, time moves states on its own.
  const client = publicClient();
  const states = await Promise.all(
    proposals.map((p) =>
      client.readContract({
        address: contracts.TrimtabGovernor,
        abi: trimtabGovernorAbi,
        functionName: "state",
        args: [BigInt(p.id)],
      }),
    ),
  );
  return {
    proposals: proposals.map((p, i) => ({ ...p, state: proposalStates[states[i]!] ?? "Unknown" })),
    // Streamed: every executed proposal's outcome reproduces its cited report.
    calibration: settled(sharedOutcomeCalibration().then(({ table }) => ({ table }))),
  };
};
