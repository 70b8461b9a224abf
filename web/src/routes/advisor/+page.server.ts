import { error } from "@sveltejs/kit";
import { checkProposal } from "../../../../sdk/proposal/check.ts";
import { decodeOnchainProposal, readOnchainProposal } from "../../../../sdk/proposal/onchain.ts";
import { settled } from "#lib/server/settled.ts";
import { sharedSimulationBase, sharedStack } from "#lib/server/sharedStack.ts";
import { querySubgraph } from "#lib/server/subgraph.ts";
import type { PageServerLoad } from "./$types";

/** A proposal whose changes the advisor places beside the current set: its id, title and changes (registry units). */
export type AdvisedProposal = {
  id: string;
  title: string;
  changes: { name: string; after: bigint | boolean }[];
};

/** The on-chain proposal `id`'s parameter changes, decoded from its calls as its own page decodes them. */
async function proposalChanges(id: string): Promise<AdvisedProposal> {
  if (!/^\d{1,78}$/.test(id)) error(400, `proposal: "${id}" is not a proposal id (a decimal number)`);
  const stack = await sharedStack();
  const { proposal } = await querySubgraph<{ proposal: { title: string; createdBlockNumber: string } | null }>(
    `query ($id: ID!) { proposal(id: $id) { title createdBlockNumber } }`,
    { id },
  );
  if (!proposal) error(404, `proposal: ${id} is not indexed (yet): check the id, or wait for the indexer`);
  const registry = await stack.readSnapshot();
  const onchain = await readOnchainProposal(
    stack.publicClient,
    stack.governor,
    BigInt(id),
    BigInt(proposal.createdBlockNumber),
  );
  const draft = decodeOnchainProposal(onchain, stack.registry, registry, stack.contracts);
  const checked = checkProposal(`proposal ${id}`, draft, registry);
  return {
    id,
    title: proposal.title,
    changes: checked.changes
      .filter((c) => c.kind !== "address")
      .map((c) => ({ name: c.name, after: c.kind === "bool" ? c.after !== 0n : c.after })),
  };
}

export const load: PageServerLoad = async ({ url }) => {
  const stack = await sharedStack();
  const id = url.searchParams.get("proposal");
  const [registry, proposal] = await Promise.all([stack.readSnapshot(), id === null ? undefined : proposalChanges(id)]);
  return {
    registry,
    proposal,
    // Streamed: the form shows before the feeds' history is read.
    simulationBase: settled(sharedSimulationBase().then((base) => ({ base }))),
  };
};
