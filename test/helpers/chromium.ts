import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { chromium, type BrowserContext } from "playwright-core";
import { defaultChromiumPath } from "../../scripts/checkTestMachine.ts";

/**
 * Runs code in a real Chromium, for tests that compare what the same TypeScript computes in Node and in a browser.
 * The browser is Debian's `chromium` package (never a download by Playwright), driven by playwright-core.
 */

/** Where the Chromium executable is: $CHROMIUM_PATH, or Debian's /usr/bin/chromium (as npm test's first step checks). */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? defaultChromiumPath;
}

/** A running headless Chromium with a fresh profile; `close()` stops it and deletes the profile. */
export type Chromium = {
  context: BrowserContext;
  close(): Promise<void>;
};

/**
 * Starts a headless Chromium with a fresh temporary user-data directory, no GPU, and none of its background network
 * traffic (component updates, sync, QUIC). Throws, saying how to install it, when the executable is missing: a test
 * that needs a browser must not pass without one.
 */
export async function launchChromium(): Promise<Chromium> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}: install Debian's package with \`apt-get install -y chromium\` ` +
        "(.ci/chromium.sh does it), or point CHROMIUM_PATH at a Chromium executable",
    );
  }
  const userDataDir = await mkdtemp(join(tmpdir(), "trimtab-chromium-"));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    return {
      context,
      close: async () => {
        try {
          await context.close();
        } finally {
          await rm(userDataDir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
}

/** The global variable under which a bundle from `bundleForBrowser` exposes its entry file's exports. */
export const bundleGlobal = "testEntry";

/**
 * Bundles a TypeScript entry file and everything it imports into one browser script (an IIFE, ES2022) that puts the
 * entry's exports on `globalThis[bundleGlobal]`.
 */
export async function bundleForBrowser(entryFile: string): Promise<string> {
  const result = await build({
    entryPoints: [entryFile],
    bundle: true,
    write: false,
    format: "iife",
    globalName: bundleGlobal,
    platform: "browser",
    target: "es2022",
    logLevel: "silent",
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error(`esbuild produced no output for ${entryFile}`);
  return output.text;
}

/**
 * Opens about:blank in a new page, runs `script` there (a bundle from `bundleForBrowser`), then evaluates
 * `expression` and returns its value, which must be JSON-serialisable (a promise is awaited). Errors thrown by the
 * script while loading are reported rather than left to surface as a confusing failure of the expression.
 */
export async function evaluateInChromium<T>(browser: Chromium, script: string, expression: string): Promise<T> {
  const page = await browser.context.newPage();
  const pageErrors: Error[] = [];
  page.on("pageerror", (error) => pageErrors.push(error));
  try {
    await page.goto("about:blank");
    await page.addScriptTag({ content: script });
    return await page.evaluate<T>(expression);
  } catch (error) {
    if (pageErrors.length === 0) throw error;
    throw new Error(`the script failed in Chromium: ${pageErrors.join("; ")}`, { cause: error });
  } finally {
    await page.close();
  }
}
