import { describe, expect, it } from "vitest";
import {
  cantTellFromZero,
  pairedBootstrap,
  pairedProportionDifference,
  sortedPaths,
  type PairedStatistic,
} from "./intervals.ts";
import { addExcessReturns, createExcessReturnSums, pooledSharpe, pooledSortino } from "./pooledRatios.ts";
import { createRandom } from "./random.ts";
import { betaQuantile, clopperPearson, cvar, logGamma, mean, quantile, regularizedIncompleteBeta } from "./stats.ts";

describe("The beta distribution and exact binomial (Clopper–Pearson) intervals", () => {
  it("gives ln Γ and the regularized incomplete beta function at known values", () => {
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13);
    expect(logGamma(10)).toBeCloseTo(Math.log(362_880), 12);
    expect(logGamma(1)).toBeCloseTo(0, 14);
    // I_0.3(2, 3) = 1 − (1 − x)^4 − 4x(1 − x)^3 = 0.3483; I_x(1, b) = 1 − (1 − x)^b; I_x(a, 1) = x^a.
    expect(regularizedIncompleteBeta(0.3, 2, 3)).toBeCloseTo(0.3483, 13);
    expect(regularizedIncompleteBeta(0.01, 1, 200)).toBeCloseTo(1 - 0.99 ** 200, 13);
    expect(regularizedIncompleteBeta(0.7, 5, 1)).toBeCloseTo(0.7 ** 5, 13);
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
  });

  it("inverts it: the beta quantile (R's qbeta), small quantiles keeping their relative precision", () => {
    expect(betaQuantile(0.5, 2, 3)).toBeCloseTo(0.3857275681323906, 12); // qbeta(0.5, 2, 3)
    for (const [p, a, b] of [
      [0.025, 3, 98],
      [0.975, 6, 95],
      [0.4, 0.5, 0.5],
    ] as const)
      expect(regularizedIncompleteBeta(betaQuantile(p, a, b), a, b)).toBeCloseTo(p, 12);
    // Beta(1, 5) at 1e-10: 1 − (1 − 1e-10)^(1/5) ≈ 2.00000000008e-11.
    expect(betaQuantile(1e-10, 1, 5) / 2.00000000008e-11).toBeCloseTo(1, 9);
    expect(betaQuantile(0, 2, 3)).toBe(0);
    expect(betaQuantile(1, 2, 3)).toBe(1);
  });

  it("gives R's binom.test intervals", () => {
    const close = (actual: { low95: number; high95: number }, low: number, high: number) => {
      expect(actual.low95).toBeCloseTo(low, 8);
      expect(actual.high95).toBeCloseTo(high, 8);
    };
    close(clopperPearson(5, 100), 0.01643187918, 0.1128349111);
    close(clopperPearson(1, 10), 0.002528578544, 0.445016117);
    close(clopperPearson(50, 100), 0.3983211295, 0.6016788705);
    close(clopperPearson(10, 10), 0.6915028922, 1);
  });

  it("never collapses to [0, 0]: 0 of 2,000 paths bounds the probability at 0.18%, 1 − 0.025^(1/2000)", () => {
    const { low95, high95 } = clopperPearson(0, 2_000);
    expect(low95).toBe(0);
    expect(high95).toBeCloseTo(1 - 0.025 ** (1 / 2_000), 14);
    expect(high95).toBeGreaterThan(0.0018);
    expect(high95).toBeLessThan(0.0019);
  });

  it("refuses counts that are not a binomial's", () => {
    expect(() => clopperPearson(3, 2)).toThrow("successes must be a whole number from 0 to trials (2), got 3");
    expect(() => clopperPearson(0, 0)).toThrow("trials must be a whole number ≥ 1, got 0");
    expect(() => clopperPearson(1, 10, 1)).toThrow("confidence must be in (0, 1), got 1");
    expect(() => betaQuantile(0.5, 0, 1)).toThrow("a must be a positive finite number, got 0");
  });
});

/** `paths` paired outcomes: current ~ N(0, 1), proposed = current + 0.5·(another normal) + 0.1. */
function pairedNormals(paths: number, seed: number) {
  const random = createRandom(seed);
  const current = new Float64Array(paths);
  const proposed = new Float64Array(paths);
  for (let p = 0; p < paths; p++) {
    current[p] = random.normal();
    proposed[p] = current[p]! + 0.5 * random.normal() + 0.1;
  }
  return { current, proposed };
}

