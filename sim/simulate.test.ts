import { describe, expect, it } from "vitest";
import { devnetMarketModel, devnetStartPoint } from "../devnet/startPoint.ts";
import { calibrateGbm } from "./market/calibrate.ts";
import type { PriceHistory } from "./market/types.ts";
import { createRandom } from "./random.ts";
import { resolveDrift } from "./market/drift.ts";
import { createPathGenerator } from "./market/paths.ts";
import { accumulatorLayout as A, createStrategy } from "./model/strategy.ts";
import { comparedMetrics } from "./monteCarlo.ts";
import {
  canonicalJson,
  metricRows,
  monteCarloErrorNote,
  nilImpact,
  renderMarkdown,
  verdictOf,
  verifyReport,
  type ImpactReport,
} from "./report.ts";
import { simulate, simulateNow, type SimulationRequest } from "./simulate.ts";

const start = devnetStartPoint();
const symbols = start.setup.symbols;
const market = devnetMarketModel();
const request = (overrides: Partial<SimulationRequest> = {}): SimulationRequest => ({
  start,
  changes: { "rebalance.bandBps": 300, "collateral.targetLtvBps": 3_500 },
  market,
  paths: 200,
  steps: 90,
  seed: 7,
  ...overrides,
});

/** Every number anywhere in a report. */
function numbers(value: unknown): number[] {
  if (typeof value === "number") return [value];
  if (Array.isArray(value)) return value.flatMap(numbers);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(numbers);
  return [];
}

