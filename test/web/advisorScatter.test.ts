/**
 * The advisor's scatter plot (web/src/lib/charts/Scatter.svelte with web/src/lib/advisor/view.ts's points), mounted in
 * Chromium with the app's stylesheet from a real advisor result (the devnet's start point, a small search with a
 * proposed set and a breaking-drop ceiling some sets break): every front point marked and joined, the infeasible sets
 * and the current and proposed sets marked and labelled, a legend; a point chosen by keyboard (one tab stop, arrow
 * keys, Enter) and by click; and axe (screenshotted into test-results/web/).
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devnetMarketModel, devnetRuleRanges, devnetStartPoint } from "../../devnet/startPoint.ts";
import { advise } from "../../sim/advisor/advise.ts";
import type { AdvisorResult } from "../../sim/advisor/types.ts";
import { advisorKinds, scatterPoints } from "../../web/src/lib/advisor/view.ts";
import { keyboardOrder } from "../../web/src/lib/charts/scatter.ts";
import { startComponentPages, type ComponentPages } from "../helpers/componentPage.ts";
import { expectAccessible } from "../helpers/webSession.ts";

const screenshots = path.resolve(import.meta.dirname, "..", "..", "test-results", "web");

let pages: ComponentPages;
let result: AdvisorResult;

/** The plot of `result`, mounted; each choice it reports is pushed onto `globalThis.chosen`. */
const open = () =>
  pages.mount(
    "The front",
    `import { mount } from "svelte";
     import Scatter from "/src/lib/charts/Scatter.svelte";
     import { advisorKinds, scatterPoints } from "/src/lib/advisor/view.ts";
     const result = ${JSON.stringify(result)};
     const percent = (v) => (v * 100).toFixed(1) + "%";
     globalThis.chosen = [];
     mount(Scatter, {
       target,
       props: {
         title: "Expected return against tail risk (CVaR 95) of every set evaluated",
         xLabel: "Tail risk (CVaR 95)",
         yLabel: "Expected return",
         formatX: percent,
         formatY: percent,
         points: scatterPoints(result),
         kinds: advisorKinds,
         joined: result.front,
         joinedLabel: "The front (joined)",
         onchoose: (id) => globalThis.chosen.push(id),
       },
     });`,
    "<h1>Strategy advisor</h1><section><h2>The front</h2>%s</section>",
  );

const chosenIds = (page: Page) => page.evaluate(() => (globalThis as unknown as { chosen: number[] }).chosen);
/** The focused element's point id (the project's TypeScript has no DOM library: the page's globals are typed here). */
const focusedId = (page: Page) =>
  page.evaluate(() =>
    (
      globalThis as unknown as { document: { activeElement: { getAttribute(name: string): string | null } | null } }
    ).document.activeElement?.getAttribute("data-point"),
  );

