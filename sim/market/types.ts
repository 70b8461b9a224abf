/**
 * Types of the market simulation: price histories, the market models that generate price paths, and the stress
 * overlays applied on top of them.
 *
 * Conventions shared by every module of `sim/market`:
 * - Assets are named by symbol, in a fixed order with the base asset (a stablecoin, USDC for Trimtab) first, e.g.
 *   `["USDC", "WETH", "WBTC"]`. Every per-asset array follows that order.
 * - Prices are USD per whole token.
 * - A path has `steps + 1` rows: step 0 holds the initial prices, step k the prices `k × stepSeconds` later. The
 *   log return "of step k" (k ≥ 1) is the one that takes step k − 1 to step k; overlays are addressed by that k.
 * - Rates are per year of {@link secondsPerYear} seconds (365 days: crypto markets trade every day).
 */
import type { Random } from "../random.ts";

/** Seconds in the year that `…PerYear` rates refer to: 365 days. */
export const secondsPerYear = 31_536_000;

/** Observed USD prices of a list of assets at regularly spaced times. */
export type PriceHistory = {
  /** Asset symbols, base asset first. */
  symbols: readonly string[];
  /** Observation times in unix seconds, increasing, one per observation. */
  timestamps: readonly number[];
  /** USD price per whole token, `[observation][asset]`. */
  pricesUsd: readonly (readonly number[])[];
};

/**
 * Correlated geometric Brownian motion. Over a step of `dt` years the log price of asset i moves by
 * `(driftPerYear[i] − volatilityPerYear[i]² / 2)·dt + volatilityPerYear[i]·√dt·Zᵢ`, where Z = L·ε, L is the
 * Cholesky factor of `correlation` and ε independent standard normals; so `driftPerYear` is the drift of the price
 * itself (E[price_t] = price_0·e^(drift·t)). An asset with volatility 0 moves at its drift only.
 */
export type GbmModel = {
  kind: "gbm";
  symbols: readonly string[];
  /** Annualised drift μ of each asset's price (not of its log price). */
  driftPerYear: readonly number[];
  /** Annualised volatility σ of each asset's log returns, ≥ 0. */
  volatilityPerYear: readonly number[];
  /** Correlation matrix of the assets' log returns: symmetric, unit diagonal, positive semi-definite. */
  correlation: readonly (readonly number[])[];
  /** How well the history it was calibrated on pins the drift down (absent when the model was written by hand). */
  driftFit?: DriftFit;
};

/**
 * A drift estimated from a price history, and how uncertain it is. The drift is the log price's (m/dt, the yearly
 * growth of the median price; the price's own drift is σ²/2 more); its standard error is σ/√T for a window of T
 * years, whatever the spacing, so a month of history pins a volatile asset's yearly drift down only to within a few
 * hundred percent.
 */
export type DriftFit = {
  /** The estimate of each asset's log-price drift per year. */
  logDriftPerYear: readonly number[];
  /** Its standard error, per asset, per year. */
  standardErrorPerYear: readonly number[];
  /** The window the estimate saw: first and last observation (unix seconds) and the number of returns between. */
  fromSeconds: number;
  toSeconds: number;
  returns: number;
};

/**
 * Stationary block bootstrap (Politis & Romano, 1994) of historical log returns: a path replays runs of consecutive
 * historical returns (whole rows, so the assets' co-movement is kept), each run starting at a uniformly random
 * observation, wrapping around at the end of the history, and ending after each step with probability
 * `1 / blockLength` (so runs have a geometric length with mean `blockLength`).
 */
export type BootstrapModel = {
  kind: "bootstrap";
  symbols: readonly string[];
  /** Historical log returns at the history's spacing, `[observation][asset]`. */
  logReturns: readonly (readonly number[])[];
  /** The history's spacing; a simulation must use the same step. */
  stepSeconds: number;
  /** Mean length of a run of consecutive returns, in steps, ≥ 1 (1 = independent draws of single returns). */
  blockLength: number;
};

