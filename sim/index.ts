/**
 * Trimtab's impact simulation: what a proposal's parameter changes would do to the portfolio, as the contracts would
 * act, under Monte Carlo markets and over the recorded history. Browser-safe: the CLI, scripts and the web app's
 * Web Worker import the same code. See README, "Impact simulation".
 */
export { readStartPoint, type StartPoint } from "./chain.ts";
export { readPriceHistory } from "./history.ts";
export * from "./market/index.ts";
export { modelParameterNames, paramValue, paramsFromRegistry, validateParams, withChanges } from "./model/params.ts";
export { createStrategy, type ActionRecord, type Strategy } from "./model/strategy.ts";
export type * from "./model/types.ts";
export { createRandom, type Random } from "./random.ts";
export {
  canonicalJson,
  metricRows,
  renderMarkdown,
  type MetricRow,
  reportSchema,
  engineVersion,
  verifyReport,
  type ImpactReport,
} from "./report.ts";
export {
  simulate,
  simulateNow,
  simulationDefaults,
  type Progress,
  type SimulateOptions,
  type SimulationRequest,
} from "./simulate.ts";
export { drawdownBinEdges, type Difference, type SetSummary } from "./monteCarlo.ts";
export { runInWorker, type WorkerLike } from "./workerClient.ts";
