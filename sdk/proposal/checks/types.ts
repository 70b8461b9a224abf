/**
 * The interface every pre-vote check implements, in the manner of governance-seatbelt's checks: a named rule that
 * looks at one understood parameter change (or at the whole proposal) and passes, warns or fails with a message.
 */
import type { ParameterKind, ParameterRules, RiskDirection } from "../../../parameters/types.ts";
import type { Address } from "viem";
import type { AuthoritySetting } from "../authority.ts";
import type { ProposalDraft } from "../proposalFile.ts";
import type { UnitContext } from "../units.ts";

/** A registry parameter as `parameter(key)` returns it. */
export type RegistryParameter = {
  name: string;
  kind: ParameterKind;
  saferDirection: RiskDirection;
  value: bigint;
  rules: ParameterRules;
  /** When it last changed (unix seconds). */
  updatedAtSeconds: number;
  /**
   * Governance's baseline (`governanceBaseline(key)`): the value governance (or the parameter's addition) last set,
   * and when. Governance's updates move at most one max step from it and wait the min interval from its time,
   * whatever the guardian tightened since. Absent: the current value and update time.
   */
  governanceBaseline?: { value: bigint; updatedAtSeconds: number };
};

/** The registry and governance timing a proposal is checked against. */
export type RegistrySnapshot = UnitContext & {
  parameters: Readonly<Record<string, RegistryParameter>>;
  /** The earliest time the proposal could execute: now plus voting delay, voting period and timelock delay. */
  earliestExecutionSeconds: number;
  /** The guardian's mandate, which lets it tighten parameters (undoing a loosening) until it expires. */
  guardianExpiresAtSeconds: number;
  /**
   * Who holds authority now, which the permissions policy compares a proposal's calldata with: the timelock (the
   * account whose ownership a call transfers) and the current value of each numeric setting, in the contracts' units
   * (seconds; the quorum's numerator in percent; the threshold in TRIM wei). Absent (a catalog snapshot): a setter of a
   * setting holders lose by lowering is taken to lower it.
   */
  authority?: { timelock: Address; settings: Partial<Record<AuthoritySetting, bigint>> };
};

export type CheckStatus = "pass" | "warn" | "fail";
export type Check = { rule: string; field: string; status: CheckStatus; message: string };

/** What a check found: a status and a message (the runner prefixes the file and the field). */
export type Finding = { status: CheckStatus; message: string };

/** A finding on a field of its own (a check of the whole proposal that finds several things: `permissions[1]`). */
export type FieldFinding = Finding & { field: string };

/** One parameter change as the checks see it. */
export type ChangeUnderCheck = {
  name: string;
  kind: ParameterKind;
  parameter: RegistryParameter;
  before: bigint;
  after: bigint;
  /**
   * Governance's baseline: where its max step is measured from and its min interval counted from. The guardian's
   * tightenings since governance's last update move neither.
   */
  baseline: { value: bigint; updatedAtSeconds: number };
  /** Whether the guardian tightened the parameter since governance last set it. */
  movedByGuardian: boolean;
  /** A registry value in the parameter's units: "4%", "12h", "1000000 USDC". */
  show: (value: bigint) => string;
};

/** A check of each parameter change; `undefined` when it does not apply to this change. */
export type ChangeCheck = {
  rule: string;
  check: (change: ChangeUnderCheck, snapshot: RegistrySnapshot) => Finding | undefined;
};

/**
 * A check of the proposal as a whole (after every change is understood): one finding on its field, several each on its
 * own field, or `undefined` when it does not apply.
 */
export type ProposalCheck = {
  rule: string;
  /** The field it reports on: "changes". */
  field: string;
  check: (
    proposal: ProposalDraft,
    changes: readonly ChangeUnderCheck[],
    snapshot: RegistrySnapshot,
  ) => Finding | FieldFinding[] | undefined;
};

/** "2026-12-06T18:00:00Z". */
export const isoTime = (seconds: number): string => new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
