/**
 * The web app end to end, in Debian's Chromium against the real stack (`npm start`: chain, indexer, web): what a
 * token holder and a delegate do there (the analyst's console is analytics.test.ts's). Each page is checked with axe
 * and screenshotted into test-results/web/. Set TRIMTAB_E2E_URL (with TRIMTAB_E2E_GRAPHQL and TRIMTAB_E2E_RPC) to run
 * against a stack already up; the tests vote, propose and move its clock.
 */
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Page } from "playwright-core";
import { createPublicClient, createTestClient, http, verifyTypedData, type Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snapshotProposalTypes, type SnapshotEnvelope } from "../../sdk/snapshot/messages.ts";
import { expectAccessible as expectPageAccessible, openWebSession, type WebSession } from "../helpers/webSession.ts";
import { graphqlRequest, subgraphUrl } from "../../sdk/graphql.ts";
import { portfolioVaultAbi } from "../../sdk/abis/contracts.ts";
import { formatTokenAmount } from "../../web/src/lib/format.ts";

const root = path.resolve(import.meta.dirname, "..", "..");
const screenshots = path.join(root, "test-results", "web");
const ports = { chain: 18_645, graphql: 18_100, web: 13_100 };
/**
 * How long to wait for what the page shows: the dry run (on a fork) and the impact take seconds, and a transaction's
 * effect waits for the indexer.
 */
const ui = { timeout: 30_000 };
const slow = { timeout: 60_000 };

const base = process.env.TRIMTAB_E2E_URL ?? `http://127.0.0.1:${ports.web}`;
const graphql = process.env.TRIMTAB_E2E_GRAPHQL ?? subgraphUrl(`http://127.0.0.1:${ports.graphql}`);
const rpc = process.env.TRIMTAB_E2E_RPC ?? `http://127.0.0.1:${ports.chain}`;
let session: WebSession | undefined;
let page: Page;
/** What the page logs as errors to its console (failed requests included), from `watchConsole()` on. */
let consoleErrors: string[] = [];
const watchConsole = () => (consoleErrors = []);

/** The subgraph's answer to `query`, straight from its GraphQL API. */
async function subgraph<T>(query: string): Promise<T> {
  return graphqlRequest<T>(fetch, graphql, query);
}

/** No accessibility violation axe-core can find on the page as it is. */
const expectAccessible = (name: string) => expectPageAccessible(page, name);

async function screenshot(name: string) {
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
}

/** Connects the built-in devnet signer as dev account `index`. */
async function useDevAccount(index: number) {
  await page.locator("[data-testid=wallet][data-restored=true]").waitFor();
  const disconnect = page.getByRole("button", { name: "Disconnect" });
  if (await disconnect.isVisible()) await disconnect.click();
  await page.getByLabel("Dev account").selectOption(String(index));
  await page.getByRole("button", { name: "Use dev account" }).click();
  await expect.poll(() => page.getByTestId("wallet-account").textContent(), ui).toContain(`Dev #${index}`);
}

