/**
 * The rules a proposal's call trace must meet (its transactions as the dry run traced them, sdk/proposal/trace.ts),
 * after governance-seatbelt's checks of value and targets:
 * - ETH value sent anywhere in the tree warns, naming the amount and the recipient;
 * - a call to an address without code fails (it does nothing, and a typo'd target looks just like it), unless it is a
 *   plain ETH transfer (a CALL with empty calldata), which warns;
 * - a DELEGATECALL warns (it runs other code on the caller's storage), and fails when its target is not one of the
 *   stack's contracts;
 * - a SELFDESTRUCT anywhere fails.
 * A transaction that meets them all passes, saying how many calls it made.
 */
import { formatEther } from "viem";
import type { TracedCall, TransactionTrace } from "../trace.ts";
import type { Check, Finding } from "./types.ts";

export const traceRule = "call trace";

/** "PortfolioVault.setParameters at 0xAbC…" or "0xAbC…" (no name): a call's target as a check names it. */
export function describeTarget(call: Pick<TracedCall, "to" | "contract" | "function">): string {
  const fn = call.function ? `.${call.function}` : "";
  return call.contract ? `${call.contract}${fn} at ${call.to}` : `${call.to}${fn ? ` (${call.function})` : ""}`;
}

const calling = new Set(["CALL", "CALLCODE", "STATICCALL", "DELEGATECALL"]);

/** What a finding flags in the call tree (the web app's tree marks the call with it). */
export type CallFlag = "sends ETH" | "no code" | "delegatecall" | "selfdestruct";

/** A finding of the trace rules on one call, with the flag it puts on the call. */
export type CallFinding = Finding & { flag: CallFlag };

/** What the rules find in one call of the tree (several rules may apply to one call). */
export function callFindings(call: TracedCall): CallFinding[] {
  const findings: CallFinding[] = [];
  const where = `${call.type} from ${call.from} to ${describeTarget(call)} (depth ${call.depth})`;
  if (call.valueWei > 0n)
    findings.push({
      flag: "sends ETH",
      status: "warn",
      message: `sends ${formatEther(call.valueWei)} ETH (${call.valueWei} wei) to ${describeTarget(call)}: ETH sent anywhere in a proposal warns`,
    });
  if (calling.has(call.type) && !call.hasCode) {
    const plainTransfer = call.type === "CALL" && call.function === "" && call.args === "";
    findings.push(
      plainTransfer
        ? {
            flag: "no code",
            status: "warn",
            message: `${where}: a plain ETH transfer to an address without code (an account, or nothing): it warns`,
          }
        : {
            flag: "no code",
            status: "fail",
            message: `${where}: the address has no code, so the call does nothing: a call to an address without code fails`,
          },
    );
  }
  if (call.type === "DELEGATECALL")
    findings.push(
      call.isStackContract
        ? {
            flag: "delegatecall",
            status: "warn",
            message: `${where}: a delegatecall runs the target's code on the caller's storage: it warns`,
          }
        : {
            flag: "delegatecall",
            status: "fail",
            message: `${where}: a delegatecall to a contract not of the stack runs unknown code on the caller's storage: it fails`,
          },
    );
  if (call.type === "SELFDESTRUCT")
    findings.push({
      flag: "selfdestruct",
      status: "fail",
      message: `${where}: a selfdestruct in a proposal's calls fails`,
    });
  return findings;
}

/** The trace rules on each traced transaction: a check per finding, or one pass for a clean transaction. */
export function traceChecks(traces: readonly TransactionTrace[]): Check[] {
  return traces.flatMap((trace): Check[] => {
    const field = `calls[${trace.call}]`;
    const findings = trace.calls.flatMap(callFindings);
    if (findings.length) return findings.map(({ status, message }) => ({ rule: traceRule, field, status, message }));
    const n = trace.calls.length;
    return [
      {
        rule: traceRule,
        field,
        status: "pass",
        message:
          `${n} call${n === 1 ? "" : "s"}, no ETH sent, no delegatecall, no call to an address without code, ` +
          "no selfdestruct",
      },
    ];
  });
}
