import { error } from "@sveltejs/kit";
import { checkProposal } from "../../../../../sdk/proposal/check.ts";
import { decodeOnchainProposal, readOnchainProposal, reportCitationOf } from "../../../../../sdk/proposal/onchain.ts";
import { guardConditionsInWords, guardSection, readGuard, stackWording } from "../../../../../sdk/proposal/guard.ts";
import { impactRequest } from "../../../../../sdk/proposal/deployed.ts";
import { proposalChecks } from "../../../../../sdk/proposal/report.ts";
import { guardCheck } from "../../../../../sdk/proposal/checks/guard.ts";
import { formatRecordedValue, formatValue } from "../../../../../sdk/proposal/units.ts";
import { proposalStates, upcomingStates } from "../../../../../sdk/governance/enums.ts";
import { trimtabGovernorAbi } from "../../../../../sdk/abis/contracts.ts";
import { describeRules } from "#lib/rules.ts";
import { settled, unavailable } from "#lib/server/settled.ts";
import { forkDryRun, sharedSimulationBase, sharedStack } from "#lib/server/sharedStack.ts";
import { sharedOutcome } from "#lib/server/outcomes.ts";
import { renderDescription } from "#lib/server/markdown.ts";
import { querySubgraph } from "#lib/server/subgraph.ts";
import type { PageServerLoad } from "./$types";

type SubgraphProposal = {
  id: string;
  title: string;
  description: string;
  proposer: { id: string };
  createdBlockNumber: string;
  createdTimestamp: string;
  voteStart: string;
  voteEnd: string;
  extendedDeadline: string | null;
  eta: string | null;
  voteCount: number;
  forVotes: string;
  againstVotes: string;
  abstainVotes: string;
  stateChanges: { state: string; timestamp: string }[];
  votes: { voter: { id: string }; supportLabel: string; weight: string; reason: string; timestamp: string }[];
  parameterChanges: { name: string; oldValue: string; newValue: string }[];
};

