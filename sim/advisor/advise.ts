/**
 * The strategy advisor: searches the space the registry allows for the Pareto front of expected return against tail
 * risk (CVaR 95), under ceilings on the liquidation probability and the reverse stress test's breaking point, on
 * common random numbers; then says, per front point, whether it beats the current set beyond uncertainty (Monte
 * Carlo error, the bear/flat/bull drifts, each market model), and whether the current and proposed sets are
 * dominated, and by which point.
 *
 * The algorithm is NSGA-II (nsga2.ts) from a Latin hypercube start that includes the current set; every set it
 * evaluates is kept, and the front is taken over all of them. Sets are evaluated in batches by an `Evaluator`: in
 * this thread (`localEvaluator`) or over worker threads / Web Workers (pool.ts), with the same numbers either way.
 */
import { pairedBootstrap, type Difference } from "../intervals.ts";
import { withDrift } from "../market/drift.ts";
import type { MarketModel } from "../market/types.ts";
import { validateParams, withChanges } from "../model/params.ts";
import type { StrategyParams } from "../model/types.ts";
import { createRandom } from "../random.ts";
import {
  checkWholeNumber,
  sensitivityDriftsPerYear,
  simulationDefaults,
  type SensitivityScenario,
} from "../runSettings.ts";
import { evaluateSets } from "./evaluate.ts";
import {
  latinHypercube,
  nonDominatedRanks,
  offspring,
  selectSurvivors,
  crowdingDistances,
  type Scored,
} from "./nsga2.ts";
import { pointAt, searchSpace, valuesOf, type RuleRange } from "./space.ts";
import {
  pointMetricBetter,
  type AdvisorPoint,
  type AdvisorResult,
  type AdvisorStart,
  type Ceilings,
  type Dominance,
  type EvaluationBase,
  type Evaluator,
  type PointMetrics,
  type Robustness,
  type SetEvaluation,
  type Verdict,
} from "./types.ts";

export type AdvisorRequest = {
  start: AdvisorStart;
  /** The market the search runs on, its drift already chosen (sim/market/drift.ts `resolveDrift`). */
  market: MarketModel;
  /** Every registry parameter's range by its rules (min, max), by name, in its units. */
  ranges: Readonly<Record<string, RuleRange>>;
  /** The parameters to search (default `defaultAdvisorParameters`). */
  parameters?: readonly string[];
  /** A proposal's changes (registry names and units), to place on the front beside the current set. */
  proposed?: Readonly<Record<string, number | bigint | boolean>>;
  ceilings?: Partial<Ceilings>;
  /** Other market models to check the front's robustness under (each with its drift chosen), by name. */
  models?: readonly { name: string; market: MarketModel }[];
  paths?: number;
  steps?: number;
  stepSeconds?: number;
  seed?: number;
  /** NSGA-II's population, and how many generations of offspring follow the start (sets ≈ population × (1 + generations)). */
  population?: number;
  generations?: number;
  /** Paths of each robustness run (drifts, models): default the smaller of `paths` and 500. */
  robustnessPaths?: number;
};

export const advisorDefaults = {
  ...simulationDefaults,
  population: 40,
  generations: 4,
  robustnessPaths: 500,
  ceilings: { liquidationProbability: 0.01, breakingDropAtLeast: 0.3 },
  /** Front points checked for robustness at most (evenly spread along the front when it holds more). */
  robustPoints: 24,
  bootstrapResamples: 400,
} as const;

export type AdvisorProgress = { phase: "search" | "robustness"; done: number; total: number };

/** Evaluates in this thread (see pool.ts for workers). */
export const localEvaluator: Evaluator = async (base, sets) => evaluateSets(base, sets);

function checkCeilings(ceilings: Ceilings): void {
  const { liquidationProbability: p, breakingDropAtLeast: d } = ceilings;
  if (!(Number.isFinite(p) && p >= 0 && p <= 1))
    throw new Error(`ceilings.liquidationProbability must be a probability from 0 to 1, got ${p}`);
  if (!(Number.isFinite(d) && d >= 0 && d < 1))
    throw new Error(`ceilings.breakingDropAtLeast must be a fraction from 0 to below 1, got ${d}`);
}

/** The ceilings `metrics` breaks, in words. */
export function brokenCeilings(metrics: PointMetrics, ceilings: Ceilings): string[] {
  const pct = (x: number) => `${+(x * 100).toFixed(2)}%`;
  const broken: string[] = [];
  if (metrics.liquidationProbability > ceilings.liquidationProbability)
    broken.push(
      `liquidation probability ${pct(metrics.liquidationProbability)} is above ${pct(ceilings.liquidationProbability)}`,
    );
  if (metrics.breakingDrop < ceilings.breakingDropAtLeast)
    broken.push(
      `a ${pct(metrics.breakingDrop)} joint drop liquidates a module (at least ${pct(ceilings.breakingDropAtLeast)} asked)`,
    );
  return broken;
}

