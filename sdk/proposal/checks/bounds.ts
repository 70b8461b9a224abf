import type { ChangeCheck } from "./types.ts";

/** The rules' min and max: the registry reverts an update outside them. Addresses have no range. */
export const boundsCheck: ChangeCheck = {
  rule: "bounds",
  check({ kind, after, parameter: { rules }, show }) {
    if (kind === "address") return undefined;
    return after < rules.min || after > rules.max
      ? {
          status: "fail",
          message: `${show(after)} is outside the rules' range ${show(rules.min)} to ${show(rules.max)}`,
        }
      : { status: "pass", message: `${show(after)} is within ${show(rules.min)} to ${show(rules.max)}` };
  },
};
