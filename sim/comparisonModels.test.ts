/**
 * The per-model comparison's models: the run's market, the history's bootstrap, and Student-t, GARCH(1,1) and the
 * 3-regime model fitted to the history, those that cannot be fitted left out with their reason (never an error).
 */
import { describe, expect, it } from "vitest";
import { devnetMarketModel, devnetStartPoint } from "../devnet/startPoint.ts";
import { comparisonModels, fittedComparisonKinds } from "./comparisonModels.ts";
import { calibrateGbm } from "./market/calibrate.ts";
import { createPathGenerator } from "./market/paths.ts";
import type { PriceHistory } from "./market/types.ts";
import { createRandom } from "./random.ts";
import { renderMarkdown } from "./report.ts";
import { simulateNow, type SimulationRequest } from "./simulate.ts";

const start = devnetStartPoint();
const day = 86_400;

/** `prices` daily prices drawn from the devnet's GBM (a known model). */
function historyOf(prices: number): PriceHistory {
  const market = devnetMarketModel();
  const steps = prices - 1;
  const assets = market.symbols.length;
  const out = new Float64Array(prices * assets);
  createPathGenerator(market, [], { steps, stepSeconds: day, initialPricesUsd: start.pricesUsd })(
    createRandom(7),
    out,
    0,
  );
  const pricesUsd = Array.from({ length: prices }, (_, t) => Array.from(out.subarray(t * assets, (t + 1) * assets)));
  return { symbols: market.symbols, timestamps: pricesUsd.map((_, t) => 1_700_000_000 + t * day), pricesUsd };
}

/** A proposal's run on `history`: the market calibrated to it, every fitted model asked for. */
const request = (history: PriceHistory): SimulationRequest => ({
  start,
  changes: { "rebalance.bandBps": 300 },
  market: calibrateGbm(history, { baseSymbol: "USDC" }),
  history,
  paths: 40,
  steps: 30,
  seed: 3,
  uncertainty: { fitted: [...fittedComparisonKinds] },
});

describe("the per-model comparison of a proposal's report", () => {
  it("on a long history (400 daily returns of a GBM), compares all five models, each fitted one with its fit", () => {
    const report = simulateNow(request(historyOf(401)));
    const parameters = report.results.uncertainty!.parameters!;
    expect(parameters.models.map((m) => [m.name, m.kind])).toEqual([
      ["GBM", "gbm"],
      ["Block bootstrap of the history", "bootstrap"],
      ["Student-t fitted to the history", "student-t"],
      ["GARCH(1,1) fitted to the history", "garch"],
      ["3-regime model fitted to the history", "regimes"],
    ]);
    expect(parameters.omitted).toBeUndefined();
    for (const model of parameters.models.filter((m) => m.kind !== "bootstrap")) {
      expect(model.fit, model.name).toMatchObject({ kind: model.kind, inSampleReturns: 320, outOfSampleReturns: 80 });
      expect(Number.isFinite(model.fit!.logLikelihoodIn) && Number.isFinite(model.fit!.logLikelihoodOut)).toBe(true);
    }
    expect(parameters.models[1]!.fit).toBeUndefined();
    const markdown = renderMarkdown(report);
    const garch = parameters.models[3]!.fit!;
    expect(markdown).toContain("| Model | Fitted to | Log-likelihood in sample | Out of sample | Parameters | BIC |");
    const nats = (x: number) => x.toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    expect(markdown).toContain(
      `| GARCH(1,1) fitted to the history | 320 returns, 80 held out | ${nats(garch.logLikelihoodIn)} | ` +
        `${nats(garch.logLikelihoodOut)} | ${garch.parameters} | ${nats(garch.bic)} |`,
    );
    expect(markdown).toContain("| Block bootstrap of the history | not scored | — | — | — | — |");
    expect(markdown).not.toContain("left out of the comparison");
  });

  it("on a history too short for a model, leaves it out with the reason instead of throwing", () => {
    // 40 daily prices, as the devnet's 40-day scenario has: 39 returns, 32 in sample: Student-t, not GARCH or regimes.
    const report = simulateNow(request(historyOf(40)));
    const parameters = report.results.uncertainty!.parameters!;
    expect(parameters.models.map((m) => m.name)).toEqual([
      "GBM",
      "Block bootstrap of the history",
      "Student-t fitted to the history",
    ]);
    const tooShort = "history has 39 returns, 32 of them in sample after holding out 0.2: the fit needs at least 60";
    expect(parameters.omitted).toEqual([
      { name: "GARCH(1,1) fitted to the history", kind: "garch", reason: tooShort },
      { name: "3-regime model fitted to the history", kind: "regimes", reason: tooShort },
    ]);
    const markdown = renderMarkdown(report);
    expect(markdown).toContain("Models left out of the comparison, and why:");
    expect(markdown).toContain(`- GARCH(1,1) fitted to the history: ${tooShort}`);
    expect(markdown).toContain(`- 3-regime model fitted to the history: ${tooShort}`);

    // 31 prices (the least a market is calibrated from): no model can be fitted and scored, the GBM still runs.
    const shortest = simulateNow(request(historyOf(31))).results.uncertainty!.parameters!;
    expect(shortest.models.map((m) => [m.name, m.fit])).toEqual([
      ["GBM", undefined],
      ["Block bootstrap of the history", undefined],
    ]);
    expect(shortest.omitted!.map((m) => m.kind)).toEqual(["student-t", "garch", "regimes"]);
    expect(shortest.omitted![0]!.reason).toBe(
      "history has 30 returns, 24 of them in sample after holding out 0.2: the fit needs at least 30",
    );
  });

  it("leaves every fitted model out when the run has no history, and compares none unless asked", () => {
    const market = devnetMarketModel();
    expect(comparisonModels({ market, stepSeconds: day, fitted: ["garch"] })).toEqual({
      models: [{ name: "GBM", market }],
      omitted: [
        {
          name: "GARCH(1,1) fitted to the history",
          kind: "garch",
          reason: "the run has no price history to fit it to",
        },
      ],
    });
    const history = historyOf(401);
    const calibrated = calibrateGbm(history, { baseSymbol: "USDC" });
    const plain = comparisonModels({ market: calibrated, history, stepSeconds: day });
    expect(plain.models.map((m) => [m.name, m.fit])).toEqual([
      ["GBM", undefined],
      ["Block bootstrap of the history", undefined],
    ]);
    expect(plain.omitted).toEqual([]);
    expect(() => comparisonModels({ market, stepSeconds: day, fitted: ["heston" as "garch"] })).toThrow(
      'uncertainty.fitted: "heston" is not a fitted model (expected student-t, garch, regimes)',
    );
  });

  it("fits the run's own fitted market once: its comparison carries the run's fit, and it is not fitted again", () => {
    const report = simulateNow({ ...request(historyOf(401)), marketModel: "garch" });
    const parameters = report.results.uncertainty!.parameters!;
    expect(parameters.models.map((m) => m.name)).toEqual([
      "GARCH(1,1)",
      "Block bootstrap of the history",
      "Student-t fitted to the history",
      "3-regime model fitted to the history",
    ]);
    expect(parameters.models[0]!.fit).toEqual(report.model.fit);
  });
});
