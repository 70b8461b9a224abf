/**
 * Every pre-vote check, in the order a report lists them: each parameter change's (bounds, max step, min interval,
 * guardian), then the proposal's (weights sum, its report's paths, a seed it may not choose, its body's table of
 * changes against its calldata, the permissions policy on the authority its calldata changes). A new check is a module
 * here and a line in one of these lists.
 */
import { boundsCheck } from "./bounds.ts";
import { guardianCheck } from "./guardian.ts";
import { maxStepCheck } from "./maxStep.ts";
import { minIntervalCheck } from "./minInterval.ts";
import type { ChangeCheck, ProposalCheck } from "./types.ts";
import { weightsSumCheck } from "./weightsSum.ts";
import { citableCheck } from "./citable.ts";
import { seedCheck } from "./seed.ts";
import { descriptionCheck } from "./description.ts";
import { calldataPermissionsCheck } from "./calldataPermissions.ts";

export const changeChecks: readonly ChangeCheck[] = [boundsCheck, maxStepCheck, minIntervalCheck, guardianCheck];

export const proposalWideChecks: readonly ProposalCheck[] = [
  weightsSumCheck,
  citableCheck,
  seedCheck,
  descriptionCheck,
  calldataPermissionsCheck,
];

export type { ChangeCheck, ChangeUnderCheck, FieldFinding, Finding, ProposalCheck } from "./types.ts";
