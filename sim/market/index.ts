/**
 * Market simulation: price-history calibration, market models (correlated GBM, stationary block bootstrap), stress
 * overlays and the allocation-free path generator of the Monte-Carlo kernel.
 */
export {
  calibrateBootstrap,
  calibrateGbm,
  cholesky,
  historicalLogReturns,
  returnStatistics,
  validateMarketModel,
  type CalibrateBootstrapOptions,
  type CalibrateGbmOptions,
  type HistoryOptions,
} from "./calibrate.ts";
export { calibrationLimits, describeCalibration, type AssetCalibration, type Calibration } from "./calibration.ts";
export { createPathGenerator } from "./paths.ts";
export {
  borrowRateFloors,
  crashScenario,
  rateSpikeScenario,
  stressScenarioNames,
  stressScenarios,
  usdcDepegScenario,
  volSpikeScenario,
  type StressScenario,
  type StressScenarioName,
  type StressScenarioOptions,
} from "./stress.ts";
export {
  secondsPerYear,
  type BootstrapModel,
  type CrashOverlay,
  type DepegOverlay,
  type DriftFit,
  type GbmModel,
  type MarketModel,
  type PathGenerator,
  type PathOptions,
  type PriceHistory,
  type RateSpikeOverlay,
  type StressOverlay,
  type VolSpikeOverlay,
} from "./types.ts";
