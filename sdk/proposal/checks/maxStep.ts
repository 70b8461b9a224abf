import type { ChangeCheck } from "./types.ts";

/** One update moves a parameter at most its max step (absolute, or in bps of the value), from governance's baseline. */
export const maxStepCheck: ChangeCheck = {
  rule: "max step",
  check({ after, baseline, movedByGuardian, parameter: { rules }, show }) {
    if (rules.stepKind === "none") return undefined;
    const origin = baseline.value;
    const maxDelta = rules.stepKind === "absolute" ? rules.maxStep : (origin * rules.maxStep) / 10_000n;
    const delta = after > origin ? after - origin : origin - after;
    const from = movedByGuardian ? ` (governance set ${show(origin)}; the guardian tightened it since)` : "";
    return {
      status: delta > maxDelta ? "fail" : "pass",
      message: `${show(origin)} → ${show(after)} moves ${show(delta)}; one update may move it at most ${show(maxDelta)}${from}`,
    };
  },
};
