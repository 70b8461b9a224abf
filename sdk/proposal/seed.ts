/**
 * The seeds of a proposal's impact report, derived from what the proposal does, so that its proposer cannot choose
 * them (nor rerun until a seed shows what they hope): keccak256 of the canonical content, its first 4 bytes the
 * report's seed and the next 4 the second-seed rerun's. The content is the parameter changes by name with their new
 * registry values, sorted by name, and the raw calls in order (target, value in wei, calldata), so that the same
 * proposal read from its file or decoded from the chain gets the same seeds.
 */
import { keccak256, stringToBytes, type Address, type Hex } from "viem";

/** The content a proposal's seeds are derived from. */
export type SeedContent = {
  changes: readonly { name: string; after: bigint }[];
  calls: readonly { target: Address; value: bigint; data: Hex }[];
};

/** The seeds of a report of a proposal, and the digest they come from. */
export type ProposalSeeds = { seed: number; rerunSeed: number; digest: Hex };

/** Written first in the hashed text: a change to the derivation bumps it, so old seeds stay explainable. */
export const seedDerivation = "trimtab.proposal-seed/1";

/** The canonical text of a proposal's content: one JSON array, changes sorted by name, calls in order. */
export function seedText({ changes, calls }: SeedContent): string {
  const sorted = [...changes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return JSON.stringify([
    seedDerivation,
    sorted.map((c) => [c.name, c.after.toString()]),
    calls.map((c) => [c.target.toLowerCase(), c.value.toString(), c.data.toLowerCase()]),
  ]);
}

/** The report's seed and the rerun's, from `content` (each a whole number from 0 to 2^32 − 1). */
export function proposalSeeds(content: SeedContent): ProposalSeeds {
  const digest = keccak256(stringToBytes(seedText(content)));
  return {
    seed: Number.parseInt(digest.slice(2, 10), 16),
    rerunSeed: Number.parseInt(digest.slice(10, 18), 16),
    digest,
  };
}
