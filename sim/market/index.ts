/**
 * Market simulation: price-history calibration, market models (correlated GBM, stationary block bootstrap, Student-t,
 * GARCH(1,1), Markov regime switching) with their maximum-likelihood fits and VaR backtests, stress overlays and the
 * allocation-free path generator of the Monte-Carlo kernel.
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
  fitMarketModel,
  marketModelKinds,
  marketModelLabel,
  type FitMarketModelOptions,
  type MarketModelFit,
  type MarketModelKind,
} from "./fit.ts";
export { marketModelFitMarkdown } from "./fitReport.ts";
export { fitStudentT, type StudentTFitOptions } from "./studentT.ts";
export { fitGarch, garchVarianceForecasts, type GarchFitOptions } from "./garch.ts";
export { fitRegimes, regimeFilter, regimeNames, stationaryProbabilities, type RegimeFitOptions } from "./regimes.ts";
export { nelderMead, type NelderMeadOptions, type RawFit, type ReturnsFitInput } from "./likelihood.ts";
export {
  backtestVar,
  christoffersenIndependenceTest,
  dailyLogReturnsFromCsv,
  kupiecTest,
  varBacktestMarkdown,
  varBreaches,
  varForecasts,
  varTest,
  type VarBacktestOptions,
  type VarBacktestRow,
  type VarForecasts,
  type VarTest,
} from "./varBacktest.ts";
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
  type GarchModel,
  type GbmModel,
  type MarketModel,
  type PathGenerator,
  type PathOptions,
  type PriceHistory,
  type RateSpikeOverlay,
  type Regime,
  type RegimeModel,
  type StressOverlay,
  type StudentTModel,
  type VolSpikeOverlay,
} from "./types.ts";
