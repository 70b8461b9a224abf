/**
 * The advisor page (/advisor) in Debian's Chromium against the real stack (`npm start` on its own ports), with the
 * devnet's open proposal (reweight.yaml) as the proposed set: a small search (200 paths, population 8, 1 generation)
 * runs in the browser's Web Workers; the plot shows every set evaluated and the front's points, the current and
 * proposed sets labelled; a chosen point shows its metrics against the current set, its robustness and its glide path;
 * a step's downloaded proposal file loads (sdk/proposal/load.ts) and passes the checks against the registry
 * (sdk/proposal/check.ts); the request is built in a Web Worker of its own (the comparison models' fitting kept off
 * the page's main thread); a field that cannot be used is named and nothing runs; a long search shows its progress
 * and Cancel terminates its workers. Axe on each state, screenshots into test-results/web/. Set TRIMTAB_E2E_URL (with
 * TRIMTAB_E2E_GRAPHQL, TRIMTAB_E2E_RPC and TRIMTAB_E2E_DEPLOYMENT) to run against a stack already up.
 */
import { mkdir, mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page, Worker } from "playwright-core";
import { http } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDeploymentRecord } from "../../sdk/deployment.ts";
import { graphqlRequest, subgraphUrl } from "../../sdk/graphql.ts";
import { checkProposal } from "../../sdk/proposal/check.ts";
import { connectStack } from "../../sdk/proposal/deployed.ts";
import { loadProposal } from "../../sdk/proposal/load.ts";
import { expectAccessible, openWebSession, type WebSession } from "../helpers/webSession.ts";

const ports = { chain: 18_665, graphql: 18_120, web: 13_120 };
const screenshots = path.resolve(import.meta.dirname, "..", "..", "test-results", "web");
const graphql = process.env.TRIMTAB_E2E_GRAPHQL ?? subgraphUrl(`http://127.0.0.1:${ports.graphql}`);
const rpc = process.env.TRIMTAB_E2E_RPC ?? `http://127.0.0.1:${ports.chain}`;
/** The page streams the feeds' history in; the search then runs in the browser. */
const slow = { timeout: 120_000 };

let session: WebSession | undefined;
let page: Page;
let proposalId: string;

/** Opens the advisor page (with `query`) and waits for its form. */
async function openAdvisor(query = "") {
  await page.goto(`${session!.base}/advisor${query}`);
  await page.getByRole("button", { name: "Run the advisor" }).waitFor(slow);
}

