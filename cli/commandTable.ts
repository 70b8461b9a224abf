/** The CLI's command table: every `trimtab` command, read by the program (cli/trimtab.ts) and the docs' test. */
import type { Command } from "./command.ts";
import { adviseCommand } from "./commands/advise.ts";
import { checkCommand } from "./commands/check.ts";
import { decodeCommand } from "./commands/decode.ts";
import { executeCommand, queueCommand } from "./commands/lifecycle.ts";
import { newCommand } from "./commands/new.ts";
import { outcomeCommand } from "./commands/outcome.ts";
import { simulateCommand } from "./commands/simulate.ts";
import { timeCommand } from "./commands/devnet.ts";
import { signalCommand, snapshotVoteCommand } from "./commands/snapshot.ts";
import { submitCommand } from "./commands/submit.ts";
import { delegateCommand, voteCommand } from "./commands/vote.ts";

/**
 * Every command, in the order a proposal meets them (the advisor first: it finds the sets worth proposing); then
 * delegation, decoding and the devnet's clock.
 */
export const commands: readonly Command[] = [
  adviseCommand,
  newCommand,
  checkCommand,
  simulateCommand,
  submitCommand,
  voteCommand,
  queueCommand,
  executeCommand,
  outcomeCommand,
  signalCommand,
  snapshotVoteCommand,
  delegateCommand,
  decodeCommand,
  timeCommand,
];
