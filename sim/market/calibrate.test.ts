import { describe, expect, it } from "vitest";
import { ln } from "../detMath.ts";
import { createRandom } from "../random.ts";
import { calibrateBootstrap, calibrateGbm, cholesky, historicalLogReturns, validateMarketModel } from "./calibrate.ts";
import { createPathGenerator } from "./paths.ts";
import { secondsPerYear, type BootstrapModel, type GbmModel, type MarketModel, type PriceHistory } from "./types.ts";

const day = 86_400;
const start = 1_700_000_000;

/** A history of `rows` (one row of prices per observation), `spacingSeconds` apart. */
function historyOf(rows: number[][], spacingSeconds = day, symbols = ["USDC", "WETH", "WBTC"]): PriceHistory {
  return { symbols, timestamps: rows.map((_, t) => start + t * spacingSeconds), pricesUsd: rows };
}

/**
 * 31 daily observations: USDC at $1, WETH alternating 100 / 200 and WBTC 200 / 100, so the log returns alternate
 * ±ln 2 (mean exactly 0) and the two risk assets move exactly opposite.
 */
const seesaw = Array.from({ length: 31 }, (_, t) => (t % 2 === 0 ? [1, 100, 200] : [1, 200, 100]));

describe("calibrateGbm", () => {
  it("recovers a GBM's drift, volatility and correlation from a long history it generated", () => {
    const truth: GbmModel = {
      kind: "gbm",
      symbols: ["USDC", "WETH", "WBTC"],
      driftPerYear: [0, 0.3, 0.2],
      volatilityPerYear: [0.01, 0.8, 0.6],
      correlation: [
        [1, -0.2, 0],
        [-0.2, 1, 0.7],
        [0, 0.7, 1],
      ],
    };
    const years = 400;
    const steps = years * 365;
    const out = new Float64Array((steps + 1) * 3);
    createPathGenerator(truth, [], { steps, stepSeconds: day, initialPricesUsd: [1, 2_000, 30_000] })(
      createRandom(31),
      out,
      0,
    );
    const rows = Array.from({ length: steps + 1 }, (_, t) => Array.from(out.subarray(t * 3, t * 3 + 3)));
    const model = calibrateGbm(historyOf(rows));

    expect(model.kind).toBe("gbm");
    expect(model.symbols).toEqual(truth.symbols);
    for (let i = 0; i < 3; i++) {
      const sigma = truth.volatilityPerYear[i]!;
      // σ̂ has relative standard error 1/√(2n) ≈ 0.19%; μ̂ has standard error σ/√years (0.04 for WETH: a tolerance
      // of 4 standard errors is half of WETH's σ²/2 = 0.32, so a calibration that forgot it would fail).
      expect(model.volatilityPerYear[i]! / sigma).toBeCloseTo(1, 2);
      expect(Math.abs(model.driftPerYear[i]! - truth.driftPerYear[i]!)).toBeLessThan((4 * sigma) / Math.sqrt(years));
      for (let j = 0; j < 3; j++)
        expect(Math.abs(model.correlation[i]![j]! - truth.correlation[i]![j]!)).toBeLessThan(0.01);
    }
  });

  it("annualises exactly: σ = s/√dt and μ = m/dt + σ²/2 from the log returns' sample mean m and deviation s", () => {
    const model = calibrateGbm(historyOf(seesaw));
    const dtYears = day / secondsPerYear;
    // 30 returns of ±ln 2: m = 0, s² = 30·ln²2 / 29.
    const sigma = ln(2) * Math.sqrt(30 / 29 / dtYears);
    expect(model.volatilityPerYear[0]).toBe(0);
    expect(model.volatilityPerYear[1]).toBeCloseTo(sigma, 10);
    expect(model.volatilityPerYear[2]).toBeCloseTo(sigma, 10);
    expect(model.driftPerYear[0]).toBe(0);
    expect(model.driftPerYear[1]).toBeCloseTo((sigma * sigma) / 2, 8);
  });

  it("gives an asset that does not move correlation 0 with the others, and opposite movers correlation −1", () => {
    const { correlation } = calibrateGbm(historyOf(seesaw));
    expect(correlation).toEqual([
      [1, 0, 0],
      [0, 1, -1],
      [0, -1, 1],
    ]);
  });

  it("annualises with the history's mean spacing: hourly data of the same moves is √24 times as volatile per year", () => {
    const daily = calibrateGbm(historyOf(seesaw, day));
    const hourly = calibrateGbm(historyOf(seesaw, 3_600));
    expect(hourly.volatilityPerYear[1]! / daily.volatilityPerYear[1]!).toBeCloseTo(Math.sqrt(24), 12);
  });

  it("accepts timestamps that jitter within the tolerance, using their mean spacing", () => {
    const history = historyOf(seesaw);
    // Each timestamp 1 hour early or late (intervals up to 8.3% off), first and last unchanged.
    const jittered = history.timestamps.map((time, t) =>
      t === 0 || t === 30 ? time : time + (t % 2 ? 3_600 : -3_600),
    );
    const model = calibrateGbm({ ...history, timestamps: jittered });
    expect(model.volatilityPerYear[1]).toBe(calibrateGbm(history).volatilityPerYear[1]);
  });

  it("refuses irregular spacing beyond the tolerance, e.g. a missing day", () => {
    const history = historyOf(seesaw);
    const gap = history.timestamps.map((time, t) => (t >= 5 ? time + day : time));
    // 30 intervals over 31 days: the mean spacing is 89,280 s and the 2-day interval is 93.5% off it.
    expect(() => calibrateGbm({ ...history, timestamps: gap })).toThrow(
      "history.timestamps must be evenly spaced: history.timestamps[5] comes 172800 s after the previous one, " +
        "93.5% off the mean spacing of 89280 s (tolerance 10.0%)",
    );
    // A wider tolerance lets it through.
    expect(() => calibrateGbm({ ...history, timestamps: gap }, { spacingTolerance: 0.95 })).not.toThrow();
  });

  it("takes another base asset when told", () => {
    const history = historyOf(seesaw, day, ["DAI", "WETH", "WBTC"]);
    expect(() => calibrateGbm(history)).toThrow(`history.symbols must start with the base asset "USDC", got "DAI"`);
    expect(calibrateGbm(history, { baseSymbol: "DAI" }).symbols).toEqual(["DAI", "WETH", "WBTC"]);
  });

  it("names the input and the problem in every refusal", () => {
    const reject = (history: PriceHistory, message: string, options = {}) =>
      expect(() => calibrateGbm(history, options)).toThrow(message);
    const good = historyOf(seesaw);
    reject({ ...good, symbols: [] }, "history.symbols must be a non-empty array of symbols, got []");
    reject({ ...good, symbols: ["USDC", "", "WBTC"] }, `history.symbols[1] must be a non-empty string, got ""`);
    reject(
      { ...good, symbols: ["USDC", "WETH", "WETH"] },
      `history.symbols[2] repeats "WETH", already at history.symbols[1]`,
    );
    reject(
      { ...good, symbols: ["WETH", "USDC", "WBTC"] },
      `history.symbols must start with the base asset "USDC", got "WETH"`,
    );
    reject(historyOf(seesaw.slice(0, 10)), "history has 9 returns: calibration needs at least 30");
    reject(historyOf(seesaw.slice(0, 10)), "history has 9 returns: calibration needs at least 12", { minReturns: 12 });
    reject(
      { ...good, timestamps: good.timestamps.slice(1) },
      "history.timestamps must have 31 entries (one per row of history.pricesUsd), got 30",
    );
    const withRow = (t: number, row: number[]) => ({
      ...good,
      pricesUsd: good.pricesUsd.map((r, u) => (u === t ? row : r)),
    });
    reject(withRow(12, [1, 2]), "history.pricesUsd[12] must have 3 entries (one per symbol), got 2");
    reject(withRow(12, [1, -3, 100]), "history.pricesUsd[12][1] must be a positive finite number, got -3");
    reject(withRow(3, [1, 100, NaN]), "history.pricesUsd[3][2] must be a positive finite number, got NaN");
    reject(withRow(0, [0, 100, 200]), "history.pricesUsd[0][0] must be a positive finite number, got 0");
    const withTime = (t: number, time: number) => ({
      ...good,
      timestamps: good.timestamps.map((s, u) => (u === t ? time : s)),
    });
    reject(withTime(4, NaN), "history.timestamps[4] must be a finite number, got NaN");
    reject(
      withTime(4, start),
      `history.timestamps[4] must be greater than history.timestamps[3] (${start + 3 * day}), got ${start}`,
    );
    reject(good, "options.minReturns must be an integer >= 2, got 1", { minReturns: 1 });
    reject(good, "options.spacingTolerance must be a number in [0, 1), got 1", { spacingTolerance: 1 });
  });
});

