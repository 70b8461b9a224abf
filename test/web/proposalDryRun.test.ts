/**
 * The proposal page's dry run in Debian's Chromium against the real stack (`npm start` on its own ports): the open
 * proposal the devnet leaves (reweight.yaml) shows its call trace, state changes, permissions and the checks after
 * execution; a proposal whose call grants the timelock's PROPOSER_ROLE, made here without declaring it, fails the
 * permissions policy both from its calldata (before the dry run) and from what the dry run's calls did. Each page is
 * checked with axe and screenshotted into test-results/web/. Set TRIMTAB_E2E_URL (with TRIMTAB_E2E_GRAPHQL and
 * TRIMTAB_E2E_RPC) to run against a stack already up; the test proposes on it.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Page } from "playwright-core";
import {
  createPublicClient,
  createWalletClient,
  encodeFunctionData,
  getAddress,
  http,
  keccak256,
  stringToHex,
  type Address,
  type PublicClient,
} from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { timelockControllerAbi } from "../../sdk/abis/contracts.ts";
import { propose } from "../../sdk/governance/actions.ts";
import { graphqlRequest, subgraphUrl } from "../../sdk/graphql.ts";
import { expectAccessible, openWebSession, type WebSession } from "../helpers/webSession.ts";

const root = path.resolve(import.meta.dirname, "..", "..");
const screenshots = path.join(root, "test-results", "web");
const ports = { chain: 18_600, graphql: 18_030, web: 13_030 };
/** The dry run forks the chain and runs the smoke tests and a keeper cycle: seconds; the indexer follows in seconds. */
const slow = { timeout: 90_000 };

