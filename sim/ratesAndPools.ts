/**
 * The impact report's section on what the modules pay to borrow and where the pools trade: each module's market and
 * its interest rate model (Morpho's AdaptiveCurveIrm from its rate at target, IrmMock's utilization, or a fixed
 * rate), the rate-spike stress when it was applied, and the pool model (pools at the oracle, or lagging it by the
 * arbitrageurs' band).
 */
import { adaptiveCurveConstants } from "./model/adaptiveCurveIrm.ts";
import type { BorrowRateModel, LendingMarket, PoolGapModel, VaultSetup } from "./model/types.ts";
import { rateSpikeScenario, type StressScenarioName } from "./market/stress.ts";
import { secondsPerYear } from "./market/types.ts";

const percent = (x: number) => `${+(x * 100).toFixed(2)}%`;

/** How `rate` sets a market's borrow rate, in a sentence's words. */
export function describeRateModel(rate: BorrowRateModel, market: LendingMarket): string {
  const utilization = market.totalSupplyAssets > 0 ? market.totalBorrowAssets / market.totalSupplyAssets : 0;
  if (rate.kind === "fixed") return `a fixed ${percent(rate.ratePerYear)} a year (an IRM the model does not know)`;
  if (rate.kind === "utilization")
    return `Morpho Blue's IrmMock: the yearly rate is the market's utilization (${percent(utilization)} at the start)`;
  const { targetUtilization, curveSteepness, minRateAtTargetPerSecond, maxRateAtTargetPerSecond } =
    adaptiveCurveConstants;
  const start = rate.rateAtTargetPerYear > 0 ? `${percent(rate.rateAtTargetPerYear)} at the start` : "not yet set";
  return (
    `Morpho's AdaptiveCurveIrm: rate at target (at ${percent(targetUtilization)} utilization) ${start}, moving ` +
    `at 50 a year times utilization's distance from the target, between ` +
    `${percent(minRateAtTargetPerSecond * secondsPerYear)} and ${percent(maxRateAtTargetPerSecond * secondsPerYear)}; ` +
    `the rate is ${curveSteepness}× it at full utilization, a ${curveSteepness === 4 ? "quarter" : "fraction"} of it ` +
    `at none (utilization ${percent(utilization)} at the start)`
  );
}

/** What the report says about borrow rates and pools: a sentence per module's market, the spike, and the pools. */
export type RatesAndPoolsSummary = {
  markets: { module: string; sentence: string }[];
  /** The rate-spike stress, when the run applied it. */
  spike?: string;
  pools: string;
};

/** The section's sentences for a report's model and setup. */
export function ratesAndPoolsSummary(report: {
  model: { stress: readonly StressScenarioName[]; poolGap?: PoolGapModel };
  inputs: { setup: VaultSetup };
}): RatesAndPoolsSummary {
  const { setup } = report.inputs;
  const symbols = setup.symbols;
  const markets = [
    setup.collateral && {
      module: "The collateral manager",
      what: `${symbols[0]} against ${symbols[setup.collateral.assetIndex]}`,
      market: setup.collateral.market,
    },
    setup.hedge && {
      module: "The hedge",
      what: `${symbols[setup.hedge.assetIndex]} against ${symbols[0]}`,
      market: setup.hedge.market,
    },
  ]
    .filter((m) => m !== undefined)
    .map(({ module, what, market }) => ({
      module,
      sentence: `${module} borrows ${what} at ${describeRateModel(market.rate, market)}.`,
    }));
  const gap = report.model.poolGap;
  return {
    markets,
    ...(report.model.stress.includes("rate-spike")
      ? {
          spike:
            `Stress \`rate-spike\`: every market charges at least ${percent(rateSpikeScenario.ratePerYear)} a year ` +
            `for ${rateSpikeScenario.steps} steps from the middle of the horizon.`,
        }
      : {}),
    pools:
      gap?.kind === "arbitrageBand"
        ? `Pools lag the oracle: between keeper cycles arbitrageurs close only the part of a pool's gap beyond its ` +
          `fee plus ${gap.thresholdBps} bps, so a rebalance trades at the lagging pool's price, ` +
          `\`oracle.maxDeviationBps\` can refuse it and the slippage bound has that much less room (refusals count ` +
          `as reverts).`
        : "Pools at the oracle's price at every keeper cycle (no pool–oracle gap): `oracle.maxDeviationBps` never " +
          "binds, and the slippage bound only limits price impact.",
  };
}

/** The report section "Borrow rates and pools" (markdown lines, a blank line first). */
export function ratesAndPoolsMarkdown(report: Parameters<typeof ratesAndPoolsSummary>[0]): string[] {
  const { markets, spike, pools } = ratesAndPoolsSummary(report);
  return [
    "",
    "## Borrow rates and pools",
    "",
    ...markets.map((m) => `- ${m.sentence}`),
    ...(spike ? [`- ${spike}`] : []),
    `- ${pools}`,
  ];
}
