import { describe, expect, it } from "vitest";
import type { MarketModelFit } from "../../../../sim/market/fit.ts";
import type { GarchModel, MarketModel } from "../../../../sim/market/types.ts";
import { modelFitView, perReturn, utcDateOfSeconds, type ModelFitReportView } from "./modelFit.ts";

const day = 86_400;
const from = 1_700_000_000; // 2023-11-14

/** A fit of `kind` to 100 returns of which the last 20 are held out. */
function fitOf(kind: MarketModelFit["kind"], overrides: Partial<MarketModelFit> = {}): MarketModelFit {
  return {
    kind,
    inSampleReturns: 80,
    outOfSampleReturns: 20,
    fromSeconds: from,
    splitSeconds: from + 80 * day,
    toSeconds: from + 100 * day,
    logLikelihoodIn: 400,
    logLikelihoodOut: 90,
    parameters: 5,
    aic: -790,
    bic: -778.1,
    ...overrides,
  };
}

const garch: GarchModel = {
  kind: "garch",
  symbols: ["USDC", "WETH"],
  stepSeconds: day,
  logDriftPerYear: [0, 0],
  omegaPerStep: [0, 1e-5],
  alpha: [0, 0.1],
  beta: [0, 0.85],
  initialVariancePerStep: [0, 4e-4],
  correlation: [
    [1, 0],
    [0, 1],
  ],
  degreesOfFreedom: 4,
};

function reportWith(
  fit: MarketModelFit | undefined,
  models: { name: string; fit?: MarketModelFit }[] = [],
  omitted?: { name: string; kind: MarketModelFit["kind"]; reason: string }[],
  market: MarketModel = garch,
): ModelFitReportView {
  return {
    model: { market, ...(fit ? { fit } : {}) },
    results: { uncertainty: { parameters: { models, ...(omitted ? { omitted } : {}) } } },
  };
}

