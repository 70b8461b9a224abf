import { readFile, writeFile } from "node:fs/promises";
import type { ImpactReport } from "../../sim/report.ts";
import { readOutcomeCalibration, readProposalOutcome } from "../../sdk/proposal/outcomeReader.ts";
import { calibrationMarkdown, outcomeMarkdown } from "../../sdk/proposal/outcomeMarkdown.ts";
import { connect, json, type Command } from "../command.ts";

/**
 * `trimtab proposal outcome <id | all>`: an executed proposal's outcome against the impact report its description
 * cites, or the calibration table of every executed proposal (sdk/proposal/outcome.ts).
 */
export const outcomeCommand: Command = {
  group: "proposal",
  name: "outcome",
  argument: "<id | all>",
  summary:
    "What an executed proposal did against what its cited impact report predicted: the share price since execution\n" +
    "against the report's fan (days inside p25–p75 and p5–p95), rebalances, turnover, fees, LTV and hedge ratio\n" +
    "ranked in the report's paths over the same days, and the prices since execution replayed with and without it.\n" +
    "`all`: the calibration table of every executed proposal, pooled. Reads the subgraph (--graphql) and the chain,\n" +
    "and reproduces each cited report (--report gives one proposal's instead, checked against the cited hash).\n" +
    "Exit code 1 when a proposal cannot be measured (not executed, no report cited, too few days since execution,\n" +
    "a report that does not reproduce); 2 for one the subgraph does not know.",
  examples: [
    "trimtab proposal outcome 4242",
    "trimtab proposal outcome 4242 --report report.json",
    "trimtab proposal outcome all --json --out calibration.json",
  ],
  options: ["rpc", "deployment", "graphql", "report", "json", "out"],
  async run(argument, values) {
    if (argument !== "all" && !/^\d+$/.test(argument))
      throw new Error(`a proposal id is a decimal number (or "all"); got "${argument}"`);
    const stack = await connect(values);
    const source = { stack, graphqlUrl: values.graphql };
    if (argument === "all") {
      if (values.report) throw new Error("--report is for one proposal: `all` reproduces each cited report");
      const calibration = await readOutcomeCalibration(source);
      if (values.out) await writeFile(values.out, json(calibration));
      console.log(values.json ? json(calibration) : calibrationMarkdown(calibration.table));
      return 0;
    }
    const report = values.report ? await readReportFile(values.report) : undefined;
    const outcome = await readProposalOutcome(source, BigInt(argument), report ? { report } : {});
    if (values.out) await writeFile(values.out, json(outcome));
    console.log(values.json ? json(outcome) : outcomeMarkdown(outcome));
    return outcome.status === "measured" ? 0 : 1;
  },
};

/** An impact report from a file: the report itself, or a JSON that holds it as `impact` (simulate's --json, --out). */
async function readReportFile(file: string): Promise<ImpactReport> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new Error(`--report ${file}: ${(error as Error).message}`);
  }
  const report = (parsed as { impact?: unknown }).impact ?? parsed;
  if (typeof (report as { contentHash?: unknown }).contentHash !== "string")
    throw new Error(`--report ${file}: not an impact report (no contentHash)`);
  return report as ImpactReport;
}
