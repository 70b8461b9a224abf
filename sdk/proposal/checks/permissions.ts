/**
 * The permissions policy, on what a proposal's calls did on the dry run's fork: every role or ownership granted,
 * role revoked, guardian, module or governance setting changed, held against what the proposal file declares
 * (`permissions:`). The rule (`permissionPolicy`, also printed in the report):
 *
 * - a role or ownership granted: FAIL unless declared (`{ grant: ROLE, to: "0x…" }`), then WARN naming it;
 * - a change that weakens holders' guardian or their time to exit (a guardian replaced or removed, the governor's
 *   timelock or a role's admin changed, CANCELLER_ROLE revoked; a guardian's term, the timelock's delay, the voting
 *   delay or period, the quorum or the late-quorum extension lowered): FAIL unless declared, then WARN;
 * - any other role revoked, module replaced, registry rules or governance setting changed: WARN naming it;
 * - a declared change the calls do not make: WARN;
 * - none of these: PASS.
 */
import { getAddress, type Address, type Hex } from "viem";
import { parameterName } from "../../../parameters/parameterKey.ts";
import { roleName, type AuthoritySetting, type PermissionDeclaration } from "../authority.ts";
import type { DecodedEvent, DryRun } from "../dryRun.ts";
import type { Check } from "./types.ts";

/** One change of authority the calls made, on contract `on`. */
export type AuthorityChange =
  | { kind: "grant"; role: string; account: Address; on: Address }
  | { kind: "revoke"; role: string; account: Address; on: Address }
  /** A setting changed: on a contract, or (`on` absent) a module the registry's `module.*` parameter names. */
  | { kind: "change"; setting: AuthoritySetting; on?: Address; detail: string; weakens: boolean };

/** The policy as a table: what a change is, and what it gives undeclared and declared. */
export const permissionPolicy: readonly { change: string; undeclared: string; declared: string }[] = [
  { change: "a role or ownership granted", undeclared: "FAIL", declared: "WARN" },
  {
    change:
      "a guardian replaced or removed, the governor's timelock or a role's admin changed, CANCELLER_ROLE revoked; " +
      "a guardian's term, the timelock's delay, the voting delay or period, the quorum or the late-quorum extension lowered",
    undeclared: "FAIL",
    declared: "WARN",
  },
  {
    change: "another role revoked, a module replaced, registry rules or another governance setting changed",
    undeclared: "WARN",
    declared: "WARN",
  },
  { change: "a declared change the calls do not make", undeclared: "—", declared: "WARN" },
  { change: "none of these", undeclared: "PASS", declared: "PASS" },
];

type Args = Record<string, unknown>;
const lowered = (from: string, to: string) => (a: Args) => BigInt(a[to] as bigint) < BigInt(a[from] as bigint);
const always = () => true;
const never = () => false;
const moved = (from: string, to: string) => (a: Args) => `${String(a[from])} → ${String(a[to])}`;

/** The events that change a setting of authority: the setting, whether it weakens holders, and what it did. */
const settingEvents: Record<
  string,
  { setting: AuthoritySetting; weakens: (args: Args) => boolean; detail: (args: Args) => string }
> = {
  GuardianSet: {
    setting: "guardian",
    weakens: always,
    detail: (a) => `${String(a.oldGuardian)} → ${String(a.newGuardian)}, until ${String(a.expiresAt)}`,
  },
  RulesSet: { setting: "rules", weakens: never, detail: (a) => `of ${parameterName(a.key as Hex)}` },
  RulesLooseningSubmitted: {
    setting: "rules",
    weakens: never,
    detail: (a) => `loosening of ${parameterName(a.key as Hex)} submitted`,
  },
  RulesLooseningRevoked: {
    setting: "rules",
    weakens: never,
    detail: (a) => `loosening of ${parameterName(a.key as Hex)} revoked`,
  },
  ProposalGuardianSet: {
    setting: "proposalGuardian",
    weakens: always,
    detail: moved("oldProposalGuardian", "newProposalGuardian"),
  },
  ProposalGuardianExpirySet: {
    setting: "proposalGuardianExpiry",
    weakens: lowered("oldExpiresAt", "newExpiresAt"),
    detail: moved("oldExpiresAt", "newExpiresAt"),
  },
  VotingDelaySet: {
    setting: "votingDelay",
    weakens: lowered("oldVotingDelay", "newVotingDelay"),
    detail: moved("oldVotingDelay", "newVotingDelay"),
  },
  VotingPeriodSet: {
    setting: "votingPeriod",
    weakens: lowered("oldVotingPeriod", "newVotingPeriod"),
    detail: moved("oldVotingPeriod", "newVotingPeriod"),
  },
  ProposalThresholdSet: {
    setting: "proposalThreshold",
    weakens: never,
    detail: moved("oldProposalThreshold", "newProposalThreshold"),
  },
  QuorumNumeratorUpdated: {
    setting: "quorum",
    weakens: lowered("oldQuorumNumerator", "newQuorumNumerator"),
    detail: moved("oldQuorumNumerator", "newQuorumNumerator"),
  },
  LateQuorumVoteExtensionSet: {
    setting: "lateQuorumExtension",
    weakens: lowered("oldVoteExtension", "newVoteExtension"),
    detail: moved("oldVoteExtension", "newVoteExtension"),
  },
  TimelockChange: { setting: "timelock", weakens: always, detail: moved("oldTimelock", "newTimelock") },
  MinDelayChange: {
    setting: "minDelay",
    weakens: lowered("oldDuration", "newDuration"),
    detail: moved("oldDuration", "newDuration"),
  },
  RoleAdminChanged: {
    setting: "roleAdmin",
    weakens: always,
    detail: (a) =>
      `of ${roleName(a.role as Hex)}: ${roleName(a.previousAdminRole as Hex)} → ${roleName(a.newAdminRole as Hex)}`,
  },
};