const statisticsOf = ({ current, proposed }: ReturnType<typeof pairedNormals>) => {
  const s = (statistic: PairedStatistic["statistic"]): PairedStatistic => ({ statistic, current, proposed });
  return {
    mean: s({ kind: "mean" }),
    median: s({ kind: "quantile", probability: 0.5 }),
    p95: s({ kind: "quantile", probability: 0.95 }),
    cvar95: s({ kind: "cvar", confidence: 0.95 }),
  };
};

describe("Paired-bootstrap intervals of a difference of statistics", () => {
  // The truth of the synthetic data: proposed ~ N(0.1, 1.25), current ~ N(0, 1); a normal's 95% CVaR (as a loss)
  // is −μ + σ·φ(1.6449)/0.05 = −μ + 2.0627σ, its 95th percentile μ + 1.6449σ.
  const sigma = Math.sqrt(1.25);
  const truth = {
    mean: 0.1,
    median: 0.1,
    p95: 0.1 + 1.6448536 * (sigma - 1),
    cvar95: -0.1 + 2.0627128 * (sigma - 1),
  };

  it("covers the true difference of means, medians, quantiles and tails about 95% of the time", () => {
    const trials = 60;
    const covered = { mean: 0, median: 0, p95: 0, cvar95: 0 };
    for (let t = 0; t < trials; t++) {
      const intervals = pairedBootstrap(statisticsOf(pairedNormals(1_000, 100 + t)), 1_000, 200, createRandom(t));
      for (const key of Object.keys(truth) as (keyof typeof truth)[]) {
        const d = intervals[key]!;
        if (d.low95 <= truth[key] && truth[key] <= d.high95) covered[key]++;
      }
    }
    // 95% nominal; the percentile bootstrap of a 5% tail mean covers a little less (91% over 200 such trials), so
    // at least 50 of 60 (83%) each, and the mean and median close to nominal.
    for (const key of Object.keys(covered) as (keyof typeof covered)[]) expect(covered[key]).toBeGreaterThanOrEqual(50);
    expect(covered.mean + covered.median).toBeGreaterThanOrEqual(110);
  });

  it("estimates the difference on all paths, and agrees with the normal interval for a mean", () => {
    const data = pairedNormals(2_000, 1);
    const d = pairedBootstrap(statisticsOf(data), 2_000, 400, createRandom(9)).mean!;
    let sum = 0;
    let squares = 0;
    for (let p = 0; p < 2_000; p++) sum += data.proposed[p]! - data.current[p]!;
    const average = sum / 2_000;
    for (let p = 0; p < 2_000; p++) squares += (data.proposed[p]! - data.current[p]! - average) ** 2;
    const half = 1.96 * Math.sqrt(squares / 1_999 / 2_000);
    expect(d.estimate).toBeCloseTo(average, 12);
    expect(d.method).toBe("paired-bootstrap");
    expect((d.high95 - d.low95) / (2 * half)).toBeGreaterThan(0.85);
    expect((d.high95 - d.low95) / (2 * half)).toBeLessThan(1.15);
  });

  it("computes each resample's statistics as stats.ts does on the resampled values (ties, both tails, undefined paths)", () => {
    const paths = 101;
    const random = createRandom(11);
    // Values with ties (rounded to a tenth) and a few paths without a value (as a health factor with no borrowing).
    const proposed = Float64Array.from({ length: paths }, (_, p) =>
      p % 17 === 3 ? Infinity : Math.round(random.normal() * 10) / 10,
    );
    const zero = new Float64Array(paths);
    const probabilities = [0, 0.01, 0.05, 0.37, 0.5, 0.95, 0.99, 1];
    for (let seed = 0; seed < 20; seed++) {
      // One resample, as pairedBootstrap draws it; the current set is all zeros, so each difference is the statistic.
      const draw = createRandom(seed);
      const drawn: number[] = [];
      for (let i = 0; i < paths; i++) drawn.push(proposed[draw.int(0, paths - 1)]!);
      const values = drawn.filter((v) => Number.isFinite(v));
      const statistics = Object.fromEntries([
        ...probabilities.map((p) => [
          `q${p}`,
          { statistic: { kind: "quantile", probability: p }, current: zero, proposed },
        ]),
        ["cvar95", { statistic: { kind: "cvar", confidence: 0.95 }, current: zero, proposed }],
        ["mean", { statistic: { kind: "mean" }, current: zero, proposed }],
      ]) as Record<string, PairedStatistic>;
      const result = pairedBootstrap(statistics, paths, 1, createRandom(seed));
      for (const p of probabilities) expect(result[`q${p}`]!.low95).toBeCloseTo(quantile(values, p), 12);
      expect(result.cvar95!.low95).toBeCloseTo(cvar(values, 0.95), 12);
      expect(result.mean!.low95).toBeCloseTo(mean(values), 12);
    }
  });

  it("sums each resample's means and pooled sums in path order, to the bit, however many statistics share the walk", () => {
    const paths = 257;
    const random = createRandom(21);
    const column = (scale: number) => Float64Array.from({ length: paths }, () => scale * random.normal());
    // Nine means (so the shared walk's last group of columns is partly empty), one read through a view of another's
    // buffer, and a pooled ratio's three sums per path.
    const columns = Array.from({ length: 9 }, (_, m) => [column(10 ** (m - 4)), column(10 ** (m - 4))] as const);
    const shared = new Float64Array(2 * paths);
    shared.set(columns[0]![1], paths);
    // Per path: a sum of excess returns (either sign), and sums of squares (positive).
    const pooled = [0, 1].map(() =>
      Float64Array.from(
        { length: 3 * paths },
        (_, i) => (i % 3 === 0 ? 0.01 : 0.001) * random.normal() ** (i % 3 ? 2 : 1),
      ),
    );
    const statistics: Record<string, PairedStatistic> = Object.fromEntries(
      columns.map(([current, proposed], m) => [`m${m}`, { statistic: { kind: "mean" }, current, proposed }]),
    );
    statistics.view = { statistic: { kind: "mean" }, current: columns[0]![0], proposed: shared.subarray(paths) };
    statistics.sharpe = {
      statistic: { kind: "pooledRatio", ratio: "sharpe", stepsPerPath: 30, stepsPerYear: 365 },
      current: pooled[0]!,
      proposed: pooled[1]!,
    };
    for (let seed = 0; seed < 40; seed++) {
      // One resample (its interval is its difference), drawn again by hand and each statistic summed on its own.
      const result = pairedBootstrap(statistics, paths, 1, createRandom(seed));
      const draw = createRandom(seed);
      const counts = new Uint32Array(paths);
      for (let i = 0; i < paths; i++) counts[draw.int(0, paths - 1)]!++;
      const meanOf = (values: Float64Array) => {
        let sum = 0;
        for (let p = 0; p < paths; p++) sum += counts[p]! * values[p]!;
        return sum / paths;
      };
      const ratioOf = (sums: Float64Array) => {
        const total = Float64Array.of(paths * 30, 0, 0, 0);
        for (let p = 0; p < paths; p++) for (let j = 0; j < 3; j++) total[j + 1]! += counts[p]! * sums[3 * p + j]!;
        return pooledSharpe(total, 365);
      };
      for (const [key, { statistic, current, proposed }] of Object.entries(statistics)) {
        const difference =
          statistic.kind === "mean" ? meanOf(proposed) - meanOf(current) : ratioOf(proposed) - ratioOf(current);
        expect(result[key]!.low95, key).toBe(difference);
      }
    }
  });

  it("is the same for the same seed, bit for bit, and moves with another seed", () => {
    const statistics = statisticsOf(pairedNormals(500, 3));
    const a = pairedBootstrap(statistics, 500, 100, createRandom(42));
    expect(pairedBootstrap(statistics, 500, 100, createRandom(42))).toEqual(a);
    expect(pairedBootstrap(statistics, 500, 100, createRandom(43)).median).not.toEqual(a.median);
  });

  it("gives [0, 0] for identical sets, and null for a statistic a set has no value of", () => {
    const values = pairedNormals(300, 5).current;
    const nothing = new Float64Array(300).fill(Infinity);
    const result = pairedBootstrap(
      {
        same: { statistic: { kind: "quantile", probability: 0.05 }, current: values, proposed: values },
        unborrowed: { statistic: { kind: "quantile", probability: 0.05 }, current: nothing, proposed: nothing },
      },
      300,
      50,
      createRandom(1),
    );
    expect(result.same).toEqual({ estimate: 0, low95: 0, high95: 0, method: "paired-bootstrap" });
    expect(result.unborrowed).toBeNull();
  });
});

