import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bundleForBrowser, bundleGlobal, evaluateInChromium, launchChromium } from "../helpers/chromium.ts";
import { determinismDigests, type DeterminismResult } from "./fixtures/determinismEntry.ts";

const entryFile = fileURLToPath(new URL("./fixtures/determinismEntry.ts", import.meta.url));
const seeds = [1, 7, 20_240_601];
const count = 200_000;

describe("the simulation library in Chromium", () => {
  it("computes uniforms, normals, ln and exp bit for bit as Node does", { timeout: 60_000 }, async () => {
    const script = await bundleForBrowser(entryFile);
    const expression = `({
      userAgent: navigator.userAgent,
      results: ${bundleGlobal}.determinismDigests(${JSON.stringify(seeds)}, ${count}),
    })`;
    const browser = await launchChromium();
    let inChromium: { userAgent: string; results: DeterminismResult[] };
    try {
      inChromium = await evaluateInChromium(browser, script, expression);
    } finally {
      await browser.close();
    }
    const inNode = determinismDigests(seeds, count);

    expect(inChromium.userAgent).toMatch(/HeadlessChrome\//); // it did run in the browser
    expect(inChromium.results).toEqual(inNode);
    // The digests cover real sequences: each seed has its own, and the values are not degenerate.
    expect(new Set(inNode.map((result) => result.digest)).size).toBe(seeds.length);
    for (const { first } of inNode) {
      expect(first.next).toBeGreaterThan(0);
      expect(first.next).toBeLessThan(1);
      expect(Number.isFinite(first.normal) && first.normal !== 0).toBe(true);
      expect(Number.isFinite(first.filledNormal) && first.filledNormal !== first.normal).toBe(true);
      expect(Number.isFinite(first.ln) && Number.isFinite(first.exp)).toBe(true);
    }
  });
});
