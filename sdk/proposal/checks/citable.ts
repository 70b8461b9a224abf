import { minCitablePaths } from "../../../sim/citation.ts";
import { simulationDefaults } from "../../../sim/runSettings.ts";
import type { ProposalCheck } from "./types.ts";

/**
 * A proposal cites its impact report: a report of fewer than `minCitablePaths` paths is a draft, and a proposal
 * asking for one fails (its submission would cite a draft).
 */
export const citableCheck: ProposalCheck = {
  rule: "citable report",
  field: "simulation.paths",
  check(proposal) {
    const paths = proposal.simulation.paths ?? simulationDefaults.paths;
    const least = minCitablePaths.toLocaleString("en-US");
    if (paths < minCitablePaths)
      return {
        status: "fail",
        message: `${paths.toLocaleString("en-US")} paths make a draft report, which a proposal cannot cite: ask for at least ${least}`,
      };
    if (proposal.simulation.paths === undefined) return undefined;
    return {
      status: "pass",
      message: `${paths.toLocaleString("en-US")} paths (a report a proposal cites needs ${least})`,
    };
  },
};
