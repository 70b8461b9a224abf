/**
 * A proposal's dry run as the proposal page shows it (CallTracePanel, StateDiffPanel, PermissionsPanel and
 * AfterExecutionPanel beside this file): each traced transaction as a nested call tree (the target named, the function
 * with its decoded arguments, the ETH it sends, the events it emitted, its flags from the trace rules), its state diff
 * per contract, the permissions policy's findings, and the checks after execution split into smoke tests and
 * invariants. Pure and browser-safe; amounts may be bigints or, from a report's JSON, decimal strings.
 */
import { formatEther, type Address, type Hex } from "viem";
import type { Check, CheckStatus } from "../../../../sdk/proposal/check.ts";
import type { DryRun } from "../../../../sdk/proposal/dryRun.ts";
import type { TracedCall, TransactionTrace } from "../../../../sdk/proposal/trace.ts";
import { callFindings, type CallFlag } from "../../../../sdk/proposal/checks/trace.ts";
import { permissionsRule } from "../../../../sdk/proposal/checks/permissions.ts";
import { smokeTestRule } from "../../../../sdk/proposal/afterExecutionRules.ts";
import {
  callSignature,
  callTarget,
  eventSignature,
  tokenMoveAmount,
  tokenUnitsOf,
} from "../../../../sdk/proposal/traceReport.ts";

/** Arguments longer than this are cut on the page (the report's JSON keeps them whole). */
const maxArgsChars = 400;

/** A mark on a call: a finding of the trace rules (with its status), or a revert (undone, said, not judged). */
export type CallMark = { label: CallFlag | "reverted"; status: CheckStatus | "info"; detail: string };

/** One call of the tree, its callees under it. */
export type CallNode = {
  /** CALL, STATICCALL, DELEGATECALL, CREATE… */
  type: string;
  /** The stack contract's name, the token's symbol, or the address. */
  target: string;
  address: Address;
  /** `setParameters(…)` with decoded arguments; "" for a plain transfer. */
  signature: string;
  /** The ETH the call sends, when it sends some ("2 ETH"). */
  value?: string;
  marks: CallMark[];
  /** The worst status of the call's trace findings ("pass" for none). */
  status: CheckStatus;
  events: { emitter: string; signature: string }[];
  children: CallNode[];
};

const worst = (statuses: readonly CheckStatus[]): CheckStatus =>
  statuses.includes("fail") ? "fail" : statuses.includes("warn") ? "warn" : "pass";

/** The depth-first calls of one traced transaction as a tree (its root first; a well-formed trace has one root). */
export function callTree(calls: readonly TracedCall[], tokens: DryRun["tokens"] = {}): CallNode[] {
  const roots: CallNode[] = [];
  const open: { depth: number; node: CallNode }[] = [];
  for (const call of calls) {
    const findings = callFindings({ ...call, valueWei: BigInt(call.valueWei) });
    const valueWei = BigInt(call.valueWei);
    const node: CallNode = {
      type: call.type,
      target: callTarget(call, tokens),
      address: call.to,
      signature: callSignature(call, maxArgsChars),
      ...(valueWei > 0n ? { value: `${formatEther(valueWei)} ETH` } : {}),
      marks: [
        ...findings.map((f): CallMark => ({ label: f.flag, status: f.status, detail: f.message })),
        ...(call.error ? [{ label: "reverted" as const, status: "info" as const, detail: call.error }] : []),
      ],
      status: worst(findings.map((f) => f.status)),
      events: (call.events ?? []).map((e) => ({
        emitter: e.contract ?? tokenUnitsOf(tokens, e.address)?.symbol ?? e.address,
        signature: eventSignature(e, maxArgsChars),
      })),
      children: [],
    };
    while (open.length && open[open.length - 1]!.depth >= call.depth) open.pop();
    const parent = open[open.length - 1];
    (parent ? parent.node.children : roots).push(node);
    open.push({ depth: call.depth, node });
  }
  return roots;
}

/** A 32-byte storage word as people read it: its number when it is one of fewer than 40 digits, and always its hex. */
export type WordView = { number?: string; hex: Hex };

export function wordView(word: Hex): WordView {
  const value = BigInt(word);
  return value < 10n ** 39n ? { number: value.toLocaleString("en-US"), hex: word } : { hex: word };
}

/** One transaction's state diff as the page's tables show it. */
export type StateDiffView = {
  storage: {
    contract: string;
    address: Address;
    slots: { label: string; named: boolean; slot: Hex; before: WordView; after: WordView }[];
  }[];
  balances: { account: string; address: Address; before: string; after: string; change: string }[];
  tokens: { token: string; holder: string; holderAddress: Address; change: string }[];
};

const signedEther = (wei: bigint) => `${wei > 0n ? "+" : ""}${formatEther(wei)} ETH`;

/** The state diff of `trace`: storage by contract (slots named when known), ETH balances, tokens moved. */
export function stateDiffView(trace: TransactionTrace, tokens: DryRun["tokens"] = {}): StateDiffView {
  // Accounts are named as the trace names them: a stack contract by name, a token by its symbol.
  const names = new Map<string, string>();
  for (const call of trace.calls) if (call.contract) names.set(call.to.toLowerCase(), call.contract);
  for (const s of trace.state.storage) if (s.contract) names.set(s.address.toLowerCase(), s.contract);
  const nameOf = (address: Address) =>
    names.get(address.toLowerCase()) ?? tokenUnitsOf(tokens, address)?.symbol ?? address;
  return {
    storage: trace.state.storage.map((s) => ({
      contract: s.contract ?? nameOf(s.address),
      address: s.address,
      slots: s.slots.map((slot) => ({
        label: slot.name ?? slot.slot,
        named: slot.name !== undefined,
        slot: slot.slot,
        before: wordView(slot.before),
        after: wordView(slot.after),
      })),
    })),
    balances: trace.state.balances.map((b) => {
      const [before, after] = [BigInt(b.beforeWei), BigInt(b.afterWei)];
      return {
        account: b.contract ?? nameOf(b.address),
        address: b.address,
        before: `${formatEther(before)} ETH`,
        after: `${formatEther(after)} ETH`,
        change: signedEther(after - before),
      };
    }),
    tokens: trace.state.tokens.map((m) => {
      const amount = tokenMoveAmount(m, tokens);
      return {
        token: tokenUnitsOf(tokens, m.token)?.symbol ?? m.token,
        holder: nameOf(m.holder),
        holderAddress: m.holder,
        change: BigInt(m.deltaWei) > 0n ? `+${amount}` : amount,
      };
    }),
  };
}

/** The permissions policy's findings among a report's checks (from the dry run's events, or the calldata's). */
export function permissionFindings(checks: readonly Check[]): Check[] {
  return checks.filter((c) => c.rule === permissionsRule);
}

/** The dry run's checks after execution: the smoke tests, then the invariants, each as it came. */
export function afterExecutionChecks(invariants: readonly Check[]): { smokeTests: Check[]; invariants: Check[] } {
  return {
    smokeTests: invariants.filter((c) => c.rule === smokeTestRule),
    invariants: invariants.filter((c) => c.rule !== smokeTestRule),
  };
}

/** "PASS", "WARN", "FAIL": a status as the page writes it (beside its colour, never by colour alone). */
export const statusLabel = (status: CheckStatus): string => status.toUpperCase();
