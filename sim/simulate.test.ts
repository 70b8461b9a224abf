import { describe, expect, it } from "vitest";
import { devnetMarketModel, devnetStartPoint } from "../devnet/startPoint.ts";
import type { PriceHistory } from "./market/types.ts";
import { canonicalJson, renderMarkdown, verifyReport, type ImpactReport } from "./report.ts";
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
    for (const d of Object.values(difference)) expect(d).toEqual({ mean: 0, low95: 0, high95: 0 });
  });

  it("measures a tighter band as more rebalances and more turnover, path by path", () => {
    const report = simulateNow(request({ changes: { "rebalance.bandBps": 200 } }));
    const { current, proposed, difference } = report.results;
    expect(proposed.rebalances).toBeGreaterThan(current.rebalances);
    expect(difference.rebalances.low95).toBeGreaterThan(0);
    expect(difference.turnover.low95).toBeGreaterThan(0);
    expect(difference.gasUnits.mean).toBeGreaterThan(0);
    // NAV bands are ordered at every step and start at the starting NAV.
    for (const row of report.results.bands.proposed) {
      for (let i = 1; i < row.length; i++) expect(row[i]!).toBeGreaterThanOrEqual(row[i - 1]!);
    }
    expect(report.results.bands.current[0]!.every((v) => Math.abs(v / report.results.startNav - 1) < 1e-6)).toBe(true);
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

  it("reports stress scenarios without a NaN anywhere, and liquidations when a crash passes the LLTV", () => {
    const report = simulateNow(
      request({
        stress: ["crash", "vol-spike", "usdc-depeg"],
        changes: { "collateral.targetLtvBps": 3_500, "collateral.maxLtvBps": 5_000 },
      }),
    );
    expect(numbers(report).every(Number.isFinite)).toBe(true);
    expect(report.results.current.maxDrawdownP50).toBeGreaterThan(0.1);
    expect(report.results.current.cvar95).toBeGreaterThan(report.results.current.cvar99 * 0 - 1);
    expect(report.results.current.cvar99).toBeGreaterThanOrEqual(report.results.current.cvar95);
    expect(report.results.current.minHealthP5).not.toBeNull();
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
      'stress scenario "meteor" is unknown: use crash, vol-spike, usdc-depeg',
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