describe("historicalLogReturns and calibrateBootstrap", () => {
  it("gives ln(price[t] / price[t − 1]) per observation and asset", () => {
    const history = historyOf([
      [1, 100, 200],
      [1.01, 110, 190],
      [1, 99, 200],
    ]);
    expect(historicalLogReturns(history)).toEqual([
      [ln(1.01 / 1), ln(110 / 100), ln(190 / 200)],
      [ln(1 / 1.01), ln(99 / 110), ln(200 / 190)],
    ]);
  });

  it("needs at least one return, and checks the history as calibrateGbm does", () => {
    expect(() => historicalLogReturns(historyOf([[1, 100, 200]]))).toThrow(
      "history has 0 returns: the bootstrap needs at least 1",
    );
    expect(() =>
      historicalLogReturns(
        historyOf([
          [1, 100, 200],
          [1, -1, 200],
        ]),
      ),
    ).toThrow("history.pricesUsd[1][1] must be a positive finite number, got -1");
  });

  it("builds a bootstrap model stepping at the history's mean spacing, rounded to a second", () => {
    const history = historyOf(seesaw.slice(0, 4));
    // Mean spacing (3 days + 1 s) / 3 = 86,400.33 s.
    const timestamps = [start, start + day + 1, start + 2 * day + 1, start + 3 * day + 1];
    expect(calibrateBootstrap({ ...history, timestamps }, { blockLength: 5 })).toEqual({
      kind: "bootstrap",
      symbols: ["USDC", "WETH", "WBTC"],
      logReturns: historicalLogReturns(history),
      stepSeconds: day,
      blockLength: 5,
    });
  });

  it("refuses a block length below 1", () => {
    expect(() => calibrateBootstrap(historyOf(seesaw), { blockLength: 0.5 })).toThrow(
      "options.blockLength must be a finite number >= 1, got 0.5",
    );
  });
});

