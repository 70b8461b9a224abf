/**
 * A proposal's report before the vote: its pre-vote checks, its dry run and its economic impact, with one verdict
 * (FAIL when a check fails, a call reverts or an invariant breaks; WARN when a check warns; PASS otherwise), sealed
 * by a content hash like the impact report it embeds; and its markdown rendering.
 */
import { sha256, stringToBytes, type Hex } from "viem";
import { canonicalJson, renderMarkdown, type ImpactReport } from "../../sim/report.ts";
import { checkDetail, verdictOf, type Check, type CheckResult } from "./check.ts";
import type { PermissionDeclaration } from "./authority.ts";
import { authorityChanges, checkPermissions, permissionPolicy, permissionsRule } from "./checks/permissions.ts";
import type { DryRun, KeeperAction } from "./dryRun.ts";
import { changeFormatter, formatTokenAmount, formatValue } from "./units.ts";
import { traceChecks } from "./checks/trace.ts";
import { guardCheck } from "./checks/guard.ts";
import type { GuardSection } from "./guard.ts";
import { traceLines } from "./traceReport.ts";

export const proposalReportSchema = "trimtab.proposal-report/1";

export type ProposalReport = {
  schema: typeof proposalReportSchema;
  file: string;
  title: string;
  verdict: "PASS" | "WARN" | "FAIL";
  checks: Check[];
  /** Registry parameters the impact simulation does not model (their effect is not in the numbers). */
  notSimulated: string[];
  dryRun: DryRun;
  impact: ImpactReport;
  /** The postcondition guard `proposal submit` adds: its conditions in words and its rehearsal on the fork. */
  guard?: GuardSection;
  contentHash: Hex;
};

/** Bigints (wei, registry values) as decimal strings, so that the report is JSON. */
function plain<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
}

/**
 * Every check of a proposal before the vote: the registry's rules, then the dry run's (each call executing as the
 * timelock, its call trace meeting the trace rules (checks/trace.ts), the vault's invariants after it, the keeper
 * cycle not reverting, and the permissions policy on the roles, guardians, modules and governance settings the calls
 * changed, against those the proposal `declared`). The policy's findings from the dry run's events replace those
 * `checkProposal` made from the calldata: the events say what the calls did, indirect changes included.
 */
export function proposalChecks(
  checked: CheckResult,
  dryRun: DryRun,
  declared: readonly PermissionDeclaration[] = [],
): Check[] {
  return [
    ...checked.checks.filter((c) => c.rule !== permissionsRule),
    ...dryRun.calls.map((call, i): Check => ({
      rule: "dry run",
      field: `calls[${i}]`,
      status: call.status === "success" ? "pass" : "fail",
      message:
        call.status === "success"
          ? `executes as the timelock (${call.gasUsed} gas, ${call.events.length} events)`
          : `reverts: ${call.error ?? "no reason given"}`,
    })),
    ...traceChecks(dryRun.traces ?? []),
    ...dryRun.invariants,
    ...dryRun.keeper
      .filter((k) => k.status === "reverted")
      .map((k): Check => ({ rule: "keeper cycle", field: k.action, status: "fail", message: `reverts: ${k.detail}` })),
    ...checkPermissions(
      authorityChanges(
        dryRun.calls.flatMap((c) => c.events),
        dryRun.parameters,
      ),
      declared,
    ),
  ];
}

export { verdictOf } from "./check.ts";

export function buildProposalReport(args: {
  file: string;
  title: string;
  checked: CheckResult;
  dryRun: DryRun;
  impact: ImpactReport;
  notSimulated: string[];
  /** The changes of authority the proposal file declares (`permissions:`). */
  permissions?: readonly PermissionDeclaration[] | undefined;
  guard?: GuardSection | undefined;
}): ProposalReport {
  const { dryRun } = args;
  const checks = [...proposalChecks(args.checked, dryRun, args.permissions), ...guardCheck(args.guard)];
  const verdict = verdictOf(checks);
  const unsealed = {
    schema: proposalReportSchema,
    file: args.file,
    title: args.title,
    verdict,
    checks,
    notSimulated: args.notSimulated,
    dryRun: plain(dryRun) as DryRun,
    impact: args.impact,
    ...(args.guard ? { guard: plain(args.guard) as GuardSection } : {}),
  } as const;
  return { ...unsealed, contentHash: sha256(stringToBytes(canonicalJson(unsealed))) };
}

