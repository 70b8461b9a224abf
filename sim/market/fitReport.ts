/**
 * The impact report's section on the market model's fit (when the run fitted one: `simulation.marketModel`): which
 * model, its log-likelihood in and out of sample with the window split, its parameter count with AIC and BIC, and
 * for the regime model the share of the history each regime most probably held and today's regime probabilities.
 */
import type { MarketModelFit } from "./fit.ts";
import { marketModelLabel } from "./fit.ts";
import type { MarketModel } from "./types.ts";

const dateOf = (seconds: number) => new Date(seconds * 1_000).toISOString().slice(0, 10);

/** The markdown lines of the fit section (empty without a fit), beginning with a blank line. */
export function marketModelFitMarkdown(model: { market: MarketModel; fit?: MarketModelFit }): string[] {
  const { fit, market } = model;
  if (!fit) return [];
  const lines = [
    "",
    "## The market model's fit",
    "",
    `${marketModelLabel(market)}, fitted by maximum likelihood to ${fit.inSampleReturns} returns ` +
      `(${dateOf(fit.fromSeconds)} to ${dateOf(fit.splitSeconds)})` +
      (fit.outOfSampleReturns > 0
        ? ` and scored on the ${fit.outOfSampleReturns} held out after them (to ${dateOf(fit.toSeconds)}).`
        : "; none held out."),
    "",
    "| Log-likelihood in sample | Out of sample | Parameters | AIC | BIC |",
    "|---:|---:|---:|---:|---:|",
    `| ${fit.logLikelihoodIn.toFixed(1)} | ${fit.outOfSampleReturns > 0 ? fit.logLikelihoodOut.toFixed(1) : "—"} | ` +
      `${fit.parameters} | ${fit.aic.toFixed(1)} | ${fit.bic.toFixed(1)} |`,
  ];
  if (market.kind === "student-t" && market.degreesOfFreedom < 3)
    lines.push(
      "",
      `**Note:** ν = ${market.degreesOfFreedom.toFixed(2)} is below 3: the fitted tails are so heavy that rare moves ` +
        "carry most of the volatility, which can then exceed the returns' sample volatility by half or more. " +
        "Returns whose volatility clusters (crypto's) do this to a constant-volatility Student-t; a GARCH or " +
        "regime model, which lets volatility change, may fit better: compare their log-likelihoods out of sample.",
    );
  const regimes = fit.regimeProbabilities;
  if (regimes && market.kind === "regimes") {
    const counts = regimes.names.map(() => 0);
    for (const row of regimes.probabilities) counts[row.indexOf(Math.max(...row))]!++;
    const total = Math.max(1, regimes.probabilities.length);
    lines.push(
      "",
      "| Regime | Share of the history (most probable) | Mean stay (steps) | Probability today |",
      "|---|---:|---:|---:|",
      ...regimes.names.map((name, k) => {
        const stay = 1 / (1 - market.transitionPerStep[k]![k]!);
        return `| ${name} | ${((100 * counts[k]!) / total).toFixed(1)}% | ${Number.isFinite(stay) ? stay.toFixed(1) : "∞"} | ${(100 * market.initialProbabilities[k]!).toFixed(1)}% |`;
      }),
    );
  }
  return lines;
}
