import { checkProposal } from "../../sdk/proposal/check.ts";
import { renderCheckResult } from "../../sdk/proposal/report.ts";
import { loadProposal } from "../../sdk/proposal/load.ts";
import { connect, json, type Command } from "../command.ts";

/** `trimtab proposal check <file>`: the registry's rules and the permissions policy against the live chain, without a dry run. */
export const checkCommand: Command = {
  group: "proposal",
  name: "check",
  argument: "<file>",
  summary:
    "Pre-vote checks of a proposal against the live registry: bounds, steps, intervals, the guardian's mandate,\n" +
    "the description's table, and the permissions policy on what the calldata does to roles and settings.\n" +
    "Exit code 1 when a check fails.",
  examples: [
    "trimtab proposal check proposals/examples/hedge-more.yaml",
    "trimtab proposal check proposals/examples/hedge-more.yaml --json",
  ],
  options: ["rpc", "deployment", "json"],
  async run(file, values) {
    const proposal = await loadProposal(file);
    const stack = await connect(values);
    const result = checkProposal(file, proposal, await stack.readSnapshot());
    if (values.json) console.log(json(result));
    else console.log(renderCheckResult(file, result));
    return result.verdict === "FAIL" ? 1 : 0;
  },
};
