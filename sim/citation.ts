/**
 * A report a proposal can cite: enough paths (`minCitablePaths`), and its headline differences run again with a
 * second seed beside the first, flagged where the two disagree on sign. The seeds themselves are derived from the
 * proposal's content (sdk/proposal/seed.ts), so that the proposer cannot shop for one.
 */
import type { ComparedMetric, Difference } from "./monteCarlo.ts";

/**
 * The fewest paths of a report a proposal may cite: below it, the report is a draft ("not citable") and the
 * proposal's checks fail. It is the simulation's default path count (sim/runSettings.ts): a proposer may ask for more,
 * not fewer.
 */
export const minCitablePaths = 2_000;

/** Why a report of `paths` paths cannot be cited, or undefined when it can. */
export function citationProblem(paths: number): string | undefined {
  if (paths >= minCitablePaths) return undefined;
  return (
    `${paths.toLocaleString("en-US")} paths is fewer than the ${minCitablePaths.toLocaleString("en-US")} a report ` +
    `needs to be cited by a proposal: this report is a draft`
  );
}

/** The differences the second-seed rerun compares. */
export const rerunMetrics = [
  "returnMean",
  "returnMedian",
  "volatility",
  "sharpe",
  "maxDrawdownP95",
  "cvar95",
  "liquidationProbability",
] as const satisfies readonly ComparedMetric[];
export type RerunMetric = (typeof rerunMetrics)[number];

/** One headline difference under the report's seed and under the second seed, and whether their signs disagree. */
export type RerunRow = {
  first: Difference | null;
  second: Difference | null;
  /** The two estimates have opposite signs (one positive, one negative): the sign is not settled at this path count. */
  signsDisagree: boolean;
};

/** The report's `results.rerun`: the headline differences again with a second seed, the same paths and model. */
export type Rerun = { seed: number; paths: number; metrics: Record<RerunMetric, RerunRow> };

/** The rerun from the two runs' differences. */
export function rerunOf(
  seed: number,
  paths: number,
  first: Readonly<Record<ComparedMetric, Difference | null>>,
  second: Readonly<Record<ComparedMetric, Difference | null>>,
): Rerun {
  const metrics = Object.fromEntries(
    rerunMetrics.map((key) => {
      const [a, b] = [first[key], second[key]];
      const signsDisagree = a !== null && b !== null && a.estimate * b.estimate < 0;
      return [key, { first: a, second: b, signsDisagree }];
    }),
  ) as Record<RerunMetric, RerunRow>;
  return { seed, paths, metrics };
}

const labels: Record<RerunMetric, string> = {
  returnMean: "Mean return",
  returnMedian: "Median return",
  volatility: "Volatility (yearly)",
  sharpe: "Sharpe",
  maxDrawdownP95: "Max drawdown p95",
  cvar95: "CVaR 95 (loss)",
  liquidationProbability: "P(liquidation)",
};

/** The metrics whose two seeds disagree on the sign of the difference. */
export function rerunDisagreements(rerun: Rerun): RerunMetric[] {
  return rerunMetrics.filter((key) => rerun.metrics[key].signsDisagree);
}

/** The rerun table for humans: label, the first seed's difference, the second's, and a flag. */
export function rerunRows(rerun: Rerun): { label: string; first: string; second: string; flag: string }[] {
  const text = (key: RerunMetric, d: Difference | null) => {
    if (d === null) return "–";
    const ratio = key === "sharpe";
    const value = ratio ? d.estimate.toFixed(2) : `${(d.estimate * 100).toFixed(2)}%`;
    return d.estimate > 0 ? `+${value}` : value;
  };
  return rerunMetrics.map((key) => {
    const row = rerun.metrics[key];
    return {
      label: labels[key],
      first: text(key, row.first),
      second: text(key, row.second),
      flag: row.signsDisagree ? "signs disagree" : "",
    };
  });
}

/** The line a report opens with when it cannot be cited (a draft); none when it can. */
export function draftMarkdown(report: { model: { paths: number } }): string[] {
  const problem = citationProblem(report.model.paths);
  return problem ? [`**Draft, not citable:** ${problem}.`, ""] : [];
}

/** The second-seed section (after the metrics), starting with a blank line; none for a report without a rerun. */
export function rerunMarkdown(report: { seed: number; results: { rerun?: Rerun } }): string[] {
  const rerun = report.results.rerun;
  if (!rerun) return [];
  const disagree = rerunDisagreements(rerun);
  return [
    "",
    "## The same comparison with a second seed",
    "",
    `The headline differences again on ${rerun.paths.toLocaleString("en-US")} other paths, drawn with seed ` +
      `${rerun.seed} (a proposal's report derives both its seeds from the proposal's content). ` +
      (disagree.length
        ? `**The two seeds disagree on the sign of ${disagree.length === 1 ? "one difference" : `${disagree.length} differences`}:** ` +
          `at this path count these differences are noise, whichever way they point.`
        : "The two seeds agree on the sign of every difference."),
    "",
    `| Metric | Seed ${report.seed} | Seed ${rerun.seed} | |`,
    "|---|---:|---:|---|",
    ...rerunRows(rerun).map((r) => `| ${r.label} | ${r.first} | ${r.second} | ${r.flag} |`),
  ];
}