export function renderProposalReport(report: ProposalReport): string {
  const lines = [
    `# ${report.title}: ${report.verdict}`,
    "",
    `\`${report.file}\`, report \`${report.contentHash}\`.`,
    "",
    "## Checks",
    "",
    ...checkRows(report.checks, report.file),
    "",
    ...permissionPolicyLines(),
    "",
    ...guardLines(report.guard),
    "## Dry run",
    "",
    `On a fork of block ${report.dryRun.blockNumber}: the calls as the timelock, then smoke tests and invariants ` +
      "(among the checks; each smoke test reverted after it), then one keeper cycle.",
    "",
    ...dryRunLines(report.dryRun),
    "",
    ...traceLines(report.dryRun),
    ...(report.notSimulated.length
      ? [`Not in the simulation: ${report.notSimulated.map((n) => `\`${n}\``).join(", ")}.`, ""]
      : []),
    renderMarkdown(report.impact, {
      notSimulated: report.notSimulated,
      formatChange: changeFormatter(report.dryRun.parameters, {
        baseSymbol: report.dryRun.base.symbol,
        baseDecimals: report.dryRun.base.decimals,
      }),
    }).replace(/^# /, "## "),
  ];
  return lines.join("\n");
}

/** The guard's conditions as the report lists them: "Executes only if" and one line each. */
export function guardLines(guard: GuardSection | undefined): string[] {
  if (!guard) return [];
  return [
    "## Executes only if",
    "",
    `\`proposal submit\` wraps the calls with the postcondition guard at ${guard.address}: the execution reverts ` +
      "unless, at that moment, every one of these holds.",
    "",
    ...guard.executesOnlyIf.map((condition) => `- ${condition}`),
    "",
  ];
}

/**
 * `trimtab proposal check`'s listing: the file once, then a row per check (status, rule, field and what it found),
 * then the verdict.
 */
export function renderCheckResult(file: string, result: CheckResult): string {
  return [
    `checks of ${file}`,
    "",
    ...result.checks.map(
      (c) => `${c.status.toUpperCase().padEnd(4)}  ${c.rule.padEnd(17)}  ${c.field}: ${checkDetail(c, file)}`,
    ),
    "",
    result.verdict,
  ].join("\n");
}

/** The checks as a markdown table, each row without the file (the report's header names it once). */
export function checkRows(checks: readonly Check[], file: string): string[] {
  return [
    "| Status | Rule | Field | Detail |",
    "|---|---|---|---|",
    ...checks.map(
      (c) =>
        `| ${c.status.toUpperCase()} | ${c.rule} | \`${c.field}\` | ${checkDetail(c, file).replaceAll("|", "\\|")} |`,
    ),
  ];
}

/** The permissions policy the `permissions` rows follow, as a markdown table (checks/permissions.ts). */
export function permissionPolicyLines(): string[] {
  return [
    "The permissions policy (a change of authority declared in the file's `permissions:` or not):",
    "",
    "| Change | Undeclared | Declared |",
    "|---|---|---|",
    ...permissionPolicy.map((p) => `| ${p.change} | ${p.undeclared} | ${p.declared} |`),
  ];
}

/**
 * The dry run as markdown lines: each parameter changed, in its unit; the authority changes; then the keeper cycle,
 * each trade in its tokens' units ("sell 1.2500 WETH → 4,100.12 USDC"). Amounts may be bigints or, in a report read
 * back from JSON, decimal strings.
 */
export function dryRunLines(dryRun: DryRun): string[] {
  const units = { baseSymbol: dryRun.base.symbol, baseDecimals: dryRun.base.decimals };
  const value = (p: DryRun["parameters"][number], v: bigint | string) => formatValue(p.name, p.kind, BigInt(v), units);
  return [
    ...dryRun.parameters.map((p) => `- \`${p.name}\`: ${value(p, p.before)} → ${value(p, p.after)}`),
    ...dryRun.authority.map((e) => `- ${e.name} on ${e.address}`),
    "",
    "One keeper cycle after it:",
    "",
    ...dryRun.keeper.map(
      (k) =>
        `- ${k.action}: ${k.status}${k.status === "executed" ? ` (${String(k.gasUsed)} gas)` : ""}` +
        k.trades.map((t) => `; ${tradeText(t, dryRun.tokens)}`).join(""),
    ),
  ];
}

/** "sell 1.2500 WETH → 4,100.12 USDC, slippage 33.43 bps"; a token not in `tokens` keeps its wei and address. */
function tradeText(trade: KeeperAction["trades"][number], tokens: DryRun["tokens"]): string {
  const amount = (wei: bigint | string, token: string) => {
    const units = Object.entries(tokens).find(([address]) => address.toLowerCase() === token.toLowerCase())?.[1];
    return units ? formatTokenAmount(BigInt(wei), units) : `${String(wei)} wei of ${token}`;
  };
  return (
    `sell ${amount(trade.amountIn, trade.tokenIn)} → ${amount(trade.amountOut, trade.tokenOut)}, ` +
    `slippage ${trade.slippageBps} bps`
  );
}
