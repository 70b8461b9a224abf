#!/usr/bin/env node
/**
 * `trimtab`: the delegates' command line. Each command lives in cli/commands/ and calls the SDK; this file is
 * `--help`, and the one place errors become messages and exit codes.
 *
 * Exit codes: 0 when done (a report that passes or only warns), 1 when a report's verdict is FAIL, 2 on bad usage,
 * an unreadable file or a refusal (the chain would refuse the transaction, or did).
 */
import { parseArgs } from "node:util";
import { commandHelp, findCommand, parseOptionsOf, usageLine, type OptionValues } from "./command.ts";
import { commands } from "./commandTable.ts";
import { GovernanceError } from "../sdk/governance/errors.ts";
import { stackAbi } from "../sdk/proposal/abis.ts";
import { decodeRevert, formatRevert } from "../sdk/revert.ts";

const usage = [
  "usage:",
  ...commands.map((c) => `  ${usageLine(c)}`),
  "",
  "trimtab <command> --help (or trimtab help <command>) says what a command does, what each option means, and",
  "shows an example.",
].join("\n");

/**
 * The message of an error: a revert decoded with every contract's ABI (its error, arguments and meaning), else a
 * refusal's short message (viem's and the SDK's errors carry one), else its text.
 */
function messageOf(error: unknown): string {
  const revert = decodeRevert(error, stackAbi);
  if (revert && !(error instanceof GovernanceError)) {
    const short = (error as { shortMessage?: unknown }).shortMessage;
    // viem's "The contract function "execute" reverted with the following signature:" becomes "… reverted: Error(…)".
    const what = typeof short === "string" ? short.split("\n")[0]!.replace(/( with the following \w+)?:?$/, "") : "";
    return `${what ? `${what}: ` : ""}${formatRevert(revert)}`;
  }
  if (error instanceof Error) {
    const short = (error as Error & { shortMessage?: unknown }).shortMessage;
    return typeof short === "string" ? short : error.message;
  }
  return String(error);
}

async function main(argv: string[]): Promise<number> {
  const flagged = argv.includes("--help") || argv.includes("-h");
  const unflagged = argv.filter((a) => a !== "--help" && a !== "-h");
  // `trimtab help [command]` is `trimtab [command] --help`.
  const help = flagged || unflagged[0] === "help";
  const words = unflagged[0] === "help" ? unflagged.slice(1) : unflagged;
  const [first, second] = words;
  const { grouped, command, named } = findCommand(commands, words);
  if (first === undefined || (grouped && second === undefined)) {
    if (help) console.log(usage);
    else console.error(first === undefined ? usage : `missing a ${first} command\n${usage}`);
    return help ? 0 : 2;
  }
  if (!command) {
    console.error(`unknown command "${(grouped ? [first, second] : [first]).filter(Boolean).join(" ")}"\n${usage}`);
    return 2;
  }
  const rest = words.slice(named);
  if (help) {
    console.log(commandHelp(command));
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: parseOptionsOf(command) });
  } catch (error) {
    console.error(`${messageOf(error)}\nusage: ${usageLine(command)}`);
    return 2;
  }
  // A command that takes no argument (argument "") takes no positional word.
  const takes = command.argument !== "";
  const [argument, ...extra] = takes ? parsed.positionals : [undefined, ...parsed.positionals];
  if ((takes && argument === undefined) || extra.length > 0) {
    console.error(
      `${argument === undefined && takes ? `missing ${command.argument}` : `unexpected ${extra.join(" ")}`}\n` +
        `usage: ${usageLine(command)}`,
    );
    return 2;
  }
  try {
    return await command.run(argument ?? "", parsed.values as OptionValues);
  } catch (error) {
    console.error(messageOf(error));
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
