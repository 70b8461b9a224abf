/**
 * What every `trimtab` command shares: the options it may take (each with its help line), the chain it connects
 * to, the account that signs, and how its usage is printed.
 */
import type { ParseArgsConfig } from "node:util";
import { createWalletClient, http, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { SigningClient } from "../sdk/governance/actions.ts";
import { readDeploymentRecord } from "../sdk/deployment.ts";
import {
  connectStack,
  describeProgress,
  type Stack,
  type StackOptions,
  type StackProgress,
} from "../sdk/proposal/deployed.ts";
import { checkChain, localRpcUrl, rpcUrlFor } from "../sdk/rpc.ts";

/** Every option of the CLI, with its help line; a command names those it takes. */
export const options = {
  rpc: {
    type: "string",
    help: `JSON-RPC of the chain (default: the deployment record's, else ${localRpcUrl})`,
    value: "<url>",
  },
  deployment: {
    type: "string",
    default: "deployments/localhost.json",
    help: "its deployment record",
    value: "<file>",
  },
  dir: { type: "string", default: "proposals", help: "the folder to write the new proposal in", value: "<dir>" },
  graphql: {
    type: "string",
    default: "http://127.0.0.1:8000/subgraphs/name/trimtab",
    help: "the subgraph's GraphQL (the local indexer's by default)",
    value: "<url>",
  },
  report: {
    type: "string",
    help: "the proposal's cited impact report (JSON, as proposal simulate <id> --out writes it), used instead of reproducing it",
    value: "<file>",
  },
  json: { type: "boolean", default: false, help: "print the result as JSON only" },
  out: { type: "string", help: "also write the result (JSON) to this file", value: "<file>" },
  history: {
    type: "string",
    help: "calibrate the market on this price history (CSV or JSON: time, then a USD price per asset) instead of the feeds'",
    value: "<file>",
  },
  account: {
    type: "string",
    help: "sign with the node's n-th unlocked account (or set TRIMTAB_PRIVATE_KEY)",
    value: "<n>",
  },
  space: { type: "string", help: "the Snapshot space, e.g. trimtab.eth", value: "<space>" },
  hub: {
    type: "string",
    help: "a Snapshot hub (sequencer) to send to; without one, or when it cannot be reached, the signed envelope is written to --out",
    value: "<url>",
  },
  days: { type: "string", default: "3", help: "how long the signal lasts, 1 to 30 days", value: "<n>" },
  choice: { type: "string", help: "For, Against or Abstain", value: "<choice>" },
  reason: { type: "string", help: "a reason, published with the vote", value: "<text>" },
  "snapshot-block": {
    type: "string",
    help: "the block whose voting power counts (default: the latest)",
    value: "<n>",
  },
  params: {
    type: "string",
    help: "the registry parameters the advisor searches, comma-separated (default: the risk assets' weights, rebalance.bandBps, rebalance.maxTradeBps, collateral.targetLtvBps, hedge.ratioBps)",
    value: "<a,b,c>",
  },
  drift: {
    type: "string",
    help: "the market's drift: zero, fitted (from the feeds' short history) or a yearly percentage such as \"8%\" (default zero)",
    value: "<drift>",
  },
  paths: { type: "string", help: "Monte Carlo paths each parameter set runs on (default 2000)", value: "<n>" },
  population: { type: "string", help: "NSGA-II's population, 4 to 1000 (default 40)", value: "<n>" },
  generations: { type: "string", help: "NSGA-II's generations after the start, 0 to 100 (default 4)", value: "<n>" },
  seed: { type: "string", help: "the seed of the paths and of the search (default 1)", value: "<n>" },
  threads: { type: "string", help: "worker threads evaluating sets, 1 to 256 (default: one per core)", value: "<n>" },
  "max-liquidation": {
    type: "string",
    help: "the ceiling on a set's probability of a liquidation over the horizon (default 1%)",
    value: "<percent>",
  },
  "min-breaking-drop": {
    type: "string",
    help: "the smallest joint drop of the risk assets that may liquidate a module (default 30%)",
    value: "<percent>",
  },
  proposal: {
    type: "string",
    help: "a proposal file whose modelled changes are placed beside the current set as the proposed set",
    value: "<file>",
  },
  point: {
    type: "string",
    help: "the advisor point to glide to: prints the proposals that reach it within the max steps and min intervals",
    value: "<id>",
  },
  "glide-dir": {
    type: "string",
    help: "write the glide path to --point as proposal files in this folder (never over existing files)",
    value: "<dir>",
  },
} as const satisfies Record<
  string,
  { type: "string" | "boolean"; default?: string | boolean; help: string; value?: string }
>;

export type OptionName = keyof typeof options;

/** The values of a command's options, as `node:util` parses them. */
export type OptionValues = {
  [Name in OptionName]: (typeof options)[Name] extends { type: "boolean" }
    ? boolean
    : (typeof options)[Name] extends { default: string }
      ? string
      : string | undefined;
};

/** One command: `trimtab [group] <name> <argument> [options]` (`trimtab proposal check`, `trimtab delegate`). */
export type Command = {
  /** The word before its name: "proposal", "devnet", or none. */
  group?: "proposal" | "devnet";
  name: string;
  /** Its positional argument, as usage shows it: "<file>"; "" when it takes none. */
  argument: string;
  summary: string;
  /** Examples of a call, as `--help` shows them: `trimtab proposal check proposals/examples/hedge-more.yaml`. */
  examples: readonly string[];
  options: readonly OptionName[];
  /** Runs it; the exit code: 0 done (or only warnings), 1 a failing verdict. Errors exit with 2. */
  run: (argument: string, values: OptionValues) => Promise<number>;
};

/** The `node:util` parseArgs options of `command`. */
export function parseOptionsOf(command: Command): ParseArgsConfig["options"] {
  return Object.fromEntries(
    command.options.map((name) => {
      const { type, ...rest } = options[name];
      return [name, { type, ...("default" in rest ? { default: rest.default } : {}) }];
    }),
  );
}

/**
 * The command `words` call (`proposal check …`, `delegate …`) in `commands`: whether the first word is a group of
 * commands, the command named (undefined when none is), and how many words named it (the rest are its arguments).
 */
export function findCommand(
  commands: readonly Command[],
  words: readonly (string | undefined)[],
): { grouped: boolean; command: Command | undefined; named: 1 | 2 } {
  const [first, second] = words;
  const grouped = commands.some((c) => c.group !== undefined && c.group === first);
  const command = grouped
    ? commands.find((c) => c.group === first && c.name === second)
    : commands.find((c) => c.group === undefined && c.name === first);
  return { grouped, command, named: grouped ? 2 : 1 };
}

/** One usage line of `command`. */
export function usageLine(command: Command): string {
  const flags = command.options.map((name) => {
    const option = options[name];
    return `[--${name}${"value" in option ? ` ${option.value}` : ""}]`;
  });
  return ["trimtab", commandWords(command), command.argument, ...flags].filter((word) => word !== "").join(" ");
}

/** How a command is called: "proposal check", "delegate". */
export function commandWords(command: Command): string {
  return command.group ? `${command.group} ${command.name}` : command.name;
}

/** `trimtab <command> --help`: its usage, what it does, each option with its default, and examples. */
export function commandHelp(command: Command): string {
  const lines = command.options.map((name) => {
    const option = options[name];
    const flag = `--${name}${"value" in option ? ` ${option.value}` : ""}`;
    const fallback = "default" in option && option.type === "string" ? ` (default ${option.default})` : "";
    return `  ${flag.padEnd(24)} ${option.help}${fallback}`;
  });
  return [
    `usage: ${usageLine(command)}`,
    "",
    command.summary,
    ...(lines.length ? ["", "options:", ...lines] : []),
    "",
    command.examples.length > 1 ? "examples:" : "example:",
    ...command.examples.map((example) => `  ${example}`),
  ].join("\n");
}

/**
 * The chain a proposal is checked against: clients, the deployment's addresses and the registry snapshot. The chain
 * is `--rpc`, else the record's own; one that does not answer, or is another chain, is refused in one line.
 */
export async function connect(
  values: Pick<OptionValues, "rpc" | "deployment">,
  options: Pick<StackOptions, "historyFile"> = {},
): Promise<Stack> {
  const { record, transport } = await reachDeployment(values);
  return connectStack(transport, record.contracts, values.deployment, {
    ...options,
    startBlock: BigInt(record.startBlock),
    onProgress: progressOnStderr(),
  });
}

/**
 * Prints a long read's progress on stderr, a line at most every 2 s: reads done within 2 s print nothing.
 */
function progressOnStderr(): (progress: StackProgress) => void {
  const started = performance.now();
  let printedAt = started;
  return (progress) => {
    const now = performance.now();
    if (now - printedAt < 2_000) return;
    printedAt = now;
    process.stderr.write(`${describeProgress(progress)}\n`);
  };
}

/** The deployment record and a transport to its chain, checked to answer and to be the record's chain. */
export async function reachDeployment(values: Pick<OptionValues, "rpc" | "deployment">) {
  const record = await readDeploymentRecord(values.deployment, {
    missing: "start the stack with npm start, or pass --deployment",
  });
  const rpcUrl = rpcUrlFor(record, values.rpc);
  await checkChain(rpcUrl, record, values.deployment, "--rpc <url>");
  return { record, rpcUrl, transport: http(rpcUrl) };
}

/** The account that signs: `--account <n>` of the node's unlocked accounts, or the key in TRIMTAB_PRIVATE_KEY. */
export async function signer(stack: Stack, accountIndex: string | undefined): Promise<SigningClient> {
  const key = process.env.TRIMTAB_PRIVATE_KEY;
  if (key) {
    if (!/^0x[0-9a-fA-F]{64}$/.test(key))
      throw new Error("TRIMTAB_PRIVATE_KEY is not a private key (0x and 64 hex digits)");
    return createWalletClient({ account: privateKeyToAccount(key as Hex), transport: stack.transport });
  }
  const accounts = await createWalletClient({ transport: stack.transport }).getAddresses();
  const index = Number(accountIndex ?? "0");
  const account = Number.isInteger(index) ? accounts[index] : undefined;
  if (!account)
    throw new Error(
      `--account ${accountIndex}: the node has ${accounts.length} unlocked accounts (0 to ${accounts.length - 1})`,
    );
  return createWalletClient({ account, transport: stack.transport });
}

/** JSON with bigints as decimal strings. */
export const json = (value: unknown) =>
  JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