describe("modelFitView", () => {
  it("shows nothing for a report with no fitted model and none left out", () => {
    expect(modelFitView({ model: { market: garch }, results: {} })).toBeUndefined();
    expect(modelFitView(reportWith(undefined, [{ name: "GBM" }]))).toBeUndefined();
  });

  it("shows the run's own fit labelled by its parameters, totals and per-return log-likelihoods", () => {
    const view = modelFitView(reportWith(fitOf("garch")))!;
    expect(view.rows).toEqual([
      {
        name: "GARCH(1,1) with constant correlation, Student-t (ν = 4.0) shocks",
        source: "the run's market",
        inSampleReturns: 80,
        outOfSampleReturns: 20,
        logLikelihoodIn: "400.0",
        logLikelihoodOut: "90.0",
        perReturnIn: "5.000",
        perReturnOut: "4.500",
        parameters: 5,
        aic: "-790.0",
        bic: "-778.1",
        bestOutOfSample: true,
      },
    ]);
    expect(view.windows).toEqual([
      "Fitted by maximum likelihood to 80 returns (2023-11-14 to 2024-02-02), scored on the 20 held out after them (to 2024-02-22).",
    ]);
    expect(view.best).toMatch(/^Only GARCH\(1,1\).* was scored out of sample: 4\.500 nats per held-out return/);
    expect(view.omitted).toEqual([]);
    expect(view.regimeCharts).toEqual([]);
  });

  it("marks the best model out of sample per return, not by its total over a different count of returns", () => {
    // Student-t: the larger total out of sample (120 over 30 returns = 4.0 each); GARCH: 90 over 20 = 4.5 each.
    const view = modelFitView(
      reportWith(fitOf("garch"), [
        { name: "GBM" },
        {
          name: "Student-t",
          fit: fitOf("student-t", { inSampleReturns: 70, outOfSampleReturns: 30, logLikelihoodOut: 120 }),
        },
      ]),
    )!;
    expect(view.rows.map((r) => [r.name.slice(0, 9), r.source, r.perReturnOut, r.bestOutOfSample])).toEqual([
      ["GARCH(1,1", "the run's market", "4.500", true],
      ["Student-t", "model comparison", "4.000", false],
    ]);
    expect(view.best).toBe(
      "Best out of sample: GARCH(1,1) with constant correlation, Student-t (ν = 4.0) shocks, with the highest " +
        "log-likelihood per held-out return (4.500 nats).",
    );
    // Two windows: the models were fitted to different splits of the history.
    expect(view.windows).toHaveLength(2);
  });

  it("shows a comparison model's fit that is the run's own once, as the run's market", () => {
    const own = fitOf("garch");
    const view = modelFitView(reportWith(own, [{ name: "GARCH", fit: { ...own } }]))!;
    expect(view.rows.map((r) => r.source)).toEqual(["the run's market"]);
  });

  it("marks every tied model best, and none when nothing was held out", () => {
    const tied = modelFitView(
      reportWith(undefined, [
        { name: "GBM", fit: fitOf("gbm") },
        { name: "Student-t", fit: fitOf("student-t", { parameters: 6 }) },
      ]),
    )!;
    expect(tied.rows.map((r) => r.bestOutOfSample)).toEqual([true, true]);
    expect(tied.best).toBe(
      "Best out of sample: GBM and Student-t, with the highest log-likelihood per held-out return (4.500 nats), tied.",
    );

    const none = modelFitView(
      reportWith(undefined, [{ name: "GBM", fit: fitOf("gbm", { outOfSampleReturns: 0, logLikelihoodOut: 0 }) }]),
    )!;
    expect(none.rows[0]).toMatchObject({ logLikelihoodOut: "—", perReturnOut: "—", bestOutOfSample: false });
    expect(none.best).toBeUndefined();
    expect(none.windows[0]).toMatch(/; none held out, so there is no out-of-sample score\.$/);
  });

  it("lists the models left out with their reasons, even when none was fitted", () => {
    const omitted = [
      { name: "Regime switching", kind: "regimes" as const, reason: "the history has 40 returns, 60 needed" },
    ];
    expect(modelFitView(reportWith(undefined, [], omitted))).toEqual({
      rows: [],
      windows: [],
      best: undefined,
      omitted,
      regimeCharts: [],
    });
  });

  it("charts a regime fit's smoothed probabilities, one series per regime over the history's dates", () => {
    const timestamps = [from + day, from + 2 * day, from + 3 * day];
    const regimeProbabilities = {
      names: ["calm", "stressed", "crash"],
      timestamps,
      probabilities: [
        [0.9, 0.1, 0],
        [0.5, 0.4, 0.1],
        [0.2, 0.3, 0.5],
      ],
    };
    const view = modelFitView(
      reportWith(undefined, [{ name: "Regimes", fit: fitOf("regimes", { regimeProbabilities }) }]),
    )!;
    expect(view.regimeCharts).toHaveLength(1);
    const [chart] = view.regimeCharts;
    expect(chart!.title).toBe("Smoothed regime probabilities over the history: Regimes");
    expect(chart!.series.map((s) => s.label)).toEqual(["calm", "stressed", "crash"]);
    expect(new Set(chart!.series.map((s) => s.color)).size).toBe(3);
    expect(chart!.series[2]!.points).toEqual([
      { x: timestamps[0], y: 0 },
      { x: timestamps[1], y: 0.1 },
      { x: timestamps[2], y: 0.5 },
    ]);
  });
});

describe("utcDateOfSeconds and perReturn", () => {
  it("writes a unix time as its UTC date, whatever the time of day", () => {
    expect(utcDateOfSeconds(1_700_000_000)).toBe("2023-11-14");
    expect(utcDateOfSeconds(1_704_067_199)).toBe("2023-12-31");
    expect(utcDateOfSeconds(1_704_067_200)).toBe("2024-01-01");
  });

  it("divides by the count of returns, and has no value without returns", () => {
    expect(perReturn(243.0334, 47)).toBe("5.171");
    expect(perReturn(-12, 8)).toBe("-1.500");
    expect(perReturn(0, 0)).toBe("—");
  });
});