describe("The impact simulation: current vs proposed parameters on the same paths", () => {
  it("measures no difference at all when the proposal changes nothing (common random numbers)", () => {
    const report = simulateNow(request({ changes: {} }));
    const { current, proposed, difference, bands } = report.results;
    expect(proposed).toEqual(current);
    expect(bands.proposed).toEqual(bands.current);
    // Every bootstrap interval is [0, 0] (the resampled paths are the same for both sets); the liquidation
    // probability's exact interval stays open, as the paths not drawn could still tell the sets apart.
    const { liquidationProbability, ...bootstrapped } = difference;
    for (const d of Object.values(bootstrapped))
      if (d) expect(d).toEqual({ estimate: 0, low95: 0, high95: 0, method: "paired-bootstrap" });
    expect(liquidationProbability!.estimate).toBe(0);
    expect(liquidationProbability!.low95).toBeLessThan(0);
    expect(liquidationProbability!.high95).toBeGreaterThan(0);
  });

  it("measures a tighter band as more rebalances and more turnover, path by path", () => {
    const report = simulateNow(request({ changes: { "rebalance.bandBps": 200 } }));
    const { current, proposed, difference } = report.results;
    expect(proposed.rebalances).toBeGreaterThan(current.rebalances);
    expect(difference.rebalances!.low95).toBeGreaterThan(0);
    expect(difference.turnover!.low95).toBeGreaterThan(0);
    expect(difference.gasUnits!.estimate).toBeGreaterThan(0);
    // NAV bands are ordered at every step and start at the starting NAV.
    for (const row of report.results.bands.proposed) {
      for (let i = 1; i < row.length; i++) expect(row[i]!).toBeGreaterThanOrEqual(row[i - 1]!);
    }
    expect(report.results.bands.current[0]!.every((v) => Math.abs(v / report.results.startNav - 1) < 1e-6)).toBe(true);
  });

  it("draws the NAV bands and the final NAV after fee dilution: halving the fees lifts them", () => {
    const halved = {
      "fees.managementBps": start.params.managementFeeBps / 2,
      "fees.performanceBps": start.params.performanceFeeBps / 2,
    };
    const report = simulateNow(request({ changes: halved }));
    const { bands, current, proposed, startNav } = report.results;
    const horizon = bands.current.length - 1;
    const median = bands.probabilities.indexOf(0.5);
    // The fee shares minted over the horizon no longer belong to the holders: every path ends richer with less fee.
    expect(bands.proposed[horizon]![median]!).toBeGreaterThan(bands.current[horizon]![median]!);
    expect(proposed.finalNavMedian).toBeGreaterThan(current.finalNavMedian);
    // The final NAV is the start NAV grown at the holders' return: the same median as the return's (NAVs are kept
    // as float32).
    expect(current.finalNavMedian / startNav - 1).toBeCloseTo(current.returnMedian, 6);
    expect(bands.current[0]!.every((v) => Math.abs(v / startNav - 1) < 1e-9)).toBe(true);
  });

  it("states the risk-free rate of its Sharpe and Sortino (4% unless set), and a higher rate lowers both", () => {
    const report = simulateNow(request());
    expect(report.model.riskFreePerYear).toBe(0.04);
    expect(renderMarkdown(report)).toContain("| Sharpe (over 4% risk-free) |");
    const higher = simulateNow(request({ riskFreePerYear: 0.1 }));
    expect(higher.model.riskFreePerYear).toBe(0.1);
    expect(higher.results.current.sharpe).toBeLessThan(report.results.current.sharpe);
    expect(higher.results.current.sortino).toBeLessThan(report.results.current.sortino);
    expect(() => simulateNow(request({ riskFreePerYear: 5 }))).toThrow("riskFreePerYear must be a yearly rate");
  });

  it("warns that a negative Sharpe ranks the less volatile set as worse, when a set earns less than the rate", () => {
    // A bear year: both sets lose, and the higher hedge ratio loses less with less volatility.
    const bear = simulateNow(
      request({ changes: { "hedge.ratioBps": 8_000 }, drift: { WETH: -0.3, WBTC: -0.3 }, steps: 365 }),
    );
    const { current, proposed } = bear.results;
    expect(proposed.returnMean).toBeGreaterThan(current.returnMean);
    expect(proposed.volatility).toBeLessThan(current.volatility);
    expect(proposed.sharpe).toBeLessThan(current.sharpe); // the ratio's own flaw below zero, not an averaging artefact
    expect(renderMarkdown(bear)).toContain("below zero these ratios rank more volatility as better");
    const bull = { WETH: 0.3, WBTC: 0.3 };
    const calm = simulateNow(request({ riskFreePerYear: 0, drift: bull, changes: { "rebalance.bandBps": 300 } }));
    expect(Math.min(calm.results.current.sharpe, calm.results.proposed.sharpe)).toBeGreaterThanOrEqual(0);
    expect(renderMarkdown(calm)).not.toContain("rank more volatility as better");
  });

  it("reproduces: the same request gives the same report hash, chunked or not; another seed another hash", async () => {
    const a = simulateNow(request());
    const progress: number[] = [];
    const b = await simulate(request(), { chunkPaths: 33, onProgress: ({ done }) => progress.push(done) });
    expect(b.contentHash).toBe(a.contentHash);
    expect(progress).toEqual([33, 66, 99, 132, 165, 198, 200]);
    expect(simulateNow(request({ seed: 8 })).contentHash).not.toBe(a.contentHash);
    expect(verifyReport(a)).toBe(true);
    const tampered: ImpactReport = { ...a, results: { ...a.results, startNav: a.results.startNav + 1 } };
    expect(verifyReport(tampered)).toBe(false);
  });

  it("stops when cancelled", async () => {
    const controller = new AbortController();
    const run = simulate(request(), {
      chunkPaths: 20,
      signal: controller.signal,
      onProgress: ({ done }) => done >= 40 && controller.abort(new Error("cancelled by the voter")),
    });
    await expect(run).rejects.toThrow("cancelled by the voter");
  });

  it("resolves oracle.maxDeviationBps only where pools lag the oracle (the arbitrage band), and reports the pool model", () => {
    const tighter = { changes: { "oracle.maxDeviationBps": 30 }, paths: 50 };
    const aligned = simulateNow(request(tighter));
    expect(aligned.results.proposed).toEqual(aligned.results.current);
    expect(aligned.model.poolGap).toBeUndefined();
    const poolGap = { kind: "arbitrageBand", thresholdBps: 10 } as const;
    const lagging = simulateNow(request({ ...tighter, poolGap }));
    expect(lagging.model.poolGap).toEqual(poolGap);
    // The devnet's 0.3% pools lag each day's move by 0.3% + 0.1%: a 0.3% deviation bound refuses most trades.
    expect(lagging.results.difference.reverts!.low95).toBeGreaterThan(0);
    expect(lagging.results.difference.turnover!.high95).toBeLessThan(0);
    expect(() => simulateNow(request({ poolGap: { kind: "arbitrageBand", thresholdBps: -1 } }))).toThrow(
      "poolGap.thresholdBps must be a number of bps from 0 to below 10000, got -1",
    );
  });

  it("charges a rate spike's borrow rate on both sets' debts, moving no price, beside the calm baseline", () => {
    const calm = simulateNow(request({ paths: 20 }));
    const spiked = simulateNow(request({ paths: 20, stress: ["rate-spike"] }));
    // The baseline is never stressed: the spike is a comparison of its own on the same paths.
    expect(spiked.results.current).toEqual(calm.results.current);
    const stressed = spiked.results.stressed!["rate-spike"]!;
    expect(stressed.label).toMatch(/borrow/);
    // The collateral manager owes about $60,000 and the hedge about 50 WETH ($150,000), on markets at a few percent
    // utilization (IrmMock: a few percent a year); 14 days at 100% a year cost about $8,000 more.
    for (const set of ["current", "proposed"] as const) {
      const extra = stressed[set].borrowCostBase - calm.results[set].borrowCostBase;
      expect(extra).toBeGreaterThan(6_000);
      expect(extra).toBeLessThan(14_000);
    }
    expect(spiked.model.stress).toEqual(["rate-spike"]);
    expect(stressed.current.maxDrawdownP95).toBeGreaterThanOrEqual(calm.results.current.maxDrawdownP95);
  });

  it("reports stress scenarios without a NaN anywhere, beside a baseline whose CVaR is its paths' worst 5%", () => {
    const changes = { "collateral.targetLtvBps": 3_500, "collateral.maxLtvBps": 5_000 };
    const report = simulateNow(request({ stress: ["crash", "vol-spike", "usdc-depeg"], changes }));
    expect(numbers(report).every(Number.isFinite)).toBe(true);
    expect(report.results.stressed!.crash!.current.maxDrawdownP95).toBeGreaterThan(0.1);
    expect(report.results.current.minHealthP5).not.toBeNull();
    // CVaR 95 and 99 of the (unstressed) baseline, computed again from its paths: the same draws of the same seed
    // (zero drift), each run through the kernel, the mean loss of the worst 10 (2) of the 200 horizon returns.
    const { market: zeroDrift } = resolveDrift(market, "zero");
    const steps = 90;
    const usd = new Float64Array((steps + 1) * symbols.length);
    const generate = createPathGenerator(zeroDrift, [], {
      steps,
      stepSeconds: 86_400,
      initialPricesUsd: start.pricesUsd,
    });
    const random = createRandom(7);
    const strategy = createStrategy(start.setup, start.params, { liquidations: true });
    const startVector = strategy.encode(start.state, new Float64Array(strategy.stateSize));
    const [vector, navs, prices] = [
      new Float64Array(strategy.stateSize),
      new Float64Array(steps + 1),
      new Float64Array(steps + 1),
    ];
    const acc = new Float64Array(A.size);
    const returns: number[] = [];
    for (let p = 0; p < 200; p++) {
      generate(random, usd, 0);
      strategy.runPath(startVector, vector, usd, steps, start.state.timeSeconds, 86_400, navs, prices, acc);
      returns.push(prices[steps]! / prices[0]! - 1);
    }
    returns.sort((a, b) => a - b);
    const worst = (n: number) => -returns.slice(0, n).reduce((sum, r) => sum + r, 0) / n;
    expect(report.results.current.cvar95).toBeCloseTo(worst(10), 12);
    expect(report.results.current.cvar99).toBeCloseTo(worst(2), 12);
    expect(worst(10)).toBeGreaterThan(0.05);
  });

  it("backtests both sets over a recorded history, with today's prices moved by its returns", () => {
    const days = 120;
    const history: PriceHistory = {
      symbols,
      timestamps: Array.from({ length: days + 1 }, (_, k) => 1_700_000_000 + k * 86_400),
      pricesUsd: Array.from({ length: days + 1 }, (_, k) => [
        1,
        2_000 * (1 + 0.4 * Math.sin(k / 9)),
        40_000 * (1 + 0.2 * Math.cos(k / 13)),
      ]),
    };
    const report = simulateNow(request({ history }));
    const backtest = report.results.backtest!;
    expect(backtest.current.nav).toHaveLength(days + 1);
    expect(backtest.current.nav[0]).toBeCloseTo(report.results.startNav, 6);
    expect(backtest.proposed.metrics.rebalances).toBeGreaterThanOrEqual(backtest.current.metrics.rebalances);
    expect(() =>
      simulateNow(
        request({
          history: { ...history, timestamps: history.timestamps.slice(0, 1), pricesUsd: history.pricesUsd.slice(0, 1) },
        }),
      ),
    ).toThrow("history has 0 returns");
  });

  it("renders the report for humans with each metric, the changes and the hash", () => {
    const report = simulateNow(request());
    const markdown = renderMarkdown(report);
    expect(markdown).toContain("`rebalance.bandBps` → 300");
    expect(markdown).toContain("| Max drawdown p95 |");
    expect(markdown).toContain("| CVaR 99 (loss) |");
    expect(markdown).toContain("| P(liquidation) |");
    expect(markdown).toContain(report.contentHash);
  });

  it("refuses bad input with an error that names it", () => {
    const fails = (overrides: Partial<SimulationRequest>) => () => simulateNow(request(overrides));
    expect(fails({ changes: { "weight.WETH": 5_000 } })).toThrow(
      "proposed parameters: weight.USDC + weight.WETH + weight.WBTC must sum to 10000 bps, got 4000 + 5000 + 2000 = 11000",
    );
    expect(fails({ changes: { "collateral.maxLtvBps": 8_700 } })).toThrow("collateral.maxLtvBps (8700) must be below");
    expect(fails({ changes: { "rebalance.minIntervalSec": -1 } })).toThrow(
      "rebalance.minIntervalSec must be at least 0",
    );
    expect(fails({ paths: 0 })).toThrow("paths must be a whole number from 1 to 1000000, got 0");
    expect(fails({ paths: 100_000, steps: 3_650 })).toThrow(
      "paths × (steps + 1) = 365,100,000 NAV points per parameter set is more than the 25,000,000 a run keeps in memory",
    );
    expect(fails({ stress: ["meteor" as "crash"] })).toThrow(
      'stress scenario "meteor" is unknown: use crash, vol-spike, usdc-depeg, rate-spike',
    );
    expect(fails({ market: { ...market, symbols: ["USDC", "WETH", "CBBTC"] } })).toThrow(
      "market.symbols (USDC, WETH, CBBTC) must be the vault's assets (USDC, WETH, WBTC)",
    );
    expect(fails({ market: { ...market, volatilityPerYear: [0.002, Number.NaN, 0.5] } })).toThrow(
      "model.volatilityPerYear",
    );
  });

  it("refuses to seal a report holding NaN, naming the field", () => {
    expect(() => canonicalJson({ results: { current: { sharpe: Number.NaN } } })).toThrow(
      "report.results.current.sharpe is NaN: a report holds only finite numbers",
    );
  });
});

