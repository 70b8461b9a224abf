/**
 * Proposals' outcomes after execution from the web server (sdk/proposal/outcomeReader.ts reproduces each cited report
 * in this process, so an outcome costs a simulation): one proposal's for its page, every executed proposal's for the
 * calibration table and the delegates' track records. Each is read once per head block; page views in between share
 * it, and a proposal's page takes its outcome from the calibration when that was read at the same block. The cited
 * reports, which do not change with the head, are reproduced once and kept (up to 32). The delegates' track records
 * join the calibration's outcomes to the subgraph's votes: no outcome is read twice.
 */
import type { CalibrationTable, ProposalOutcomeResult } from "../../../../sdk/proposal/outcome.ts";
import {
  readOutcomeCalibration,
  readProposalOutcome,
  type ReportCache,
} from "../../../../sdk/proposal/outcomeReader.ts";
import { trackRecords, type TrackRecordEntry } from "../proposal/outcome.ts";
import { readDeployment, serverConfig } from "./config.ts";
import { once } from "./memo.ts";
import { sharedStack } from "./sharedStack.ts";
import { querySubgraph } from "./subgraph.ts";

export type OutcomeCalibration = { outcomes: ProposalOutcomeResult[]; table: CalibrationTable };

const calibrations = new Map<string, Promise<OutcomeCalibration>>();
const outcomes = new Map<string, Promise<ProposalOutcomeResult>>();
const reports: ReportCache = new Map();

/** The cited reports reproduced so far, emptied when full (a report carries its bands for every step). */
function reportCache(): ReportCache {
  if (reports.size >= 32) reports.clear();
  return reports;
}

/** The source outcomes are read from, and the key of the chain's head (a new deployment restarts the blocks). */
async function sourceAtHead() {
  const config = serverConfig();
  const { deployedAt } = await readDeployment(config);
  const stack = await sharedStack();
  const blockNumber = await stack.publicClient.getBlockNumber();
  return {
    source: { stack, graphqlUrl: config.graphqlUrl },
    key: `${config.deploymentFile}|${deployedAt}|${blockNumber}`,
  };
}

/** Every executed proposal's outcome and the calibration table they pool into, at the chain's head. */
export async function sharedOutcomeCalibration(): Promise<OutcomeCalibration> {
  const { source, key } = await sourceAtHead();
  return once(calibrations, key, () => readOutcomeCalibration(source, { reports: reportCache() }), 4);
}

/** Proposal `proposalId`'s outcome at the chain's head (throws `UnknownProposalError` for one not indexed). */
export async function sharedOutcome(proposalId: bigint): Promise<ProposalOutcomeResult> {
  const { source, key } = await sourceAtHead();
  const calibration = calibrations.get(key);
  if (calibration) {
    const found = (await calibration.catch(() => undefined))?.outcomes.find(
      (o) => o.proposalId === proposalId.toString(),
    );
    if (found) return found;
  }
  return once(
    outcomes,
    `${key}|${proposalId}`,
    () => readProposalOutcome(source, proposalId, { reports: reportCache() }),
    64,
  );
}

/**
 * Each voter's track record (address, lower case → their votes on executed proposals with each outcome's headline):
 * the outcomes of {@link sharedOutcomeCalibration}, joined to the subgraph's votes on those proposals (the first 1000).
 */
export async function sharedTrackRecords(): Promise<{ records: Record<string, TrackRecordEntry[]> }> {
  const { outcomes } = await sharedOutcomeCalibration();
  if (outcomes.length === 0) return { records: {} };
  const { votes } = await querySubgraph<{
    votes: { voter: { id: string }; supportLabel: string; proposal: { id: string } }[];
  }>(
    `query ($ids: [String!]!) {
      votes(first: 1000, where: { proposal_in: $ids }, orderBy: timestamp) { voter { id } supportLabel proposal { id } }
    }`,
    { ids: outcomes.map((o) => o.proposalId) },
  );
  const executedVotes = votes.map((v) => ({
    voter: v.voter.id,
    proposalId: v.proposal.id,
    supportLabel: v.supportLabel,
  }));
  return { records: trackRecords(executedVotes, outcomes) };
}
