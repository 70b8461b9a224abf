import { isoTime, type ChangeCheck } from "./types.ts";

/**
 * A parameter changes at most once per min interval, counted from governance's last update: checked at the
 * proposal's earliest execution (now plus the voting delay, the voting period and the timelock's delay).
 */
export const minIntervalCheck: ChangeCheck = {
  rule: "min interval",
  check({ baseline, movedByGuardian, parameter: { rules } }, { earliestExecutionSeconds }) {
    const nextUpdate = baseline.updatedAtSeconds + rules.minIntervalSeconds;
    const lastChange = movedByGuardian ? "last set by governance" : "last changed";
    return earliestExecutionSeconds < nextUpdate
      ? {
          status: "fail",
          message:
            `${lastChange} ${isoTime(baseline.updatedAtSeconds)}; it may change again from ${isoTime(nextUpdate)}, ` +
            `after the proposal's earliest execution ${isoTime(earliestExecutionSeconds)}`,
        }
      : {
          status: "pass",
          message: `may change from ${isoTime(nextUpdate)}, before the earliest execution ${isoTime(earliestExecutionSeconds)}`,
        };
  },
};