/** A month of daily feed prices in which WETH and WBTC fall (about −15% and −13%) with a crypto asset's noise. */
function badMonth(): PriceHistory {
  const random = createRandom(5);
  const z = new Float64Array(2);
  const rows = [[1, 2_000, 40_000]];
  for (let t = 1; t <= 30; t++) {
    random.fillNormals(z, 0, 2);
    const [, eth, btc] = rows[t - 1]!;
    rows.push([1, eth! * Math.exp(-0.006 + 0.035 * z[0]!), btc! * Math.exp(-0.005 + 0.028 * z[1]!)]);
  }
  return { symbols, timestamps: rows.map((_, t) => 1_700_000_000 + t * 86_400), pricesUsd: rows };
}

describe("Monte Carlo error: an interval on every metric, labelled, and read as better, worse or can't tell", () => {
  const report = simulateNow(request({ changes: { "rebalance.bandBps": 200, "collateral.targetLtvBps": 3_500 } }));

  it("gives every compared metric a difference with a 95% interval around it, quantiles and tails included", () => {
    const { current, proposed, difference } = report.results;
    for (const key of Object.keys(comparedMetrics) as (keyof typeof comparedMetrics)[]) {
      const [a, b] = [current[key], proposed[key]];
      const d = difference[key];
      if (a === null || b === null) {
        expect(d, key).toBeNull();
        continue;
      }
      expect(d!.estimate, key).toBeCloseTo(b - a, 9);
      expect(d!.low95, key).toBeLessThanOrEqual(d!.high95);
    }
    // The quantile and tail rows have intervals of their own width, not [estimate, estimate].
    for (const key of ["returnMedian", "maxDrawdownP95", "cvar95", "cvar99", "minHealthP5", "finalNavMedian"] as const)
      expect(difference[key]!.high95 - difference[key]!.low95, key).toBeGreaterThan(0);
  });

  it("shows the interval on every row, which way is better, and reads each difference by it", () => {
    const rows = metricRows(report);
    for (const row of rows) {
      if (row.change === "–") continue; // a metric neither set has (hedge effectiveness without a hedge)
      expect(row.change, row.label).toMatch(/ \(95%: .+ to .+\)$/);
      expect(["better", "worse", "higher", "lower", "can't tell", "no difference"], row.label).toContain(row.verdict);
    }
    const row = (label: string) => rows.find((r) => r.label === label)!;
    expect(row("Median return").better).toBe("higher");
    expect(row("CVaR 95 (loss)").better).toBe("lower");
    expect(row("Rebalances")).toMatchObject({ better: "neither", verdict: "higher" }); // a tighter band
    expect(rows.filter((r) => r.change !== "–").length).toBeGreaterThanOrEqual(rows.length - 1);
  });

  it("bounds a liquidation probability of 0 of N paths above zero (exact binomial), and can't tell the change", () => {
    const { current, liquidationProbability, difference } = report.results;
    expect(current.liquidationProbability).toBe(0);
    // 0 of 200 paths: 1 − 0.025^(1/200) = 1.83%.
    expect(liquidationProbability.current.low95).toBe(0);
    expect(liquidationProbability.current.high95).toBeCloseTo(1 - 0.025 ** (1 / 200), 12);
    const row = metricRows(report).find((r) => r.label === "P(liquidation)")!;
    expect(row.current).toBe("0.00% (95%: 0.00% to 1.83%)");
    expect(difference.liquidationProbability!.method).toBe("exact-binomial");
    expect(row.verdict).toBe("can't tell");
  });

  it("reads a difference with its direction: can't tell when the interval holds zero", () => {
    const d = (low95: number, high95: number) => ({ estimate: (low95 + high95) / 2, low95, high95 });
    const method = "paired-bootstrap" as const;
    expect(verdictOf({ ...d(0.01, 0.03), method }, "higher")).toBe("better");
    expect(verdictOf({ ...d(0.01, 0.03), method }, "lower")).toBe("worse");
    expect(verdictOf({ ...d(-0.03, -0.01), method }, "lower")).toBe("better");
    expect(verdictOf({ ...d(-0.01, 0.03), method }, "higher")).toBe("can't tell");
    expect(verdictOf({ ...d(0, 0.03), method }, "higher")).toBe("can't tell");
    expect(verdictOf({ ...d(-0.03, -0.01), method }, "neither")).toBe("lower");
    expect(verdictOf({ ...d(0, 0), method }, "higher")).toBe("no difference");
  });

  it("says the intervals cover Monte Carlo error only, and is reproducible from its seed", () => {
    const markdown = renderMarkdown(report);
    expect(markdown).toContain(monteCarloErrorNote(report));
    expect(monteCarloErrorNote(report)).toContain("Monte Carlo error only");
    expect(monteCarloErrorNote(report)).toContain(
      "do not cover the uncertainty of the market model or of its calibration",
    );
    expect(markdown).toContain(
      "| Metric | Better | Current | Proposed | Difference (95% interval, Monte Carlo error) | Reads |",
    );
    const again = simulateNow(request({ changes: { "rebalance.bandBps": 200, "collateral.targetLtvBps": 3_500 } }));
    expect(again.results.difference).toEqual(report.results.difference);
    expect(again.contentHash).toBe(report.contentHash);
    expect(verifyReport(report)).toBe(true);
  });
});