describe("The order a bootstrap walks a set's values in", () => {
  it("is ascending by value, ties (−0 and +0 too) in path order, non-finite values left out: a comparison sort's", () => {
    const random = createRandom(3);
    const special = [
      0, -0, 1, -1, 5e-324, -5e-324, 2.2250738585072014e-308, -1.7976931348623157e308, 1.7976931348623157e308,
    ];
    const unset = [Infinity, -Infinity, NaN];
    for (let t = 0; t < 300; t++) {
      const n = t % 50 === 0 ? 5_000 : Math.floor(random.next() * 60);
      const raw = Float64Array.from({ length: n }, () => {
        const u = random.next();
        if (u < 0.2) return special[Math.floor(random.next() * special.length)]!;
        if (u < 0.25) return unset[Math.floor(random.next() * unset.length)]!;
        if (u < 0.6) return Math.round(random.normal() * 4) / 2; // many ties
        return random.normal() * 10 ** Math.floor(random.next() * 40 - 20);
      });
      const expected = Uint32Array.from({ length: n }, (_, i) => i).filter((i) => Number.isFinite(raw[i]!));
      expected.sort((i, j) => raw[i]! - raw[j]! || i - j);
      expect(Array.from(sortedPaths(raw))).toEqual(Array.from(expected));
    }
  });
});