const scoreOf = (metrics: PointMetrics, ceilings: Ceilings): Scored => ({
  objectives: [-metrics.returnMean, metrics.cvar95],
  violation:
    Math.max(0, metrics.liquidationProbability - ceilings.liquidationProbability) +
    Math.max(0, ceilings.breakingDropAtLeast - metrics.breakingDrop),
});

/** Pareto comparison of two objectives' differences (point less current) beyond their 95% intervals. */
export function verdictOf(returnMean: Difference, cvar95: Difference): Verdict {
  const better = [returnMean.low95 > 0, cvar95.high95 < 0];
  const worse = [returnMean.high95 < 0, cvar95.low95 > 0];
  if (better.some(Boolean) && worse.some(Boolean)) return "trade-off";
  if (better.some(Boolean)) return "better";
  if (worse.some(Boolean)) return "worse";
  return "can't tell";
}

/** The paired differences (point less current) of the two objectives, with their Monte Carlo intervals. */
function pairedObjectives(current: Float64Array, point: Float64Array, seed: number) {
  const differences = pairedBootstrap(
    {
      returnMean: { statistic: { kind: "mean" }, current, proposed: point },
      cvar95: { statistic: { kind: "cvar", confidence: 0.95 }, current, proposed: point },
    },
    current.length,
    advisorDefaults.bootstrapResamples,
    createRandom((seed ^ 0x2f6b3a1d) | 0),
  );
  return { returnMean: differences.returnMean!, cvar95: differences.cvar95! };
}

/**
 * Runs the advisor. `evaluate` runs batches of sets (in this thread or over workers); progress is reported per batch,
 * and the run stops at `signal`.
 */
