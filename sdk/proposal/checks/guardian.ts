import { isoTime, type ChangeCheck } from "./types.ts";

/** A warning for a move toward more risk while the guardian's mandate lets it tighten the parameter back. */
export const guardianCheck: ChangeCheck = {
  rule: "guardian",
  check({ before, after, parameter: { saferDirection } }, { guardianExpiresAtSeconds, earliestExecutionSeconds }) {
    const riskier = (saferDirection === "lower" && after > before) || (saferDirection === "higher" && after < before);
    if (!riskier || guardianExpiresAtSeconds <= earliestExecutionSeconds) return undefined;
    return {
      status: "warn",
      message:
        `moves toward more risk (safer is ${saferDirection}); the guardian may tighten it again until ` +
        isoTime(guardianExpiresAtSeconds),
    };
  },
};
