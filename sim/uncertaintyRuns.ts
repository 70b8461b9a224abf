/**
 * The runs behind the second kind of uncertainty and the adaptive path count (their reading is sim/uncertainty.ts):
 *
 * - {@link createModelComparisons}: the comparison under each of a list of named market models, on the first paths
 *   of the run's seed, once with the model's parameters fixed (Monte Carlo error only) and once with them re-drawn per
 *   path from their sampling distribution (sim/parameterDraws.ts), with the same paired-bootstrap intervals.
 * - {@link createAdaptivePathCount}: grows the main run, doubling its paths, until every headline difference's sign
 *   is settled or a cap is reached. A grown run is the same, bit for bit, as a run created with the final count.
 */
import { resolveDrift } from "./market/drift.ts";
import type { MarketModelFit } from "./market/fit.ts";
import type { MarketModel } from "./market/types.ts";
import {
  createMonteCarlo,
  type ComparedMetric,
  type Difference,
  type MonteCarlo,
  type MonteCarloInputs,
} from "./monteCarlo.ts";
import { createMarketDraws, fittedWindow, type HistoryWindow } from "./parameterDraws.ts";
import { navPointsProblem, simulationLimits, type DriftChoice } from "./runSettings.ts";
import {
  headlineMetrics,
  negligibleWidths,
  unsettledMetrics,
  type AdaptiveOutcome,
  type HeadlineDifferences,
  type HeadlineMetric,
  type ModelComparison,
  type ParameterUncertainty,
} from "./uncertainty.ts";

/**
 * A market model to compare under, by name; `history` overrides the window its parameters are known from; `fit`, how
 * well the model fits the history it was fitted to (carried to the report's comparison).
 */
export type NamedMarket = { name: string; market: MarketModel; history?: HistoryWindow; fit?: MarketModelFit };

/** The headline differences of all compared differences. */
export const headlineOf = (all: Record<ComparedMetric, Difference | null>): HeadlineDifferences =>
  Object.fromEntries(headlineMetrics.map((m) => [m, all[m]])) as HeadlineDifferences;

/** Throws, naming the setting, unless `value` is a whole number of paths within the simulation's limits. */
export function checkPathCount(value: number, field: string): void {
  const { min, max } = simulationLimits.paths;
  if (!(Number.isInteger(value) && value >= min && value <= max))
    throw new Error(`${field} must be a whole number from ${min} to ${max}, got ${value}`);
}

/**
 * The comparison under each of `models` on `paths` paths (the first of `inputs.seed`), with the market's drift as
 * `drift` chooses: one run with the parameters fixed and, where the model's sampling distribution is known, one with
 * them re-drawn per path. Throws, naming `uncertainty.historyReturns`, for a GBM or bootstrap that was not fitted to
 * a history and is given none; and naming the model for a model whose name is taken or missing.
 */
export function createModelComparisons(
  inputs: MonteCarloInputs,
  models: readonly NamedMarket[],
  options: { paths: number; drift: DriftChoice },
): { sessions: MonteCarlo[]; results(): ParameterUncertainty } {
  checkPathCount(options.paths, "uncertainty.paths");
  if (models.length === 0) throw new Error("uncertainty: give at least one market model to compare under");
  const names = new Set<string>();
  const runs = models.map(({ name, market: model, history, fit }) => {
    if (!name.trim()) throw new Error("uncertainty: every market model needs a name");
    if (names.has(name)) throw new Error(`uncertainty: two market models are named "${name}"`);
    names.add(name);
    const { market } = resolveDrift(model, options.drift);
    const window = history ?? fittedWindow(model);
    if (!window && (model.kind === "gbm" || model.kind === "bootstrap"))
      throw new Error(
        `uncertainty.historyReturns: the market "${name}" was not fitted to a history: say how many daily returns ` +
          `its parameters are known from`,
      );
    const draws = window && createMarketDraws(market, window, inputs.seed);
    const run = { ...inputs, market, paths: options.paths };
    return {
      name,
      kind: model.kind,
      fit,
      window,
      fixed: createMonteCarlo(run),
      redrawn: draws ? createMonteCarlo({ ...run, marketOfPath: draws }) : undefined,
    };
  });
  return {
    sessions: runs.flatMap((r) => (r.redrawn ? [r.fixed, r.redrawn] : [r.fixed])),
    results: () => ({
      paths: options.paths,
      models: runs.map((r): ModelComparison => ({
        name: r.name,
        kind: r.kind,
        fixed: headlineOf(r.fixed.differences()),
        ...(r.redrawn ? { redrawn: headlineOf(r.redrawn.differences()) } : {}),
        ...(r.window ? { history: { returns: r.window.returns, stepSeconds: r.window.stepSeconds } } : {}),
        ...(r.fit ? { fit: r.fit } : {}),
      })),
    }),
  };
}

/** Throws, naming `adaptive.maxPaths`, unless the cap is a usable path count at least `paths`. */
export function checkAdaptiveSettings(adaptive: { maxPaths: number }, paths: number, steps: number): void {
  checkPathCount(adaptive.maxPaths, "adaptive.maxPaths");
  if (adaptive.maxPaths < paths)
    throw new Error(`adaptive.maxPaths (${adaptive.maxPaths}) must be at least the paths asked for (${paths})`);
  const tooMany = navPointsProblem(adaptive.maxPaths, steps);
  if (tooMany) throw new Error(`adaptive.maxPaths: ${tooMany}`);
}

/**
 * The adaptive path count of `main` (created with the paths asked for): after each stage `check()` reads the headline
 * differences and, while one's sign is unsettled (see sim/uncertainty.ts `signSettled`) and the cap allows, doubles
 * the run's paths (at most `maxPaths`) and returns true; else it returns false and the count is final.
 */
export function createAdaptivePathCount(
  main: MonteCarlo,
  settings: { startPaths: number; maxPaths: number },
): { paths(): number; finished(): boolean; check(): boolean; outcome(): AdaptiveOutcome } {
  const widths = negligibleWidths(main.startNav);
  const stages: number[] = [];
  let paths = settings.startPaths;
  let unsettled: HeadlineMetric[] = [];
  let finished = false;
  return {
    paths: () => paths,
    finished: () => finished,
    check() {
      if (finished) return false;
      stages.push(paths);
      unsettled = unsettledMetrics(headlineOf(main.differences()), widths);
      if (unsettled.length === 0 || paths >= settings.maxPaths) {
        finished = true;
        return false;
      }
      paths = Math.min(settings.maxPaths, 2 * paths);
      main.extend(paths);
      return true;
    },
    outcome: () => ({
      startPaths: settings.startPaths,
      maxPaths: settings.maxPaths,
      paths,
      stages: [...stages],
      negligible: widths,
      unsettled: [...unsettled],
    }),
  };
}
