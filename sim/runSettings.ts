/**
 * An impact simulation's settings: the defaults and what a run accepts. Their one home, read by the Monte Carlo's
 * input check and by a proposal file's check (so that `trimtab proposal check` refuses what `simulate` would).
 */
import { arbitrageBand } from "./model/prices.ts";
import type { PoolGapModel } from "./model/types.ts";

/** What a run uses for the settings it is not given. */
export const simulationDefaults = { paths: 2_000, steps: 365, stepSeconds: 86_400, seed: 1, gasPriceGwei: 5 } as const;

/** Paths per parameter set, and steps per path. */
export const simulationLimits = {
  paths: { min: 1, max: 1_000_000 },
  steps: { min: 1, max: 3_650 },
} as const;

/** Refuses `value` unless it is a whole number from `min` to `max`, naming it `name`. */
export function checkWholeNumber(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got ${value}`);
}

/** Checks a run's shape, each error naming its field: its paths and steps within the limits, its step and seed. */
export function checkRunShape(run: { paths: number; steps: number; stepSeconds: number; seed: number }): void {
  checkWholeNumber("paths", run.paths, simulationLimits.paths.min, simulationLimits.paths.max);
  checkWholeNumber("steps", run.steps, simulationLimits.steps.min, simulationLimits.steps.max);
  if (!(Number.isFinite(run.stepSeconds) && run.stepSeconds > 0))
    throw new Error(`stepSeconds must be a positive number of seconds, got ${run.stepSeconds}`);
  if (!Number.isInteger(run.seed)) throw new Error(`seed must be an integer, got ${run.seed}`);
}

/** The most NAV points (paths × (steps + 1), per parameter set) a run keeps for its bands: 100 MB each. */
export const maxNavPoints = 25_000_000;

/** Why `paths` and `steps` are too large together, or undefined when a run can keep them. */
export function navPointsProblem(paths: number, steps: number): string | undefined {
  const points = paths * (steps + 1);
  if (points <= maxNavPoints) return undefined;
  return (
    `paths × (steps + 1) = ${points.toLocaleString("en-US")} NAV points per parameter set is more than the ` +
    `${maxNavPoints.toLocaleString("en-US")} a run keeps in memory (${Math.round((points * 8) / 1e6)} MB for both ` +
    `sets): use fewer paths or a shorter horizon`
  );
}

/**
 * The risk-free rate (a simple rate per year) that Sharpe and Sortino ratios count returns in excess of, unless a run
 * sets another: 4%, about what a dollar earns without price risk in 2024–2026 (US Treasury bills; USDC supplied on
 * Morpho or Aave). A vault that only holds its base asset thus shows a negative ratio: it earns less than a dollar
 * deposit would.
 */
export const defaultRiskFreePerYear = 0.04;

/** A risk-free rate outside −5% to +50% a year is a typo (or a percentage written as a number), not a rate. */
export const riskFreeLimitsPerYear = { min: -0.05, max: 0.5 } as const;

/** Throws, naming `riskFreePerYear`, unless the rate is a finite fraction per year within {@link riskFreeLimitsPerYear}. */
export function checkRiskFreeRate(riskFreePerYear: number): void {
  const { min, max } = riskFreeLimitsPerYear;
  if (!(Number.isFinite(riskFreePerYear) && riskFreePerYear >= min && riskFreePerYear <= max))
    throw new Error(
      `riskFreePerYear must be a yearly rate from ${min} to ${max} (a fraction: 0.04 is 4%), got ${riskFreePerYear}`,
    );
}

/**
 * Reads a risk-free rate as a proposal file (`simulation.riskFree`) writes it: a yearly percentage such as `"4%"` (or
 * the number 0); the rate as a fraction per year, or why it cannot be.
 */
export function readRiskFreeSetting(value: unknown): { ok: true; perYear: number } | { ok: false; reason: string } {
  const help = `must be a yearly percentage such as "4%"`;
  if (value === 0) return { ok: true, perYear: 0 };
  if (typeof value === "number")
    return { ok: false, reason: `${help}: ${value} is not a percentage (write "${value}%")` };
  const match = typeof value === "string" ? /^\s*([+-]?\d+(?:\.\d+)?)\s*%\s*$/.exec(value) : null;
  if (!match) return { ok: false, reason: `${help}, got ${JSON.stringify(value)}` };
  const perYear = Number(match[1]) / 100;
  const { min, max } = riskFreeLimitsPerYear;
  if (!(perYear >= min && perYear <= max))
    return { ok: false, reason: `must be a yearly rate from ${min * 100}% to ${max * 100}%, got ${match[1]}%` };
  return { ok: true, perYear };
}

/**
 * One asset's drift (the yearly growth of its median price, i.e. of its log price; see sim/market/drift.ts): `"zero"`,
 * the market model's own (`"fitted"`: estimated from the feeds' history when the model was calibrated), or a set
 * rate per year as a fraction (0.08 = 8%).
 */
export type AssetDrift = "zero" | "fitted" | number;

/** The drift a run assumes: one choice for every asset, or one per asset by symbol (an asset not listed: zero). */
export type DriftChoice = AssetDrift | Readonly<Record<string, AssetDrift>>;

/**
 * Zero unless asked: a month of feed history fits a yearly drift whose standard error is a few hundred percent, so
 * a fitted drift shows voters noise (a median yearly return of −14% from one bad month), and comparing two parameter
 * sets does not need a view of where the market goes.
 */
export const defaultDrift = "zero" satisfies DriftChoice;

/** A set drift beyond ±200% a year is a typo, not a market assumption. */
export const driftLimitsPerYear = { min: -2, max: 2 } as const;

/**
 * The drifts of the sensitivity table, per year, for every asset but the base (a stablecoin, kept at zero): a bear,
 * a flat and a bull year. ±30% a year is an ordinary bad or good year for ETH and BTC, well inside their yearly
 * volatility (60–80%); ± two standard errors of the fitted drift would be ±300% or more on a month of history,
 * and no table of those would say anything.
 */
export const sensitivityDriftsPerYear = { bear: -0.3, flat: 0, bull: 0.3 } as const;
export type SensitivityScenario = keyof typeof sensitivityDriftsPerYear;

/**
 * Paths of each sensitivity run: the first paths of the main run (the same seed, so the same draws: common random
 * numbers across bear, flat and bull). Three runs of 500 cost three quarters of a 2,000-path run.
 */
export const defaultSensitivityPaths = 500;

/** A drift setting as read from a file or a form, or why it cannot be: `field` is `drift` or `drift.<SYMBOL>`. */
export type DriftReading = { ok: true; drift: DriftChoice } | { ok: false; field: string; reason: string };

const driftHelp = `zero, fitted or a yearly percentage such as "8%" or "-30%"`;

/**
 * Reads a drift setting as a proposal file (`simulation.drift`), the web's form or a command line writes it: `zero`,
 * `fitted`, a yearly percentage (`"8%"`, `"-30%"`; the number 0 too), or a mapping of asset symbols to those.
 */
export function readDriftSetting(value: unknown): DriftReading {
  const one = (item: unknown, field: string): { drift: AssetDrift } | { field: string; reason: string } => {
    if (item === "zero" || item === 0) return { drift: "zero" };
    if (item === "fitted") return { drift: "fitted" };
    if (typeof item === "number")
      return { field, reason: `must be ${driftHelp}: ${item} is not a percentage (write "${item}%")` };
    if (typeof item !== "string") return { field, reason: `must be ${driftHelp}, got ${JSON.stringify(item)}` };
    const match = /^\s*([+-]?\d+(?:\.\d+)?)\s*%\s*(?:(?:a|per)\s+year|\/\s*y(?:ea)?r)?\s*$/i.exec(item);
    if (!match) return { field, reason: `must be ${driftHelp}, got ${JSON.stringify(item)}` };
    const perYear = Number(match[1]) / 100;
    const problem = driftRateProblem(perYear);
    return problem ? { field, reason: problem } : { drift: perYear === 0 ? "zero" : perYear };
  };
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0)
      return { ok: false, field: "drift", reason: `must name at least one asset, or be ${driftHelp}` };
    const perAsset: Record<string, AssetDrift> = {};
    for (const [symbol, item] of entries) {
      const read = one(item, `drift.${symbol}`);
      if ("reason" in read) return { ok: false, ...read };
      perAsset[symbol] = read.drift;
    }
    return { ok: true, drift: perAsset };
  }
  const read = one(value, "drift");
  return "reason" in read ? { ok: false, ...read } : { ok: true, drift: read.drift };
}

/** Why a set drift rate (a fraction per year) cannot be used, or undefined. */
export function driftRateProblem(perYear: number): string | undefined {
  const { min, max } = driftLimitsPerYear;
  if (Number.isFinite(perYear) && perYear >= min && perYear <= max) return undefined;
  return `must be a yearly drift from ${min * 100}% to +${max * 100}%, got ${Number.isFinite(perYear) ? `${+(perYear * 100).toFixed(6)}%` : String(perYear)}`;
}

/** The drift each of `symbols` gets under `choice` (its unlisted assets: zero). */
export function driftOfAsset(choice: DriftChoice, symbol: string): AssetDrift {
  return typeof choice === "object" ? (choice[symbol] ?? "zero") : choice;
}

/**
 * Throws unless `choice` is a usable drift for a vault of `symbols`, naming the field (`drift`, `drift.WETH`): each
 * rate finite and within {@link driftLimitsPerYear}, each symbol one of the vault's.
 */
export function checkDriftChoice(choice: DriftChoice, symbols: readonly string[]): void {
  const check = (item: unknown, field: string) => {
    if (item === "zero" || item === "fitted") return;
    if (typeof item !== "number")
      throw new Error(`${field} must be "zero", "fitted" or a yearly rate, got ${JSON.stringify(item)}`);
    const problem = driftRateProblem(item);
    if (problem) throw new Error(`${field} ${problem}`);
  };
  if (typeof choice === "object" && choice !== null) {
    for (const [symbol, item] of Object.entries(choice)) {
      if (!symbols.includes(symbol))
        throw new Error(`drift.${symbol}: ${symbol} is not an asset of the vault (${symbols.join(", ")})`);
      check(item, `drift.${symbol}`);
    }
    return;
  }
  check(choice, "drift");
}

/**
 * The market model a run simulates (`simulation.marketModel`): `"gbm"` (the default: the market as given, a GBM
 * calibrated to the history), or `"student-t"`, `"garch"`, `"regimes"`, fitted to the run's history by
 * sim/market/fit.ts (which needs at least 60 returns in sample for GARCH and regimes).
 */
export const marketModelSettings = ["gbm", "student-t", "garch", "regimes"] as const;
export type MarketModelSetting = (typeof marketModelSettings)[number];
export const defaultMarketModel = "gbm" satisfies MarketModelSetting;

/** Reads `simulation.marketModel` as a proposal file or a form writes it, or says why it cannot. */
export function readMarketModelSetting(
  value: unknown,
): { ok: true; marketModel: MarketModelSetting } | { ok: false; reason: string } {
  if ((marketModelSettings as readonly unknown[]).includes(value))
    return { ok: true, marketModel: value as MarketModelSetting };
  return {
    ok: false,
    reason: `must be one of ${marketModelSettings.map((k) => `"${k}"`).join(", ")}, got ${JSON.stringify(value)}`,
  };
}

/**
 * The cap of a proposal's adaptive path count we suggest (`simulation.maxPaths`, which turns it on; see
 * sim/uncertaintyRuns.ts): the main run's paths double from `paths` until every headline difference's sign is settled
 * or the cap is reached. 4,500 paths settle a P(liquidation) of zero in both sets (its exact interval is ±4.4/n: under
 * the 0.1 point that counts as no difference from about 4,400 paths) and narrow the other intervals by a third. Off by
 * default: the runs on the main run's paths (the second seed's rerun, each stress, the unhedged sets) grow with it, so
 * a proposal whose signs do not settle at 2,000 paths costs about twice as much, and `npm run bench:proposal` (with
 * the dry run's trace and after-execution checks) took 10.5 s with it on against its 10 s target.
 */
export const defaultMaxPaths = 4_500;

/**
 * Reads `simulation.maxPaths` as a proposal file writes it, for a run of `paths` paths of `steps` steps: a whole
 * number of paths within {@link simulationLimits}, at least `paths`, whose NAV points a run can keep
 * ({@link navPointsProblem}); or why it cannot be.
 */
export function readMaxPathsSetting(
  value: unknown,
  run: { paths: number; steps: number },
): { ok: true; maxPaths: number } | { ok: false; reason: string } {
  const { min, max } = simulationLimits.paths;
  if (!(typeof value === "number" && Number.isInteger(value) && value >= min && value <= max))
    return {
      ok: false,
      reason: `must be a whole number of paths from ${min} to ${max.toLocaleString("en-US")}, got ${JSON.stringify(value)}`,
    };
  if (value < run.paths)
    return { ok: false, reason: `must be at least the paths asked for (${run.paths}), got ${value}` };
  const tooMany = navPointsProblem(value, run.steps);
  return tooMany ? { ok: false, reason: tooMany } : { ok: true, maxPaths: value };
}

/**
 * How the pools' prices follow the oracles' (`simulation.poolGap`), as a file writes it: `"aligned"` (the default:
 * arbitrageurs bring every pool to its oracle's price before each cycle), `"arbitrage-band"` (a pool keeps its price
 * and arbitrageurs move it back only to within its fee plus 10 bps of the oracle's, `arbitrageBand` in
 * sim/model/prices.ts), or `{ arbitrage-band: "25 bps" }` for another threshold beyond the fee.
 */
export const poolGapSettings = ["aligned", "arbitrage-band"] as const;

/** An arbitrage band's threshold beyond the pool fee: from 0 to below 10,000 bps (as the Monte Carlo checks it). */
export const poolGapThresholdLimitsBps = { min: 0, maxBelow: 10_000 } as const;

/** Reads `simulation.poolGap` (see {@link poolGapSettings}) into the simulation's `PoolGapModel`, or says why not. */
export function readPoolGapSetting(
  value: unknown,
): { ok: true; poolGap: PoolGapModel } | { ok: false; reason: string } {
  const help = `must be "aligned", "arbitrage-band" or { arbitrage-band: "<threshold> bps" }`;
  if (value === "aligned") return { ok: true, poolGap: { kind: "aligned" } };
  if (value === "arbitrage-band") return { ok: true, poolGap: { ...arbitrageBand } };
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    const [key, threshold] = entries[0] ?? [];
    if (entries.length !== 1 || key !== "arbitrage-band") return { ok: false, reason: `${help}, got ${show(value)}` };
    const match = typeof threshold === "string" ? /^\s*(\d+(?:\.\d+)?)\s*bps\s*$/.exec(threshold) : null;
    const thresholdBps = match ? Number(match[1]) : threshold === 0 ? 0 : NaN;
    const { min, maxBelow } = poolGapThresholdLimitsBps;
    if (!(thresholdBps >= min && thresholdBps < maxBelow))
      return {
        ok: false,
        reason: `arbitrage-band's threshold must be a number of bps from ${min} to below ${maxBelow.toLocaleString("en-US")}, such as "10 bps", got ${show(threshold)}`,
      };
    return { ok: true, poolGap: { kind: "arbitrageBand", thresholdBps } };
  }
  return { ok: false, reason: `${help}, got ${show(value)}` };
}

const show = (value: unknown) => JSON.stringify(value) ?? String(value);
