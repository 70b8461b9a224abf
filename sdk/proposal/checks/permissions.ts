/**
 * The permissions policy, on what a proposal's calls did on the dry run's fork (or, before it, on what their calldata
 * does: calldataPermissions.ts): every role or ownership granted, role revoked, guardian, module or governance setting
 * changed, held against what the proposal file declares (`permissions:`). The rule (`permissionPolicy`, also printed
 * in the report; `checkPermissions` applies it, `weakensHolders` says which setting changes weaken holders):
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

/** The rule's name in a report's checks, from the dry run's events or (`proposal check`) from the calldata. */
export const permissionsRule = "permissions";

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

/**
 * How a change of each setting bears on holders: it always weakens their guardian or time to exit (a guardian or the
 * governor's timelock replaced, a role's admin changed), weakens them when lowered (a term, a delay, the quorum), or
 * never does (rules, the threshold, a module).
 */
const settingEffects: Record<AuthoritySetting, "always" | "lowered" | "never"> = {
  guardian: "always",
  rules: "never",
  proposalGuardian: "always",
  proposalGuardianExpiry: "lowered",
  votingDelay: "lowered",
  votingPeriod: "lowered",
  proposalThreshold: "never",
  quorum: "lowered",
  lateQuorumExtension: "lowered",
  timelock: "always",
  minDelay: "lowered",
  roleAdmin: "always",
  "module.collateral": "never",
  "module.hedge": "never",
};

/**
 * Whether changing `setting` from `before` to `after` weakens holders' guardian or their time to exit: the one rule
 * the dry run's events and the calldata (calldataPermissions.ts) both go through. Values may be bigints or, in a report
 * read back from JSON, decimal strings; a setting that weakens when lowered, with its value before unknown, is taken to
 * weaken (nothing shows it does not).
 */
export function weakensHolders(
  setting: AuthoritySetting,
  before: bigint | string | undefined,
  after: bigint | string | undefined,
): boolean {
  const effect = settingEffects[setting];
  if (effect !== "lowered") return effect === "always";
  return before === undefined || after === undefined || BigInt(after) < BigInt(before);
}

/** A change of `setting` (on contract `on`, or a module when absent) from `before` to `after`, judged by `weakensHolders`. */
export function settingChange(
  setting: AuthoritySetting,
  detail: string,
  { on, before, after }: { on?: Address; before?: bigint | string; after?: bigint | string } = {},
): AuthorityChange {
  return { kind: "change", setting, ...(on ? { on } : {}), detail, weakens: weakensHolders(setting, before, after) };
}

type Args = Record<string, unknown>;
const moved = (from: string, to: string) => (a: Args) => `${String(a[from])} → ${String(a[to])}`;
/** A setting whose event gives its value before and after in the arguments `from` and `to`. */
const measured = (setting: AuthoritySetting, from: string, to: string) =>
  ({ setting, values: [from, to], detail: moved(from, to) }) as const;

/**
 * The events that change a setting of authority: the setting, the arguments holding its value before and after (for
 * the settings that weaken holders when lowered), and what it did.
 */
const settingEvents: Record<
  string,
  { setting: AuthoritySetting; values?: readonly [before: string, after: string]; detail: (args: Args) => string }
> = {
  GuardianSet: {
    setting: "guardian",
    detail: (a) => `${String(a.oldGuardian)} → ${String(a.newGuardian)}, until ${String(a.expiresAt)}`,
  },
  RulesSet: { setting: "rules", detail: (a) => `of ${parameterName(a.key as Hex)}` },
  RulesLooseningSubmitted: {
    setting: "rules",
    detail: (a) => `loosening of ${parameterName(a.key as Hex)} submitted`,
  },
  RulesLooseningRevoked: {
    setting: "rules",
    detail: (a) => `loosening of ${parameterName(a.key as Hex)} revoked`,
  },
  ProposalGuardianSet: {
    setting: "proposalGuardian",
    detail: moved("oldProposalGuardian", "newProposalGuardian"),
  },
  ProposalGuardianExpirySet: measured("proposalGuardianExpiry", "oldExpiresAt", "newExpiresAt"),
  VotingDelaySet: measured("votingDelay", "oldVotingDelay", "newVotingDelay"),
  VotingPeriodSet: measured("votingPeriod", "oldVotingPeriod", "newVotingPeriod"),
  ProposalThresholdSet: {
    setting: "proposalThreshold",
    detail: moved("oldProposalThreshold", "newProposalThreshold"),
  },
  QuorumNumeratorUpdated: measured("quorum", "oldQuorumNumerator", "newQuorumNumerator"),
  LateQuorumVoteExtensionSet: measured("lateQuorumExtension", "oldVoteExtension", "newVoteExtension"),
  TimelockChange: { setting: "timelock", detail: moved("oldTimelock", "newTimelock") },
  MinDelayChange: measured("minDelay", "oldDuration", "newDuration"),
  RoleAdminChanged: {
    setting: "roleAdmin",
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
      const { setting, values, detail } = settingEvents[name];
      const [before, after] = values ? values.map((v) => args[v] as bigint | string) : [];
      changes.push(settingChange(setting, detail(args), { on, before, after }));
    }
  }
  return [...changes, ...moduleChanges(parameters)];
}

/** The modules replaced: registry parameters `module.*` whose value changes (an address, as the registry holds it). */
export function moduleChanges(
  parameters: readonly Pick<DryRun["parameters"][number], "name" | "before" | "after">[],
): AuthorityChange[] {
  const address = (v: bigint | string) => getAddress(`0x${BigInt(v).toString(16).padStart(40, "0")}`);
  return parameters
    .filter((p) => p.name.startsWith("module.") && BigInt(p.before) !== BigInt(p.after))
    .map((p) => settingChange(p.name as AuthoritySetting, `${address(p.before)} → ${address(p.after)}`));
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
  const rule = permissionsRule;
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
      rule,
      field: at === -1 ? "permissions" : `permissions[${at}]`,
      status: fails ? "fail" : "warn",
      message: `${describe(change)} (${why})`,
    });
  }
  declared.forEach((declaration, i) => {
    if (used.has(i)) return;
    checks.push({
      rule,
      field: `permissions[${i}]`,
      status: "warn",
      message: `declares ${JSON.stringify(declaration)}, which the calls do not do`,
    });
  });
  if (checks.length === 0)
    checks.push({
      rule,
      field: "permissions",
      status: "pass",
      message: "the calls grant and revoke no role and change no guardian, module or governance setting",
    });
  return checks;
}