describe("the advisor page", () => {
  beforeAll(async () => {
    await mkdir(screenshots, { recursive: true });
    // 40 days: enough feed history to calibrate the market, and reweight.yaml left open for a vote.
    session = await openWebSession(ports, 40);
    page = session.page;
    const { proposals } = await graphqlRequest<{ proposals: { proposalId: string; title: string }[] }>(
      fetch,
      graphql,
      "{ proposals { proposalId title } }",
    );
    proposalId = proposals.find((p) => p.title === "Move 5% from USDC to WBTC")!.proposalId;
  }, 600_000);

  afterAll(async () => {
    await session?.close();
  });

  it("names a field that cannot be used, and does not run", async () => {
    await openAdvisor();
    const paths = page.getByLabel("Paths", { exact: true });
    await paths.fill("0");
    await page.getByRole("button", { name: "Run the advisor" }).click();
    expect(await page.getByRole("alert").textContent()).toBe(
      "Paths: must be a whole number from 100 to 1000000, got 0",
    );
    expect(await paths.getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByTestId("advisor-progress").count()).toBe(0);
    await paths.fill("200");
    await page.getByLabel("Generations").fill("1.5");
    await page.getByRole("button", { name: "Run the advisor" }).click();
    expect(await page.getByRole("alert").textContent()).toBe(
      "Generations: must be a whole number from 0 to 100, got 1.5",
    );
    for (const name of await page.getByRole("group", { name: "Parameters to search" }).getByRole("checkbox").all())
      await name.uncheck();
    await page.getByLabel("Generations").fill("1");
    await page.getByRole("button", { name: "Run the advisor" }).click();
    expect(await page.getByRole("alert").textContent()).toBe(
      "Parameters to search: choose at least one parameter to search",
    );
    await expectAccessible(page, "the advisor page, a field invalid");
  }, 300_000);

  it("runs the search in Web Workers, plots the front with the current and proposed sets, and shows a chosen point's metrics and glide path", async () => {
    const workers: string[] = [];
    page.on("worker", (worker) => workers.push(worker.url()));
    await openAdvisor(`?proposal=${proposalId}`);
    expect(await page.getByTestId("advisor-proposal").textContent()).toMatch(
      /Proposed set: proposal Move 5% from USDC to WBTC, its changes weight\.\w+, weight\.\w+/,
    );
    await page.getByLabel("Paths", { exact: true }).fill("200");
    await page.getByLabel("Population").fill("8");
    await page.getByLabel("Generations").fill("1");
    await page.getByRole("button", { name: "Run the advisor" }).click();
    const cores = await page.evaluate(
      () => (globalThis as unknown as { navigator: { hardwareConcurrency: number } }).navigator.hardwareConcurrency,
    );
    await page.getByTestId("front-count").waitFor(slow);
    // One Web Worker built the request (the comparison models fitted off the main thread), then one per core ran the
    // sets.
    expect(workers.filter((url) => url.includes("requestWorker"))).toHaveLength(1);
    expect(workers.length).toBe(cores + 1);

    const summary = (await page.getByTestId("advisor-summary").textContent())!.replace(/\s+/g, " ");
    const [, front, evaluated] = /(\d+) points? on the front of (\d+) sets evaluated/.exec(summary)!;
    expect(summary).toContain("NSGA-II (population 8, 1 generations");
    expect(summary).toContain("on the same 200 paths × 365 steps");
    const plot = page.getByRole("group", { name: /Expected return against tail risk/ });
    expect(await plot.getByRole("button").count()).toBe(Number(evaluated));
    // Every front point is marked as one (the current or proposed set as "on the front"), and joined.
    const onFront = plot.getByRole("button", {
      name: /^(Front point #\d+|(Current|Proposed) set #\d+, on the front):/,
    });
    expect(await onFront.count()).toBe(Number(front));
    expect((await plot.locator("path.joined").getAttribute("d"))?.match(/[ML]/g)).toHaveLength(Number(front));
    expect(
      await plot
        .getByRole("button", { name: /^Current set #0/ })
        .locator("text")
        .textContent(),
    ).toBe("Current");
    expect(
      await plot
        .getByRole("button", { name: /^Proposed set #1/ })
        .locator("text")
        .textContent(),
    ).toBe("Proposed");
    expect(await page.getByTestId("dominance-current").count()).toBe(1);
    expect(await page.getByTestId("dominance-proposed").count()).toBe(1);
    await expectAccessible(page, "the advisor page, its front");
    await page.screenshot({ path: path.join(screenshots, "advisor.png"), fullPage: true });

    // Choose a front point that is not the current set: its metrics against the current set, its glide path.
    const point = plot.locator('[data-kind="front"]').first();
    const id = await point.getAttribute("data-point");
    await point.click();
    expect(await point.getAttribute("aria-pressed")).toBe("true");
    const panel = page.getByTestId("point-panel");
    expect(await panel.getByRole("heading", { level: 3 }).textContent()).toBe(`Point #${id}`);
    const metrics = await panel.getByRole("table", { name: "Metrics against the current set" }).getByRole("row").all();
    expect(metrics).toHaveLength(11);
    expect(await metrics[1]!.textContent()).toMatch(
      /^Expected return-?[\d.]+%-?[\d.]+%[+-]?[\d.]+%(better|worse|same)$/,
    );
    expect(await panel.getByTestId("robustness-verdict").textContent()).toMatch(
      /^\s*(better|worse|trade-off|can't tell)\s*— (beats|not better)/,
    );
    const checks = await panel
      .getByRole("table", { name: /Differences from the current set/ })
      .locator("tbody th")
      .allTextContents();
    expect(checks.slice(0, 4)).toEqual([
      "On the search's paths (Monte Carlo error)",
      "With a bear drift",
      "With a flat drift",
      "With a bull drift",
    ]);
    expect(checks.slice(4).length).toBeGreaterThan(0);
    for (const model of checks.slice(4)) expect(model).toMatch(/^Under /);
    const steps = page.getByTestId("glide-step");
    expect(await steps.count()).toBeGreaterThan(0);
    expect(await steps.first().textContent()).toMatch(/1 of \d+.*→.*\d{4}-\d\d-\d\d \d\d:\d\d UTC/s);
    await expectAccessible(page, "the advisor page, a point chosen");

    // Step 1's proposal file, downloaded: a proposal that passes the checks against the registry as it stands.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      steps
        .first()
        .getByRole("button", { name: /Download step 1's proposal/ })
        .click(),
    ]);
    expect(download.suggestedFilename()).toBe(`01-advisor-point-${id}.yaml`);
    const file = path.join(await mkdtemp(path.join(tmpdir(), "trimtab-advisor-")), download.suggestedFilename());
    await download.saveAs(file);
    const proposal = await loadProposal(file);
    expect(proposal.title).toMatch(new RegExp(`^Advisor point ${id}, step 1 of \\d+$`));
    const deployment = process.env.TRIMTAB_E2E_DEPLOYMENT ?? session!.deploymentFile!;
    const { contracts } = parseDeploymentRecord(deployment, await readFile(deployment, "utf8"));
    const stack = await connectStack(http(rpc), contracts, deployment);
    const checked = checkProposal(file, proposal, await stack.readSnapshot());
    expect(
      checked.checks.filter((c) => c.status === "fail"),
      await readFile(file, "utf8"),
    ).toEqual([]);
    expect(checked.changes.length).toBeGreaterThan(0);
  }, 300_000);

  it("shows the search's progress, and Cancel stops it at once: its Web Workers terminated, no result", async () => {
    const workers: Worker[] = [];
    page.on("worker", (worker) => workers.push(worker));
    await openAdvisor();
    // The advisor's defaults (2,000 paths, population 40, 4 generations): far longer than the test waits.
    await page.getByRole("button", { name: "Run the advisor" }).click();
    const progress = page.getByTestId("advisor-progress");
    await progress.waitFor(slow);
    await expect.poll(() => progress.getAttribute("max"), slow).toBe(String(40 * (1 + 4)));
    expect(workers.length).toBeGreaterThan(0);
    const closed = Promise.all(workers.map((worker) => new Promise((resolve) => worker.once("close", resolve))));
    await page.getByRole("button", { name: "Cancel" }).click();
    await closed;
    expect(await page.getByRole("status").filter({ hasText: "cancelled" }).textContent()).toBe("Advisor cancelled.");
    expect(await progress.count()).toBe(0);
    expect(await page.getByTestId("front-count").count()).toBe(0);
    await expectAccessible(page, "the advisor page, cancelled");
  }, 300_000);
});
