/**
 * What the browser tests of the web app share: the stack they run against (started as `npm start` starts it, or one
 * already up at TRIMTAB_E2E_URL), a Chromium page on it, and axe-core's accessibility check.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { startStackProcess } from "../../devnet/startProcess.ts";
import { launchChromium } from "./chromium.ts";

const root = path.resolve(import.meta.dirname, "..", "..");
const node = path.join(root, "node_modules", ".bin", "node");

/** The ports of a stack a test file starts: each file its own, so that files may run at once. */
export type StackPorts = { chain: number; graphql: number; web: number };

/**
 * A page on the app, and how to stop the browser (and the stack, when the session started it); the deployment record
 * of the stack it started (none for one already up).
 */
export type WebSession = { base: string; page: Page; deploymentFile?: string; close: () => Promise<void> };

/**
 * Starts the stack on `ports` with `days` of scenario (unless TRIMTAB_E2E_URL names one already up) and a headless
 * Chromium with a 1280×900 page.
 */
export async function openWebSession(ports: StackPorts, days: number): Promise<WebSession> {
  let stack: ChildProcess | undefined;
  let deploymentFile: string | undefined;
  const base = process.env.TRIMTAB_E2E_URL ?? `http://127.0.0.1:${ports.web}`;
  if (!process.env.TRIMTAB_E2E_URL) {
    const deploymentsDir = await mkdtemp(path.join(tmpdir(), "trimtab-web-"));
    const started = startStackProcess(node, root, [
      ...["--port", String(ports.chain), "--graphql-port", String(ports.graphql), "--web-port", String(ports.web)],
      ...["--deployments-dir", deploymentsDir, "--days", String(days)],
    ]);
    stack = started.child;
    deploymentFile = path.join(deploymentsDir, "localhost.json");
    await started.ready;
  }
  const browser = await launchChromium();
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  return {
    base,
    page,
    deploymentFile,
    close: async () => {
      await browser.close();
      stack?.kill("SIGTERM");
    },
  };
}

/** No accessibility violation axe-core can find on `page` as it is (`name` says which page in the failure). */
export async function expectAccessible(page: Page, name: string) {
  const axe = await readFile(path.join(root, "node_modules", "axe-core", "axe.min.js"), "utf8");
  await page.addScriptTag({ content: axe });
  const violations = await page.evaluate(async () => {
    const result = await (
      globalThis as unknown as {
        axe: { run(): Promise<{ violations: { id: string; help: string; nodes: { target: unknown }[] }[] }> };
      }
    ).axe.run();
    return result.violations.map(
      (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")})`,
    );
  });
  expect(violations, `axe on ${name}`).toEqual([]);
}
