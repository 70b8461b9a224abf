/**
 * Price path generation: the Monte-Carlo kernel's inner loop. A generator is built once per (model, overlays,
 * options), with everything that does not depend on the random draws precomputed into typed arrays, and then writes
 * one path per call into a caller's Float64Array without allocating.
 *
 * Determinism: a path depends only on its inputs and on the numbers drawn from `random`, in the order documented on
 * {@link createPathGenerator}; transcendental functions come from `detMath.ts` (basic IEEE operations only), so the
 * same seed gives the same bits in Node and in a browser.
 */
import { exp } from "../detMath.ts";
import type { Random } from "../random.ts";
import { checkPerAsset, cholesky, show, validateMarketModel } from "./calibrate.ts";
import { garchGenerator } from "./garch.ts";
import { checkRoom, overlayTables, type OverlayTables } from "./overlays.ts";
import { regimeGenerator } from "./regimes.ts";
import { studentTGenerator } from "./studentT.ts";
import {
  secondsPerYear,
  type BootstrapModel,
  type GbmModel,
  type MarketModel,
  type PathGenerator,
  type PathOptions,
  type StressOverlay,
} from "./types.ts";

/**
 * Builds a generator of price paths for `model` with `overlays` applied, after checking all three inputs (errors
 * name the offending field: `options.steps`, `overlays[2].toStep`, `model.correlation`…).
 *
 * Each call writes `(steps + 1) × assets` prices at `out[offset + step × assets + asset]`, step 0 being
 * `initialPricesUsd`. Prices are `initialPriceUsd × exp(sum of the log returns so far)`, except where a depeg pins
 * them. Random numbers are drawn in this fixed order, and only these:
 * - gbm: one `random.fillNormals(z, 0, steps × assets)` call per path; the normals of step k (1-based) are
 *   `z[(k − 1) × assets + asset]`, in asset order, and are correlated by the Cholesky factor of `model.correlation`.
 * - bootstrap: for step 1, `random.int(0, observations − 1)` picks the historical row; for each later step,
 *   `random.next()` decides whether a new run starts (value < 1 / blockLength), and only if so a further
 *   `random.int(0, observations − 1)` picks its first row; otherwise the next row is replayed, wrapping around.
 * - student-t, garch, regimes: as documented on `studentTGenerator` (studentT.ts), `garchGenerator` (garch.ts) and
 *   `regimeGenerator` (regimes.ts); the last two need `options.stepSeconds` to be the model's `stepSeconds`.
 * Overlays draw nothing, so a stressed path and an unstressed one from the same seed share their randomness.
 *
 * Overlays of the same kind combine: crashes at the same step add their log drops, overlapping volatility spikes
 * multiply, and where depegs of one asset overlap the later one in `overlays` wins.
 *
 * The generator keeps scratch arrays of its own: one generator must not be used by two paths at once (it is not
 * re-entrant), but it is cheap to build one per worker.
 */
export function createPathGenerator(
  model: MarketModel,
  overlays: readonly StressOverlay[],
  options: PathOptions,
): PathGenerator {
  validateMarketModel(model);
  checkPathOptions(model, options);
  const tables = overlayTables(model.symbols, overlays, options.steps);
  switch (model.kind) {
    case "gbm":
      return gbmGenerator(model, tables, options);
    case "bootstrap":
      return bootstrapGenerator(model, tables, options);
    case "student-t":
      return studentTGenerator(model, tables, options);
    case "garch":
      return garchGenerator(model, tables, options);
    case "regimes":
      return regimeGenerator(model, tables, options);
  }
}

function gbmGenerator(model: GbmModel, tables: OverlayTables, options: PathOptions): PathGenerator {
  const { steps } = options;
  const assets = model.symbols.length;
  const size = (steps + 1) * assets;
  const dtYears = options.stepSeconds / secondsPerYear;
  const sqrtDt = Math.sqrt(dtYears);
  const initialPricesUsd = Float64Array.from(options.initialPricesUsd);
  /** Deterministic part of each asset's log return per step: (μ − σ²/2)·dt. */
  const driftPerStep = Float64Array.from(model.volatilityPerYear, (sigma, i) => {
    const mu = model.driftPerYear[i]!;
    return (mu - (sigma * sigma) / 2) * dtYears;
  });
  /** σᵢ·√dt·L, row-major and lower triangular: the random part of the returns is `shock · ε`. */
  const shock = new Float64Array(assets * assets);
  cholesky(model.correlation, "model.correlation").forEach((row, i) => {
    const scale = model.volatilityPerYear[i]! * sqrtDt;
    for (let j = 0; j <= i; j++) shock[i * assets + j] = scale * row[j]!;
  });
  const { volatilityMultiplier, crashLogShift, pinnedPriceUsd } = tables;
  // Without overlays (most runs) the path skips their three tables: a multiplier of 1 and a shift of 0 leave every
  // price the same (x · 1 = x; x + 0 = x but for the sign of a zero log return, whose price is the same).
  const plain =
    volatilityMultiplier.every((m) => m === 1) &&
    crashLogShift.every((c) => c === 0) &&
    pinnedPriceUsd.every((p) => p === 0);
  const normals = new Float64Array(steps * assets);
  const cumulativeLogReturn = new Float64Array(assets);

  return (random: Random, out: Float64Array, offset: number) => {
    checkRoom(out, offset, size);
    random.fillNormals(normals, 0, steps * assets);
    if (plain) return writePlainGbmPath(out, offset, normals, steps, assets, initialPricesUsd, driftPerStep, shock);
    cumulativeLogReturn.fill(0);
    for (let i = 0; i < assets; i++) out[offset + i] = initialPricesUsd[i]!;
    for (let step = 1; step <= steps; step++) {
      const multiplier = volatilityMultiplier[step]!;
      const normalsRow = (step - 1) * assets;
      const row = step * assets;
      for (let i = 0; i < assets; i++) {
        let shockLogReturn = 0;
        const shockRow = i * assets;
        for (let j = 0; j <= i; j++) shockLogReturn += shock[shockRow + j]! * normals[normalsRow + j]!;
        const logPrice =
          cumulativeLogReturn[i]! + driftPerStep[i]! + multiplier * shockLogReturn + crashLogShift[row + i]!;
        cumulativeLogReturn[i] = logPrice;
        const pinned = pinnedPriceUsd[row + i]!;
        out[offset + row + i] = pinned > 0 ? pinned : initialPricesUsd[i]! * exp(logPrice);
      }
    }
  };
}

