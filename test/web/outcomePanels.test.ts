/**
 * The outcome panels (web/src/lib/proposal/OutcomePanel.svelte on an executed proposal's page,
 * OutcomeCalibrationTable.svelte on the proposals list) rendered by Svelte's server renderer, as the app renders
 * them, from an outcome measured by sdk/proposal/outcome.ts out of plain data, then checked in Chromium with the app's
 * stylesheet: the tables by their captions and headers, the counts in them, the unmeasured reason in words, and axe.
 * The devnet's own executed proposals are measured through the app by app.test.ts's pages, not here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  calibrationTable,
  measureOutcome,
  type CalibrationTable,
  type HorizonValues,
  type ProposalOutcome,
  type ProposalOutcomeResult,
  type UnmeasuredOutcome,
} from "../../sdk/proposal/outcome.ts";
import { startComponentPages, type ComponentPages } from "../helpers/componentPage.ts";
import { expectAccessible } from "../helpers/webSession.ts";

/** 21 paths' values: growth 0.90, 0.91, …, 1.10; 0..20 rebalances; turnover 0..20%; hedge ratio 0.40..0.60. */
function values(): HorizonValues {
  const ramp = (from: number, step: number) => Array.from({ length: 21 }, (_, i) => from + i * step);
  return {
    growth: ramp(0.9, 0.01),
    rebalances: ramp(0, 1),
    turnover: ramp(0, 0.01),
    feesBase: ramp(0, 1),
    ltv: null,
    hedgeRatio: ramp(0.4, 0.01),
  };
}

/**
 * Four days since execution against bands ±1% (p25–p75) and ±3% (p5–p95) wide a day: growth 1.005, 1.025, 0.99 and
 * 1.13, so days 1 and 3 in p25–p75, days 1–3 in p5–p95. Of the metrics, rebalances fall in p25–p75, turnover and fees
 * in p5–p95 only, the hedge ratio outside both.
 */
function measured(): ProposalOutcome {
  return measureOutcome({
    proposalId: "42",
    title: "Wider rebalance band",
    report: {
      hash: `0x${"cd".repeat(32)}`,
      blockNumber: "1200",
      startSeconds: 1_700_000_000,
      paths: 21,
      steps: 10,
      stepSeconds: 86_400,
      startNav: 1_000,
      proposedBands: Array.from({ length: 11 }, (_, d) => [-3, -1, 0, 1, 3].map((k) => 1_000 * (1 + (k * d) / 100))),
    },
    execution: { blockNumber: "1300", timestampSeconds: 1_700_100_000 },
    realizedSharePrices: [1, 1.005, 1.025, 0.99, 1.13],
    realizedNavBase: [1_000, 1_010, 1_020, 995, 1_100],
    realized: { rebalances: 5, turnover: 0.04, fees: 0.001, ltv: null, hedgeRatio: 0.7 },
    predicted: { horizonSteps: 4, stepSeconds: 86_400, paths: 21, current: values(), proposed: values() },
    replay: {
      withoutProposal: { growth: 1.08, rebalances: 9, turnover: 0.06, fees: 0.001 },
      withProposal: { growth: 1.085, rebalances: 4, turnover: 0.035, fees: 0.001 },
    },
  });
}

const tooRecent: UnmeasuredOutcome = {
  status: "unmeasured",
  proposalId: "43",
  title: "Lower fee",
  reason: "too-few-days",
  message: "proposal 43 was executed 1 whole day ago; an outcome needs 2",
};

let pages: ComponentPages;