describe("validateMarketModel", () => {
  const gbm: GbmModel = {
    kind: "gbm",
    symbols: ["USDC", "WETH", "WBTC"],
    driftPerYear: [0, 0.1, 0.1],
    volatilityPerYear: [0, 0.65, 0.5],
    correlation: [
      [1, 0, 0],
      [0, 1, 0.7],
      [0, 0.7, 1],
    ],
  };
  const bootstrap: BootstrapModel = {
    kind: "bootstrap",
    symbols: ["USDC", "WETH", "WBTC"],
    logReturns: [
      [0, 0.01, 0.02],
      [0, -0.01, 0.0],
    ],
    stepSeconds: day,
    blockLength: 5,
  };
  const reject = (model: MarketModel, message: string) => expect(() => validateMarketModel(model)).toThrow(message);
  const withCorrelation = (correlation: number[][]): GbmModel => ({ ...gbm, correlation });

  it("accepts valid models, including a singular (semi-definite) correlation", () => {
    expect(() => validateMarketModel(gbm)).not.toThrow();
    expect(() => validateMarketModel(bootstrap)).not.toThrow();
    expect(() =>
      validateMarketModel(
        withCorrelation([
          [1, 0, 0],
          [0, 1, 1],
          [0, 1, 1],
        ]),
      ),
    ).not.toThrow();
  });

  it("names the field at fault in a GBM model", () => {
    reject({ ...gbm, symbols: [] }, "model.symbols must be a non-empty array of symbols, got []");
    reject({ ...gbm, driftPerYear: [0, 0.1] }, "model.driftPerYear must have 3 entries (one per symbol), got 2");
    reject({ ...gbm, driftPerYear: [Infinity, 0, 0] }, "model.driftPerYear[0] must be a finite number, got Infinity");
    reject(
      { ...gbm, volatilityPerYear: [0, -0.2, 0.5] },
      "model.volatilityPerYear[1] must be a finite number >= 0, got -0.2",
    );
    reject(
      { ...gbm, volatilityPerYear: [0, 0.2, NaN] },
      "model.volatilityPerYear[2] must be a finite number >= 0, got NaN",
    );
    reject(
      withCorrelation([
        [1, 0, 0],
        [0, 1, 0.7],
      ]),
      "model.correlation must have 3 entries (one per symbol), got 2",
    );
    reject(
      withCorrelation([
        [1, 0, 0],
        [0, 1],
        [0, 0.7, 1],
      ]),
      "model.correlation[1] must have 3 entries (one per symbol), got 2",
    );
    reject(
      withCorrelation([
        [1, 1.5, 0],
        [1.5, 1, 0],
        [0, 0, 1],
      ]),
      "model.correlation[0][1] must be a number in [-1, 1], got 1.5",
    );
    reject(
      withCorrelation([
        [1, 0, 0],
        [0, 0.9, 0],
        [0, 0, 1],
      ]),
      "model.correlation[1][1] must be 1, got 0.9",
    );
    reject(
      withCorrelation([
        [1, 0.5, 0],
        [0.4, 1, 0],
        [0, 0, 1],
      ]),
      "model.correlation must be symmetric: [0][1] is 0.5 but [1][0] is 0.4",
    );
    reject(
      withCorrelation([
        [1, 0.9, -0.9],
        [0.9, 1, 0.9],
        [-0.9, 0.9, 1],
      ]),
      "model.correlation is not positive semi-definite: pivot 2 of its Cholesky factorisation is -15.200000000000005",
    );
    reject(
      withCorrelation([
        [1, 1, 0],
        [1, 1, 1],
        [0, 1, 1],
      ]),
      "model.correlation is not positive semi-definite: pivot 1 of its Cholesky factorisation is 0 but entry [2][1] leaves 1",
    );
  });

  it("names the field at fault in a bootstrap model", () => {
    reject({ ...bootstrap, logReturns: [] }, "model.logReturns must have at least one row of returns, got []");
    reject(
      {
        ...bootstrap,
        logReturns: [
          [0, 0.01, 0.02],
          [0, 0.01],
        ],
      },
      "model.logReturns[1] must have 3 entries (one per symbol), got 2",
    );
    reject({ ...bootstrap, logReturns: [[0, 0.01, NaN]] }, "model.logReturns[0][2] must be a finite number, got NaN");
    reject({ ...bootstrap, stepSeconds: 0 }, "model.stepSeconds must be a positive finite number, got 0");
    reject({ ...bootstrap, blockLength: 0.5 }, "model.blockLength must be a finite number >= 1, got 0.5");
    reject(
      { ...bootstrap, symbols: ["USDC", "WETH", "USDC"] },
      `model.symbols[2] repeats "USDC", already at model.symbols[0]`,
    );
  });

  it("refuses an unknown kind", () => {
    // "garch" was the unknown kind here until GARCH became a model (issue 18); "jump" still is one.
    reject(
      { ...gbm, kind: "jump" } as unknown as MarketModel,
      `model.kind must be "gbm", "bootstrap", "student-t", "garch" or "regimes", got "jump"`,
    );
  });
});