/**
 * Correlated log returns with fat tails: over a step of `dt` years the log price of asset i moves by
 * `logDriftPerYear[i]·dt + volatilityPerYear[i]·√dt·Tᵢ`, where T = √((ν − 2)/W)·L·ε is a multivariate Student-t
 * vector with ν = `degreesOfFreedom` scaled to unit variance (W chi-square with ν degrees of freedom, shared by the
 * assets of a step; L the Cholesky factor of `correlation`; ε independent standard normals). So `volatilityPerYear`
 * is the log returns' standard deviation per √year as for GBM, and the excess kurtosis of each return is 6/(ν − 4)
 * (infinite for ν ≤ 4). The drift is the log price's (the median price's growth), not the price's.
 */
export type StudentTModel = {
  kind: "student-t";
  symbols: readonly string[];
  /** Annualised drift of each asset's log price. */
  logDriftPerYear: readonly number[];
  /** Annualised standard deviation of each asset's log returns, ≥ 0. */
  volatilityPerYear: readonly number[];
  /** Correlation matrix of the assets' log returns: symmetric, unit diagonal, positive semi-definite. */
  correlation: readonly (readonly number[])[];
  /** ν, finite and > 2 (the variance exists); large ν is close to GBM. */
  degreesOfFreedom: number;
  /** The drift's estimate and window when calibrated (as on {@link GbmModel}). */
  driftFit?: DriftFit;
};

/**
 * GARCH(1,1) per asset with constant conditional correlation (Bollerslev, 1990), at a fixed step: the log return of
 * asset i at step t is `logDriftPerYear[i]·dt + σᵢ,ₜ·Zᵢ,ₜ` with conditional variance
 * `σ²ᵢ,ₜ = omegaPerStep[i] + alpha[i]·(σᵢ,ₜ₋₁·Zᵢ,ₜ₋₁)² + beta[i]·σ²ᵢ,ₜ₋₁`, starting from `initialVariancePerStep`
 * at the first step. Z has unit variances and `correlation`: normal, or multivariate Student-t scaled to unit
 * variance when `degreesOfFreedom` is set. The long-run variance per step is ω / (1 − α − β).
 */
export type GarchModel = {
  kind: "garch";
  symbols: readonly string[];
  /** The step the parameters are per; a simulation must use the same step. */
  stepSeconds: number;
  /** Annualised drift of each asset's log price. */
  logDriftPerYear: readonly number[];
  /** ω per asset: the constant of the variance recursion, in squared log return per step, ≥ 0. */
  omegaPerStep: readonly number[];
  /** α per asset: the weight of the last squared shock, ≥ 0. */
  alpha: readonly number[];
  /** β per asset: the weight of the last variance, ≥ 0, with α + β < 1. */
  beta: readonly number[];
  /** Conditional variance of the first simulated step per asset (the last fitted one, or the long-run one), ≥ 0. */
  initialVariancePerStep: readonly number[];
  /** Correlation of the standardised shocks: symmetric, unit diagonal, positive semi-definite. */
  correlation: readonly (readonly number[])[];
  /** ν > 2 for Student-t shocks; absent for normal shocks. */
  degreesOfFreedom?: number;
};

/** One regime of a {@link RegimeModel}: a correlated normal step, as GBM's but with the log price's drift. */
export type Regime = {
  /** "calm", "stressed", "crash" for a fitted model (ordered by volatility); any label otherwise. */
  name: string;
  /** Annualised drift of each asset's log price in this regime. */
  logDriftPerYear: readonly number[];
  /** Annualised standard deviation of each asset's log returns in this regime, ≥ 0. */
  volatilityPerYear: readonly number[];
  /** Correlation of the assets' log returns in this regime. */
  correlation: readonly (readonly number[])[];
};

