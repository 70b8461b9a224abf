/**
 * Trimtab's impact simulation: what a proposal's parameter changes would do to the portfolio, as the contracts would
 * act, under Monte Carlo markets and over the recorded history. Browser-safe: the CLI, scripts and the web app's
 * Web Worker import the same code. See docs/simulation.md.
 */
export { knownAdaptiveCurveIrms, readStartPoint, type StartPoint } from "./chain.ts";
export { readPriceHistory, type ReadPriceHistoryOptions } from "./history.ts";
export { parsePriceHistoryFile, priceHistoryFromTable, type PriceHistoryTable } from "./historyFile.ts";
export * from "./market/index.ts";
export { modelDrift, resolveDrift, withDrift, type AssetDriftUsed, type DriftUsed } from "./market/drift.ts";
export {
  defaultDrift,
  readDriftSetting,
  sensitivityDriftsPerYear,
  type AssetDrift,
  type DriftChoice,
  type DriftReading,
  type SensitivityScenario,
} from "./runSettings.ts";
export { modelParameterNames, paramValue, paramsFromRegistry, validateParams, withChanges } from "./model/params.ts";
export { createStrategy, type ActionRecord, type Strategy } from "./model/strategy.ts";
export { adaptiveCurveBorrowRate, adaptiveCurveConstants } from "./model/adaptiveCurveIrm.ts";
export { describeRateModel, ratesAndPoolsMarkdown, ratesAndPoolsSummary } from "./ratesAndPools.ts";
export { arbitrageBand } from "./model/prices.ts";
export type * from "./model/types.ts";
export { createRandom, type Random } from "./random.ts";
export {
  canonicalJson,
  driftSummary,
  metricRows,
  monteCarloErrorNote,
  nilImpact,
  renderMarkdown,
  sensitivityTable,
  type DriftRow,
  type HeadlineMetrics,
  type MetricRow,
  type Sensitivity,
  type SensitivityRow,
  reportSchema,
  engineVersion,
  verdictOf,
  verifyReport,
  type ImpactReport,
  type Verdict,
} from "./report.ts";
export { cantTellFromZero, pairedBootstrap, pairedProportionDifference } from "./intervals.ts";
export { betaQuantile, clopperPearson, regularizedIncompleteBeta, type Interval } from "./stats.ts";
export {
  simulate,
  simulateNow,
  simulationDefaults,
  type Progress,
  type SimulateOptions,
  type SimulationRequest,
} from "./simulate.ts";
export {
  bootstrapResamples,
  comparedMetrics,
  drawdownBinEdges,
  type Better,
  type ComparedMetric,
  type Difference,
  type SetSummary,
} from "./monteCarlo.ts";
export { runInWorker, type WorkerLike } from "./workerClient.ts";
export {
  adaptiveLine,
  differenceCell,
  headlineLabels,
  negligibleDifference,
  negligibleWidths,
  modelFitRow,
  parameterUncertaintyTable,
  signFlipLine,
  signSettled,
  uncertaintyMarkdown,
  unsettledMetrics,
  type AdaptiveOutcome,
  type HeadlineMetric,
  type ModelComparison,
  type ModelFitRow,
  type OmittedModel,
  type ParameterUncertainty,
  type UncertaintyResults,
} from "./uncertainty.ts";
export { createMarketDraws, fittedWindow, type HistoryWindow, type MarketDraws } from "./parameterDraws.ts";
export { createAdaptivePathCount, createModelComparisons, type NamedMarket } from "./uncertaintyRuns.ts";
export {
  comparisonModelNames,
  comparisonModels,
  fittedComparisonKinds,
  historyBootstrapBlockLength,
  type ComparisonModelsParameters,
  type FittedComparisonKind,
} from "./comparisonModels.ts";
export {
  costMetrics,
  hedgeValueOfSet,
  usdMetrics,
  type CostBreakdown,
  type CostMetric,
  type HedgeValue,
  type HedgeValueOfSet,
  type HolderResults,
} from "./holderMetrics.ts";
export { costRows, hedgeLines, hedgeSentence, holderMarkdown, stressedTables, usdRows } from "./holderView.ts";
export {
  stressedComparison,
  stressedMetrics,
  stressLabel,
  type Stressed,
  type StressedComparison,
} from "./stressed.ts";
