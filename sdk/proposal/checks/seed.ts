import { proposalSeeds } from "../seed.ts";
import type { ProposalCheck } from "./types.ts";

/**
 * A proposal file's `simulation.seed` is ignored: its report's seed is derived from its content (sdk/proposal/seed.ts),
 * so that a proposer cannot pick a seed that flatters it. A warning, not a failure, so that older files still check.
 */
export const seedCheck: ProposalCheck = {
  rule: "derived seed",
  field: "simulation.seed",
  check(proposal, changes) {
    if (proposal.simulation.seed === undefined) return undefined;
    const { seed } = proposalSeeds({ changes, calls: proposal.calls });
    return {
      status: "warn",
      message:
        `${proposal.simulation.seed} is ignored: a report's seed is derived from the proposal's changes and calls ` +
        `(${seed} for this one); remove the setting`,
    };
  },
};
