import { describe, expect, it } from "vitest";
import { exp, ln } from "../detMath.ts";
import { createRandom } from "../random.ts";
import { mean, standardDeviation } from "../stats.ts";
import { cholesky } from "./calibrate.ts";
import { createPathGenerator } from "./paths.ts";
import {
  secondsPerYear,
  type BootstrapModel,
  type GbmModel,
  type MarketModel,
  type PathOptions,
  type StressOverlay,
} from "./types.ts";

const day = 86_400;
const symbols = ["USDC", "WETH", "WBTC"];
const assets = symbols.length;
const gbm: GbmModel = {
  kind: "gbm",
  symbols,
  driftPerYear: [0, 0.1, 0.05],
  volatilityPerYear: [0.01, 0.65, 0.5],
  correlation: [
    [1, -0.3, 0],
    [-0.3, 1, 0.7],
    [0, 0.7, 1],
  ],
};
const daily: PathOptions = { steps: 365, stepSeconds: day, initialPricesUsd: [1, 3_000, 60_000] };

/** One path for `seed`, as a fresh Float64Array. */
function generate(model: MarketModel, overlays: StressOverlay[], options: PathOptions, seed: number): Float64Array {
  const out = new Float64Array((options.steps + 1) * model.symbols.length);
  createPathGenerator(model, overlays, options)(createRandom(seed), out, 0);
  return out;
}

/** `paths` paths from one generator and one seed, back to back. */
function generateMany(model: MarketModel, options: PathOptions, paths: number, seed: number): Float64Array {
  const size = (options.steps + 1) * model.symbols.length;
  const out = new Float64Array(paths * size);
  const generator = createPathGenerator(model, [], options);
  const random = createRandom(seed);
  for (let p = 0; p < paths; p++) generator(random, out, p * size);
  return out;
}

/** The log return of `asset` into `step` of the path starting at `offset`. */
function logReturn(out: Float64Array, step: number, asset: number, offset = 0, width = assets): number {
  return ln(out[offset + step * width + asset]! / out[offset + (step - 1) * width + asset]!);
}