/**
 * Markov regime switching (Hamilton, 1989) at a fixed step: a hidden regime follows a Markov chain with
 * `transitionPerStep[i][j]` = P(regime j at the next step | regime i now); a step's log returns are correlated normals
 * with the drift, volatility and correlation of the regime of that step. The regime of step 0 (today) has the
 * distribution `initialProbabilities`; a regime i lasts 1 / (1 − P[i][i]) steps on average.
 */
export type RegimeModel = {
  kind: "regimes";
  symbols: readonly string[];
  /** The step the transition matrix is per; a simulation must use the same step. */
  stepSeconds: number;
  /** At least one regime. */
  regimes: readonly Regime[];
  /** Row-stochastic: each row ≥ 0 and summing to 1 (within 1e-9), one row and column per regime. */
  transitionPerStep: readonly (readonly number[])[];
  /** The distribution of today's regime: ≥ 0, summing to 1 (within 1e-9). */
  initialProbabilities: readonly number[];
};

/** A model that generates price paths. */
export type MarketModel = GbmModel | BootstrapModel | StudentTModel | GarchModel | RegimeModel;

/**
 * A one-step crash: the log return of `step` of each listed asset gets `ln(1 − dropBps / 10_000)` added, so that
 * asset's price at `step` and every later step is `1 − dropBps / 10_000` times what it would have been.
 */
export type CrashOverlay = {
  kind: "crash";
  /** The step whose return carries the drop, in [1, steps]. */
  step: number;
  /** Drop per symbol in basis points, in [0, 10_000); unlisted assets are untouched. */
  dropBps: Readonly<Record<string, number>>;
};

/**
 * A volatility spike: over steps [fromStep, toStep] the random part of every asset's log return is multiplied by
 * `multiplier` (for GBM the σ·√dt·Z term; for the bootstrap the return's deviation from its historical mean).
 */
export type VolSpikeOverlay = {
  kind: "volSpike";
  /** First step affected, in [1, steps]. */
  fromStep: number;
  /** Last step affected, in [fromStep, steps]. */
  toStep: number;
  /** Factor on the random part of the return, ≥ 0. */
  multiplier: number;
};

/**
 * A depeg: the asset's price is pinned at `priceUsd` at every step of [fromStep, toStep]; from `toStep + 1` on it is
 * back on the path it would have followed without the depeg.
 */
export type DepegOverlay = {
  kind: "depeg";
  symbol: string;
  /** First pinned step, in [1, steps]. */
  fromStep: number;
  /** Last pinned step, in [fromStep, steps]. */
  toStep: number;
  /** The pinned price, > 0. */
  priceUsd: number;
};

/**
 * A borrow-rate spike: over steps [fromStep, toStep] every Morpho market the modules borrow on charges at least
 * `ratePerYear` (the interest of step k is the one accrued from step k − 1 to step k). Prices are untouched: the
 * strategy kernel reads it (see `borrowRateFloors` in stress.ts).
 */
export type RateSpikeOverlay = {
  kind: "rateSpike";
  /** First step affected, in [1, steps]. */
  fromStep: number;
  /** Last step affected, in [fromStep, steps]. */
  toStep: number;
  /** The lowest borrow rate meanwhile, a simple yearly rate (1 = 100%), ≥ 0. */
  ratePerYear: number;
};

/** A stress applied on top of a model's path. */
export type StressOverlay = CrashOverlay | VolSpikeOverlay | DepegOverlay | RateSpikeOverlay;

/** The shape of the paths a generator writes. */
export type PathOptions = {
  /** Number of steps after the initial prices, an integer ≥ 1. */
  steps: number;
  /** Length of a step in seconds, > 0. */
  stepSeconds: number;
  /** USD prices at step 0, one per symbol, > 0. */
  initialPricesUsd: readonly number[];
};

/**
 * Writes one path of `(steps + 1) × assets` USD prices into `out`, row-major from `offset`:
 * `out[offset + step × assets + asset]`. Draws its random numbers from `random` in the order the generator documents.
 */
export type PathGenerator = (random: Random, out: Float64Array, offset: number) => void;