export async function advise(
  request: AdvisorRequest,
  evaluate: Evaluator = localEvaluator,
  options: { onProgress?: (progress: AdvisorProgress) => void; signal?: AbortSignal } = {},
): Promise<AdvisorResult> {
  const { start } = request;
  const symbols = start.setup.symbols;
  const ceilings: Ceilings = { ...advisorDefaults.ceilings, ...request.ceilings };
  checkCeilings(ceilings);
  const population = request.population ?? advisorDefaults.population;
  const generations = request.generations ?? advisorDefaults.generations;
  checkWholeNumber("population", population, 4, 1_000);
  checkWholeNumber("generations", generations, 0, 100);
  const space = searchSpace(request.ranges, start, request.parameters);
  const baseWeight = request.ranges[`weight.${symbols[0]}`] ?? { min: 0, max: 10_000 };
  const base: EvaluationBase = {
    start,
    market: request.market,
    paths: request.paths ?? advisorDefaults.paths,
    steps: request.steps ?? advisorDefaults.steps,
    stepSeconds: request.stepSeconds ?? advisorDefaults.stepSeconds,
    seed: request.seed ?? advisorDefaults.seed,
  };
  const robustnessPaths = request.robustnessPaths ?? Math.min(base.paths, advisorDefaults.robustnessPaths);
  checkWholeNumber("robustnessPaths", robustnessPaths, 2, base.paths);
  validateParams(start.params, start.setup, "current");
  const proposedParams = request.proposed ? withChanges(start.params, request.proposed, symbols) : undefined;
  if (proposedParams) validateParams(proposedParams, start.setup, "proposed");
  const random = createRandom((base.seed ^ 0x1b873593) | 0);
  const total = population * (1 + generations);
  let evaluatedCount = 0;

  // Every set evaluated, by its values (a set met again is not run again).
  const points: (AdvisorPoint & { params: StrategyParams; x: number[]; returns: Float64Array })[] = [];
  const byKey = new Map<string, number>();
  const unit = (values: readonly number[]) =>
    values.map((v, i) => (v - space[i]!.min) / (space[i]!.max - space[i]!.min));

  /** Evaluates the sets at `xs` (unit-cube points), returning each one's point index (undefined: no valid set). */
  const evaluateAt = async (xs: readonly number[][], extra: StrategyParams[] = []): Promise<(number | undefined)[]> => {
    options.signal?.throwIfAborted();
    const made = xs.map((x) =>
      pointAt(
        x.map((u, i) => space[i]!.min + u * (space[i]!.max - space[i]!.min)),
        space,
        start,
        baseWeight,
      ),
    );
    const wanted: { key: string; values: number[]; params: StrategyParams }[] = [];
    const keys = made.map((m) => {
      if ("problem" in m) return undefined;
      const key = m.values.join(",");
      if (!byKey.has(key) && !wanted.some((w) => w.key === key))
        wanted.push({ key, values: m.values, params: m.params });
      return key;
    });
    for (const params of extra) {
      const values = valuesOf(params, space, symbols);
      const key = `${values.join(",")}|${JSON.stringify(params)}`;
      keys.push(key);
      if (!byKey.has(key)) wanted.push({ key, values, params });
    }
    const results =
      wanted.length > 0
        ? await evaluate(
            base,
            wanted.map((w) => w.params),
          )
        : [];
    wanted.forEach((w, i) => {
      const { metrics, returns } = results[i]!;
      byKey.set(w.key, points.length);
      points.push({
        id: points.length,
        values: Object.fromEntries(space.map((d, j) => [d.name, w.values[j]!])),
        metrics,
        breaks: brokenCeilings(metrics, ceilings),
        rank: null,
        params: w.params,
        x: unit(w.values),
        returns,
      });
    });
    evaluatedCount += wanted.length;
    options.onProgress?.({ phase: "search", done: Math.min(evaluatedCount, total), total });
    return keys.map((key) => (key === undefined ? undefined : byKey.get(key)));
  };

  // The start: the current set (and the proposed one), then a Latin hypercube.
  const [currentIndex, proposedIndex] = (await evaluateAt(
    [],
    [start.params, ...(proposedParams ? [proposedParams] : [])],
  )) as [number, number | undefined];
  let members = [
    currentIndex,
    ...(await evaluateAt(latinHypercube(population - 1, space.length, random))).filter((i) => i !== undefined),
  ];
  const scored = () => points.map((p) => scoreOf(p.metrics, ceilings));
  for (let g = 0; g < generations; g++) {
    const scores = scored();
    const memberScores = members.map((i) => scores[i]!);
    const ranks = nonDominatedRanks(memberScores);
    const crowding = crowdingDistances(
      memberScores,
      memberScores.map((_, i) => i),
    );
    const parents = members.map((i, k) => ({ x: points[i]!.x, rank: ranks[k]!, crowding: crowding.get(k) ?? 0 }));
    // A generation evaluates `population` new sets: children that repeat a set already run are bred again (a few
    // rounds at most, as a population that has converged breeds little that is new).
    const before = points.length;
    const children: number[] = [];
    for (let round = 0; round < 4 && points.length - before < population; round++) {
      const bred = offspring(parents, population - (points.length - before), random);
      children.push(...(await evaluateAt(bred)).filter((i) => i !== undefined));
    }
    const pool = [...new Set([...members, ...children])];
    const all = scored();
    members = selectSurvivors(
      pool.map((i) => all[i]!),
      population,
    ).map((k) => pool[k]!);
  }

  // The front over every set evaluated.
  const scores = scored();
  const ranks = nonDominatedRanks(scores);
  points.forEach((p, i) => (p.rank = p.breaks.length === 0 ? ranks[i]! : null));
  const front = points
    .filter((p) => p.rank === 0)
    .sort((a, b) => a.metrics.cvar95 - b.metrics.cvar95 || b.metrics.returnMean - a.metrics.returnMean || a.id - b.id);

  // Robustness of the front (evenly spread when it is long) and of the proposed set, against the current set.
  const checked = spread(front, advisorDefaults.robustPoints);
  if (proposedIndex !== undefined && !checked.includes(points[proposedIndex]!)) checked.push(points[proposedIndex]!);
  const current = points[currentIndex]!;
  const others = checked.filter((p) => p !== current);
  const runs = robustnessRuns(request, base, robustnessPaths);
  const runResults: SetEvaluation[][] = [];
  for (const [i, run] of runs.entries()) {
    options.signal?.throwIfAborted();
    runResults.push(await evaluate(run.base, [current.params, ...others.map((p) => p.params)]));
    options.onProgress?.({ phase: "robustness", done: i + 1, total: runs.length });
  }
  others.forEach((point, k) => {
    const monteCarlo = pairedObjectives(current.returns, point.returns, base.seed);
    const drift = {} as Robustness["drift"];
    const models: Robustness["models"] = [];
    runs.forEach((run, r) => {
      const objectives = pairedObjectives(runResults[r]![0]!.returns, runResults[r]![k + 1]!.returns, base.seed);
      const entry = { verdict: verdictOf(objectives.returnMean, objectives.cvar95), ...objectives };
      if (run.kind === "drift") drift[run.name as SensitivityScenario] = entry;
      else models.push({ name: run.name, ...entry });
    });
    point.robustness = robustnessOf(
      { verdict: verdictOf(monteCarlo.returnMean, monteCarlo.cvar95), ...monteCarlo },
      drift,
      models,
    );
  });

  const publicPoint = ({
    params: _params,
    x: _x,
    returns: _returns,
    ...point
  }: (typeof points)[number]): AdvisorPoint => point;
  const frontPoints = front.map(publicPoint);
  const proposed = proposedIndex === undefined ? undefined : points[proposedIndex]!;
  return {
    algorithm:
      `NSGA-II (population ${population}, ${generations} generations, simulated binary crossover and polynomial ` +
      `mutation) from a Latin hypercube start holding the current set; ${points.length} sets evaluated on the same ` +
      `${base.paths} paths × ${base.steps} steps; the front is taken over every set evaluated`,
    space,
    ceilings,
    base: { paths: base.paths, steps: base.steps, stepSeconds: base.stepSeconds, seed: base.seed },
    evaluated: points.map(publicPoint),
    front: front.map((p) => p.id),
    current: publicPoint(current),
    ...(proposed ? { proposed: publicPoint(proposed) } : {}),
    dominance: [
      dominanceOf("current", publicPoint(current), frontPoints),
      ...(proposed ? [dominanceOf("proposed", publicPoint(proposed), frontPoints)] : []),
    ],
  };
}

