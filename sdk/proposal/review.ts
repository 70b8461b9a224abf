/**
 * A proposal's review before the vote, and its submission, written once for the CLI and the devnet: the checks
 * against the live registry, the dry run on a fork of the chain and the impact simulation, as one report;
 * then, unless the verdict is FAIL, `propose` with the report's hash (and the block it started from) in the
 * description. Node only: a proposal is read from disk, and the simulation runs in this process.
 */
import type { Hex } from "viem";
import { simulateNow } from "../../sim/simulate.ts";
import type { ImpactReport } from "../../sim/report.ts";
import { propose, readProposalStatus, type Progress, type SigningClient } from "../governance/actions.ts";
import type { ProposalStateName } from "../governance/enums.ts";
import type { ProposalAction } from "../proposalArgs.ts";
import type { OnchainBatch } from "./dryRunProposal.ts";
import { proposalActions, proposalDescription } from "./actions.ts";
import { checkProposal } from "./check.ts";
import type { ProposalDraft } from "./proposalFile.ts";
import { loadProposal } from "./load.ts";
import { decodeOnchainProposal, reportCitationOf } from "./onchain.ts";
import { buildProposalReport, type ProposalReport } from "./report.ts";
import { changeFormatter } from "./units.ts";
import { impactRequest, readStackProposal, simulationBase, type Stack } from "./deployed.ts";
import { dryRunProposal, guardPlan } from "./dryRunProposal.ts";
import { guardSection, stackWording } from "./guard.ts";

/**
 * A proposal to review, its name in the report, and for one on chain: the impact report its description cites (if
 * any), its state, and the block the report was made from (the one it cites, else the block before the proposal's).
 */
export type ReviewedProposal = {
  name: string;
  proposal: ProposalDraft;
  cited?: { hash: Hex; blockNumber?: bigint };
  onchain?: {
    state: ProposalStateName | `unknown state ${number}`;
    submittedFromBlock: bigint;
    /** Its calls as proposed (a guarded one's `begin` and `verify` included) and its description's hash. */
    batch: OnchainBatch;
  };
};

export type { OnchainBatch } from "./dryRunProposal.ts";

/**
 * A proposal from `source`: a file or folder in proposals/, or the decimal id of a proposal already on chain
 * (decoded back into parameter changes and raw calls, whoever made it).
 */
export async function proposalFromSource(stack: Stack, source: string): Promise<ReviewedProposal> {
  if (!/^\d+$/.test(source)) return { name: source, proposal: await loadProposal(source) };
  const onchain = await readStackProposal(stack, BigInt(source));
  const proposal = decodeOnchainProposal(onchain, stack.registry, await stack.readSnapshot(), stack.contracts);
  const cited = reportCitationOf(onchain.description);
  const { state } = await readProposalStatus(stack.publicClient, { governor: stack.governor, proposalId: onchain.id });
  const submittedFromBlock = cited?.blockNumber ?? onchain.createdBlockNumber - 1n;
  const batch = {
    actions: onchain.targets.map((target, i) => ({
      target,
      value: onchain.values[i] ?? 0n,
      data: onchain.calldatas[i]!,
    })),
    descriptionHash: onchain.descriptionHash,
  };
  return {
    name: `proposal ${source}`,
    proposal,
    ...(cited ? { cited } : {}),
    onchain: { state, submittedFromBlock, batch },
  };
}

/**
 * The impact simulation alone, from the chain as it was at `blockNumber`: what a proposal that is no longer ahead
 * (executed, defeated, canceled, expired) was shown to do when it was submitted. Its checks and dry run no longer
 * apply: its changes are on chain, or will never be. With it, the changed parameters the model does not use.
 */
export async function impactAsSubmitted(
  stack: Stack,
  { name, proposal }: Pick<ReviewedProposal, "name" | "proposal">,
  blockNumber: bigint,
): Promise<{
  impact: ImpactReport;
  notSimulated: string[];
  formatChange: (name: string, value: number | boolean) => string;
}> {
  const snapshot = await stack.readSnapshot();
  const checked = checkProposal(name, proposal, snapshot);
  const { request, notSimulated } = impactRequest(await simulationBase(stack, { blockNumber }), proposal, checked);
  const formatChange = changeFormatter(Object.values(snapshot.parameters), snapshot);
  return { impact: simulateNow(request), notSimulated, formatChange };
}

/**
 * Checks, dry run and impact simulation of `proposal`, as one report, with the calls it makes and its description
 * (citing the impact report). The dry run (on a fork) and the simulation start from the chain as it is now, or at
 * `simulateAt` (the block a cited report started from, to reproduce it). A proposal file on a stack with a proposal
 * guard is guarded: its calls are wrapped by the guard, whose conditions the dry run reads and rehearses; an on-chain
 * proposal (`onchain`) is rehearsed with the guard its calls carry, if any.
 */
export async function reviewProposal(
  stack: Stack,
  { name, proposal }: Pick<ReviewedProposal, "name" | "proposal">,
  options: { simulateAt?: bigint | undefined; onchain?: OnchainBatch | undefined } = {},
): Promise<{ report: ProposalReport; actions: ProposalAction[]; description: string }> {
  const snapshot = await stack.readSnapshot();
  const checked = checkProposal(name, proposal, snapshot);
  const base = await simulationBase(stack, options.simulateAt === undefined ? {} : { blockNumber: options.simulateAt });
  const { request, notSimulated } = impactRequest(base, proposal, checked);
  const impact = simulateNow(request);
  const description = proposalDescription(proposal, impact.contentHash, impact.inputs.source?.blockNumber);
  const dryRun = await dryRunProposal(stack, proposal, checked, {
    blockNumber: options.simulateAt,
    guard: guardPlan(stack, options.onchain ? { onchain: options.onchain } : { proposal, description }),
  });
  const report = buildProposalReport({
    file: name,
    title: proposal.title,
    checked,
    dryRun,
    impact,
    notSimulated,
    permissions: proposal.permissions,
    guard: dryRun.guard && guardSection(dryRun.guard, stackWording(stack.contracts, snapshot)),
  });
  return {
    report,
    actions: dryRun.guard?.actions ?? proposalActions(proposal, checked.changes, stack.registry),
    description,
  };
}

/** What a submission did: nothing when the report's verdict is FAIL, else the proposal it made. */
export type Submission =
  | { submitted: false; report: ProposalReport }
  | { submitted: true; report: ProposalReport; proposalId: bigint; hash: Hex; description: string };

/**
 * Reviews `proposal`, then (unless the verdict is FAIL) proposes it as `walletClient`'s account, its description
 * citing the impact report's content hash and start block.
 */
export async function submitProposal(
  stack: Stack,
  walletClient: SigningClient,
  args: Pick<ReviewedProposal, "name" | "proposal"> & { onProgress?: ((progress: Progress) => void) | undefined },
): Promise<Submission> {
  const { report, actions, description } = await reviewProposal(stack, args);
  if (report.verdict === "FAIL") return { submitted: false, report };
  const { proposalId, hash } = await propose(
    { publicClient: stack.publicClient, walletClient },
    { governor: stack.governor, actions, description, onProgress: args.onProgress },
  );
  return { submitted: true, report, proposalId, hash, description };
}