/** The bits of a path, for exact comparisons (+0 and −0, NaN payloads included). */
function bitsOf(values: Float64Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

function correlationOf(xs: number[], ys: number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  for (let i = 0; i < xs.length; i++) sxy += (xs[i]! - mx) * (ys[i]! - my);
  return sxy / (xs.length - 1) / (standardDeviation(xs) * standardDeviation(ys));
}

/** 50 historical days whose rows are told apart by their WETH return (0.001·(t + 1)). */
const history = Array.from({ length: 50 }, (_, t) => [
  0.0001 * ((t % 3) - 1),
  0.001 * (t + 1),
  0.0005 * ((t * 7) % 50) - 0.01,
]);
const bootstrap: BootstrapModel = {
  kind: "bootstrap",
  symbols,
  logReturns: history,
  stepSeconds: day,
  blockLength: 5,
};

describe("createPathGenerator: layout and determinism", () => {
  it("writes (steps + 1) × assets prices row-major from the offset, step 0 being the initial prices", () => {
    const options = { steps: 4, stepSeconds: day, initialPricesUsd: [1, 3_000, 60_000] };
    const size = 5 * assets;
    const out = new Float64Array(7 + size + 5).fill(-1);
    createPathGenerator(gbm, [], options)(createRandom(1), out, 7);
    expect(Array.from(out.subarray(7, 10))).toEqual([1, 3_000, 60_000]);
    for (let k = 7; k < 7 + size; k++) expect(out[k]).toBeGreaterThan(0);
    // Nothing outside the path's region is touched.
    expect(Array.from(out.subarray(0, 7))).toEqual(new Array(7).fill(-1));
    expect(Array.from(out.subarray(7 + size))).toEqual(new Array(5).fill(-1));
  });

  it("gives the same bits for the same seed and a different path for a different seed", () => {
    const a = generate(gbm, [], daily, 42);
    const b = generate(gbm, [], daily, 42);
    const c = generate(gbm, [], daily, 43);
    expect(bitsOf(b)).toEqual(bitsOf(a));
    expect(bitsOf(c)).not.toEqual(bitsOf(a));
    // Not merely one differing bit: every risk-asset price after step 0 differs.
    for (let step = 1; step <= daily.steps; step++) expect(c[step * assets + 1]).not.toBe(a[step * assets + 1]);
  });

  it("draws one fillNormals call of steps × assets normals per path, step-major, correlated by the Cholesky factor", () => {
    const options = { steps: 3, stepSeconds: day, initialPricesUsd: [1, 3_000, 60_000] };
    const path = generate(gbm, [], options, 7);
    // An independent computation from the documented order.
    const normals = new Float64Array(options.steps * assets);
    createRandom(7).fillNormals(normals, 0, normals.length);
    const factor = cholesky(gbm.correlation);
    const dtYears = day / secondsPerYear;
    const logPrices = [0, 0, 0];
    for (let step = 1; step <= options.steps; step++)
      for (let i = 0; i < assets; i++) {
        const sigma = gbm.volatilityPerYear[i]!;
        let correlated = 0;
        for (let j = 0; j <= i; j++) correlated += factor[i]![j]! * normals[(step - 1) * assets + j]!;
        logPrices[i]! +=
          (gbm.driftPerYear[i]! - (sigma * sigma) / 2) * dtYears + sigma * Math.sqrt(dtYears) * correlated;
        const expected = options.initialPricesUsd[i]! * exp(logPrices[i]!);
        expect(Math.abs(path[step * assets + i]! / expected - 1)).toBeLessThan(1e-13);
      }
  });

  it("reproduces reference paths exactly (seed 1): the numbers a browser must give too", () => {
    // Pinned from a Node run. A change here means the path specification, random.ts or detMath.ts changed, and
    // with it every seeded result ever reported.
    const last = (path: Float64Array) => Array.from(path.subarray(daily.steps * assets));
    expect(last(generate(gbm, [], daily, 1))).toEqual([0.9882732257485147, 5542.466763755411, 62284.06943833435]);
    expect(last(generate(bootstrap, [], daily, 1))).toEqual([1.0001000050001667, 45324920.8193359, 137324.20118189423]);
  });

  it("carries on from the generator's state: consecutive paths from one random differ", () => {
    const many = generateMany(gbm, { ...daily, steps: 10 }, 2, 5);
    const size = 11 * assets;
    expect(Array.from(many.subarray(size + assets, 2 * size))).not.toEqual(Array.from(many.subarray(assets, size)));
  });
});

describe("createPathGenerator: correlated GBM", () => {
  const paths = 2_000;
  const many = generateMany(gbm, daily, paths, 2024);
  const size = (daily.steps + 1) * assets;
  const returns = symbols.map((_, i) => {
    const values: number[] = [];
    for (let p = 0; p < paths; p++)
      for (let step = 1; step <= daily.steps; step++) values.push(logReturn(many, step, i, p * size));
    return values;
  });
  const dtYears = day / secondsPerYear;

  it("has the model's correlation between the assets' log returns", () => {
    // 730,000 returns per asset: the sample correlation's standard error is below 0.0013.
    for (let i = 0; i < assets; i++)
      for (let j = 0; j < i; j++)
        expect(Math.abs(correlationOf(returns[i]!, returns[j]!) - gbm.correlation[i]![j]!)).toBeLessThan(0.006);
  });

  it("has each asset's volatility: log returns with standard deviation σ·√dt", () => {
    // Relative standard error 1/√(2n) ≈ 0.08%.
    for (let i = 0; i < assets; i++)
      expect(standardDeviation(returns[i]!) / Math.sqrt(dtYears) / gbm.volatilityPerYear[i]! - 1).toBeCloseTo(0, 2);
  });

  it("has the price drift μ: the mean terminal price is initial·e^(μT), the mean log return (μ − σ²/2)·T", () => {
    for (const i of [1, 2]) {
      const sigma = gbm.volatilityPerYear[i]!;
      const mu = gbm.driftPerYear[i]!;
      const growth = Array.from(
        { length: paths },
        (_, p) => many[p * size + daily.steps * assets + i]! / daily.initialPricesUsd[i]!,
      );
      // Standard errors: growth ≈ 0.73·e^μ / √2000 ≈ 0.018; log growth σ / √2000 ≈ 0.015. Forgetting σ²/2 moves
      // WETH's mean growth by e^0.21 − 1 ≈ 23%.
      expect(Math.abs(mean(growth) - exp(mu))).toBeLessThan(0.07);
      expect(Math.abs(mean(growth.map(ln)) - (mu - (sigma * sigma) / 2))).toBeLessThan(0.06);
    }
  });

  it("moves exactly at the drift (μ − σ²/2)·dt when the random part is switched off", () => {
    const calm = generate(gbm, [{ kind: "volSpike", fromStep: 1, toStep: 10, multiplier: 0 }], daily, 3);
    for (let i = 0; i < assets; i++) {
      const sigma = gbm.volatilityPerYear[i]!;
      const expected = (gbm.driftPerYear[i]! - (sigma * sigma) / 2) * dtYears;
      for (let step = 1; step <= 10; step++) expect(logReturn(calm, step, i)).toBeCloseTo(expected, 14);
    }
  });

  it("keeps an asset of volatility 0 on its drift: a stablecoin at 0 drift stays at its price exactly", () => {
    const stable: GbmModel = { ...gbm, driftPerYear: [0, 0.1, 0.05], volatilityPerYear: [0, 0.65, 0.5] };
    const path = generate(stable, [], daily, 11);
    for (let step = 0; step <= daily.steps; step++) expect(path[step * assets]).toBe(1);
    const earning: GbmModel = { ...stable, driftPerYear: [0.05, 0.1, 0.05] };
    const grown = generate(earning, [], daily, 11);
    expect(grown[daily.steps * assets]! / exp(0.05)).toBeCloseTo(1, 12);
  });

  it("accepts perfectly correlated assets (a singular correlation matrix): their log returns are proportional", () => {
    const twins: GbmModel = {
      kind: "gbm",
      symbols: ["USDC", "WETH", "STETH"],
      driftPerYear: [0, 0, 0],
      volatilityPerYear: [0, 0.6, 0.3],
      correlation: [
        [1, 0, 0],
        [0, 1, 1],
        [0, 1, 1],
      ],
    };
    const path = generate(twins, [], { ...daily, steps: 20 }, 9);
    // Without their −σ²/2·dt drifts, STETH's returns are half of WETH's.
    const dtYears = day / secondsPerYear;
    for (let step = 1; step <= 20; step++) {
      const weth = logReturn(path, step, 1) + (0.6 * 0.6 * dtYears) / 2;
      const steth = logReturn(path, step, 2) + (0.3 * 0.3 * dtYears) / 2;
      expect(steth).toBeCloseTo(weth / 2, 12);
      expect(Math.abs(weth)).toBeGreaterThan(1e-6);
    }
  });
});

describe("createPathGenerator: stationary block bootstrap", () => {
  /** Which historical row produced the return into `step`, after checking that every asset's return is that row's. */
  const rowOf = (path: Float64Array, step: number, offset = 0) => {
    const row = Math.round(logReturn(path, step, 1, offset) / 0.001) - 1;
    const historical = history[row];
    if (!historical) throw new Error(`step ${step}: no historical row has this WETH return`);
    for (let i = 0; i < assets; i++)
      if (Math.abs(logReturn(path, step, i, offset) - historical[i]!) > 1e-12)
        throw new Error(`step ${step}: asset ${i}'s return is not row ${row}'s`);
    return row;
  };

  it("draws only historical returns, whole rows at a time", () => {
    const path = generate(bootstrap, [], daily, 1);
    for (let step = 1; step <= daily.steps; step++) expect(() => rowOf(path, step)).not.toThrow();
  });

  it("replays runs of consecutive rows that end with probability 1 / blockLength, starting anywhere uniformly", () => {
    const paths = 300;
    const many = generateMany(bootstrap, daily, paths, 8);
    const size = (daily.steps + 1) * assets;
    let jumps = 0;
    let transitions = 0;
    const counts = new Array<number>(history.length).fill(0);
    for (let p = 0; p < paths; p++) {
      let previous = rowOf(many, 1, p * size);
      counts[previous]!++;
      for (let step = 2; step <= daily.steps; step++) {
        const row = rowOf(many, step, p * size);
        counts[row]!++;
        if (row !== (previous + 1) % history.length) jumps++;
        transitions++;
        previous = row;
      }
    }
    // A run ends with probability 1/5, and a new start lands on the successor 1 time in 50.
    expect(jumps / transitions).toBeCloseTo((1 / 5) * (49 / 50), 2);
    const expected = (paths * daily.steps) / history.length;
    for (const count of counts) expect(Math.abs(count / expected - 1)).toBeLessThan(0.2);
  });

  it("wraps around the end of the history", () => {
    const short: BootstrapModel = { ...bootstrap, logReturns: history.slice(0, 4), blockLength: 1e12 };
    const path = generate(short, [], { ...daily, steps: 10 }, 4);
    const first = rowOf(path, 1);
    for (let step = 2; step <= 10; step++) expect(rowOf(path, step)).toBe((first + step - 1) % 4);
  });

  it("gives the same bits for the same seed", () => {
    expect(bitsOf(generate(bootstrap, [], daily, 5))).toEqual(bitsOf(generate(bootstrap, [], daily, 5)));
    expect(bitsOf(generate(bootstrap, [], daily, 6))).not.toEqual(bitsOf(generate(bootstrap, [], daily, 5)));
  });

  it("scales a return's deviation from its historical mean in a volatility spike", () => {
    const spike: StressOverlay = { kind: "volSpike", fromStep: 5, toStep: 8, multiplier: 3 };
    const plain = generate(bootstrap, [], daily, 2);
    const stressed = generate(bootstrap, [spike], daily, 2);
    for (let i = 0; i < assets; i++) {
      const historicalMean = mean(history.map((row) => row[i]!));
      for (let step = 1; step <= 12; step++) {
        const multiplier = step >= 5 && step <= 8 ? 3 : 1;
        const expected = historicalMean + multiplier * (logReturn(plain, step, i) - historicalMean);
        expect(logReturn(stressed, step, i)).toBeCloseTo(expected, 12);
      }
    }
  });

  it("refuses a step other than the history's", () => {
    expect(() => createPathGenerator(bootstrap, [], { ...daily, stepSeconds: 3_600 })).toThrow(
      "options.stepSeconds must equal the bootstrap history's spacing model.stepSeconds (86400), got 3600",
    );
  });
});

describe("createPathGenerator: stress overlays", () => {
  const plain = generate(gbm, [], daily, 77);
  const price = (path: Float64Array, step: number, asset: number) => path[step * assets + asset]!;

  it("crash: from its step on, each listed asset is (1 − dropBps / 10,000) times its unstressed price", () => {
    const crashed = generate(gbm, [{ kind: "crash", step: 100, dropBps: { WETH: 3_500, WBTC: 3_000 } }], daily, 77);
    for (let step = 0; step <= daily.steps; step++) {
      expect(price(crashed, step, 0)).toBe(price(plain, step, 0)); // USDC is not listed
      if (step < 100) {
        expect(price(crashed, step, 1)).toBe(price(plain, step, 1));
        expect(price(crashed, step, 2)).toBe(price(plain, step, 2));
      } else {
        expect(price(crashed, step, 1) / price(plain, step, 1)).toBeCloseTo(0.65, 12);
        expect(price(crashed, step, 2) / price(plain, step, 2)).toBeCloseTo(0.7, 12);
      }
    }
  });

  it("crash: two crashes at one step compound", () => {
    const twice = generate(
      gbm,
      [
        { kind: "crash", step: 3, dropBps: { WETH: 1_000 } },
        { kind: "crash", step: 3, dropBps: { WETH: 1_000 } },
      ],
      daily,
      77,
    );
    expect(price(twice, 3, 1) / price(plain, 3, 1)).toBeCloseTo(0.81, 12);
  });

  it("volSpike: multiplies the random part σ·√dt·Z of every return within [fromStep, toStep], and only there", () => {
    const dtYears = day / secondsPerYear;
    const spiked = generate(gbm, [{ kind: "volSpike", fromStep: 10, toStep: 39, multiplier: 3 }], daily, 77);
    for (let i = 0; i < assets; i++) {
      const sigma = gbm.volatilityPerYear[i]!;
      const drift = (gbm.driftPerYear[i]! - (sigma * sigma) / 2) * dtYears;
      for (let step = 1; step <= 60; step++) {
        const multiplier = step >= 10 && step <= 39 ? 3 : 1;
        expect(logReturn(spiked, step, i) - drift).toBeCloseTo(multiplier * (logReturn(plain, step, i) - drift), 12);
      }
    }
  });

  it("volSpike: overlapping spikes multiply", () => {
    const dtYears = day / secondsPerYear;
    const drift = (0.1 - 0.65 ** 2 / 2) * dtYears;
    const spiked = generate(
      gbm,
      [
        { kind: "volSpike", fromStep: 1, toStep: 5, multiplier: 2 },
        { kind: "volSpike", fromStep: 5, toStep: 9, multiplier: 3 },
      ],
      daily,
      77,
    );
    expect(logReturn(spiked, 5, 1) - drift).toBeCloseTo(6 * (logReturn(plain, 5, 1) - drift), 12);
    expect(logReturn(spiked, 4, 1) - drift).toBeCloseTo(2 * (logReturn(plain, 4, 1) - drift), 12);
  });

  it("depeg: pins the asset's price over [fromStep, toStep], then it is back on its unstressed path", () => {
    const depegged = generate(
      gbm,
      [{ kind: "depeg", symbol: "USDC", fromStep: 20, toStep: 29, priceUsd: 0.9 }],
      daily,
      77,
    );
    for (let step = 0; step <= daily.steps; step++) {
      const pinned = step >= 20 && step <= 29;
      expect(price(depegged, step, 0)).toBe(pinned ? 0.9 : price(plain, step, 0));
      expect(price(depegged, step, 1)).toBe(price(plain, step, 1));
    }
  });

  it("depeg: where depegs of one asset overlap, the later one in the list wins", () => {
    const depegged = generate(
      gbm,
      [
        { kind: "depeg", symbol: "USDC", fromStep: 1, toStep: 10, priceUsd: 0.9 },
        { kind: "depeg", symbol: "USDC", fromStep: 5, toStep: 6, priceUsd: 0.8 },
      ],
      daily,
      77,
    );
    expect([4, 5, 6, 7].map((step) => price(depegged, step, 0))).toEqual([0.9, 0.8, 0.8, 0.9]);
  });

  it("draws no random numbers: the stressed and unstressed generators leave the random in the same state", () => {
    const a = createRandom(12);
    const b = createRandom(12);
    const out = new Float64Array((daily.steps + 1) * assets);
    createPathGenerator(gbm, [], daily)(a, out, 0);
    createPathGenerator(gbm, [{ kind: "volSpike", fromStep: 1, toStep: 365, multiplier: 2 }], daily)(b, out, 0);
    expect(b.next()).toBe(a.next());
  });
});

describe("createPathGenerator: validation", () => {
  const reject = (
    overlays: StressOverlay[],
    options: Partial<PathOptions>,
    message: string,
    model: MarketModel = gbm,
  ) => expect(() => createPathGenerator(model, overlays, { ...daily, ...options })).toThrow(message);

  it("names the option at fault", () => {
    reject([], { steps: 0 }, "options.steps must be an integer >= 1, got 0");
    reject([], { steps: 1.5 }, "options.steps must be an integer >= 1, got 1.5");
    reject([], { stepSeconds: 0 }, "options.stepSeconds must be a positive finite number, got 0");
    reject([], { initialPricesUsd: [1, 2] }, "options.initialPricesUsd must have 3 entries (one per symbol), got 2");
    reject([], { initialPricesUsd: [1, 0, 3] }, "options.initialPricesUsd[1] must be a positive finite number, got 0");
  });

  it("names the overlay and field at fault", () => {
    reject([{ kind: "crash", step: 366, dropBps: {} }], {}, "overlays[0].step must be an integer in [1, 365], got 366");
    reject([{ kind: "crash", step: 0, dropBps: {} }], {}, "overlays[0].step must be an integer in [1, 365], got 0");
    reject(
      [{ kind: "crash", step: 1, dropBps: { DOGE: 100 } }],
      {},
      `overlays[0].dropBps has "DOGE", which is not one of the model's symbols (USDC, WETH, WBTC)`,
    );
    reject(
      [{ kind: "crash", step: 1, dropBps: { WETH: 10_000 } }],
      {},
      "overlays[0].dropBps.WETH must be a number in [0, 10000), got 10000",
    );
    const spike: StressOverlay = { kind: "volSpike", fromStep: 10, toStep: 20, multiplier: 3 };
    reject([spike, { ...spike, fromStep: 0 }], {}, "overlays[1].fromStep must be an integer in [1, 365], got 0");
    reject([{ ...spike, toStep: 5 }], {}, "overlays[0].toStep must be an integer in [10, 365], got 5");
    reject([{ ...spike, toStep: 400 }], {}, "overlays[0].toStep must be an integer in [10, 365], got 400");
    reject([{ ...spike, multiplier: -1 }], {}, "overlays[0].multiplier must be a finite number >= 0, got -1");
    const depeg: StressOverlay = { kind: "depeg", symbol: "USDC", fromStep: 1, toStep: 2, priceUsd: 0.9 };
    reject(
      [{ ...depeg, symbol: "DAI" }],
      {},
      `overlays[0].symbol must be one of the model's symbols (USDC, WETH, WBTC), got "DAI"`,
    );
    reject([{ ...depeg, priceUsd: 0 }], {}, "overlays[0].priceUsd must be a positive finite number, got 0");
    reject([{ ...depeg, fromStep: 3 }], {}, "overlays[0].toStep must be an integer in [3, 365], got 2");
    reject(
      [{ kind: "jump" } as unknown as StressOverlay],
      {},
      `overlays[0].kind must be "crash", "volSpike", "depeg" or "rateSpike", got "jump"`,
    );
  });

  it("validates the model", () => {
    reject([], {}, "model.volatilityPerYear[1] must be a finite number >= 0, got -1", {
      ...gbm,
      volatilityPerYear: [0, -1, 0.5],
    });
  });

  it("refuses an output array without room for the path", () => {
    const generator = createPathGenerator(gbm, [], { ...daily, steps: 3 });
    expect(() => generator(createRandom(1), new Float64Array(12), 1)).toThrow(
      "out (length 12) has no room at offset 1 for a path of 12 prices ((steps + 1) × assets)",
    );
    expect(() => generator(createRandom(1), new Float64Array(20), -1)).toThrow(
      "out (length 20) has no room at offset -1 for a path of 12 prices ((steps + 1) × assets)",
    );
  });
});
