/**
 * The analytics console end to end, in Debian's Chromium against the real stack (`npm start`: chain, indexer, web):
 * what an analyst does there, with the page's script and without it. Set TRIMTAB_E2E_URL to run against a stack
 * already up (the tests only read).
 */
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessible, openWebSession, type WebSession } from "../helpers/webSession.ts";

const root = path.resolve(import.meta.dirname, "..", "..");
const screenshots = path.join(root, "test-results", "web");
const ports = { chain: 18_655, graphql: 18_110, web: 13_110 };
const ui = { timeout: 30_000 };

let session: WebSession | undefined;
let base: string;
let page: Page;

/** The console's editor, once CodeMirror has loaded and the subgraph's schema has been read into it. */
async function openConsole() {
  await page.goto(`${base}/analytics`);
  await page.getByTestId("query-editor").waitFor(ui);
  await page.getByTestId("schema-explorer").waitFor(ui);
  return page.getByTestId("query-editor");
}

/** Replaces the editor's text by typing `text` key by key, as an analyst would. */
async function typeQuery(text: string) {
  const editor = page.getByTestId("query-editor");
  await editor.click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.type(text);
}

/** The JavaScript files a page loads when opened, with their text. */
async function scriptsLoadedBy(url: string): Promise<{ url: string; text: string }[]> {
  const scripts: Promise<{ url: string; text: string }>[] = [];
  const onResponse = (response: Response) => {
    if (response.url().endsWith(".js")) scripts.push(response.text().then((text) => ({ url: response.url(), text })));
  };
  page.on("response", onResponse);
  await page.goto(url, { waitUntil: "networkidle" });
  page.off("response", onResponse);
  return Promise.all(scripts);
}

/** A string CodeMirror's code holds (its content element's class), and the introspection query graphql-js builds. */
const codemirrorMarks = [".cm-content", "__schema"];