/** At most `count` of `items`, evenly spread (first and last kept). */
function spread<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  return Array.from({ length: count }, (_, i) => items[Math.round((i * (items.length - 1)) / (count - 1))]!);
}

/** The robustness runs: the search's market under the bear, flat and bull drifts, and each other market model. */
function robustnessRuns(request: AdvisorRequest, base: EvaluationBase, paths: number) {
  const symbols = base.start.setup.symbols;
  const drifts = (Object.keys(sensitivityDriftsPerYear) as SensitivityScenario[]).map((name) => ({
    kind: "drift" as const,
    name,
    base: {
      ...base,
      paths,
      market: withDrift(
        request.market,
        symbols.map((_, i) => (i === 0 ? 0 : sensitivityDriftsPerYear[name])),
      ),
    },
  }));
  const models = (request.models ?? []).map(({ name, market }) => ({
    kind: "model" as const,
    name,
    base: { ...base, paths, market },
  }));
  return [...drifts, ...models];
}

function robustnessOf(
  monteCarlo: Robustness["monteCarlo"],
  drift: Robustness["drift"],
  models: Robustness["models"],
): Robustness {
  const checks = [
    { label: "on the search's paths", verdict: monteCarlo.verdict },
    ...Object.entries(drift).map(([name, d]) => ({ label: `with a ${name} drift`, verdict: d.verdict })),
    ...models.map((m) => ({ label: `under ${m.name}`, verdict: m.verdict })),
  ];
  const not = checks.filter((c) => c.verdict !== "better");
  const overall: Verdict =
    not.length === 0
      ? "better"
      : monteCarlo.verdict === "worse"
        ? "worse"
        : monteCarlo.verdict === "trade-off"
          ? "trade-off"
          : "can't tell";
  const reason =
    not.length === 0
      ? `beats the current set beyond Monte Carlo error ${checks.map((c) => c.label).join(", ")}`
      : `not better beyond uncertainty: ${not.map((c) => `${c.verdict} ${c.label}`).join("; ")}`;
  return { overall, reason, monteCarlo, drift, models };
}

/** How far `a` is better than `b` on `metric` (positive: better), in the metric's units. */
const margin = (metric: keyof PointMetrics, a: number, b: number) =>
  pointMetricBetter[metric] === "higher" ? a - b : b - a;

/** Whether `set` is dominated by a front point on the objectives, by which one (the widest margin), metric by metric. */
export function dominanceOf(which: Dominance["set"], set: AdvisorPoint, front: readonly AdvisorPoint[]): Dominance {
  const dominators = front.filter(
    (p) =>
      p.id !== set.id &&
      p.metrics.returnMean >= set.metrics.returnMean &&
      p.metrics.cvar95 <= set.metrics.cvar95 &&
      (p.metrics.returnMean > set.metrics.returnMean || p.metrics.cvar95 < set.metrics.cvar95),
  );
  const width = (p: AdvisorPoint) =>
    margin("returnMean", p.metrics.returnMean, set.metrics.returnMean) +
    margin("cvar95", p.metrics.cvar95, set.metrics.cvar95);
  const by = [...dominators].sort((a, b) => width(b) - width(a) || a.id - b.id)[0];
  const metrics = (Object.keys(pointMetricBetter) as (keyof PointMetrics)[]).map((metric) => {
    const own = set.metrics[metric];
    const point = (by ?? set).metrics[metric];
    const m = margin(metric, point, own);
    return {
      metric,
      set: own,
      point,
      better: m > 0 ? ("point" as const) : m < 0 ? ("set" as const) : ("equal" as const),
    };
  });
  return { set: which, dominated: by !== undefined, ...(by ? { by: by.id } : {}), metrics };
}
