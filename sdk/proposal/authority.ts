/**
 * Who may do what in the stack, as proposals may change it: the roles the contracts define (the timelock's, from
 * OpenZeppelin's TimelockController; none of the stack's own contracts defines another) with their ids, and the
 * settings of authority a proposal may change (the registry's guardian and rules, the governor's settings and
 * guardian, the timelock's delay, the vault's modules). A proposal file declares the changes it makes
 * (`permissions:`, read by proposalFile.ts); the permissions check (checks/permissions.ts) holds the calls to them.
 */
import { keccak256, stringToHex, zeroHash, type Address, type Hex } from "viem";

/** The roles of the stack's contracts by name; `owner` stands for an `Ownable` contract's ownership. */
export const roleNames = ["DEFAULT_ADMIN_ROLE", "PROPOSER_ROLE", "EXECUTOR_ROLE", "CANCELLER_ROLE", "owner"] as const;
export type RoleName = (typeof roleNames)[number];

/** A role's id as `AccessControl` has it: zero for the admin role, else keccak256 of its name. */
export const roleId = (name: Exclude<RoleName, "owner">): Hex =>
  name === "DEFAULT_ADMIN_ROLE" ? zeroHash : keccak256(stringToHex(name));

/** A role's name from its id, or the id itself when no known name hashes to it. */
export function roleName(id: Hex): string {
  const known = roleNames.find((name) => name !== "owner" && roleId(name).toLowerCase() === id.toLowerCase());
  return known ?? id;
}

/**
 * The settings of authority a proposal may change, as a `permissions:` entry names them (`change: minDelay`): the
 * registry's guardian and rules, the governor's guardian, its term, its settings and its timelock, the timelock's
 * delay and its roles' admins, and the vault's modules (registry parameters).
 */
export const authoritySettings = [
  "guardian",
  "rules",
  "proposalGuardian",
  "proposalGuardianExpiry",
  "votingDelay",
  "votingPeriod",
  "proposalThreshold",
  "quorum",
  "lateQuorumExtension",
  "timelock",
  "minDelay",
  "roleAdmin",
  "module.collateral",
  "module.hedge",
] as const;
export type AuthoritySetting = (typeof authoritySettings)[number];

/**
 * A change of authority a proposal declares: a role (or ownership) granted to an account, a role revoked from one,
 * or a setting changed.
 */
export type PermissionDeclaration =
  { grant: RoleName; to: Address } | { revoke: RoleName; from: Address } | { change: AuthoritySetting };

/**
 * The events that change authority: roles and ownership, the registry's guardian and rules, the governor's guardian,
 * term and settings, its timelock, and the timelock's delay and role admins (the dry run collects them).
 */
export const authorityEventNames: readonly string[] = [
  "RoleGranted",
  "RoleRevoked",
  "OwnershipTransferred",
  "RoleAdminChanged",
  "GuardianSet",
  "RulesSet",
  "RulesLooseningSubmitted",
  "RulesLooseningRevoked",
  "ProposalGuardianSet",
  "ProposalGuardianExpirySet",
  "VotingDelaySet",
  "VotingPeriodSet",
  "ProposalThresholdSet",
  "QuorumNumeratorUpdated",
  "LateQuorumVoteExtensionSet",
  "TimelockChange",
  "MinDelayChange",
];