describe("the outcome panels", () => {
  beforeAll(async () => {
    pages = await startComponentPages();
  });

  afterAll(async () => {
    await pages?.close();
  });

  /** `component` (in web/src/lib/proposal/) with `props`, under the heading its page puts above it. */
  async function open<P extends Record<string, unknown>>(component: string, props: P, heading: string) {
    const { page } = await pages.open(
      heading,
      [{ component: `/src/lib/proposal/${component}.svelte`, props }],
      `<h1>A page</h1><h2>${heading}</h2>%s`,
    );
    return page;
  }

  /** The cells of each row of the table named `name`, header row first, trimmed. */
  async function rowsOf(page: Awaited<ReturnType<typeof open>>, name: RegExp): Promise<string[][]> {
    const rows = await page.getByRole("table", { name }).getByRole("row").all();
    return Promise.all(rows.map(async (row) => (await row.locator("th, td").allTextContents()).map((c) => c.trim())));
  }

  it("shows a measured outcome: days in the bands against 50% and 90%, metrics against the predicted percentiles, and the counterfactual", async () => {
    const page = await open("OutcomePanel", { result: measured() as ProposalOutcomeResult }, "Outcome");
    try {
      expect(await page.getByTestId("outcome-summary").textContent()).toMatch(
        /Executed at block 1300 .* measured over the\s+4 whole days since, .* \(block 1200, 21 paths of 10 daily steps\)/,
      );
      expect(await page.getByTestId("outcome-alignment").textContent()).toMatch(/^Day d after execution is compared/);
      const coverage = await rowsOf(page, /days inside the report's bands/);
      expect(coverage).toEqual([
        ["Band", "Days inside", "Share", "A calibrated model"],
        ["p25–p75", "2 of 4", "50%", "50%"],
        ["p5–p95", "3 of 4", "75%", "90%"],
      ]);
      const metrics = await rowsOf(page, /realized against the predicted percentiles/);
      expect(metrics.map((row) => row[0])).toEqual([
        "Metric",
        "Rebalances",
        "Turnover (of NAV at the start)",
        "Fees (of NAV at the start)",
        "Hedge ratio at the horizon",
      ]);
      // 5 rebalances among 0..20: p5 1, p25 5, p50 10, p75 15, p95 19; five below and one tied: 5.5 of 21, 26%.
      expect(metrics[1]).toEqual(["Rebalances", "5.0", "1.0", "5.0", "10.0", "15.0", "19.0", "26%"]);
      // A hedge ratio of 0.70 above every path's (0.40..0.60): outside both bands, ranked at 100%.
      expect(metrics[4]!.slice(1, 2)).toEqual(["70.00%"]);
      expect(metrics[4]!.at(-1)).toBe("100%");
      const counterfactual = await rowsOf(page, /replayed by the model with and without/);
      expect(counterfactual.slice(1)).toEqual([
        ["What happened", "+13.00%", "5", "4.00%", "0.100%"],
        ["Replay with the proposal", "+8.50%", "4", "3.50%", "0.100%"],
        ["Replay without it", "+8.00%", "9", "6.00%", "0.100%"],
        ["Effect (with less without)", "+0.50%", "-5", "-2.50%", "0.000%"],
      ]);
      await expectAccessible(page, "a measured outcome");
    } finally {
      await page.close();
    }
  });

  it("says in words why an outcome is not measured", async () => {
    const page = await open("OutcomePanel", { result: tooRecent as ProposalOutcomeResult }, "Outcome");
    try {
      expect(await page.getByTestId("outcome-unmeasured").textContent()).toMatch(
        /No outcome measured\.\s+Executed too recently: an outcome needs 2 whole days since the execution\./,
      );
      expect(await page.getByTestId("outcome-unmeasured-message").textContent()).toBe(`${tooRecent.message}.`);
      expect(await page.getByRole("table").count()).toBe(0);
      await expectAccessible(page, "an unmeasured outcome");
    } finally {
      await page.close();
    }
  });

  it("pools the executed proposals into one calibration table with counts, and lists the unmeasured", async () => {
    const table: CalibrationTable = calibrationTable([measured(), tooRecent]);
    const page = await open("OutcomeCalibrationTable", { table }, "Outcomes against the impact reports");
    try {
      const rows = await rowsOf(page, /Executed proposals against the reports they cite/);
      expect(rows).toEqual([
        ["Proposal", "Days", "Days in p25–p75", "Days in p5–p95", "Metrics in p25–p75", "Metrics in p5–p95"],
        ["Wider rebalance band", "4", "2", "3", "1 of 4", "3 of 4"],
        ["All measured (1)", "4", "2 of 4 (50%)", "3 of 4 (75%)", "1 of 4 (25%)", "3 of 4 (75%)"],
      ]);
      expect(await page.getByTestId("calibration-unmeasured").textContent()).toMatch(
        /Lower fee: Executed too recently/,
      );
      await expectAccessible(page, "the calibration table");
    } finally {
      await page.close();
    }
  });
});