/**
 * A GBM path without overlays, from its normals: the generator's loop where no overlay applies. A function of its
 * arguments alone, not a closure over the generator's arrays: V8 specialises a closure's code to its captured values
 * only while a single closure of it exists, and every run builds a generator (20% slower from the second on). One
 * asset's steps at a time: each asset's log price is its own running sum, added in step order as before.
 */
function writePlainGbmPath(
  out: Float64Array,
  offset: number,
  normals: Float64Array,
  steps: number,
  assets: number,
  initialPricesUsd: Float64Array,
  driftPerStep: Float64Array,
  shock: Float64Array,
): void {
  for (let i = 0; i < assets; i++) out[offset + i] = initialPricesUsd[i]!;
  for (let i = 0; i < assets; i++) {
    const shockRow = i * assets;
    const initial = initialPricesUsd[i]!;
    const drift = driftPerStep[i]!;
    let logPrice = 0;
    for (let step = 1, normalsRow = 0, at = offset + assets + i; step <= steps; step++) {
      let shockLogReturn = 0;
      for (let j = 0; j <= i; j++) shockLogReturn += shock[shockRow + j]! * normals[normalsRow + j]!;
      logPrice = logPrice + drift + shockLogReturn;
      out[at] = initial * exp(logPrice);
      normalsRow += assets;
      at += assets;
    }
  }
}

function bootstrapGenerator(model: BootstrapModel, tables: OverlayTables, options: PathOptions): PathGenerator {
  const { steps } = options;
  const assets = model.symbols.length;
  const size = (steps + 1) * assets;
  const observations = model.logReturns.length;
  const initialPricesUsd = Float64Array.from(options.initialPricesUsd);
  const logReturns = new Float64Array(observations * assets);
  model.logReturns.forEach((row, t) => logReturns.set(row, t * assets));
  /** Each asset's mean historical log return: volatility spikes scale the deviation from it. */
  const meanLogReturn = new Float64Array(assets);
  for (let t = 0; t < observations; t++)
    for (let i = 0; i < assets; i++) meanLogReturn[i]! += logReturns[t * assets + i]!;
  for (let i = 0; i < assets; i++) meanLogReturn[i]! /= observations;
  const restartProbability = 1 / model.blockLength;
  const { volatilityMultiplier, crashLogShift, pinnedPriceUsd } = tables;
  const cumulativeLogReturn = new Float64Array(assets);

  return (random: Random, out: Float64Array, offset: number) => {
    checkRoom(out, offset, size);
    cumulativeLogReturn.fill(0);
    for (let i = 0; i < assets; i++) out[offset + i] = initialPricesUsd[i]!;
    let observation = random.int(0, observations - 1);
    for (let step = 1; step <= steps; step++) {
      if (step > 1) {
        if (random.next() < restartProbability) observation = random.int(0, observations - 1);
        else observation = observation + 1 === observations ? 0 : observation + 1;
      }
      const multiplier = volatilityMultiplier[step]!;
      const historyRow = observation * assets;
      const row = step * assets;
      for (let i = 0; i < assets; i++) {
        const historical = logReturns[historyRow + i]!;
        // A multiplier of 1 replays the historical return bit for bit.
        const logReturn =
          multiplier === 1 ? historical : meanLogReturn[i]! + multiplier * (historical - meanLogReturn[i]!);
        const logPrice = cumulativeLogReturn[i]! + logReturn + crashLogShift[row + i]!;
        cumulativeLogReturn[i] = logPrice;
        const pinned = pinnedPriceUsd[row + i]!;
        out[offset + row + i] = pinned > 0 ? pinned : initialPricesUsd[i]! * exp(logPrice);
      }
    }
  };
}

function checkPathOptions(model: MarketModel, options: PathOptions): void {
  const { steps, stepSeconds, initialPricesUsd } = options;
  if (!(Number.isInteger(steps) && steps >= 1))
    throw new Error(`options.steps must be an integer >= 1, got ${show(steps)}`);
  if (!(Number.isFinite(stepSeconds) && stepSeconds > 0))
    throw new Error(`options.stepSeconds must be a positive finite number, got ${show(stepSeconds)}`);
  if (model.kind === "bootstrap" && stepSeconds !== model.stepSeconds)
    throw new Error(
      `options.stepSeconds must equal the bootstrap history's spacing model.stepSeconds (${model.stepSeconds}), got ${stepSeconds}`,
    );
  checkPerAsset(initialPricesUsd, model.symbols.length, "options.initialPricesUsd");
  initialPricesUsd.forEach((price, i) => {
    if (!(Number.isFinite(price) && price > 0))
      throw new Error(`options.initialPricesUsd[${i}] must be a positive finite number, got ${show(price)}`);
  });
}
