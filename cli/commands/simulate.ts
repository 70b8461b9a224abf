import { readFile, writeFile } from "node:fs/promises";
import { parsePriceHistoryFile } from "../../sim/historyFile.ts";
import { renderProposalReport } from "../../sdk/proposal/report.ts";
import { impactAsSubmitted, proposalFromSource, reviewProposal } from "../../sdk/proposal/review.ts";
import { upcomingStates, type ProposalStateName } from "../../sdk/governance/enums.ts";
import { renderMarkdown } from "../../sim/report.ts";
import { checkForkAvailable } from "../../sdk/fork.ts";
import { connect, type Command } from "../command.ts";

/**
 * `trimtab proposal simulate <file | id>`: checks, dry run and impact simulation as one report; an id decodes a
 * proposal already on chain, whoever made it, and compares the report with the one its description cites.
 */
export const simulateCommand: Command = {
  group: "proposal",
  name: "simulate",
  argument: "<file | id>",
  summary:
    "Checks, a dry run on an in-process fork of the chain (the chain is only read; it needs the hardhat package)\n" +
    "and the impact simulation, as one report. An id decodes a proposal already on chain, whoever made it, and\n" +
    "reproduces the impact report its description cites, forking at its block; one no longer ahead (executed,\n" +
    "defeated, canceled, expired) gets that impact alone, from the block it was made at. Exit code 1 when the\n" +
    "verdict is FAIL.",
  examples: [
    "trimtab proposal simulate proposals/examples/hedge-more.yaml",
    "trimtab proposal simulate 4242 --json --out report.json",
    "trimtab proposal simulate proposals/examples/reweight.yaml --history prices.csv",
  ],
  options: ["rpc", "deployment", "json", "out", "history"],
  async run(source, values) {
    const started = performance.now();
    // A file is always dry-run (an id may be a proposal no longer ahead, which is not): fail at once without hardhat.
    if (!/^\d+$/.test(source)) await checkForkAvailable();
    const historyFile = values.history
      ? { name: values.history, table: parsePriceHistoryFile(await readFile(values.history, "utf8"), values.history) }
      : undefined;
    const stack = await connect(values, historyFile ? { historyFile } : {});
    const reviewed = await proposalFromSource(stack, source);
    const { name, proposal, cited, onchain } = reviewed;
    if (onchain && !upcomingStates.has(onchain.state as ProposalStateName)) {
      // Its changes are on chain (or never will be): no checks or dry run apply; what it was shown to do still does.
      const { impact, notSimulated, formatChange } = await impactAsSubmitted(
        stack,
        reviewed,
        onchain.submittedFromBlock,
      );
      const said =
        `${name} is ${onchain.state}: ${onchain.state === "Executed" ? "its changes are on chain" : "it will change nothing"}, ` +
        `so there is nothing left to check or dry-run. Its impact as submitted, from block ${onchain.submittedFromBlock}` +
        (cited
          ? `: ${impact.contentHash === cited.hash ? "the report its description cites" : `${impact.contentHash}, where its description cites ${cited.hash}`}`
          : "") +
        ".";
      if (values.out) await writeFile(values.out, JSON.stringify(impact, null, 2));
      if (values.json)
        console.log(
          JSON.stringify(
            { state: onchain.state, simulatedFromBlock: onchain.submittedFromBlock.toString(), impact },
            null,
            2,
          ),
        );
      else console.log(`${said}\n\n${renderMarkdown(impact, { notSimulated, formatChange })}`);
      return 0;
    }
    const { report } = await reviewProposal(
      stack,
      { name, proposal },
      { simulateAt: cited?.blockNumber, onchain: onchain?.batch },
    );
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