const base = process.env.TRIMTAB_E2E_URL ?? `http://127.0.0.1:${ports.web}`;
const graphql = process.env.TRIMTAB_E2E_GRAPHQL ?? subgraphUrl(`http://127.0.0.1:${ports.graphql}`);
const rpc = process.env.TRIMTAB_E2E_RPC ?? `http://127.0.0.1:${ports.chain}`;
/** Hardhat's dev account 2, which the devnet hands delegated TRIM (enough to propose). */
const proposer = getAddress("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
const newcomer = getAddress("0x00000000000000000000000000000000000000b0");

let session: WebSession | undefined;
let page: Page;

async function screenshot(name: string) {
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
}

/** The rows of the table `name` (its caption), each row's text. */
const rows = (name: string | RegExp) => page.getByRole("table", { name }).getByRole("row").allTextContents();

/** Opens a proposal's page and waits for its dry run. */
async function openDryRun(url: string) {
  await page.goto(url);
  await page.getByTestId("call-trace").waitFor(slow);
}

describe("the proposal page's dry run", () => {
  beforeAll(async () => {
    await mkdir(screenshots, { recursive: true });
    // 40 days: reweight.yaml is left open for a vote, as app.test.ts has it.
    session = await openWebSession(ports, 40);
    page = session.page;
  }, 600_000);

  afterAll(async () => {
    await session?.close();
  });

  it("shows the open proposal's call trace, state changes, permissions and the checks after execution", async () => {
    await page.goto(`${base}/proposals`);
    await page.getByRole("row").filter({ hasText: "Move 5% from USDC to WBTC" }).getByRole("link").click();
    await page.waitForURL(/\/proposals\/\d+$/);
    await page.getByTestId("call-trace").waitFor(slow);
    expect(await page.getByTestId("dry-run-verdict").textContent()).toBe("PASS");

    // The tree: the timelock's call to the registry, its function decoded, the parameter events it emitted.
    const rootCall = page.getByTestId("call-trace").getByTestId("trace-call").first();
    expect(await rootCall.locator(":scope > summary").textContent()).toMatch(
      /^\s*CALL\s+ParameterRegistry\.setParameters\(/,
    );
    const events = await rootCall.getByRole("list", { name: "Events emitted" }).first().textContent();
    expect(events).toMatch(/emits ParameterSet\(.*"newValue":"3500".*\)\s+from ParameterRegistry/s);
    expect(events).toMatch(/emits ParameterSet\(.*"newValue":"2500".*\)/s);

    // The registry's storage: the two weights' slots named by parameter, before and after. A parameter's first word
    // packs its value (the low 160 bits) with its update time and kinds: too wide to read as a number, it stays hex.
    const storage = await rows(/^Storage of ParameterRegistry/);
    const packed = (from: number, to: number) => {
      const low = (v: number) => v.toString(16).padStart(40, "0");
      return new RegExp(`\\(mapping at slot \\d+, word 0\\)0x[0-9a-f]{24}${low(from)}0x[0-9a-f]{24}${low(to)}$`);
    };
    expect(storage.filter((r) => r.startsWith("weight.USDC ")).some((r) => packed(4_000, 3_500).test(r))).toBe(true);
    expect(storage.filter((r) => r.startsWith("weight.WBTC ")).some((r) => packed(2_000, 2_500).test(r))).toBe(true);

    // No authority changed; the policy is there to read.
    expect((await page.getByTestId("permission-findings").getByRole("row").allTextContents()).slice(1)).toEqual([
      "PASSpermissionsthe calls grant and revoke no role and change no guardian, module or governance setting",
    ]);
    // The smoke tests after execution (each reverted after it), then the invariants, each with its status.
    const smoke = (await rows("Smoke tests")).slice(1);
    expect(smoke.find((r) => r.includes("deposit"))).toMatch(/^PASS/);
    expect(smoke.every((r) => /^(PASS|WARN)/.test(r))).toBe(true);
    const invariants = (await rows("Invariants")).slice(1);
    expect(invariants.length).toBeGreaterThan(2);
    expect(invariants.every((r) => r.startsWith("PASS"))).toBe(true);
    await expectAccessible(page, "the proposal's dry run");
    await screenshot("proposal-dry-run");
  });

  it("fails a proposal that grants a role it does not declare, from its calldata and from its dry run", async () => {
    const { governors } = await graphqlRequest<{ governors: { id: Address; timelock: Address }[] }>(
      fetch,
      graphql,
      "{ governors { id timelock } }",
    );
    const { id: governor, timelock } = governors[0]!;
    const publicClient = createPublicClient({ transport: http(rpc) }) as PublicClient;
    const walletClient = createWalletClient({ account: proposer, transport: http(rpc) });
    const grant = encodeFunctionData({
      abi: timelockControllerAbi,
      functionName: "grantRole",
      args: [keccak256(stringToHex("PROPOSER_ROLE")), newcomer],
    });
    const { proposalId } = await propose(
      { publicClient, walletClient },
      {
        governor,
        actions: [{ target: getAddress(timelock), data: grant }],
        description: "# A second proposer\n\nAdds a proposer to the timelock, and does not declare it.",
      },
    );
    // The page is there once the indexer has the proposal.
    await expect.poll(async () => (await page.goto(`${base}/proposals/${proposalId}`))?.status(), slow).toBe(200);
    await openDryRun(`${base}/proposals/${proposalId}`);

    // Before the dry run, from the calldata: the grant, undeclared, fails.
    const checks = page.getByRole("region", { name: "What it changes" });
    expect(await checks.textContent()).toContain(
      `FAIL: permissions: PROPOSER_ROLE granted to ${newcomer} on ${getAddress(timelock)} (not declared`,
    );
    // The dry run: the timelock's grantRole and its RoleGranted event in the tree, the policy failing the grant.
    const rootCall = page.getByTestId("call-trace").getByTestId("trace-call").first();
    expect(await rootCall.locator(":scope > summary").textContent()).toMatch(/CALL\s+TimelockController\.grantRole\(/);
    expect(await rootCall.getByRole("list", { name: "Events emitted" }).first().textContent()).toMatch(
      /emits RoleGranted\(/,
    );
    expect(await page.getByTestId("dry-run-verdict").textContent()).toBe("FAIL");
    expect((await page.getByTestId("permission-findings").getByRole("row").allTextContents()).slice(1)).toEqual([
      expect.stringMatching(
        new RegExp(`^FAILpermissionsPROPOSER_ROLE granted to ${newcomer} on ${getAddress(timelock)} \\(not declared`),
      ),
    ]);
    await expectAccessible(page, "a failing proposal's dry run");
    await screenshot("proposal-dry-run-grant");
  });
});
