/**
 * The market models' fit panel (web/src/lib/proposal/ModelFitPanel.svelte) rendered by Svelte's server renderer, as
 * the app renders it, from fits of the three fitted models to a seeded history, then checked in Chromium with the
 * app's stylesheet: its table, the best model out of sample in words, the models left out with their reasons, the
 * regime chart, and axe (screenshotted into test-results/web/ as the app's pages are). No proposal sets
 * `simulation.marketModel` on the devnet yet, so the app's own pages (app.test.ts) do not show this panel.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exp } from "../../sim/detMath.ts";
import { fitMarketModel } from "../../sim/market/fit.ts";
import type { PriceHistory } from "../../sim/market/types.ts";
import { createRandom } from "../../sim/random.ts";
import type { ModelFitReportView } from "../../web/src/lib/proposal/modelFit.ts";
import { startComponentPages, type ComponentPages } from "../helpers/componentPage.ts";
import { expectAccessible } from "../helpers/webSession.ts";

const root = path.resolve(import.meta.dirname, "..", "..");
const screenshots = path.join(root, "test-results", "web");

/** 200 daily prices of a stablecoin and ETH: calm (2% a day) then turbulent (6%) then calm again. Seeded. */
function history(): PriceHistory {
  const random = createRandom(41);
  const rows = [[1, 2_000]];
  for (let t = 1; t < 200; t++) {
    const volatility = t >= 90 && t < 130 ? 0.06 : 0.02;
    rows.push([1, rows[t - 1]![1]! * exp(volatility * random.normal())]);
  }
  return { symbols: ["USDC", "WETH"], timestamps: rows.map((_, t) => 1_700_000_000 + t * 86_400), pricesUsd: rows };
}

let pages: ComponentPages;

describe("the market models' fit panel", () => {
  beforeAll(async () => {
    pages = await startComponentPages();
  });

  afterAll(async () => {
    await pages?.close();
  });

  /** The panel's HTML for `report`, in a page with the app's stylesheet under the headings the proposal page puts above it. */
  const open = (report: ModelFitReportView) =>
    pages.open(
      "/src/lib/proposal/ModelFitPanel.svelte",
      { report },
      { title: "Model fit", before: "<h1>A proposal</h1><h2>Simulated impact</h2>" },
    );

  it("shows each fitted model's fit, the best out of sample in words, the models left out, and the regimes over the history", async () => {
    const prices = history();
    const garch = fitMarketModel("garch", prices);
    const studentT = fitMarketModel("student-t", prices);
    const regimes = fitMarketModel("regimes", prices);
    const report: ModelFitReportView = {
      model: { market: garch.model, fit: garch.fit },
      results: {
        uncertainty: {
          parameters: {
            models: [
              { name: "GBM" },
              { name: "Student-t fitted to the history", fit: studentT.fit },
              { name: "Regime switching fitted to the history", fit: regimes.fit },
            ],
            omitted: [
              { name: "GARCH with normal shocks", kind: "garch", reason: "the fit did not converge in 2,000 steps" },
            ],
          },
        },
      },
    };
    const { page } = await open(report);
    try {
      const table = page.getByRole("table", { name: /Fit of each market model/ });
      const headers = await table.getByRole("columnheader").allTextContents();
      expect(headers).toEqual([
        "Model",
        "Returns in sample",
        "Returns held out",
        "Log-likelihood in sample",
        "Per return",
        "Log-likelihood out of sample",
        "Per return",
        "Parameters",
        "AIC",
        "BIC",
      ]);
      const rows = await table.getByRole("row").allTextContents();
      expect(rows).toHaveLength(4);
      expect(rows[1]).toMatch(/^GARCH\(1,1\) with constant correlation.*the run's market/);
      expect(rows[2]).toMatch(/^Student-t fitted to the history/);
      // The model with the highest log-likelihood per held-out return is named, in its row and in a sentence.
      const perReturnOut = [garch, studentT, regimes].map(({ fit }) => fit.logLikelihoodOut / fit.outOfSampleReturns);
      const best = perReturnOut.indexOf(Math.max(...perReturnOut));
      expect(rows.filter((row) => row.includes("best out of sample"))).toEqual([rows[best + 1]]);
      expect(await page.getByTestId("best-fit").textContent()).toMatch(/^Best out of sample: /);
      expect(await page.getByTestId("omitted-models").textContent()).toBe(
        "GARCH with normal shocks: the fit did not converge in 2,000 steps",
      );
      // The regime model's smoothed probabilities: one line per regime, dated on the x axis.
      const chart = page.getByRole("img", { name: /Smoothed regime probabilities over the history: Regime switching/ });
      expect(await chart.locator("path[fill=none]").count()).toBe(3);
      expect(await chart.locator("text.tick").allTextContents()).toContainEqual(
        expect.stringMatching(/^202\d-\d\d-\d\d$/),
      );
      await expectAccessible(page, "the market models' fit panel");
      await mkdir(screenshots, { recursive: true });
      await page.screenshot({ path: path.join(screenshots, "model-fit.png"), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it("renders nothing for a report without a fitted model", async () => {
    const { body, page } = await open({ model: { market: fitMarketModel("gbm", history()).model }, results: {} });
    await page.close();
    expect(body.replace(/<!--[^]*?-->/g, "").trim()).toBe("");
  });
});
