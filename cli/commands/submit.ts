import { loadProposal } from "../../sdk/proposal/load.ts";
import { renderProposalReport } from "../../sdk/proposal/report.ts";
import { submitProposal } from "../../sdk/proposal/review.ts";
import { checkForkAvailable } from "../../sdk/fork.ts";
import { connect, signer, type Command } from "../command.ts";

/** `trimtab proposal submit <file>`: the report first (FAIL stops here), then propose, citing it. */
export const submitCommand: Command = {
  group: "proposal",
  name: "submit",
  argument: "<file>",
  summary:
    "The proposal's report (checks, dry run, impact), then propose on the governor with the impact report's hash\n" +
    "and start block in the description, its calls wrapped by the postcondition guard (it executes only if what\n" +
    "the report shows still holds). A FAIL verdict proposes nothing and exits with 1.",
  examples: ["trimtab proposal submit proposals/examples/hedge-more.yaml --account 1"],
  options: ["rpc", "deployment", "account"],
  async run(file, values) {
    const proposal = await loadProposal(file);
    await checkForkAvailable(); // the report's dry run forks the chain
    const stack = await connect(values);
    const submission = await submitProposal(stack, await signer(stack, values.account), { name: file, proposal });
    if (!submission.submitted) {
      console.error(renderProposalReport(submission.report));
      console.error(`\n${file}: not submitted, the report's verdict is FAIL`);
      return 1;
    }
    const { proposalId, report } = submission;
    console.log(`proposed ${proposalId} (${report.verdict}); impact report ${report.impact.contentHash}`);
    if (report.guard) {
      console.log(`guarded by ${report.guard.address}: it executes only if`);
      for (const condition of report.guard.executesOnlyIf) console.log(`- ${condition}`);
    } else console.log("unguarded: the deployment record names no ProposalGuard");
    return 0;
  },
};