describe("cholesky", () => {
  it("gives the lower-triangular L with L·Lᵀ equal to the matrix", () => {
    expect(
      cholesky([
        [4, 2],
        [2, 3],
      ]),
    ).toEqual([
      [2, 0],
      [1, Math.SQRT2],
    ]);
    const matrix = [
      [1, -0.3, 0.2],
      [-0.3, 1, 0.7],
      [0.2, 0.7, 1],
    ];
    const factor = cholesky(matrix);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        if (j > i) expect(factor[i]![j]).toBe(0);
        let product = 0;
        for (let k = 0; k < 3; k++) product += factor[i]![k]! * factor[j]![k]!;
        expect(product).toBeCloseTo(matrix[i]![j]!, 14);
      }
  });

  it("factors a semi-definite matrix with a zero column where a pivot vanishes", () => {
    expect(
      cholesky([
        [1, 1],
        [1, 1],
      ]),
    ).toEqual([
      [1, 0],
      [1, 0],
    ]);
    expect(cholesky([])).toEqual([]);
  });

  it("names the matrix when it refuses one", () => {
    expect(() => cholesky([[1, 0], [0]])).toThrow("matrix must be a square matrix: row 1 has length 1, expected 2");
    expect(() =>
      cholesky([
        [1, NaN],
        [0, 1],
      ]),
    ).toThrow("matrix[0][1] must be a finite number, got NaN");
    expect(() =>
      cholesky(
        [
          [1, 2],
          [2, 1],
        ],
        "weights",
      ),
    ).toThrow("weights is not positive semi-definite: pivot 1 of its Cholesky factorisation is -3");
  });
});