describe("the web app", () => {
  beforeAll(async () => {
    await mkdir(screenshots, { recursive: true });
    // 40 days: enough feed history to calibrate the simulation, and reweight.yaml left open for a vote.
    session = await openWebSession(ports, 40);
    page = session.page;
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    page.on("pageerror", (error) => consoleErrors.push(error.message));
  }, 600_000);

  afterAll(async () => {
    await session?.close();
  });

  it("shows the portfolio on the dashboard: NAV, allocation against targets, positions, rebalances, freshness", async () => {
    const { vaults } = await subgraph<{ vaults: { totalAssets: string }[] }>("{ vaults { totalAssets } }");
    const nav = Number(BigInt(vaults[0]!.totalAssets) / 10n ** 6n).toLocaleString("en-US");
    await page.goto(base);
    await expect.poll(() => page.getByTestId("nav").textContent(), ui).toContain(nav);
    await expect.poll(() => page.getByTestId("freshness").textContent(), ui).toMatch(/Indexed to block \d+/);
    for (const heading of ["Allocation vs targets", "Collateral on the lending market", "Hedge", "Recent rebalances"])
      expect(await page.getByRole("heading", { name: heading }).isVisible(), heading).toBe(true);
    expect(await page.locator("svg[aria-label='NAV over time'] path").count()).toBeGreaterThan(0);
    expect(await page.getByTestId("days-with-activity").textContent()).toMatch(
      /One point a day with activity: \d+ days/,
    );
    expect(await page.getByRole("region", { name: "Fees" }).textContent()).not.toContain("Days with activity");

    // Whether a rebalance is due is what the vault's rebalancePlan() says (weights of gross holdings), not the NAV
    // weights' drift: the page says which basis each weight has.
    const { vaults: ids, collateralPositions } = await subgraph<{
      vaults: { id: Address }[];
      collateralPositions: { collateral: string }[];
    }>("{ vaults { id } collateralPositions { collateral } }");
    const chain = createPublicClient({ transport: http(rpc) });
    const [due] = await chain.readContract({
      address: ids[0]!.id,
      abi: portfolioVaultAbi,
      functionName: "rebalancePlan",
    });
    expect(await page.getByTestId("rebalance-due").textContent()).toMatch(
      due ? /^\s*Rebalance due: the vault's rebalancePlan\(\)/ : /^\s*No rebalance due: the vault's rebalancePlan\(\)/,
    );
    expect(await page.getByTestId("weights-note").textContent()).toMatch(/Weight of NAV.*gross holdings/s);
    // A holding's value counts what is posted as collateral: the page splits the two and says so.
    const posted = formatTokenAmount(collateralPositions[0]!.collateral, 18, 4);
    expect(await page.getByTestId("holding-WETH").getByRole("cell").nth(2).textContent()).toBe(posted);
    expect(await page.getByTestId("value-note").textContent()).toContain("posted as collateral");
    await expectAccessible("the dashboard");
    await screenshot("dashboard");
  });

  it("lists every parameter with its value and rules", async () => {
    await page.goto(`${base}/parameters`);
    const row = page.getByRole("row").filter({ hasText: "rebalance.bandBps" });
    expect(await row.textContent()).toMatch(/4%.*1% – 20%.*2\.5%.*1d/);
    await expectAccessible("the parameters");
    await screenshot("parameters");
  });

  it("opens the active proposal and shows its changes, checks, dry run and simulated impact", async () => {
    await page.goto(`${base}/proposals`);
    const row = page.getByRole("row").filter({ hasText: "Move 5% from USDC to WBTC" });
    expect(await row.textContent()).toContain("Active");
    await expectAccessible("the proposals");
    await screenshot("proposals");
    await row.getByRole("link").click();
    await page.waitForURL(/\/proposals\/\d+$/);
    expect(await page.getByTestId("changes").textContent()).toMatch(/weight\.USDC.*40%.*35%/);
    expect(await page.getByTestId("verdict").textContent()).toBe("PASS");
    await page.getByTestId("dry-run").waitFor();
    expect(await page.getByTestId("dry-run").textContent()).toContain("Call 1: executes");
    expect(await page.getByTestId("dry-run-verdict").textContent()).toBe("PASS");
    // The simulation runs in a Web Worker; its report's hash is compared with the one the description cites.
    await page.getByTestId("metrics").waitFor(slow);
    expect(await page.getByTestId("metrics").textContent()).toContain("Max drawdown p95");
    // Every row's difference has its interval, read as better, worse or can't tell, and the page says what it covers.
    expect(await page.getByTestId("metrics").textContent()).toMatch(
      /Max drawdown p95lower[\d.]+%[\d.]+%[+-][\d.]+% \(95%: [+-][\d.]+% to [+-][\d.]+%\)/,
    );
    expect(await page.getByTestId("monte-carlo-note").textContent()).toContain("Monte Carlo error only");
    // What the strategy costs the holders, each cost in USDC and as a share of NAV; a difference is coloured by what it
    // means for holders (a cost is better lower), never by its sign.
    const costs = page.getByTestId("cost-breakdown");
    expect(await costs.textContent()).toMatch(/Pool feeslower[\d,]+ USDC \([\d.]+%\)[\d,]+ USDC \([\d.]+%\)/);
    const verdictCell = costs.getByRole("row").filter({ hasText: "Total borne by holders" }).getByRole("cell").last();
    const verdict = (await verdictCell.textContent())!;
    const colour = { better: "pass", worse: "fail" }[verdict] ?? "muted";
    expect(await verdictCell.getAttribute("class")).toContain(colour);
    // The drift is an assumption in plain view: zero unless chosen, beside the fitted one and its standard error;
    // and the differences again under a bear, a flat and a bull drift.
    expect(await page.getByTestId("drift-note").textContent()).toContain("Drift assumed: zero for every asset");
    expect(await page.getByTestId("drift").textContent()).toMatch(/WETH\s*0% \(zero\)\s*-?[\d.]+% ± [\d.]+%/);
    expect(await page.getByTestId("sensitivity").textContent()).toMatch(/Bear \(-30% a year\).*Δ P\(liquidation\)/s);
    // From the chain as it was when the proposal was submitted, the page reproduces the report the description cites.
    expect(await page.getByTestId("report-hash").textContent()).toMatch(
      /Report 0x[0-9a-f]{64}: matches the report cited in the description/,
    );
    // A run can be cancelled while it is in progress.
    await page.getByRole("button", { name: "Run again" }).click();
    await page.getByTestId("simulation-progress").waitFor();
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect
      .poll(() => page.getByTestId("impact").getByRole("status").textContent(), ui)
      .toBe("Simulation cancelled.");
    await page.getByRole("button", { name: "Run again" }).click();
    await page.getByTestId("metrics").waitFor(slow);
    await expectAccessible("a proposal");
    await page.getByLabel("the chain as it is now").check();
    await page.getByTestId("metrics").waitFor(slow);
    expect(await page.getByTestId("report-hash").textContent()).toContain("computed on the chain as it is now");
    await screenshot("proposal");
  });

  it("votes as a dev account and shows the tally the subgraph indexed", async () => {
    const proposalUrl = page.url();
    const id = proposalUrl.split("/").pop()!;
    // An account without voting power is told so before it signs anything.
    await useDevAccount(7);
    await page.getByTestId("vote-form").getByRole("button", { name: "Vote" }).click();
    await expect.poll(() => page.getByTestId("vote-error").textContent(), ui).toContain("no voting power");

    await useDevAccount(2);
    // The previous account's error is not this one's.
    expect(await page.getByTestId("vote-error").count()).toBe(0);
    watchConsole();
    await page.getByLabel("Against").check();
    await page.getByLabel("Reason (optional, public)").fill("WBTC is the more volatile asset");
    await page.getByTestId("vote-form").getByRole("button", { name: "Vote" }).click();
    await expect.poll(() => page.getByTestId("vote-status").textContent(), slow).toContain("is counted");
    expect(consoleErrors, "console errors while voting").toEqual([]);
    const { proposal } = await subgraph<{ proposal: { againstVotes: string; votes: { reason: string }[] } }>(
      `{ proposal(id: "${id}") { againstVotes votes { reason } } }`,
    );
    expect(BigInt(proposal.againstVotes)).toBeGreaterThan(0n);
    expect(proposal.votes.map((v) => v.reason)).toContain("WBTC is the more volatile asset");
    const against = Number(BigInt(proposal.againstVotes) / 10n ** 18n).toLocaleString("en-US");
    await expect.poll(() => page.getByTestId("tally-against").textContent(), ui).toContain(against);

    // A second vote from the same account is refused with a message, not a raw revert.
    await page.getByTestId("vote-form").getByRole("button", { name: "Vote" }).click();
    await expect.poll(() => page.getByTestId("vote-error").textContent(), ui).toContain("already voted");
    await screenshot("proposal-voted");
  });

  it("drafts a change the model does not use: its impact is one line, under whichever drift", async () => {
    await page.goto(`${base}/draft`);
    await page.getByLabel("Title").fill("A higher deposit cap");
    await page.getByLabel("Why (markdown)").fill("Room for new depositors.");
    await page.getByLabel("Parameter", { exact: true }).selectOption("caps.depositCap");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.getByLabel("New value of caps.depositCap").fill("12_000_000 USDC");
    await page.getByTestId("drift-choice").selectOption("fitted");
    await page.getByRole("button", { name: "Run the simulation" }).click();
    await page.getByTestId("nil-impact").waitFor(slow);
    expect((await page.getByTestId("nil-impact").textContent())?.trim()).toBe(
      "The simulation shows no difference between current and proposed parameters: caps.depositCap is a parameter " +
        "the model does not use.",
    );
    expect(await page.getByTestId("metrics").count()).toBe(0);
    // The drift chosen for the simulation is written into the file, as a delegate would write it.
    expect(await page.getByTestId("draft-yaml").textContent()).toContain("drift: fitted");
  });

  it("drafts a proposal: an out-of-range value is flagged inline, a valid one is simulated and submitted", async () => {
    await page.goto(`${base}/draft`);
    await useDevAccount(1);
    // Nothing typed yet: the draft is incomplete, and no field is flagged before the user has been there.
    expect(await page.getByTestId("draft-verdict").textContent()).toBe("incomplete");
    expect(await page.getByTestId("draft-problem").count()).toBe(0);
    expect(await page.getByLabel("Title").getAttribute("aria-invalid")).toBeNull();
    await page.getByLabel("Title").fill("Tighter band after the reweight");
    await page
      .getByLabel("Why (markdown)")
      .fill(
        "Rebalance at **3% drift**: the portfolio stays closer to its weights.\n\n" +
          "<script>window.pwned = true</script> <b>raw</b> [a link](javascript:window.pwned=true) " +
          "[the forum](https://forum.example/t/1)",
      );
    await page.getByLabel("Parameter", { exact: true }).selectOption("rebalance.bandBps");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    const value = page.getByLabel("New value of rebalance.bandBps");
    await value.fill("25%");
    const change = page.getByTestId("change-rebalance.bandBps");
    await expect.poll(() => change.textContent(), ui).toContain("25% is outside the rules' range 1% to 20%");
    expect(await value.getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByTestId("draft-verdict").textContent()).toBe("FAIL");
    await screenshot("draft-invalid");
    await page.getByRole("button", { name: "Submit on chain" }).click();
    await expect.poll(() => page.getByTestId("draft-error").textContent(), ui).toContain("fails its checks");

    await value.fill("3%");
    await expect.poll(() => page.getByTestId("draft-verdict").textContent(), ui).toBe("PASS");
    expect(await value.getAttribute("aria-invalid")).toBeNull();
    await page.getByRole("button", { name: "Run the simulation" }).click();
    await page.getByTestId("metrics").waitFor(slow);
    await expectAccessible("the draft");
    await screenshot("draft");
    // Signalled on Snapshot instead: signed in the page with Snapshot's EIP-712 domain and types (no snapshot.js).
    await page.getByRole("button", { name: "Sign the signal" }).click();
    await expect.poll(() => page.getByTestId("draft-status").textContent(), ui).toContain("Signed.");
    const [envelopeFile] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download the signed envelope" }).click(),
    ]);
    const envelope = JSON.parse(await readFile((await envelopeFile.path())!, "utf8")) as SnapshotEnvelope;
    expect(envelope.address).toBe("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
    expect(envelope.data.message).toMatchObject({ space: "trimtab.eth", title: "Tighter band after the reweight" });
    expect(envelope.data.types).toEqual(snapshotProposalTypes);
    expect(
      await verifyTypedData({
        address: envelope.address,
        domain: envelope.data.domain,
        types: snapshotProposalTypes,
        primaryType: "Proposal",
        message: envelope.data.message as never,
        signature: envelope.sig,
      }),
    ).toBe(true);

    watchConsole();
    await page.getByRole("button", { name: "Submit on chain" }).click();
    await page.waitForURL(/\/proposals\/\d+$/, slow);
    expect(consoleErrors, "console errors while submitting").toEqual([]);
    // Its description is markdown rendered safely: no script ran, raw HTML and a javascript: link stay text.
    const description = page.getByTestId("description");
    expect(await description.locator("strong").textContent()).toBe("3% drift");
    expect(await description.locator("script, b").count()).toBe(0);
    expect(await description.textContent()).toContain("<b>raw</b>");
    expect(await description.locator("a").evaluateAll((links) => links.map((a) => a.getAttribute("href")))).toEqual([
      "https://forum.example/t/1",
    ]);
    expect(await description.locator("a").getAttribute("rel")).toBe("noopener noreferrer");
    expect(await page.evaluate(() => (globalThis as { pwned?: boolean }).pwned)).toBeUndefined();
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Tighter band after the reweight");
    expect(await page.getByTestId("proposal-state").textContent()).toBe("Pending");
    expect(await page.getByTestId("changes").textContent()).toMatch(/rebalance\.bandBps.*4%.*3%/);
    // Submitted guarded: the page says what its execution will check, and the guard's rehearsal on a fork holds.
    expect(await page.getByTestId("guard-conditions").textContent()).toContain(
      "rebalance.bandBps still reads 4% (as shown) before the calls, and 3% after them",
    );
    await expect
      .poll(() => page.getByTestId("guard-rehearsal").textContent(), slow)
      .toMatch(/PASS: postcondition guard: the guarded batch executes on the fork: its \d+ conditions hold/);
    // Its description cites the report simulated in the draft, with its block: the proposal page reproduces it.
    await page.getByTestId("metrics").waitFor(slow);
    expect(await page.getByTestId("report-hash").textContent()).toContain(
      "matches the report cited in the description",
    );
  });

  it("takes the drafted proposal through its vote, queue and execution from its page", async () => {
    const proposalUrl = page.url();
    const chain = createTestClient({ mode: "hardhat", transport: http(rpc) });
    /** Moves the devnet's clock (the voting delay, the voting period, the timelock's delay) and reloads the page. */
    const warp = async (seconds: number) => {
      await chain.increaseTime({ seconds });
      await chain.mine({ blocks: 1 });
      await page.goto(proposalUrl);
      await page.locator("[data-testid=wallet][data-restored=true]").waitFor(); // the dev account reconnected
    };
    await warp(86_400 + 1);
    expect(await page.getByTestId("proposal-state").textContent()).toBe("Active");
    await useDevAccount(1);
    await page.getByLabel("For", { exact: true }).check();
    await page.getByTestId("vote-form").getByRole("button", { name: "Vote" }).click();
    await expect.poll(() => page.getByTestId("vote-status").textContent(), slow).toContain("is counted");

    await warp(3 * 86_400 + 1);
    expect(await page.getByTestId("proposal-state").textContent()).toBe("Succeeded");
    await page.getByTestId("lifecycle").getByRole("button", { name: "Queue" }).click();
    await expect.poll(() => page.getByTestId("lifecycle").textContent(), slow).toContain("The proposal is Queued.");
    // Before the timelock's delay, the page says when it may execute instead of sending a doomed transaction.
    await page.getByTestId("lifecycle").getByRole("button", { name: "Execute" }).click();
    await expect.poll(() => page.getByTestId("lifecycle-error").textContent(), ui).toContain("lets it execute from");

    await warp(2 * 86_400 + 1);
    await page.getByTestId("lifecycle").getByRole("button", { name: "Execute" }).click();
    // Once the subgraph has the execution, the page reloads its data: the proposal is Executed, nothing left to do.
    await expect.poll(() => page.getByTestId("proposal-state").textContent(), slow).toBe("Executed");
    expect(await page.getByTestId("lifecycle").count()).toBe(0);
    // What it changed, in the parameter's unit.
    await expect
      .poll(() => page.getByTestId("recorded-changes").textContent(), ui)
      .toMatch(/rebalance\.bandBps\s*4%\s*3%/);
    await page.goto(`${base}/parameters`);
    const row = page.getByRole("row").filter({ hasText: "rebalance.bandBps" });
    expect(await row.textContent()).toMatch(/rebalance\.bandBps.*3%/);
    expect(await row.textContent()).toContain("Tighter band after the reweight");
    expect(await row.locator("summary").textContent()).toMatch(/· \d+ changes? since deployment\s*$/);
  });

  it("delegates voting power to another account", async () => {
    await page.goto(`${base}/delegates`);
    await useDevAccount(4);
    await expect.poll(() => page.getByTestId("my-delegate").textContent(), ui).toContain("yourself");
    await page.getByLabel("to another account").check();
    await page.getByLabel("Delegate's address").fill("0x1234");
    await expect.poll(() => page.locator("#other-error").textContent(), ui).toContain("Not an address");
    const dev3 = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
    await page.getByLabel("Delegate's address").fill(dev3);
    await page.getByTestId("delegate-form").getByRole("button", { name: "Delegate" }).click();
    await expect.poll(() => page.getByTestId("delegate-status").textContent(), slow).toContain("now votes through");
    await expect.poll(() => page.getByTestId("my-delegate").textContent(), ui).toContain("0x90F7");
    const { delegate } = await subgraph<{ delegate: { delegatingTo: { id: string } } }>(
      `{ delegate(id: "0x15d34aaf54267db7d7c367839aaf71a00a2c6a65") { delegatingTo { id } } }`,
    );
    expect(delegate.delegatingTo.id).toBe(dev3.toLowerCase());
    expect(await page.getByTestId("delegations").textContent()).toContain("0x15d3");
    await expectAccessible("the delegates");
    await screenshot("delegates");
  });

  it("finds every browser wallet as EIP-6963 describes and connects the one the user picks", async () => {
    // Two wallet extensions stand in as pages see them: each announces itself when the page asks, with its own
    // provider, which records what it is asked.
    const picker = await page.context().newPage();
    await picker.addInitScript(() => {
      // A fresh visit (no wallet remembered from the other tests' dev accounts), then the picker's own choices.
      if (!sessionStorage.getItem("wallet-picker")) localStorage.removeItem("trimtab.wallet");
      sessionStorage.setItem("wallet-picker", "visited");
      const calls: { wallet: string; method: string }[] = [];
      (globalThis as unknown as { walletCalls: typeof calls }).walletCalls = calls;
      const icon = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=";
      const fake = (name: string, account: string) => ({
        info: { uuid: crypto.randomUUID(), name, icon, rdns: `org.example.${name.split(" ").pop()!.toLowerCase()}` },
        provider: {
          async request({ method }: { method: string }) {
            calls.push({ wallet: name, method });
            if (method === "eth_requestAccounts" || method === "eth_accounts") return [account];
            if (method === "eth_chainId") return "0x7a69";
            throw Object.assign(new Error(`${method} is not supported here`), { code: 4200 });
          },
          on() {},
        },
      });
      const announced = [
        fake("Fake Wallet A", "0x00000000000000000000000000000000000000aa"),
        fake("Fake Wallet B", "0x00000000000000000000000000000000000000bb"),
      ];
      const target = globalThis as unknown as EventTarget;
      target.addEventListener("eip6963:requestProvider", () => {
        for (const detail of announced)
          target.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze(detail) }));
      });
    });
    const calls = () =>
      picker.evaluate(
        () => (globalThis as unknown as { walletCalls: { wallet: string; method: string }[] }).walletCalls,
      );
    try {
      await picker.goto(`${base}/parameters`);
      await picker.locator("[data-testid=wallet][data-restored=true]").waitFor();
      await picker.getByRole("button", { name: "Connect wallet" }).click();
      const list = picker.getByRole("list", { name: "Browser wallets" });
      expect(await list.getByRole("button").allTextContents()).toEqual(["Fake Wallet A", "Fake Wallet B"]);
      expect(await list.locator("img").first().getAttribute("src")).toMatch(/^data:image\/svg\+xml;base64,/);
      await list.getByRole("button", { name: "Fake Wallet B" }).click();
      await expect.poll(() => picker.getByTestId("wallet-account").textContent(), ui).toContain("Fake Wallet B");
      expect((await picker.getByTestId("wallet-account").getAttribute("title"))?.toLowerCase()).toBe(
        "0x00000000000000000000000000000000000000bb",
      );
      expect((await calls()).filter((c) => c.method === "eth_requestAccounts").map((c) => c.wallet)).toEqual([
        "Fake Wallet B",
      ]);

      await picker.getByRole("button", { name: "Disconnect" }).click();
      await picker.getByRole("button", { name: "Connect wallet" }).click();
      await picker.getByRole("button", { name: "Fake Wallet A" }).click();
      await expect.poll(() => picker.getByTestId("wallet-account").textContent(), ui).toContain("Fake Wallet A");
      expect((await picker.getByTestId("wallet-account").getAttribute("title"))?.toLowerCase()).toBe(
        "0x00000000000000000000000000000000000000aa",
      );
      // The next visit reconnects the wallet picked, not the first one announced.
      await picker.reload();
      await picker.locator("[data-testid=wallet][data-restored=true]").waitFor();
      expect(await picker.getByTestId("wallet-account").textContent()).toContain("Fake Wallet A");
      await expectPageAccessible(picker, "the wallet picker");
    } finally {
      await picker.evaluate(() => localStorage.removeItem("trimtab.wallet"));
      await picker.close();
    }
  });
});
