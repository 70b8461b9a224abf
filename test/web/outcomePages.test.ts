/**
 * Outcomes in the web app on the devnet: the scenario's proposal (cites its impact report, executed on day 39) seen
 * 14 days after its execution on its page (the Outcome section), on the proposals list (the calibration table) and on
 * the delegates page (its voters' track records), each number checked against `trimtab proposal outcome <id> --json`,
 * which measures the same outcome in another process; and axe on each page (screenshotted into test-results/web/).
 * Its own stack on its own ports.
 */
import { mkdir, mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlRequest, subgraphUrl } from "../../sdk/graphql.ts";
import type { ProposalOutcome } from "../../sdk/proposal/outcome.ts";
import { formatSignedFraction } from "../../web/src/lib/proposal/outcome.ts";
import { trimtab } from "../helpers/trimtab.ts";
import { expectAccessible, openWebSession, type WebSession } from "../helpers/webSession.ts";

const ports = { chain: 18_610, graphql: 18_040, web: 13_040 };
const screenshots = path.resolve(import.meta.dirname, "..", "..", "test-results", "web");
/** The outcome reproduces a 2,000-path report: a page streams it in well after its first bytes. */
const streamed = { timeout: 240_000 };

describe("outcomes in the web app", () => {
  let session: WebSession;
  let proposal: { proposalId: string; votes: { voter: { id: string }; supportLabel: string }[] };
  let outcome: ProposalOutcome;

  beforeAll(async () => {
    // 52 days: executed on day 39, then 13 days and the open proposal's voting delay: 14 whole days since.
    session = await openWebSession(ports, 52);
    await mkdir(screenshots, { recursive: true });
    const graphqlUrl = subgraphUrl(`http://127.0.0.1:${ports.graphql}`);
    const { proposals } = await graphqlRequest<{
      proposals: (typeof proposal & { title: string })[];
    }>(fetch, graphqlUrl, `{ proposals { proposalId title votes { voter { id } supportLabel } } }`);
    proposal = proposals.find((p) => p.title === "Tighter band, larger trades")!;
    const out = path.join(await mkdtemp(path.join(tmpdir(), "trimtab-outcome-web-")), "outcome.json");
    // The stack this file started (TRIMTAB_E2E_URL's has no record here: the CLI needs one).
    expect(session.deploymentFile, "outcomePages.test.ts starts its own stack").toBeDefined();
    const printed = await trimtab(
      "proposal",
      "outcome",
      proposal.proposalId,
      "--rpc",
      `http://127.0.0.1:${ports.chain}`,
      "--deployment",
      session.deploymentFile!,
      "--graphql",
      graphqlUrl,
      "--out",
      out,
    );
    expect(printed.code, printed.output).toBe(0);
    outcome = JSON.parse(await readFile(out, "utf8")) as ProposalOutcome;
    expect(outcome.status).toBe("measured");
  }, 600_000);

  afterAll(async () => {
    await session?.close();
  });

  it("shows the executed proposal's outcome on its page: the days in the bands, the metrics, the counterfactual", async () => {
    const { page, base } = session;
    await page.goto(`${base}/proposals/${proposal.proposalId}`, streamed);
    const coverage = page.getByTestId("outcome-coverage");
    await coverage.waitFor(streamed);
    const { coverage: counts } = outcome.sharePrice;
    expect(counts.days).toBe(14);
    const rows = await coverage.locator("tbody tr").all();
    const cells = await Promise.all(
      rows.map(async (row) => (await row.locator("th, td").allTextContents()).map((c) => c.trim())),
    );
    expect(cells.map((row) => row.slice(0, 2))).toEqual([
      ["p25–p75", `${counts.inside50} of 14`],
      ["p5–p95", `${counts.inside90} of 14`],
    ]);
    expect(await page.getByTestId("outcome-alignment").textContent()).toBe(outcome.horizon.alignment);
    expect(await page.getByTestId("outcome-metrics").locator("tbody tr").count()).toBe(outcome.metrics.length);
    const effect = page.getByTestId("outcome-counterfactual").getByRole("row", { name: /^Effect/ });
    expect(await effect.count()).toBe(1);
    await expectAccessible(page, "an executed proposal's page");
    // The section itself: the page around it is long (its impact, votes and description).
    await page.getByTestId("outcome-section").screenshot({ path: path.join(screenshots, "outcome-proposal.png") });
  }, 300_000);

  it("lists the executed proposal in the calibration table on the proposals page, with its counts", async () => {
    const { page, base } = session;
    await page.goto(`${base}/proposals`, streamed);
    const row = page.getByTestId(`calibration-row-${proposal.proposalId}`);
    await row.waitFor(streamed);
    const { coverage } = outcome.sharePrice;
    const cells = (await row.locator("th, td").allTextContents()).map((c) => c.trim());
    expect(cells.slice(1, 4)).toEqual(["14", String(coverage.inside50), String(coverage.inside90)]);
    await expectAccessible(page, "the proposals page");
    await page.screenshot({ path: path.join(screenshots, "outcome-calibration.png"), fullPage: true });
  }, 300_000);

  it("gives each voter of the executed proposal their vote and its outcome on the delegates page", async () => {
    const { page, base } = session;
    await page.goto(`${base}/delegates`, streamed);
    await page.getByTestId("track-records").waitFor(streamed);
    expect(proposal.votes.length).toBeGreaterThan(0);
    const rows = (await page.getByTestId("track-record").allTextContents()).map((r) => r.replace(/\s+/g, " ").trim());
    const effect = outcome.counterfactual.effect.growth;
    for (const vote of proposal.votes) {
      const short = `${vote.voter.id.slice(0, 6)}…${vote.voter.id.slice(-4)}`;
      const mine = rows.filter((r) => r.startsWith(short) && r.includes("Tighter band, larger trades"));
      expect(mine, short).toHaveLength(1);
      expect(mine[0]).toContain(vote.supportLabel);
      expect(mine[0]).toContain(
        `${outcome.sharePrice.coverage.inside50} of 14 days in p25–p75, ${outcome.sharePrice.coverage.inside90} in p5–p95`,
      );
      expect(mine[0]).toContain(`(${formatSignedFraction(effect)} against without it`);
    }
    await expectAccessible(page, "the delegates page");
    await page.screenshot({ path: path.join(screenshots, "outcome-delegates.png"), fullPage: true });
  }, 300_000);
});
