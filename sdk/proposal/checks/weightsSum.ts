import { formatValue } from "../units.ts";
import type { ProposalCheck } from "./types.ts";

/**
 * The vault refuses to act on target weights that do not sum to 10,000 bps (100%): checked when a proposal moves one,
 * each weight and the sum written as percentages.
 */
export const weightsSumCheck: ProposalCheck = {
  rule: "weights sum",
  field: "changes",
  check(proposal, changes, snapshot) {
    const weightNames = Object.keys(snapshot.parameters).filter((n) => n.startsWith("weight."));
    if (!weightNames.some((n) => n in proposal.changes)) return undefined;
    const after = (n: string) => changes.find((c) => c.name === n)?.after ?? snapshot.parameters[n]!.value;
    const sum = weightNames.reduce((s, n) => s + after(n), 0n);
    const percent = (n: string, value: bigint) => formatValue(n, "bps", value, snapshot);
    return {
      status: sum === 10_000n ? "pass" : "fail",
      message:
        `${weightNames.map((n) => `${n} ${percent(n, after(n))}`).join(" + ")} = ${percent("weights", sum)}` +
        (sum === 10_000n ? "" : ": the weights must sum to 100%"),
    };
  },
};
