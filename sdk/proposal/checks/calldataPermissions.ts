/**
 * The permissions policy before any dry run (`trimtab proposal check`, no fork): the changes of authority a proposal's
 * calldata makes, decoded from its raw calls (roles granted, revoked or renounced, ownership transferred or renounced,
 * the registry's guardian and rules, the governor's guardian, settings and timelock, the timelock's delay, the
 * governor's `relay` of any of these) and from its parameter changes (the vault's modules, `module.*`), held to the same
 * rule as the dry run's events (checks/permissions.ts `checkPermissions`, with `weakensHolders` judging a setting
 * lowered against the snapshot's current value).
 *
 * The report's dry run sees what the calls did, indirect effects included, so its findings replace these there
 * (report.ts `proposalChecks`).
 */
import { decodeFunctionData, getAddress, parseAbi, type Abi, type Address, type Hex } from "viem";
import { parameterName } from "../../../parameters/parameterKey.ts";
import { parameterRegistryAbi, timelockControllerAbi, trimtabGovernorAbi } from "../../abis/contracts.ts";
import type { AuthoritySetting } from "../authority.ts";
import { roleName } from "../authority.ts";
import type { ProposalDraft } from "../proposalFile.ts";
import { registryUpdatesOf } from "../registryCalls.ts";
import {
  checkPermissions,
  moduleChanges,
  permissionsRule,
  settingChange,
  type AuthorityChange,
} from "./permissions.ts";
import type { ChangeUnderCheck, ProposalCheck, RegistrySnapshot } from "./types.ts";

/**
 * The functions that change authority: the registry's, the governor's and the timelock's, with `Ownable`'s (no stack
 * contract is `Ownable`, but a proposal may call one that is). The vault's are left out: the draft page runs this check
 * in the browser.
 */
const callAbi: Abi = [
  ...parameterRegistryAbi,
  ...trimtabGovernorAbi,
  ...timelockControllerAbi,
  ...parseAbi(["function transferOwnership(address newOwner)", "function renounceOwnership()"]),
];

/** The setters of a numeric setting, by function: the setting, compared with its value now (`weakensHolders`). */
const valueSetters: Readonly<Record<string, AuthoritySetting>> = {
  setProposalGuardianExpiry: "proposalGuardianExpiry",
  setVotingDelay: "votingDelay",
  setVotingPeriod: "votingPeriod",
  setProposalThreshold: "proposalThreshold",
  updateQuorumNumerator: "quorum",
  setLateQuorumVoteExtension: "lateQuorumExtension",
  updateDelay: "minDelay",
};

/** How many `relay` calls deep the decoding follows (a relay of a relay of a setter). */
const maxRelayDepth = 4;

/**
 * The changes of authority one call makes to `target`, decoded from its calldata; none for a call no ABI knows or one
 * that changes no authority. `snapshot.authority` gives the timelock (who loses ownership it transfers) and the current
 * values a setter is compared with.
 */
export function callAuthorityChanges(
  target: Address,
  data: Hex,
  snapshot: Pick<RegistrySnapshot, "authority">,
  depth = 0,
): AuthorityChange[] {
  let decoded;
  try {
    decoded = decodeFunctionData({ abi: callAbi, data });
  } catch {
    return [];
  }
  const on = getAddress(target);
  const args = (decoded.args ?? []) as readonly unknown[];
  const timelock = snapshot.authority?.timelock;
  const lostByTimelock = (): AuthorityChange[] =>
    timelock ? [{ kind: "revoke", role: "owner", account: getAddress(timelock), on }] : [];
  const fn = decoded.functionName;
  switch (fn) {
    case "grantRole":
    case "revokeRole":
    case "renounceRole":
      return [
        {
          kind: fn === "grantRole" ? "grant" : "revoke",
          role: roleName(args[0] as Hex),
          account: getAddress(args[1] as Address),
          on,
        },
      ];
    case "transferOwnership":
      return [{ kind: "grant", role: "owner", account: getAddress(args[0] as Address), on }, ...lostByTimelock()];
    case "renounceOwnership":
      return lostByTimelock();
    case "setGuardian":
      return [settingChange("guardian", `→ ${String(args[0])}, until ${String(args[1])}`, { on })];
    case "renounceGuardian":
      return [settingChange("guardian", "renounced", { on })];
    case "setRules":
      return [settingChange("rules", `of ${parameterName(args[0] as Hex)}`, { on })];
    case "acceptRules":
      return [settingChange("rules", `loosening of ${parameterName(args[0] as Hex)} accepted`, { on })];
    case "revokePendingRules":
      return [settingChange("rules", `loosening of ${parameterName(args[0] as Hex)} revoked`, { on })];
    case "setProposalGuardian":
      return [settingChange("proposalGuardian", `→ ${String(args[0])}`, { on })];
    case "updateTimelock":
      return [settingChange("timelock", `→ ${String(args[0])}`, { on })];
    case "relay":
      return depth < maxRelayDepth ? callAuthorityChanges(args[0] as Address, args[2] as Hex, snapshot, depth + 1) : [];
  }
  const setting = valueSetters[fn];
  if (!setting) return [];
  const before = snapshot.authority?.settings[setting];
  const after = args[0] as bigint;
  const detail = before === undefined ? `→ ${after} (now: unknown)` : `${before} → ${after}`;
  return [settingChange(setting, detail, { on, ...(before === undefined ? {} : { before }), after })];
}

/**
 * Every change of authority in a proposal's calldata: its parameter changes' modules, then each raw call's changes
 * (a raw call to the registry setting `module.*` replaces a module too).
 */
export function calldataAuthorityChanges(
  calls: ProposalDraft["calls"],
  changes: readonly Pick<ChangeUnderCheck, "name" | "before" | "after">[],
  snapshot: Pick<RegistrySnapshot, "parameters" | "authority">,
): AuthorityChange[] {
  const rawModules = calls.flatMap((call) =>
    (registryUpdatesOf(call.data) ?? []).map(({ name, value }) => ({
      name,
      before: snapshot.parameters[name]?.value ?? 0n,
      after: value,
    })),
  );
  return [
    ...moduleChanges([...changes, ...rawModules]),
    ...calls.flatMap((call) => callAuthorityChanges(call.target, call.data, snapshot)),
  ];
}

/** The permissions policy on the calldata, against what the file declares: a finding per change, field named. */
export const calldataPermissionsCheck: ProposalCheck = {
  rule: permissionsRule,
  field: "permissions",
  check: (proposal, changes, snapshot) =>
    checkPermissions(calldataAuthorityChanges(proposal.calls, changes, snapshot), proposal.permissions).map(
      ({ field, status, message }) => ({ field, status, message }),
    ),
};
