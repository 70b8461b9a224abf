import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bundleForBrowser, bundleGlobal, evaluateInChromium, launchChromium } from "../helpers/chromium.ts";
import { devnetMarketModel, devnetStartPoint } from "../../devnet/startPoint.ts";
import { calibrateGbm } from "../../sim/market/calibrate.ts";
import { createRandom } from "../../sim/random.ts";
import { reportSchema } from "../../sim/report.ts";
import { simulateNow, type SimulationRequest } from "../../sim/simulate.ts";
import { determinismDigests, type DeterminismResult } from "./fixtures/determinismEntry.ts";
import type { WorkerRun } from "./fixtures/workerPageEntry.ts";

const entryFile = fileURLToPath(new URL("./fixtures/determinismEntry.ts", import.meta.url));

/** `days` days of seeded daily prices (USDC, WETH, WBTC) after a first row, for the devnet's vault. */
function seededHistory(days: number, seed: number) {
  const random = createRandom(seed);
  const rows = [[1, 2_000, 40_000]];
  for (let t = 1; t <= days; t++) {
    const [, eth, btc] = rows[t - 1]!;
    rows.push([1, eth! * (1 + 0.03 * random.normal()), btc! * (1 + 0.02 * random.normal())]);
  }
  return {
    symbols: devnetStartPoint().setup.symbols,
    timestamps: rows.map((_, t) => 1_700_000_000 + t * 86_400),
    pricesUsd: rows,
  };
}

/** `request` run to its end in a Web Worker in Chromium. */
async function runToEndInWorker(request: SimulationRequest): Promise<WorkerRun> {
  const workerScript = await bundleForBrowser(fileURLToPath(new URL("../../sim/worker.ts", import.meta.url)));
  const pageScript = await bundleForBrowser(fileURLToPath(new URL("./fixtures/workerPageEntry.ts", import.meta.url)));
  const browser = await launchChromium();
  try {
    return await evaluateInChromium(
      browser,
      pageScript,
      `${bundleGlobal}.runInWebWorker(${JSON.stringify(workerScript)}, ${JSON.stringify(request)}, undefined)`,
    );
  } finally {
    await browser.close();
  }
}
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

  it(
    "runs the impact simulation in a Web Worker with progress and cancellation, to the same report hash as Node",
    { timeout: 60_000 },
    async () => {
      const workerScript = await bundleForBrowser(fileURLToPath(new URL("../../sim/worker.ts", import.meta.url)));
      const pageScript = await bundleForBrowser(
        fileURLToPath(new URL("./fixtures/workerPageEntry.ts", import.meta.url)),
      );
      const start = devnetStartPoint();
      const request: SimulationRequest = {
        start,
        changes: { "rebalance.bandBps": 350, "hedge.ratioBps": 6_000 },
        market: devnetMarketModel(),
        stress: ["crash"],
        paths: 600,
        steps: 120,
        seed: 3,
      };
      const run = (cancelAfter?: number) =>
        `${bundleGlobal}.runInWebWorker(${JSON.stringify(workerScript)}, ${JSON.stringify(request)}, ${cancelAfter})`;
      const browser = await launchChromium();
      let finished: WorkerRun;
      let cancelled: WorkerRun;
      try {
        finished = await evaluateInChromium(browser, pageScript, run());
        cancelled = await evaluateInChromium(browser, pageScript, run(250));
      } finally {
        await browser.close();
      }
      expect(finished.error).toBeUndefined();
      // Three runs of 600 paths: the baseline, the crash beside it, and both sets without their hedge (the proposal
      // changes the hedge: its value for money).
      expect(finished.progress).toEqual([250, 500, 750, 1000, 1250, 1500, 1750, 1800]);
      expect(finished.contentHash).toBe(simulateNow(request).contentHash);
      // The cancel message reaches the worker between two chunks: the run stops there, short of its 1,800 paths.
      expect(cancelled.error).toBe("cancelled");
      expect(cancelled.contentHash).toBeUndefined();
      expect(Math.max(...cancelled.progress)).toBeLessThan(1800);
    },
  );

  it(
    "runs both kinds of uncertainty and the adaptive path count in a Web Worker, to the same report hash as Node",
    { timeout: 60_000 },
    async () => {
      const start = devnetStartPoint();
      // Sixty days of seeded prices: the GBM is fitted to them and the history is bootstrapped as a second model.
      const history = seededHistory(60, 11);
      const request: SimulationRequest = {
        start,
        changes: { "hedge.ratioBps": 8_000 },
        market: calibrateGbm(history),
        history,
        paths: 100,
        steps: 60,
        seed: 5,
        sensitivity: {},
        uncertainty: {},
        adaptive: { maxPaths: 200 },
      };
      const finished = await runToEndInWorker(request);
      expect(finished.error).toBeUndefined();
      const inNode = simulateNow(request);
      expect(inNode.results.uncertainty!.parameters!.models.map((m) => m.name)).toEqual([
        "GBM",
        "Block bootstrap of the history",
      ]);
      expect(inNode.model.paths).toBe(200);
      // Main 100, three drifts, two models × two runs of 100 and the hedge change's unhedged run of 100; the main run
      // grows to 200 after its first stage, and the unhedged run, on the main run's paths, with it.
      expect(finished.progress).toEqual([250, 500, 750, 1_000, 1_100]);
      expect(finished.contentHash).toBe(inNode.contentHash);
    },
  );

  it(
    "fits Student-t, GARCH(1,1) and the regime model for the comparison in a Web Worker, to the same report hash as Node",
    { timeout: 60_000 },
    async () => {
      // A hundred days of seeded prices: enough for every fitted model (GARCH and regimes need 60 returns in sample).
      const history = seededHistory(100, 13);
      const request: SimulationRequest = {
        start: devnetStartPoint(),
        changes: { "rebalance.bandBps": 350 },
        market: calibrateGbm(history),
        history,
        paths: 50,
        steps: 30,
        seed: 7,
        uncertainty: { fitted: ["student-t", "garch", "regimes"] },
      };
      const finished = await runToEndInWorker(request);
      expect(finished.error).toBeUndefined();
      const inNode = simulateNow(request);
      const parameters = inNode.results.uncertainty!.parameters!;
      expect(parameters.models.map((m) => [m.kind, m.fit?.kind])).toEqual([
        ["gbm", "gbm"],
        ["bootstrap", undefined],
        ["student-t", "student-t"],
        ["garch", "garch"],
        ["regimes", "regimes"],
      ]);
      expect(parameters.omitted).toBeUndefined();
      // The report's hash covers the fits: the Worker fitted the same models to the same bits.
      expect(finished.contentHash).toBe(inNode.contentHash);
    },
  );

  it("bundles the whole library for the browser: no Node-only module anywhere in it", async () => {
    // esbuild refuses `node:` modules and Node built-ins on the browser platform.
    const script = await bundleForBrowser(fileURLToPath(new URL("../../sim/index.ts", import.meta.url)));
    expect(script).toContain(reportSchema);
  });
});