/**
 * The changes of authority in the calls' events, in order, then the modules the calls replaced (registry parameters
 * `module.*` whose value changed).
 */
export function authorityChanges(
  events: readonly DecodedEvent[],
  parameters: readonly DryRun["parameters"][number][] = [],
): AuthorityChange[] {
  const changes: AuthorityChange[] = [];
  for (const { address, name, args } of events) {
    const on = getAddress(address); // logs give addresses in lowercase
    if (name === "RoleGranted" || name === "RoleRevoked")
      changes.push({
        kind: name === "RoleGranted" ? "grant" : "revoke",
        role: roleName(args.role as Hex),
        account: getAddress(args.account as Address),
        on,
      });
    else if (name === "OwnershipTransferred") {
      const [previous, next] = [getAddress(args.previousOwner as Address), getAddress(args.newOwner as Address)];
      if (BigInt(next) !== 0n) changes.push({ kind: "grant", role: "owner", account: next, on });
      if (BigInt(previous) !== 0n) changes.push({ kind: "revoke", role: "owner", account: previous, on });
    } else if (settingEvents[name]) {
      const { setting, weakens, detail } = settingEvents[name];
      changes.push({ kind: "change", setting, on, detail: detail(args), weakens: weakens(args) });
    }
  }
  for (const p of parameters) {
    if (!p.name.startsWith("module.") || BigInt(p.before) === BigInt(p.after)) continue;
    const address = (v: bigint | string) => getAddress(`0x${BigInt(v).toString(16).padStart(40, "0")}`);
    changes.push({
      kind: "change",
      setting: p.name as AuthoritySetting,
      detail: `${address(p.before)} → ${address(p.after)}`,
      weakens: false,
    });
  }
  return changes;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Whether `declaration` declares `change`. */
function declares(declaration: PermissionDeclaration, change: AuthorityChange): boolean {
  if ("grant" in declaration)
    return change.kind === "grant" && change.role === declaration.grant && same(change.account, declaration.to);
  if ("revoke" in declaration)
    return change.kind === "revoke" && change.role === declaration.revoke && same(change.account, declaration.from);
  return change.kind === "change" && change.setting === declaration.change;
}

/** What a change is, in the report's words. */
function describe(change: AuthorityChange): string {
  if (change.kind === "grant") return `${change.role} granted to ${change.account} on ${change.on}`;
  if (change.kind === "revoke") return `${change.role} revoked from ${change.account} on ${change.on}`;
  return change.setting.startsWith("module.")
    ? `${change.setting} replaced: ${change.detail}`
    : `${change.setting} changed on ${change.on}: ${change.detail}`;
}

/** Whether an undeclared change fails (a grant, or a weakening of holders' guardian or time to exit). */
function failsUndeclared(change: AuthorityChange): boolean {
  if (change.kind === "grant") return true;
  if (change.kind === "revoke") return change.role === "CANCELLER_ROLE";
  return change.weakens;
}

/** The policy's findings for `changes` against what the proposal declares (`declared`). */
export function checkPermissions(
  changes: readonly AuthorityChange[],
  declared: readonly PermissionDeclaration[] = [],
): Check[] {
  const checks: Check[] = [];
  const used = new Set<number>();
  for (const change of changes) {
    const at = declared.findIndex((d) => declares(d, change));
    if (at !== -1) used.add(at);
    const fails = at === -1 && failsUndeclared(change);
    const why =
      at !== -1
        ? "declared"
        : fails
          ? change.kind === "grant"
            ? `not declared: add { grant: ${change.role}, to: "${change.account}" } to permissions if it is meant`
            : `not declared, and it weakens holders' guardian or time to exit: declare it in permissions if it is meant`
          : "not declared";
    checks.push({
      rule: "permissions",
      field: at === -1 ? "permissions" : `permissions[${at}]`,
      status: fails ? "fail" : "warn",
      message: `${describe(change)} (${why})`,
    });
  }
  declared.forEach((declaration, i) => {
    if (used.has(i)) return;
    checks.push({
      rule: "permissions",
      field: `permissions[${i}]`,
      status: "warn",
      message: `declares ${JSON.stringify(declaration)}, which the calls do not do`,
    });
  });
  if (checks.length === 0)
    checks.push({
      rule: "permissions",
      field: "permissions",
      status: "pass",
      message: "the calls grant and revoke no role and change no guardian, module or governance setting",
    });
  return checks;
}
