/**
 * The postcondition guard's check on the dry run's fork (dryRunProposal.ts rehearses the whole guarded batch as the
 * timelock would execute it): PASS when it executes (every condition holds now), FAIL when it reverts, with the
 * condition that failed in words. No row for a proposal without a guard.
 */
import type { Check } from "../check.ts";
import type { GuardSection } from "../guard.ts";

export function guardCheck(guard: GuardSection | undefined): Check[] {
  if (!guard) return [];
  const conditions = guard.executesOnlyIf.length;
  if (guard.rehearsal.status === "held")
    return [
      {
        rule: "postcondition guard",
        field: "guard",
        status: "pass",
        message: `the guarded batch executes on the fork: its ${conditions} conditions hold`,
      },
    ];
  return [
    {
      rule: "postcondition guard",
      field: "guard",
      status: "fail",
      message: `the guarded batch reverts on the fork: ${guard.failure ?? guard.rehearsal.message}`,
    },
  ];
}
