import { describe, expect, it } from "vitest";
import type { ImpactReport } from "../../sim/report.ts";
import { readProposalOutcome, UnknownProposalError, type OutcomeSource, type ReportCache } from "./outcomeReader.ts";
import type { Stack } from "./deployed.ts";

const day = 86_400;
const executedAt = 1_000_000;
const cited = `Impact report: 0x${"ab".repeat(32)} (block 90)`;

type Proposal = { state: string; description: string; executed?: boolean };

/** A subgraph that knows proposal 7 as given, and a chain whose head is `headDaysAfter` days after its execution. */
function source(proposal: Proposal | undefined, headDaysAfter = 10): OutcomeSource {
  const answer = {
    proposals: proposal
      ? [
          {
            proposalId: "7",
            title: "Tighter band",
            description: `# Tighter band\n\n${proposal.description}`,
            state: proposal.state,
            createdBlockNumber: "100",
            stateChanges: proposal.executed
              ? [{ state: "Executed", blockNumber: "150", timestamp: String(executedAt) }]
              : [],
          },
        ]
      : [],
  };
  const publicClient = {
    getBlock: async () => ({ number: 200n, timestamp: BigInt(executedAt + headDaysAfter * day + 3_600) }),
  };
  return {
    stack: { publicClient } as unknown as Stack,
    graphqlUrl: "http://subgraph.test/subgraphs/name/trimtab",
    fetch: async () => new Response(JSON.stringify({ data: answer })),
  };
}

describe("Reading a proposal's outcome: what cannot be measured, and why", () => {
  it("throws, naming the subgraph, for a proposal it does not know", async () => {
    const read = readProposalOutcome(source(undefined), 7n);
    await expect(read).rejects.toThrow(UnknownProposalError);
    await expect(read).rejects.toThrow(
      "proposal 7 is not in the subgraph at http://subgraph.test/subgraphs/name/trimtab",
    );
  });

  it("says a proposal not executed has no outcome yet, with its state", async () => {
    expect(await readProposalOutcome(source({ state: "Queued", description: cited }), 7n)).toEqual({
      status: "unmeasured",
      proposalId: "7",
      title: "Tighter band",
      reason: "not-executed",
      message: "proposal 7 is Queued, not executed: its outcome is measured from its execution",
    });
  });

  it("says an executed proposal whose description cites no report has nothing to be measured against", async () => {
    const result = await readProposalOutcome(
      source({ state: "Executed", description: "No report.", executed: true }),
      7n,
    );
    expect(result).toMatchObject({ status: "unmeasured", reason: "no-cited-report" });
    expect(result.status === "unmeasured" && result.message).toContain("cites no impact report");
  });

  it("says how many whole days have passed when they are too few", async () => {
    const executed = { state: "Executed", description: cited, executed: true };
    expect(await readProposalOutcome(source(executed, 1), 7n)).toMatchObject({
      status: "unmeasured",
      reason: "too-few-days",
      message: "proposal 7 was executed 1 whole day ago; an outcome needs 2",
    });
    expect(await readProposalOutcome(source(executed, 0), 7n)).toMatchObject({
      message: "proposal 7 was executed 0 whole days ago; an outcome needs 2",
    });
  });

  it("takes the cited report from a cache of reproduced ones, checked against its content like a given one", async () => {
    const executed = { state: "Executed", description: cited, executed: true };
    // A cached report filed under the cited hash whose content no longer matches it is refused, not simulated again.
    const changed = {
      contentHash: `0x${"ab".repeat(32)}`,
      inputs: {},
      model: {},
      results: {},
    } as unknown as ImpactReport;
    const reports: ReportCache = new Map([[changed.contentHash, changed]]);
    expect(await readProposalOutcome(source(executed), 7n, { reports })).toMatchObject({
      status: "unmeasured",
      reason: "report-not-reproduced",
      message: expect.stringContaining(`the report given (${changed.contentHash}) is not the one proposal 7 cites`),
    });
  });
});