describe("A pooled ratio's paired bootstrap", () => {
  it("pools the drawn paths' excess-return sums into the ratio, as the summary does, and intervals it", () => {
    const paths = 400;
    const stepsPerPath = 30;
    const random = createRandom(9);
    const sums = (drift: number, scale: number) => {
      const out = new Float64Array(3 * paths);
      const all = createExcessReturnSums();
      for (let p = 0; p < paths; p++) {
        const prices = [1];
        for (let k = 1; k <= stepsPerPath; k++) prices.push(prices[k - 1]! * (1 + drift + scale * random.normal()));
        addExcessReturns(all, prices, stepsPerPath, 0.0001, out, 3 * p);
      }
      return { out, all };
    };
    const [current, proposed] = [sums(0.0005, 0.02), sums(0.001, 0.01)];
    const result = pairedBootstrap(
      {
        sharpe: {
          statistic: { kind: "pooledRatio", ratio: "sharpe", stepsPerPath, stepsPerYear: 365 },
          current: current.out,
          proposed: proposed.out,
        },
        sortino: {
          statistic: { kind: "pooledRatio", ratio: "sortino", stepsPerPath, stepsPerYear: 365 },
          current: current.out,
          proposed: proposed.out,
        },
      },
      paths,
      200,
      createRandom(2),
    );
    expect(result.sharpe!.estimate).toBeCloseTo(pooledSharpe(proposed.all, 365) - pooledSharpe(current.all, 365), 12);
    expect(result.sortino!.estimate).toBeCloseTo(
      pooledSortino(proposed.all, 365) - pooledSortino(current.all, 365),
      12,
    );
    for (const d of [result.sharpe!, result.sortino!]) {
      expect(d.low95).toBeLessThan(d.estimate);
      expect(d.high95).toBeGreaterThan(d.estimate);
    }
    // Half the volatility and twice the drift: the sign is settled.
    expect(result.sharpe!.low95).toBeGreaterThan(0);
  });

  it("names the statistic whose sums are missing", () => {
    const statistic = { kind: "pooledRatio", ratio: "sharpe", stepsPerPath: 5, stepsPerYear: 365 } as const;
    expect(() =>
      pairedBootstrap(
        { sharpe: { statistic, current: new Float64Array(10), proposed: new Float64Array(10) } },
        10,
        5,
        createRandom(1),
      ),
    ).toThrow("sharpe: each set needs 3 values per path (10)");
  });
});

describe("The paired difference of two probabilities and the can't-tell-from-zero flag", () => {
  it("keeps an open exact interval when no path tells the sets apart, and flags it", () => {
    const never = new Float64Array(2_000);
    const d = pairedProportionDifference(never, never);
    expect(d.estimate).toBe(0);
    expect(d.high95).toBeCloseTo(1 - 0.0125 ** (1 / 2_000), 14);
    expect(d.low95).toBe(-d.high95);
    expect(cantTellFromZero(d)).toBe(true);
  });

  it("settles the sign when the proposed set alone has the event on enough paths", () => {
    const current = new Float64Array(1_000);
    const proposed = new Float64Array(1_000).map((_, p) => (p < 30 ? 1 : 0));
    const d = pairedProportionDifference(current, proposed);
    expect(d.estimate).toBeCloseTo(0.03, 15);
    expect(d.low95).toBeGreaterThan(0);
    expect(d.method).toBe("exact-binomial");
    expect(cantTellFromZero(d)).toBe(false);
    expect(cantTellFromZero({ low95: -0.01, high95: 0.02 })).toBe(true);
    expect(cantTellFromZero({ low95: 0, high95: 0 })).toBe(true);
  });
});
