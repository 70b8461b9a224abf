/**
 * A dry run's traces as markdown: per traced call, its call tree indented by depth, then its state diff (a storage
 * table per contract, the ETH balances, the ERC-20 balances). Amounts may be bigints or, in a report read back from
 * JSON, decimal strings.
 */
import { formatEther, type Address } from "viem";
import type { DryRun } from "./dryRun.ts";
import type { TracedCall, TransactionTrace } from "./trace.ts";
import { formatTokenAmount } from "./units.ts";

/** Arguments longer than this are cut in the tree (the JSON report keeps them whole). */
const maxArgsChars = 160;

/** "- CALL → ParameterRegistry.setParameters([…])", indented two spaces per depth, with its value and flags. */
export function callLine(call: TracedCall, tokens: DryRun["tokens"] = {}): string {
  const symbol = Object.entries(tokens).find(([a]) => a.toLowerCase() === call.to.toLowerCase())?.[1]?.symbol;
  const target = call.contract ?? symbol ?? call.to;
  const args = call.args.length > maxArgsChars ? `${call.args.slice(0, maxArgsChars)}…` : call.args;
  const fn = call.function
    ? `.${call.function}(${call.function.startsWith("0x") ? args : args.replace(/^\[|\]$/g, "")})`
    : "";
  const value = BigInt(call.valueWei);
  const flags = [
    ...(value > 0n ? [`${formatEther(value)} ETH`] : []),
    ...(call.hasCode ? [] : ["no code"]),
    ...(call.error ? [`reverted: ${call.error}`] : []),
  ];
  return `${"  ".repeat(call.depth)}- ${call.type} ${target}${fn}${flags.length ? ` (${flags.join(", ")})` : ""}`;
}

const cell = (text: string) => text.replaceAll("|", "\\|");

/** One traced call's tree and state diff. */
export function transactionTraceLines(trace: TransactionTrace, tokens: DryRun["tokens"] = {}): string[] {
  const { storage, balances } = trace.state;
  const tokenUnits = (address: Address) =>
    Object.entries(tokens).find(([a]) => a.toLowerCase() === address.toLowerCase())?.[1];
  return [
    `### Trace of \`calls[${trace.call}]\``,
    "",
    ...trace.calls.map((c) => callLine(c, tokens)),
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
          ...trace.state.tokens.map((m) => {
            const units = tokenUnits(m.token);
            const amount = units ? formatTokenAmount(BigInt(m.deltaWei), units) : `${String(m.deltaWei)} wei`;
            return `| ${units?.symbol ?? m.token} | \`${m.holder}\` | ${amount} |`;
          }),
          "",
        ]
      : []),
  ];
}

/** Every traced call of the dry run (none in a report made before traces were). */
export function traceLines(dryRun: DryRun): string[] {
  return (dryRun.traces ?? []).flatMap((t) => transactionTraceLines(t, dryRun.tokens));
}
