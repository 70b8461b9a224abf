/**
 * How a difference (proposed less current) reads for the vault's holders, given which way its metric is better: the
 * one rule behind every "better / worse / can't tell" of the impact report, the sensitivity table and the web app.
 */
import { cantTellFromZero, type Difference } from "./intervals.ts";
import type { Better } from "./monteCarlo.ts";

/** How a difference reads for the holders: better, worse, a change in an activity count, or can't tell. */
export type Verdict = "better" | "worse" | "higher" | "lower" | "can't tell" | "no difference" | "–";

/** How a difference reads: "can't tell" when its interval contains zero, else better or worse by `better`. */
export function verdictOf(d: Difference, better: Better): Verdict {
  if (d.estimate === 0 && d.low95 === 0 && d.high95 === 0) return "no difference";
  if (cantTellFromZero(d)) return "can't tell";
  const up = d.low95 > 0;
  if (better === "neither") return up ? "higher" : "lower";
  return up === (better === "higher") ? "better" : "worse";
}