describe("the analytics console", () => {
  beforeAll(async () => {
    await mkdir(screenshots, { recursive: true });
    session = await openWebSession(ports, 10);
    ({ base, page } = session);
  }, 600_000);

  afterAll(async () => {
    await session?.close();
  });

  it("shows the first example's result as served, and runs a query from its form, without its script", async () => {
    await page.route("**/*.js", (route) => route.abort());
    try {
      await page.goto(`${base}/analytics`);
      expect(await page.getByTestId("analytics-status").textContent()).toContain("run when the page was served");
      const table = page.getByTestId("result-table");
      expect(await table.getByRole("columnheader").allTextContents()).toContain("pricePerShare");
      expect(await page.locator("[data-testid=series-chart] svg path").count()).toBeGreaterThan(0);
      await page.getByLabel("Query (GraphQL)").fill("{ vaults { totalAssets } }");
      await page.getByRole("button", { name: "Run", exact: true }).click();
      await page.waitForURL(/\/analytics\?query=/);
      expect(await table.getByRole("columnheader").allTextContents()).toEqual(["totalAssets"]);
      await page.getByLabel("Example").selectOption({ label: "The top delegates" });
      await page.getByRole("button", { name: "Open", exact: true }).click();
      await page.waitForURL(/\/analytics\?example=09-top-delegates$/);
      expect(await table.getByRole("columnheader").allTextContents()).toEqual(["id", "votingPower", "delegatorCount"]);
    } finally {
      await page.unroute("**/*.js");
    }
  });

  it("completes from the schema as the analyst types, and marks a field the schema does not have", async () => {
    await openConsole();
    await typeQuery("{ vaultDail");
    const completions = page.locator(".cm-tooltip-autocomplete");
    await completions.waitFor(ui);
    expect(await completions.textContent()).toContain("vaultDailySnapshots");
    await page.keyboard.press("Escape");

    await typeQuery("{ vaults { nope } }");
    const marked = page.locator(".cm-lintRange-error");
    await marked.first().waitFor(ui);
    expect(await marked.first().textContent()).toBe("nope");
  });

  it("runs with Ctrl-Enter, shows nested lists as tables, and keeps the query in its history", async () => {
    await openConsole();
    const query = "{ vaults { totalAssets holdings { token { symbol } weightBps } } }";
    await typeQuery(query);
    await page.keyboard.press("Control+Enter");
    await expect
      .poll(() => page.getByTestId("analytics-status").textContent(), ui)
      .toMatch(/^1 table, 1 row in \d+ ms\.$/);
    const table = page.getByTestId("result-table");
    expect(await table.getByRole("columnheader").allTextContents()).toEqual(["totalAssets", "holdings"]);
    // The holdings are a table of their own, folded in their cell: opened, each holding is a row.
    await table.getByText(/^\d+ rows of holdings$/).click();
    const holdings = table.getByRole("table", { name: "vaults, row 1, holdings" });
    expect(await holdings.getByRole("columnheader").allTextContents()).toEqual(["token.symbol", "weightBps"]);
    expect(await holdings.getByRole("cell", { name: "WETH", exact: true }).count()).toBe(1);
    await expectAccessible(page, "the analytics console");
    await page.screenshot({ path: path.join(screenshots, "analytics-nested.png"), fullPage: true });

    // The history survives a reload, most recent first, and runs a query again.
    const history = page.getByTestId("history");
    expect(await history.locator("li code").first().textContent()).toBe(query);
    await openConsole();
    expect(await history.locator("li code").first().textContent()).toBe(query);
    await history.getByRole("button", { name: `Run again ${query}` }).click();
    await expect.poll(() => page.getByTestId("query-editor").textContent(), ui).toBe(query);
    await expect.poll(() => table.getByRole("columnheader").allTextContents(), ui).toEqual(["totalAssets", "holdings"]);
    await history.getByRole("button", { name: "Clear history" }).click();
    expect(await history.locator("li").count()).toBe(0);
  });

  it("opens types in the schema explorer and inserts a field at the cursor", async () => {
    await openConsole();
    await typeQuery("{ vaults { } }");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    const explorer = page.getByTestId("schema-explorer");
    await explorer.getByLabel("Find a field or type").fill("vaults");
    await explorer.getByRole("button", { name: "[Vault!]! (open the type)" }).click();
    expect(await explorer.getByTestId("explorer-type").textContent()).toBe("type Vault");
    await explorer.getByRole("button", { name: "totalAssets (insert)" }).click();
    expect(await page.getByTestId("query-editor").textContent()).toBe("{ vaults { totalAssets} }");
    await explorer.getByRole("button", { name: /^← Query/ }).click();
    expect(await explorer.getByTestId("explorer-type").textContent()).toBe("type Query");
  });

  it("charts a numeric column of a series over its time, the column chosen by the analyst", async () => {
    await openConsole();
    await page.getByLabel("Example").selectOption({ label: "NAV over time" });
    await page.getByRole("button", { name: "Run", exact: true }).click();
    const chart = page.getByTestId("series-chart");
    await expect
      .poll(() => chart.locator("svg").getAttribute("aria-label"), ui)
      .toBe("navUpdates: totalAssets over timestamp");
    await chart.getByLabel("Chart", { exact: true }).selectOption("pricePerShare");
    expect(await chart.locator("svg").getAttribute("aria-label")).toBe("navUpdates: pricePerShare over timestamp");
    await chart.getByLabel("over", { exact: true }).selectOption("blockNumber");
    expect(await chart.locator("svg").getAttribute("aria-label")).toBe("navUpdates: pricePerShare over blockNumber");
    expect(await chart.locator("svg path").count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(screenshots, "analytics-chart.png"), fullPage: true });
  });

  it("runs an example query and exports its table as CSV, and shows the subgraph's refusal with its place", async () => {
    await openConsole();
    await page.getByLabel("Example").selectOption({ label: "Rebalances and the slippage of their trades" });
    expect(await page.getByTestId("query-editor").textContent()).toContain("rebalances(first: 10");
    await page.getByRole("button", { name: "Run", exact: true }).click();
    const table = page.getByTestId("result-table");
    await expect.poll(() => table.getByRole("columnheader").allTextContents(), ui).toContain("navChange");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      table
        .getByRole("button", { name: /Download CSV/ })
        .first()
        .click(),
    ]);
    expect(download.suggestedFilename()).toBe("rebalances.csv");
    const csv = await readFile((await download.path())!, "utf8");
    expect(csv.split("\r\n")[0]).toMatch(/^timestamp,navBefore,navAfter,navChange/);
    expect(csv.split("\r\n").length).toBeGreaterThan(2);
    await page.screenshot({ path: path.join(screenshots, "analytics.png"), fullPage: true });

    // A query the subgraph refuses: its own message, shown as an alert, with a way to its place in the query.
    await page.getByLabel("Query (GraphQL)").fill("{ vaults { nope } }");
    await page.getByRole("button", { name: "Run", exact: true }).click();
    const errors = page.getByTestId("analytics-errors");
    await expect.poll(() => errors.textContent(), ui).toContain("nope");
    expect(await errors.getByRole("button", { name: "Go to line 1, column 12" }).count()).toBe(1);
  });

  it("loads CodeMirror on the analytics page only", async () => {
    const holdsEditor = (script: { text: string }) => codemirrorMarks.some((mark) => script.text.includes(mark));
    for (const other of ["/", "/parameters", "/proposals"]) {
      const scripts = await scriptsLoadedBy(`${base}${other}`);
      expect(scripts.length, other).toBeGreaterThan(0);
      expect(
        scripts.filter(holdsEditor).map((s) => s.url),
        other,
      ).toEqual([]);
    }
    const analytics = await scriptsLoadedBy(`${base}/analytics`);
    expect(analytics.filter(holdsEditor).length, "the analytics page loads the editor").toBeGreaterThan(0);
  });
});
