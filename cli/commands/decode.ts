import type { Address } from "viem";
import { readDeploymentRecord, type DeploymentRecord } from "../../sdk/deployment.ts";
import {
  decodeActions,
  decodeContextOf,
  decodeData,
  type DecodeContext,
  type DecodedAction,
  type DecodedCall,
  type DecodedError,
} from "../../sdk/decode.ts";
import { readProposalStatus } from "../../sdk/governance/actions.ts";
import { readStackProposal } from "../../sdk/proposal/deployed.ts";
import { formatTokenAmount } from "../../sdk/proposal/units.ts";
import { formatRevert } from "../../sdk/revert.ts";
import { connect, json, type Command, type OptionValues } from "../command.ts";

const ether = { symbol: "ETH", decimals: 18 };

/** A decoded call as indented lines: its signature, each argument (an array one item a line), then its calls. */
export function callLines(call: DecodedCall, indent = ""): string[] {
  const lines = [`${indent}${call.signature}`];
  for (const arg of call.args) {
    const label = arg.name || arg.type;
    if (Array.isArray(arg.text))
      lines.push(
        `${indent}  ${label}:${arg.text.length ? "" : " (none)"}`,
        ...arg.text.map((item) => `${indent}    ${item}`),
      );
    else lines.push(`${indent}  ${label}: ${arg.text}`);
  }
  for (const [i, action] of (call.actions ?? []).entries())
    lines.push(...actionLines(action, `call ${i + 1}`, `${indent}  `));
  return lines;
}

/** One action: its target (named), the wei it sends, and its call decoded (or why it is not). */
export function actionLines(action: DecodedAction, label: string, indent = ""): string[] {
  const target = action.targetName ? `${action.targetName} (${action.target})` : action.target;
  const value = action.valueWei === 0n ? "" : `, sending ${formatTokenAmount(action.valueWei, ether)}`;
  const head = `${indent}${label}: ${target}${value}`;
  if (action.call.kind === "undecoded")
    return [head, `${indent}  ${action.call.reason}${action.call.selector ? ` (data ${action.call.data})` : ""}`];
  return [head, ...callLines(action.call, `${indent}  `)];
}

/** Revert data as a line: the error as sdk/revert.ts writes it. */
const errorLine = (decoded: DecodedError) => `error ${formatRevert(decoded.revert)}`;

/**
 * What decoding knows from the deployment record and its chain when they are there; without them it still decodes
 * (addresses bare, kinds from the catalog), and says so on stderr.
 */
async function offlineFriendlyContext(values: OptionValues): Promise<DecodeContext> {
  let record: DeploymentRecord;
  try {
    record = await readDeploymentRecord(values.deployment, { missing: "addresses are not named" });
  } catch (error) {
    console.error(`(${(error as Error).message})`);
    return {};
  }
  const context = decodeContextOf(record);
  try {
    return { ...context, registry: await (await connect(values)).readSnapshot() };
  } catch (error) {
    console.error(
      `(${(error as Error).message.split("\n")[0]}; parameter kinds come from the catalog, base-asset amounts stay in base wei)`,
    );
    return context;
  }
}

/** `trimtab decode <hex | proposal id>`: calldata, revert data or an on-chain proposal's actions, as people read them. */
export const decodeCommand: Command = {
  name: "decode",
  argument: "<hex | proposal id>",
  summary:
    "Decodes calldata or revert data of the stack's contracts (registry, vault, modules, governor, timelock, token):\n" +
    "the function or error and each named argument in its unit (a registry key by its parameter's name, its value in\n" +
    "the parameter's unit; the deployment's contracts by name; token amounts in the token's units); the calls a\n" +
    "timelock batch or a governor relay carries are decoded in turn. A decimal number is a proposal id: each action\n" +
    "of that proposal on chain is decoded (target, value, call). Without a deployment record or chain, calldata is\n" +
    "still decoded, with bare addresses and the catalog's parameters. An unknown selector exits with 2.",
  examples: [
    "trimtab decode 0x723507be726562616c616e63652e62616e644270730000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000190",
    "trimtab decode 4242 --rpc http://127.0.0.1:18745",
    "trimtab decode 4242 --json",
  ],
  options: ["rpc", "deployment", "json"],
  async run(input, values) {
    if (/^\d+$/.test(input)) {
      const stack = await connect(values);
      const record = await readDeploymentRecord(values.deployment, { missing: "pass --deployment" });
      const context = { ...decodeContextOf(record), registry: await stack.readSnapshot() };
      const proposal = await readStackProposal(stack, BigInt(input));
      const { state } = await readProposalStatus(stack.publicClient, {
        governor: stack.governor,
        proposalId: proposal.id,
      });
      const actions = decodeActions(proposal, context);
      if (values.json) {
        console.log(json({ proposalId: proposal.id, state, proposer: proposal.proposer, actions }));
        return 0;
      }
      const title = proposal.description.split("\n").find((line) => line.trim() !== "") ?? "";
      console.log(`proposal ${proposal.id}`);
      console.log(`  ${title.replace(/^#+\s*/, "")}`);
      console.log(`  ${state}, proposed by ${proposal.proposer as Address} in block ${proposal.createdBlockNumber}`);
      for (const [i, action] of actions.entries())
        console.log(actionLines(action, `action ${i + 1} of ${actions.length}`).join("\n"));
      return 0;
    }
    const context = await offlineFriendlyContext(values);
    const decoded = decodeData(input, context);
    if (values.json) console.log(json(decoded));
    else console.log(decoded.kind === "error" ? errorLine(decoded) : callLines(decoded).join("\n"));
    return 0;
  },
};