describe("the advisor's scatter plot", () => {
  beforeAll(async () => {
    result = await advise({
      start: devnetStartPoint(),
      market: devnetMarketModel(),
      ranges: devnetRuleRanges(),
      paths: 100,
      steps: 90,
      population: 12,
      generations: 2,
      ceilings: { breakingDropAtLeast: 0.5 },
      proposed: { "rebalance.bandBps": 800 },
    });
    // What the plot is asked to show: a front of several points, infeasible sets, a proposed set.
    expect(result.front.length).toBeGreaterThan(1);
    expect(result.evaluated.some((p) => p.breaks.length > 0)).toBe(true);
    expect(result.proposed).toBeDefined();
    pages = await startComponentPages();
    await mkdir(screenshots, { recursive: true });
  });

  afterAll(async () => {
    await pages?.close();
  });

  it("marks every front point, joins them, marks the infeasible sets and labels the current and proposed sets", async () => {
    const page = await open();
    try {
      const plot = page.getByRole("group", { name: /Expected return against tail risk/ });
      const buttons = plot.getByRole("button");
      expect(await buttons.count()).toBe(result.evaluated.length);
      const kindOf = async (id: number) => page.locator(`[data-point="${id}"]`).getAttribute("data-kind");
      for (const id of result.front) {
        const kind = await kindOf(id);
        // A front point is drawn as one, unless it is the current or the proposed set (named as on the front).
        if (kind === "front")
          expect(await page.locator(`[data-point="${id}"]`).getAttribute("aria-label")).toMatch(
            new RegExp(`^Front point #${id}: expected return -?[\\d.]+%, tail risk \\(CVaR 95\\) -?[\\d.]+%$`),
          );
        else
          expect(await page.locator(`[data-point="${id}"]`).getAttribute("aria-label")).toMatch(
            new RegExp(`^(Current|Proposed) set #${id}, on the front:`),
          );
      }
      const others = result.evaluated.filter((p) => p.id !== result.current.id && p.id !== result.proposed?.id);
      expect(await page.locator('[data-kind="front"]').count()).toBe(
        others.filter((p) => result.front.includes(p.id)).length,
      );
      expect(await page.locator('[data-kind="infeasible"]').count()).toBe(
        others.filter((p) => p.breaks.length > 0).length,
      );
      const infeasible = others.find((p) => p.breaks.length > 0)!;
      expect(await page.locator(`[data-point="${infeasible.id}"]`).getAttribute("aria-label")).toContain(
        `; breaks: ${infeasible.breaks[0]}`,
      );
      // The front's line passes through each of its points, in order.
      const line = await plot.locator("path.joined").getAttribute("d");
      expect(line?.match(/[ML]/g)).toHaveLength(result.front.length);
      expect(await page.locator(`[data-point="${result.current.id}"]`).getAttribute("data-kind")).toBe("current");
      expect(await page.locator(`[data-point="${result.current.id}"] text`).textContent()).toBe("Current");
      expect(await page.locator(`[data-point="${result.proposed!.id}"] text`).textContent()).toBe("Proposed");
      const legend = await page.locator("figcaption").textContent();
      for (const kind of Object.values(advisorKinds)) expect(legend).toContain(kind.label);
      expect(legend).toContain("The front (joined)");
      await expectAccessible(page, "the advisor's scatter plot");
      await page.screenshot({ path: path.join(screenshots, "advisor-scatter.png"), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it("lets a point be chosen by keyboard: one tab stop on the front, arrow keys move along the points, Enter chooses", async () => {
    const page = await open();
    try {
      const order = keyboardOrder(scatterPoints(result)).map((p) => p.id);
      const first = result.front[0]!;
      await page.keyboard.press("Tab");
      expect(await focusedId(page)).toBe(String(first));
      // Only one point is a tab stop: Tab again leaves the plot.
      expect(await page.locator('[data-point][tabindex="0"]').count()).toBe(1);
      const at = order.indexOf(first);
      const next = order[Math.min(order.length - 1, at + 1)]!;
      await page.keyboard.press("ArrowRight");
      expect(await focusedId(page)).toBe(String(next));
      await page.keyboard.press("Enter");
      expect(await chosenIds(page)).toEqual([next]);
      expect(await page.locator(`[data-point="${next}"]`).getAttribute("aria-pressed")).toBe("true");
      await page.keyboard.press("End");
      expect(await focusedId(page)).toBe(String(order.at(-1)));
      await page.keyboard.press(" ");
      expect(await chosenIds(page)).toEqual([next, order.at(-1)]);
      expect(await page.locator('[aria-pressed="true"]').count()).toBe(1);
      await expectAccessible(page, "the advisor's scatter plot, a point chosen");
    } finally {
      await page.close();
    }
  });

  it("lets a point be chosen by click", async () => {
    const page = await open();
    try {
      const id = result.current.id;
      await page.locator(`[data-point="${id}"]`).click();
      expect(await chosenIds(page)).toEqual([id]);
      expect(await page.locator(`[data-point="${id}"]`).getAttribute("aria-pressed")).toBe("true");
    } finally {
      await page.close();
    }
  });
});
