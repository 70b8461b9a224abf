import { describe, expect, it } from "vitest";
import { exp, normalCdf } from "../detMath.ts";
import { createRandom } from "../random.ts";
import { ln } from "../detMath.ts";
import { bridgeCrossingProbability, bridgeCrossingProbabilityOfRatios, negligibleTouchRatio } from "./barrier.ts";

describe("The normal distribution function the closed forms use (detMath's normalCdf)", () => {
  it("matches published values to 1e-14 in the body and 1e-8 relative in the far tail", () => {
    // Values from mpmath's ncdf at 30 digits.
    const known: [number, number][] = [
      [0, 0.5],
      [-1, 0.15865525393145705],
      [-2, 0.022750131948179208],
      [-3, 0.0013498980316300946],
      [1.96, 0.9750021048517795],
      [2.326347874040841, 0.99],
    ];
    for (const [x, value] of known) expect(Math.abs(normalCdf(x) - value), `Φ(${x})`).toBeLessThan(1e-14);
    expect(normalCdf(-8) / 6.220960574271785e-16 - 1).toBeLessThan(1e-8);
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
    expect(normalCdf(NaN)).toBeNaN();
  });
});

describe("The probability that a price touched a liquidation price between two daily checks", () => {
  it("is 1 for a step that ends (or starts) past the barrier, and 0 without variance", () => {
    expect(bridgeCrossingProbability(0.1, -0.01, 0.001)).toBe(1);
    expect(bridgeCrossingProbability(0, 0.1, 0.001)).toBe(1);
    expect(bridgeCrossingProbability(0.1, 0.1, 0)).toBe(0);
    expect(bridgeCrossingProbability(0.05, 0.03, 0.0016)).toBe(exp(-1.875));
  });

  it("integrates over the step's end to the closed-form first-passage probability of a drifted Brownian motion", () => {
    // P(min over [0, T] of μt + σW_t ≤ −a) = Φ((−a − μT)/σ√T) + e^(−2μa/σ²)·Φ((−a + μT)/σ√T) (Harrison 1985, §1.8).
    for (const [a, mu, sigma] of [
      [0.1, 0, 0.05],
      [0.05, -0.02, 0.04],
      [0.2, 0.1, 0.1],
    ] as const) {
      const sd = sigma; // T = 1
      const closedForm = normalCdf((-a - mu) / sd) + exp((-2 * mu * a) / (sigma * sigma)) * normalCdf((-a + mu) / sd);
      // The end x ~ N(μ, σ²): a touch for sure when x ≤ −a, else the bridge's probability (Simpson's rule).
      const density = (x: number) => exp(-((x - mu) ** 2) / (2 * sd * sd)) / (sd * Math.sqrt(2 * Math.PI));
      const [from, to, n] = [-a, mu + 12 * sd, 20_000];
      const h = (to - from) / n;
      let integral = 0;
      for (let i = 0; i <= n; i++) {
        const x = from + i * h;
        const weight = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
        integral += weight * density(x) * bridgeCrossingProbability(a, x + a, sigma * sigma);
      }
      const bridged = normalCdf((-a - mu) / sd) + (integral * h) / 3;
      expect(Math.abs(bridged - closedForm), `a ${a}, μ ${mu}, σ ${sigma}`).toBeLessThan(1e-9);
    }
  });

  it("agrees with a fine sub-step Monte Carlo of the bridge within four standard errors", () => {
    // From 5% above the barrier to 3% above it, σ² = 0.0016 over the step: e^(−1.875) ≈ 15.3%.
    const [a, b, variance] = [0.05, 0.03, 0.0016];
    const [subSteps, bridges] = [1_000, 10_000];
    const random = createRandom(11);
    const normals = new Float64Array(subSteps);
    const walk = new Float64Array(subSteps + 1);
    const sd = Math.sqrt(variance / subSteps);
    let touched = 0;
    for (let j = 0; j < bridges; j++) {
      random.fillNormals(normals, 0, subSteps);
      for (let i = 1; i <= subSteps; i++) walk[i] = walk[i - 1]! + sd * normals[i - 1]!;
      const end = walk[subSteps]!;
      for (let i = 1; i <= subSteps; i++) {
        const t = i / subSteps;
        if (a + (b - a) * t + walk[i]! - t * end <= 0) {
          touched++;
          break;
        }
      }
    }
    const simulated = touched / bridges;
    // A path watched at 1,000 points misses touches between them: Broadie, Glasserman and Kou's continuity
    // correction moves the barrier 0.5826·σ·√(Δt) away for the discrete watch.
    const shift = 0.5826 * sd;
    const discrete = bridgeCrossingProbability(a + shift, b + shift, variance);
    const standardError = Math.sqrt((discrete * (1 - discrete)) / bridges);
    expect(Math.abs(simulated - discrete)).toBeLessThan(4 * standardError);
    // And the continuous watch touches more often than any discrete one.
    expect(bridgeCrossingProbability(a, b, variance)).toBeGreaterThan(simulated);
  });

  it("from price ratios, leaves 1 − p the same to the bit as from log distances, skipping the logs only where p < 2^-54", () => {
    const random = createRandom(5);
    let skipped = 0;
    for (let i = 0; i < 100_000; i++) {
      const [r0, r1] = [0.95 + random.next() * 2, 0.95 + random.next() * 2];
      const variance = 0.0001 + random.next() * 0.01;
      const fromRatios = bridgeCrossingProbabilityOfRatios(r0, r1, variance);
      const fromLogs = bridgeCrossingProbability(ln(r0), ln(r1), variance);
      expect(1 - fromRatios).toBe(1 - fromLogs);
      if (fromRatios === 0 && fromLogs > 0) skipped++;
    }
    expect(skipped).toBeGreaterThan(10_000); // the shortcut is taken, and changes nothing
  });

  it("beyond negligibleTouchRatio at both ends, at any variance up to the one it was given, leaves 1 − p at exactly 1", () => {
    const random = createRandom(8);
    for (let i = 0; i < 20_000; i++) {
      const variance = 10 ** (-8 + 7 * random.next()); // 1e-8 to 0.1: a quiet stablecoin to a crash's spike
      const ratio = negligibleTouchRatio(variance);
      // Just at the ratio (the worst case), or anywhere beyond it; at the variance or a smaller one.
      const [r0, r1] = [ratio * (1 + random.next() * (i % 2)), ratio * (1 + random.next() * (i % 3 === 0 ? 0 : 1))];
      const smaller = variance * (i % 5 === 0 ? 1 : random.next());
      expect(1 - bridgeCrossingProbability(ln(r0), ln(r1), smaller)).toBe(1);
      expect(1 - bridgeCrossingProbabilityOfRatios(r0, r1, smaller)).toBe(1);
    }
    // Not a loose bound: a little inside it, the touch probability counts.
    const variance = 0.001;
    const inside = Math.exp(Math.sqrt(18 * variance)); // exponent 36, not 38: p ≈ 2.3e-16
    expect(1 - bridgeCrossingProbabilityOfRatios(inside, inside, variance)).toBeLessThan(1);
    expect(negligibleTouchRatio(NaN)).toBeNaN();
  });
});