describe("The drift the simulation assumes, its sensitivity table, and a proposal with no simulated impact", () => {
  const fitted = calibrateGbm(badMonth());
  const yearOf = (overrides: Partial<SimulationRequest>) =>
    simulateNow(
      request({ market: fitted, steps: 365, paths: 150, changes: { "rebalance.bandBps": 300 }, ...overrides }),
    );

  it("assumes zero drift unless asked: a month of falling feeds no longer makes the median year a loss", () => {
    expect(fitted.driftFit!.logDriftPerYear[1]).toBeLessThan(-0.5); // the fit: WETH losing over half a year's value
    const report = yearOf({});
    expect(report.model.drift.assets.map((a) => a.source)).toEqual(["zero", "zero", "zero"]);
    // The median year is flat but for the fees (about 2% of NAV a year); under the fitted drift it lost 14%.
    expect(report.results.current.returnMedian).toBeGreaterThan(-0.02);
    expect(yearOf({ drift: "fitted" }).results.current.returnMedian).toBeLessThan(-0.1);
  });

  it("states the drift used per asset beside the fitted one, its standard error and the window", () => {
    const report = yearOf({ drift: { WETH: 0.3, WBTC: "fitted" } });
    expect(report.model.drift.assets.map((a) => [a.symbol, a.source])).toEqual([
      ["USDC", "zero"],
      ["WETH", "set"],
      ["WBTC", "fitted"],
    ]);
    const markdown = renderMarkdown(report);
    expect(markdown).toContain("| WETH | +30% (set) | -54.1% ± 202% |");
    expect(markdown).toMatch(/\| WBTC \| -38\.8% \(fitted\) \| -38\.8% ± 144\.8% \|/);
    expect(markdown).toContain("The fitted drift comes from 30 returns over 30 days (2023-11-14 to 2023-12-14)");
    expect(renderMarkdown(yearOf({}))).toContain("Drift assumed: zero for every asset (the default)");
    expect(() => yearOf({ drift: { CBBTC: 0.1 } })).toThrow("drift.CBBTC: CBBTC is not an asset of the vault");
  });

  it("carries the market as fitted, with standard errors, the window and a warning that a month is too short", () => {
    const report = yearOf({});
    const calibration = report.model.calibration!;
    expect(calibration.window).toEqual({
      fromSeconds: 1_700_000_000,
      toSeconds: 1_700_000_000 + 30 * 86_400,
      returns: 30,
      stepSeconds: 86_400,
    });
    // The fitted drift is the model's own (the run used zero): the calibration describes the history, not the run.
    expect(calibration.assets[1]!.logDriftPerYear).toBe(fitted.driftFit!.logDriftPerYear[1]);
    expect(calibration.assets[1]!.volatilityPerYear).toBe(fitted.volatilityPerYear[1]);
    const markdown = renderMarkdown(report);
    expect(markdown).toContain("## The market as fitted to the history");
    expect(markdown).toContain("fitted to 30 returns of 1 d from 2023-11-14 to 2023-12-14");
    expect(markdown).toMatch(/\| WETH \| \d+(\.\d)?% ± \d+(\.\d)?% \| -54\.1% ± 202% \|/);
    expect(markdown).toMatch(/\| WETH \/ WBTC \| -?0\.\d\d ± 0\.\d\d \|/);
    expect(markdown).toContain(
      "- **Warning:** WETH: the fitted drift (-54.1% a year) has a standard error of ±202% a year",
    );
    expect(markdown).toContain("The correlations come from 30 returns, fewer than 90");
    expect(markdown).not.toContain("USDC / WETH"); // USDC does not move: no correlation to show
    expect(markdown).toContain("The history is too short for 4 estimates of the market");
    // A market written by hand was not fitted: no section.
    expect(simulateNow(request()).model.calibration).toBeUndefined();
  });

  it("measures the headline differences under a bear, a flat and a bull drift on the same draws", async () => {
    // Long only: no lending module, so the vault holds its assets and nothing else.
    const { collateral: _c, hedge: _h, ...longOnly } = start.setup;
    const longStart = { ...start, setup: longOnly };
    const progress: number[] = [];
    const report = await simulate(
      request({ start: longStart, changes: { "rebalance.bandBps": 300 }, sensitivity: {} }),
      {
        chunkPaths: 150,
        onProgress: ({ done, total }) => progress.push(done / total),
      },
    );
    const { sensitivity, current, proposed } = report.results;
    expect(progress).toEqual([150 / 800, 300 / 800, 450 / 800, 600 / 800, 750 / 800, 1]);
    expect(sensitivity!.paths).toBe(200);
    const { bear, flat, bull } = sensitivity!.scenarios;
    for (const set of ["current", "proposed"] as const) {
      expect(bull[set].returnMean).toBeGreaterThan(flat[set].returnMean);
      expect(flat[set].returnMean).toBeGreaterThan(bear[set].returnMean);
    }
    // The flat column is the main run's (zero drift, the same seed and paths): the same draws in every column.
    expect(flat.current.returnMean).toBe(current.returnMean);
    expect(flat.proposed.cvar95).toBe(proposed.cvar95);
    const markdown = renderMarkdown(report);
    expect(markdown).toContain("## Sensitivity to the market's drift");
    expect(markdown).toContain("| Metric | Bear (-30% a year) | Flat (0% a year) | Bull (+30% a year) |");
    expect(markdown).toContain("| Δ P(liquidation) |");
    expect(markdown).toContain("on the first 200 paths of seed 7 in each column");
    // At most 500 paths each unless asked.
    expect(simulateNow(request({ paths: 600, steps: 5, sensitivity: {} })).results.sensitivity!.paths).toBe(500);
    expect(() => simulateNow(request({ sensitivity: { paths: 0 } }))).toThrow(
      "sensitivity.paths must be a whole number from 1 to 1000000, got 0",
    );
  });

  it("says in one line that nothing differs, and why when it can tell, instead of a table of zeros", () => {
    const unmodelled = simulateNow(request({ changes: {}, sensitivity: {} }));
    const line =
      "The simulation shows no difference between current and proposed parameters: `oracle.maxStalenessSec.WETH` is a " +
      "parameter the model does not use.";
    expect(nilImpact(unmodelled, ["oracle.maxStalenessSec.WETH"])).toBe(line);
    const markdown = renderMarkdown(unmodelled, { notSimulated: ["oracle.maxStalenessSec.WETH"] });
    expect(markdown).toContain(line);
    expect(markdown).not.toContain("| Metric |");
    expect(markdown).toContain(unmodelled.contentHash);
    const idle = simulateNow(request({ changes: { "rebalance.minIntervalSec": 3_600 }, paths: 50, steps: 60 }));
    expect(nilImpact(idle)).toBe(
      "The simulation shows no difference between current and proposed parameters: `rebalance.minIntervalSec` " +
        "changed nothing the strategy did on any of the 50 paths.",
    );
    expect(nilImpact(simulateNow(request()))).toBeUndefined();
    expect(renderMarkdown(simulateNow(request()))).toContain("| Metric |");
  });
});
