/** `simulation.marketModel`: a run on a fitted market (Student-t, GARCH, regimes) carries the fit in its report. */
import { describe, expect, it } from "vitest";
import { devnetMarketModel, devnetStartPoint } from "../../devnet/startPoint.ts";
import { createRandom } from "../random.ts";
import { renderMarkdown } from "../report.ts";
import { readMarketModelSetting } from "../runSettings.ts";
import { simulateNow, type SimulationRequest } from "../simulate.ts";
import { createPathGenerator } from "./paths.ts";
import type { PriceHistory } from "./types.ts";

const start = devnetStartPoint();
const market = devnetMarketModel();
const day = 86_400;

/** 400 daily prices of the devnet's GBM. */
function devnetHistory(): PriceHistory {
  const steps = 400;
  const assets = market.symbols.length;
  const out = new Float64Array((steps + 1) * assets);
  createPathGenerator(market, [], { steps, stepSeconds: day, initialPricesUsd: start.pricesUsd })(
    createRandom(5),
    out,
    0,
  );
  const pricesUsd = Array.from({ length: steps + 1 }, (_, t) => Array.from(out.subarray(t * assets, (t + 1) * assets)));
  return { symbols: market.symbols, timestamps: pricesUsd.map((_, t) => 1_700_000_000 + t * day), pricesUsd };
}

const history = devnetHistory();
const request = (overrides: Partial<SimulationRequest>): SimulationRequest => ({
  start,
  changes: { "rebalance.bandBps": 300 },
  market,
  paths: 40,
  steps: 30,
  seed: 3,
  history,
  ...overrides,
});

describe("simulation.marketModel", () => {
  it.each(["student-t", "garch", "regimes"] as const)(
    "%s: the run simulates the model fitted to the history (last 20% held out) and reports its fit, the same twice",
    (kind) => {
      const report = simulateNow(request({ marketModel: kind }));
      expect(report.model.market.kind).toBe(kind);
      expect(report.model.fit).toMatchObject({ kind, inSampleReturns: 320, outOfSampleReturns: 80 });
      expect(Number.isFinite(report.model.fit!.logLikelihoodOut)).toBe(true);
      const markdown = renderMarkdown(report);
      expect(markdown).toContain("## The market model's fit");
      expect(markdown.includes("| Regime | Share of the history")).toBe(kind === "regimes");
      expect(simulateNow(request({ marketModel: kind })).contentHash).toBe(report.contentHash);
    },
  );

  it("gbm (the default) keeps the market as given and reports no fit", () => {
    const report = simulateNow(request({ history: undefined }));
    expect(report.model.market.kind).toBe("gbm");
    expect(report.model.fit).toBeUndefined();
    expect(renderMarkdown(report)).not.toContain("## The market model's fit");
  });

  it("refuses a fitted model without a history, and an unknown setting, naming them", () => {
    expect(() => simulateNow(request({ marketModel: "garch", history: undefined }))).toThrow(
      'marketModel "garch" is fitted to a history: the request has none',
    );
    expect(readMarketModelSetting("jump")).toEqual({
      ok: false,
      reason: 'must be one of "gbm", "student-t", "garch", "regimes", got "jump"',
    });
    expect(readMarketModelSetting("regimes")).toEqual({ ok: true, marketModel: "regimes" });
  });
});
