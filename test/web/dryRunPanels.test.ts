/**
 * The dry run's panels of the proposal page (web/src/lib/proposal/CallTracePanel, StateDiffPanel, PermissionsPanel and
 * AfterExecutionPanel) rendered by Svelte's server renderer, as the app renders them, from a dry run whose call
 * delegates to a stranger, pays an account and grants a role; then checked in Chromium with the app's stylesheet:
 * the nested tree and its marks, the state diff's tables, the permissions findings and policy, the smoke tests and
 * invariants, and axe (screenshotted into test-results/web/ as the app's pages are). The devnet's own proposals make
 * none of these findings; app.test.ts and proposalDryRun.test.ts show the panels on the app's pages.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { keccak256, stringToHex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Check } from "../../sdk/proposal/check.ts";
import { authorityChanges, checkPermissions } from "../../sdk/proposal/checks/permissions.ts";
import { sampleTrace, stranger, timelock, tokens, word } from "../fixtures/dryRunTrace.ts";
import { startComponentPages, type ComponentPages } from "../helpers/componentPage.ts";
import { expectAccessible } from "../helpers/webSession.ts";

const root = path.resolve(import.meta.dirname, "..", "..");
const screenshots = path.join(root, "test-results", "web");

const proposer = keccak256(stringToHex("PROPOSER_ROLE"));
const traces = [sampleTrace];

const permissions = checkPermissions(
  authorityChanges([{ address: timelock, name: "RoleGranted", args: { role: proposer, account: stranger } }]),
);
const afterExecution: Check[] = [
  { rule: "NAV unchanged", field: "totalAssets", status: "pass", message: "1,000.00 USDC → 1,000.00 USDC: unchanged" },
  { rule: "smoke test", field: "deposit", status: "pass", message: "100 USDC deposited for 100 shares" },
  { rule: "smoke test", field: "guardian tighten", status: "warn", message: "not run: no active guardian" },
  { rule: "not paused", field: "pause.*", status: "fail", message: "pause.deposits is set" },
];

let pages: ComponentPages;

describe("the dry run's panels", () => {
  beforeAll(async () => {
    pages = await startComponentPages();
  });

  afterAll(async () => {
    await pages?.close();
  });

  /** The four panels, as the proposal page renders them under its "Dry run" heading. */
  const open = async () => {
    const panel = (name: string, props: Record<string, unknown>) => ({
      component: `/src/lib/proposal/${name}.svelte`,
      props,
    });
    const { page } = await pages.open(
      "Dry run",
      [
        panel("CallTracePanel", { traces, tokens }),
        panel("StateDiffPanel", { traces, tokens }),
        panel("PermissionsPanel", { findings: permissions }),
        panel("AfterExecutionPanel", { checks: afterExecution }),
      ],
      "<h1>A proposal</h1><section><h2>Dry run</h2>%s</section>",
    );
    return page;
  };

  it("shows the call tree nested, each call's target, function, value, events and marks, deeper calls folded", async () => {
    const page = await open();
    try {
      const trace = page.getByTestId("call-trace");
      expect(await trace.getByRole("heading", { level: 3 }).textContent()).toBe("Call trace");
      const calls = trace.getByTestId("trace-call");
      expect(await calls.count()).toBe(4);
      const rootCall = calls.first();
      expect(await rootCall.locator(":scope > summary").textContent()).toMatch(
        /CALL\s+ParameterRegistry\.setParameter\("0x0+1","3500"\)/,
      );
      expect(await rootCall.getByRole("list", { name: "Events emitted" }).first().textContent()).toMatch(
        /emits ParameterSet\(\{"value":"3500"\}\)\s+from ParameterRegistry/,
      );
      // The delegatecall to a stranger fails the trace rules; its own callee's revert is said, not judged.
      const delegate = calls.nth(1);
      expect(await delegate.locator(":scope > summary").textContent()).toMatch(
        new RegExp(`DELEGATECALL\\s+${stranger}\\.0xabcdef01\\(0x00\\)\\s+FAIL: delegatecall`),
      );
      // Below the first level, calls with callees are folded until opened.
      expect(await delegate.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(false);
      expect(await calls.nth(2).isVisible()).toBe(false);
      await delegate.locator(":scope > summary").click();
      expect(await calls.nth(2).textContent()).toMatch(/CALL\s+USDC\.transfer\(\)\s+reverted/);
      expect(await calls.nth(3).textContent()).toMatch(/CALL\s+0x0+c1\s+2 ETH\s+WARN: sends ETH\s+WARN: no code/i);
      await expectAccessible(page, "the dry run's panels");
      await mkdir(screenshots, { recursive: true });
      await page.screenshot({ path: path.join(screenshots, "dry-run-panels.png"), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it("shows each contract's storage before and after (named slots by parameter), ETH balances and tokens moved", async () => {
    const page = await open();
    try {
      const storage = page.getByRole("table", { name: /Storage of ParameterRegistry/ });
      expect(await storage.getByRole("columnheader").allTextContents()).toEqual(["Slot", "Before", "After"]);
      const rows = await storage.getByRole("row").allTextContents();
      expect(rows[1]).toMatch(/^weight\.USDC \(mapping at slot 2, word 0\)\s*4,000\s*3,500$/);
      expect(rows[2]).toMatch(new RegExp(`^${word(9n)}\\s*0\\s*0x(ff){32}$`));
      const balances = page.getByRole("table", { name: "ETH balances (gas aside)" });
      expect((await balances.getByRole("row").allTextContents())[1]).toMatch(/0x0+c1\s*0 ETH\s*2 ETH\s*\+2 ETH/i);
      const moved = page.getByRole("table", { name: "Tokens moved" });
      expect((await moved.getByRole("row").allTextContents())[1]).toMatch(/USDC\s*ParameterRegistry\s*-1\.5000 USDC/);
    } finally {
      await page.close();
    }
  });

  it("shows the permissions findings with their status, the policy in a table, and the smoke tests and invariants", async () => {
    const page = await open();
    try {
      const findings = await page.getByTestId("permission-findings").getByRole("row").allTextContents();
      expect(findings.slice(1)).toEqual([
        expect.stringMatching(new RegExp(`^FAILpermissionsPROPOSER_ROLE granted to ${stranger} on ${timelock}`)),
      ]);
      await page.getByText("The policy").click();
      const policy = page.getByRole("table", { name: /A change of authority, declared/ });
      expect(await policy.getByRole("row").nth(1).textContent()).toBe("a role or ownership grantedFAILWARN");
      const smoke = await page.getByRole("table", { name: "Smoke tests" }).getByRole("row").allTextContents();
      expect(smoke.slice(1)).toEqual([
        "PASSdeposit100 USDC deposited for 100 shares",
        "WARNguardian tightennot run: no active guardian",
      ]);
      const invariants = await page.getByRole("table", { name: "Invariants" }).getByRole("row").allTextContents();
      expect(invariants.slice(1)).toEqual([
        "PASSNAV unchanged1,000.00 USDC → 1,000.00 USDC: unchanged",
        "FAILnot pausedpause.deposits is set",
      ]);
      await expectAccessible(page, "the dry run's panels, the policy open");
    } finally {
      await page.close();
    }
  });
});
