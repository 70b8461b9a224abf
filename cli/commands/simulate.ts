import { writeFile } from "node:fs/promises";
import { renderProposalReport } from "../../sdk/proposal/report.ts";
import { proposalFromSource, reviewProposal } from "../../sdk/proposal/review.ts";
import { connect, type Command } from "../command.ts";

/**
 * `trimtab proposal simulate <file | id>`: checks, dry run and impact simulation as one report; an id decodes a
 * proposal already on chain, whoever made it, and compares the report with the one its description cites.
 */
export const simulateCommand: Command = {
  name: "simulate",
  argument: "<file | id>",
  summary:
    "Checks, a dry run on the chain (reverted after) and the impact simulation, as one report. An id decodes a\n" +
    "proposal already on chain, whoever made it, and reproduces the impact report its description cites.\n" +
    "Exit code 1 when the verdict is FAIL.",
  options: ["rpc", "deployment", "json", "out"],
  async run(source, values) {
    const started = performance.now();
    const stack = await connect(values);
    const { name, proposal, cited } = await proposalFromSource(stack, source);
    const { report } = await reviewProposal(stack, { name, proposal }, { simulateAt: cited?.blockNumber });
    if (!values.json) console.error(`simulated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    if (values.out) await writeFile(values.out, JSON.stringify(report, null, 2));
    if (values.json) {
      console.log(JSON.stringify({ ...report, ...(cited ? { citedImpactReport: cited.hash } : {}) }, null, 2));
      return report.verdict === "FAIL" ? 1 : 0;
    }
    console.log(renderProposalReport(report));
    if (cited) {
      const fromBlock = cited.blockNumber !== undefined;
      const same = cited.hash === report.impact.contentHash;
      console.log(
        `\nThe description cites impact report ${cited.hash}${fromBlock ? ` of block ${cited.blockNumber}` : ""}; ` +
          `this run's${fromBlock ? ", from the same block," : ""} is ${report.impact.contentHash}` +
          (same
            ? " (the same)."
            : fromBlock
              ? " (the numbers differ: another engine version, or another report)."
              : " (the chain has moved on since, or the numbers differ)."),
      );
    }
    return report.verdict === "FAIL" ? 1 : 0;
  },
};
