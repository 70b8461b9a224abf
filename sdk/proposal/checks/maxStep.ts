import type { ParameterRules } from "../../../parameters/types.ts";
import type { ChangeCheck } from "./types.ts";

/** What one update may move a parameter from `origin`; undefined when its rules set no step. */
export function maxMove(origin: bigint, rules: ParameterRules): bigint | undefined {
  if (rules.stepKind === "absolute") return rules.maxStep;
  if (rules.stepKind === "relative") return (origin * rules.maxStep) / 10_000n;
  return undefined;
}

/** One update moves a parameter at most its max step (absolute, or in bps of the value), from governance's baseline. */
export const maxStepCheck: ChangeCheck = {
  rule: "max step",
  check({ after, baseline, movedByGuardian, parameter: { rules }, show }) {
    const origin = baseline.value;
    const maxDelta = maxMove(origin, rules);
    if (maxDelta === undefined) return undefined;
    const delta = after > origin ? after - origin : origin - after;
    const from = movedByGuardian ? ` (governance set ${show(origin)}; the guardian tightened it since)` : "";
    return {
      status: delta > maxDelta ? "fail" : "pass",
      message: `${show(origin)} → ${show(after)} moves ${show(delta)}; one update may move it at most ${show(maxDelta)}${from}`,
    };
  },
};
