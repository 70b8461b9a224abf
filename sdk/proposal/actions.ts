/**
 * What a checked proposal sends on chain: one `setParameters` call on the registry with every parameter change (an
 * atomic batch), then its raw calls; and its description, the title and body with the impact report's hash, so
 * that voters can verify the numbers they are shown.
 */
import { encodeFunctionData, type Address, type Hex } from "viem";
import { parameterRegistryAbi } from "../abis/contracts.ts";
import { parameterKey } from "../../parameters/parameterKey.ts";
import type { ProposalAction } from "../proposalArgs.ts";
import type { ParameterChange } from "./check.ts";
import type { ProposalDraft } from "./proposalFile.ts";

export function proposalActions(
  proposal: ProposalDraft,
  changes: readonly ParameterChange[],
  registry: Address,
): ProposalAction[] {
  const actions: ProposalAction[] = [];
  if (changes.length > 0) {
    actions.push({
      target: registry,
      data: encodeFunctionData({
        abi: parameterRegistryAbi,
        functionName: "setParameters",
        args: [changes.map((c) => ({ key: parameterKey(c.name), value: c.after }))],
      }),
    });
  }
  for (const call of proposal.calls) actions.push({ target: call.target, value: call.value, data: call.data });
  return actions;
}

/**
 * The on-chain description: `# title`, the body, and the impact report's content hash when there is one, with the
 * block its simulation started from (so that anyone can reproduce it from the chain as it was then).
 */
export function proposalDescription(proposal: ProposalDraft, reportHash?: Hex, reportBlock?: bigint | string): string {
  const body = proposal.body.trim().startsWith("# ")
    ? proposal.body.trim()
    : `# ${proposal.title}\n\n${proposal.body.trim()}`;
  if (!reportHash) return `${body}\n`;
  return `${body}\n\nImpact report: ${reportHash}${reportBlock === undefined ? "" : ` (block ${reportBlock})`}\n`;
}