export const load: PageServerLoad = async ({ params }) => {
  if (!/^\d{1,78}$/.test(params.id)) error(404, `"${params.id}" is not a proposal id (a decimal number)`);
  const id = BigInt(params.id);
  const stack = await sharedStack();
  const { proposal } = await querySubgraph<{ proposal: SubgraphProposal | null }>(
    `query ($id: ID!) {
      proposal(id: $id) {
        id title description proposer { id } createdBlockNumber createdTimestamp voteStart voteEnd extendedDeadline eta voteCount forVotes againstVotes abstainVotes
        stateChanges(orderBy: timestamp) { state timestamp }
        votes(first: 100, orderBy: weight, orderDirection: desc) { voter { id } supportLabel weight reason timestamp }
        parameterChanges { name oldValue newValue }
      }
    }`,
    { id: params.id },
  );
  if (!proposal) error(404, `proposal ${params.id} is not indexed (yet): check the id, or wait for the indexer`);

  const governor = { address: stack.governor, abi: trimtabGovernorAbi } as const;
  const client = stack.publicClient;
  const [stateIndex, snapshotTime, deadline, eta, block] = await Promise.all([
    client.readContract({ ...governor, functionName: "state", args: [id] }),
    client.readContract({ ...governor, functionName: "proposalSnapshot", args: [id] }),
    client.readContract({ ...governor, functionName: "proposalDeadline", args: [id] }),
    client.readContract({ ...governor, functionName: "proposalEta", args: [id] }),
    client.getBlock(),
  ]);
  // The quorum at the snapshot, once the snapshot is in the past (before, the governor cannot say).
  const quorum =
    snapshotTime < block.timestamp
      ? await client.readContract({ ...governor, functionName: "quorum", args: [snapshotTime] })
      : undefined;
  const state = proposalStates[stateIndex] ?? "Pending";

  const registry = await stack.readSnapshot();
  const onchain = await readOnchainProposal(client, stack.governor, id, BigInt(proposal.createdBlockNumber));
  const draft = decodeOnchainProposal(onchain, stack.registry, registry, stack.contracts);
  // The postcondition guard its calls carry (the stack's own only), its conditions in words.
  const batch = {
    actions: onchain.targets.map((target, i) => ({ target, value: onchain.values[i], data: onchain.calldatas[i]! })),
    descriptionHash: onchain.descriptionHash,
  };
  const wording = stackWording(stack.contracts, registry);
  const carried = readGuard(batch.actions);
  const guarded =
    carried &&
    stack.contracts.ProposalGuard &&
    carried.guard.toLowerCase() === stack.contracts.ProposalGuard.toLowerCase()
      ? carried
      : undefined;
  const name = `proposal ${params.id}`;
  const checked = checkProposal(name, draft, registry);
  const changes = checked.changes.map((c) => ({
    name: c.name,
    before: formatValue(c.name, c.kind, c.before, registry),
    after: formatValue(c.name, c.kind, c.after, registry),
    rules: registry.parameters[c.name] && describeRules(registry.parameters[c.name]!, registry),
    checks: checked.checks.filter((k) => k.field === `changes."${c.name}"`),
  }));
  // What the subgraph recorded the proposal changing (once executed), in each parameter's unit as the registry reads it.
  const recordedChanges = proposal.parameterChanges.map((c) => ({
    name: c.name,
    before: formatRecordedValue(c.name, c.oldValue, registry),
    after: formatRecordedValue(c.name, c.newValue, registry),
  }));
  const live = upcomingStates.has(state);
  const cited = reportCitationOf(onchain.description);
  const simulationAt = (blockNumber: bigint | undefined) =>
    settled(
      sharedSimulationBase(blockNumber).then((base) => ({
        block: base.start.source?.blockNumber ?? "latest",
        ...impactRequest(base, draft, checked),
      })),
    );

  return {
    id: params.id,
    proposal,
    // The description as safe HTML (markdown-it, raw HTML off, http(s)/mailto links only): see markdown.ts.
    descriptionHtml: renderDescription(proposal.description),
    state,
    chain: {
      now: Number(block.timestamp),
      snapshot: Number(snapshotTime),
      deadline: Number(deadline),
      eta: Number(eta),
      quorum: quorum?.toString(),
      // The tally as the subgraph indexed it (what analysts query too); the page reloads it after a vote.
      forVotes: proposal.forVotes,
      againstVotes: proposal.againstVotes,
      abstainVotes: proposal.abstainVotes,
    },
    live,
    changes,
    recordedChanges,
    // What queue and execute take: the proposal's calls as proposed.
    calls: {
      targets: [...onchain.targets],
      values: [...onchain.values],
      calldatas: [...onchain.calldatas],
      descriptionHash: onchain.descriptionHash,
    },
    guard: guarded && {
      address: guarded.guard,
      executesOnlyIf: guardConditionsInWords(guarded.conditions, wording),
    },
    rawCalls: draft.calls.map((c) => ({ target: c.target, data: c.data, value: c.value.toString() })),
    checks: checked.checks,
    verdict: checked.verdict,
    citedReport: cited?.hash,
    // Streamed: the page renders first, then these arrive.
    // With every check of the report (report.ts `proposalChecks`): the registry's, the call trace's, those after
    // execution and the permissions policy on what the calls did. Bigints cross to the page as they are (devalue).
    dryRun: live
      ? settled(
          // With the guard's rehearsal: would its whole batch execute on the chain as it is now?
          forkDryRun(draft, name, batch).then(({ checked, dryRun }) => {
            const guard = dryRun.guard && guardSection(dryRun.guard, wording);
            return {
              dryRun,
              guard,
              checks: [...proposalChecks(checked, dryRun, draft.permissions), ...guardCheck(guard)],
            };
          }),
        )
      : unavailable(`The proposal is ${state}: there is nothing left to dry-run.`),
    // The report the description cites is reproduced from the chain as it was when it was made (the block the
    // description names, or the one before the proposal's); the impact from the chain as it is now is offered while
    // the changes are ahead.
    simulations: {
      asSubmitted: cited
        ? simulationAt(cited.blockNumber ?? BigInt(proposal.createdBlockNumber) - 1n)
        : unavailable("The description cites no impact report to reproduce."),
      now: live ? simulationAt(undefined) : unavailable(`The proposal is ${state}: its changes are no longer ahead.`),
    },
    // Since its execution, against the report it cites (reproduced, so streamed too); only for an executed one.
    outcome:
      state === "Executed"
        ? settled(sharedOutcome(id).then((result) => ({ result })))
        : unavailable(`The proposal is ${state}: an outcome is measured from its execution.`),
  };
};
