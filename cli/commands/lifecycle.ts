import { execute, queue, readProposalStatus } from "../../sdk/governance/actions.ts";
import { readStackProposal } from "../../sdk/proposal/deployed.ts";
import { connect, signer, type Command, type OptionValues } from "../command.ts";

/** Reads proposal `id` back from the chain, takes the governor's `step` and prints the state it leads to. */
async function step(which: "queue" | "execute", id: string, values: OptionValues): Promise<number> {
  if (!/^\d+$/.test(id)) throw new Error(`a proposal id is a decimal number; got "${id}"`);
  const stack = await connect(values);
  const clients = { publicClient: stack.publicClient, walletClient: await signer(stack, values.account) };
  const proposal = await readStackProposal(stack, BigInt(id));
  const governor = stack.governor;
  if (which === "queue") await queue(clients, { governor, proposal });
  else await execute(clients, { governor, proposal });
  const { state } = await readProposalStatus(stack.publicClient, { governor, proposalId: proposal.id });
  console.log(`${which === "queue" ? "queued" : "executed"} ${proposal.id}; state ${state}`);
  return 0;
}

/** The command that takes the governor's `which` step for a proposal on chain. */
const stepCommand = (which: "queue" | "execute", summary: string): Command => ({
  group: "proposal",
  name: which,
  argument: "<id>",
  summary,
  examples: [`trimtab proposal ${which} 4242`],
  options: ["rpc", "deployment", "account"],
  run: (id, values) => step(which, id, values),
});

/** `trimtab proposal queue <id>`: a Succeeded proposal into the timelock. */
export const queueCommand = stepCommand("queue", "Queues a proposal that Succeeded in the timelock (anyone may).");

/** `trimtab proposal execute <id>`: a Queued proposal, once its ETA has come. */
export const executeCommand = stepCommand(
  "execute",
  "Executes a Queued proposal once the timelock's ETA has come (anyone may).",
);
