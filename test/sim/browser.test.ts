import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bundleForBrowser, bundleGlobal, evaluateInChromium, launchChromium } from "../helpers/chromium.ts";
import { devnetMarketModel, devnetStartPoint } from "../../devnet/startPoint.ts";
import { exp } from "../../sim/detMath.ts";
import { calibrateGbm } from "../../sim/market/calibrate.ts";
import type { PriceHistory } from "../../sim/market/types.ts";
import { createRandom } from "../../sim/random.ts";
import { reportSchema } from "../../sim/report.ts";
import { simulate, simulateNow, type SimulationRequest } from "../../sim/simulate.ts";
import { determinismDigests, type DeterminismResult } from "./fixtures/determinismEntry.ts";
import type { WorkerRun } from "./fixtures/workerPageEntry.ts";

const entryFile = fileURLToPath(new URL("./fixtures/determinismEntry.ts", import.meta.url));

/** The simulation's worker and the page that runs a request in it (fixtures/workerPageEntry.ts), bundled. */
async function workerScripts(): Promise<{ workerScript: string; pageScript: string }> {
  const workerScript = await bundleForBrowser(fileURLToPath(new URL("../../sim/worker.ts", import.meta.url)));
  const pageScript = await bundleForBrowser(fileURLToPath(new URL("./fixtures/workerPageEntry.ts", import.meta.url)));
  return { workerScript, pageScript };
}

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
  const { workerScript, pageScript } = await workerScripts();
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
      const { workerScript, pageScript } = await workerScripts();
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

  /**
   * 240 daily prices of the devnet's assets (a pinned stablecoin, ETH, BTC) from a known two-regime market: calm
   * days (ETH 2%, BTC 1.5% a day) and turbulent ones (6% and 4.5%), switching with probability 3% a day, the
   * assets' shocks correlated 0.6. Seeded: the same history in every run.
   */
  function regimeHistory(symbols: readonly string[]): PriceHistory {
    const random = createRandom(29);
    const volatilityPerDay = { calm: [0.02, 0.015], turbulent: [0.06, 0.045] };
    let regime: keyof typeof volatilityPerDay = "calm";
    const rows = [[1, 2_000, 40_000]];
    for (let t = 1; t < 240; t++) {
      if (random.next() < 0.03) regime = regime === "calm" ? "turbulent" : "calm";
      const [ethVolatility, btcVolatility] = volatilityPerDay[regime];
      const ethShock = random.normal();
      const btcShock = 0.6 * ethShock + 0.8 * random.normal();
      const [, eth, btc] = rows[t - 1]!;
      rows.push([1, eth! * exp(ethVolatility! * ethShock), btc! * exp(btcVolatility! * btcShock)]);
    }
    return { symbols: [...symbols], timestamps: rows.map((_, t) => 1_700_000_000 + t * 86_400), pricesUsd: rows };
  }

  it(
    "fits and runs the Student-t, GARCH and regime markets in a Web Worker, with progress, to the same report as Node bit for bit",
    { timeout: 120_000 },
    async () => {
      const { workerScript, pageScript } = await workerScripts();
      const start = devnetStartPoint();
      const history = regimeHistory(start.setup.symbols);
      const kinds = ["student-t", "garch", "regimes"] as const;
      // The fit happens inside the run, in the worker as in Node: the request carries the history, not the model.
      const requests = kinds.map((marketModel): SimulationRequest => ({
        start,
        changes: { "rebalance.bandBps": 350, "hedge.ratioBps": 6_000 },
        market: devnetMarketModel(),
        history,
        marketModel,
        paths: 300,
        steps: 60,
        seed: 13,
      }));
      const browser = await launchChromium();
      const inChromium: WorkerRun[] = [];
      try {
        for (const request of requests)
          inChromium.push(
            await evaluateInChromium(
              browser,
              pageScript,
              `${bundleGlobal}.runInWebWorker(${JSON.stringify(workerScript)}, ${JSON.stringify(request)}, undefined)`,
            ),
          );
      } finally {
        await browser.close();
      }
      for (const [k, request] of requests.entries()) {
        const progressInNode: number[] = [];
        const inNode = await simulate(request, { onProgress: ({ done }) => progressInNode.push(done) });
        const finished = inChromium[k]!;
        expect(finished.error, kinds[k]).toBeUndefined();
        // The fit ran and is the one asked for (a GBM fallback would also be identical, and prove nothing).
        expect(inNode.model.market.kind, kinds[k]).toBe(kinds[k]);
        expect(inNode.model.fit?.kind, kinds[k]).toBe(kinds[k]);
        expect(inNode.model.fit?.outOfSampleReturns, kinds[k]).toBeGreaterThan(0);
        // Bit for bit: every number of the report serializes as the shortest text that reads back to its bits.
        expect(finished.reportJson, kinds[k]).toBe(JSON.stringify(inNode));
        expect(finished.contentHash, kinds[k]).toBe(inNode.contentHash);
        // Progress arrives chunk by chunk, up to all the paths (the main run's and the unhedged one's), as in Node.
        expect(finished.progress, kinds[k]).toEqual(progressInNode);
        expect(finished.progress.length, kinds[k]).toBeGreaterThan(1);
        expect(finished.progress.at(-1), kinds[k]).toBe(600);
      }
      const regimes = JSON.parse(inChromium[2]!.reportJson!) as Awaited<ReturnType<typeof simulate>>;
      expect(regimes.model.fit?.regimeProbabilities?.timestamps).toEqual(history.timestamps.slice(1));
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
