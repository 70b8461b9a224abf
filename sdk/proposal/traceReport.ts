/**
 * A dry run's traces as markdown: per traced call, its call tree indented by depth, then its state diff (a storage
 * table per contract, the ETH balances, the ERC-20 balances). Amounts may be bigints or, in a report read back from
 * JSON, decimal strings.
 */
import { formatEther, type Address } from "viem";
import type { DryRun } from "./dryRun.ts";
import type { StateDiff, TracedCall, TracedEvent, TransactionTrace } from "./trace.ts";
import { formatTokenAmount } from "./units.ts";

/** Arguments longer than this are cut in the tree (the JSON report keeps them whole). */
const maxArgsChars = 160;

/** The units of `address` among the dry run's tokens (any case), if it is one. */
export function tokenUnitsOf(tokens: DryRun["tokens"], address: string): DryRun["tokens"][Address] | undefined {
  return Object.entries(tokens).find(([a]) => a.toLowerCase() === address.toLowerCase())?.[1];
}

/** A call's target as people read it: the stack contract's name, else the token's symbol, else the address. */
export function callTarget(call: Pick<TracedCall, "to" | "contract">, tokens: DryRun["tokens"] = {}): string {
  return call.contract ?? tokenUnitsOf(tokens, call.to)?.symbol ?? call.to;
}

/** `setParameters(…)` with its decoded arguments (cut at `maxChars`); the selector and raw data when no ABI knew it. */
export function callSignature(call: Pick<TracedCall, "function" | "args">, maxChars = maxArgsChars): string {
  if (!call.function) return "";
  const args = call.args.length > maxChars ? `${call.args.slice(0, maxChars)}…` : call.args;
  return `${call.function}(${call.function.startsWith("0x") ? args : args.replace(/^\[|\]$/g, "")})`;
}

/** `Transfer({"from":…})`: an event of the trace, its arguments cut at `maxChars`. */
export function eventSignature(event: Pick<TracedEvent, "name" | "args">, maxChars = maxArgsChars): string {
  return `${event.name}(${event.args.length > maxChars ? `${event.args.slice(0, maxChars)}…` : event.args})`;
}

/** "- CALL → ParameterRegistry.setParameters([…])", indented two spaces per depth, with its value and flags. */
export function callLine(call: TracedCall, tokens: DryRun["tokens"] = {}): string {
  const signature = callSignature(call);
  const value = BigInt(call.valueWei);
  const flags = [
    ...(value > 0n ? [`${formatEther(value)} ETH`] : []),
    ...(call.hasCode ? [] : ["no code"]),
    ...(call.error ? [`reverted: ${call.error}`] : []),
  ];
  return (
    `${"  ".repeat(call.depth)}- ${call.type} ${callTarget(call, tokens)}${signature ? `.${signature}` : ""}` +
    (flags.length ? ` (${flags.join(", ")})` : "")
  );
}

/** The events a call emitted, one line each under its call: "  - emits RoleGranted({…})". */
export function eventLines(call: TracedCall): string[] {
  return (call.events ?? []).map((e) => `${"  ".repeat(call.depth + 1)}- emits ${eventSignature(e)}`);
}

/** A token move in the token's units and symbol ("+1.5 USDC"), or its wei when the token is not known. */
export function tokenMoveAmount(move: StateDiff["tokens"][number], tokens: DryRun["tokens"]): string {
  const units = tokenUnitsOf(tokens, move.token);
  return units ? formatTokenAmount(BigInt(move.deltaWei), units) : `${String(move.deltaWei)} wei`;
}

const cell = (text: string) => text.replaceAll("|", "\\|");

/** One traced call's tree and state diff. */
export function transactionTraceLines(trace: TransactionTrace, tokens: DryRun["tokens"] = {}): string[] {
  const { storage, balances } = trace.state;
  return [
    `### Trace of \`calls[${trace.call}]\``,
    "",
    ...trace.calls.flatMap((c) => [callLine(c, tokens), ...eventLines(c)]),
    "",
    ...storage.flatMap((s) => [
      `Storage of ${s.contract ? `${s.contract} ` : ""}\`${s.address}\`:`,
      "",
      "| Slot | Before | After |",
      "|---|---|---|",
      ...s.slots.map(
        (slot) =>
          `| \`${slot.slot}\`${slot.name ? ` ${cell(slot.name)}` : ""} | \`${slot.before}\` | \`${slot.after}\` |`,
      ),
      "",
    ]),
    ...(storage.length ? [] : ["No storage changed.", ""]),
    ...(balances.length
      ? [
          "ETH balances (gas aside):",
          "",
          "| Account | Before | After |",
          "|---|---|---|",
          ...balances.map(
            (b) =>
              `| ${cell(b.contract ?? b.address)} | ${formatEther(BigInt(b.beforeWei))} ETH | ${formatEther(BigInt(b.afterWei))} ETH |`,
          ),
          "",
        ]
      : []),
    ...(trace.state.tokens.length
      ? [
          "Tokens moved:",
          "",
          "| Token | Holder | Change |",
          "|---|---|---|",
          ...trace.state.tokens.map(
            (m) =>
              `| ${tokenUnitsOf(tokens, m.token)?.symbol ?? m.token} | \`${m.holder}\` | ${tokenMoveAmount(m, tokens)} |`,
          ),
          "",
        ]
      : []),
  ];
}

/** Every traced call of the dry run (none in a report made before traces were). */
export function traceLines(dryRun: DryRun): string[] {
  return (dryRun.traces ?? []).flatMap((t) => transactionTraceLines(t, dryRun.tokens));
}
