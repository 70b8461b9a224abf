/**
 * What the model resolves: for each parameter a proposal changes, whether the simulation at its step and pool model
 * can show that change's effect, and why not when it cannot (a parameter the model does not read, an interval
 * shorter than a step, a cap that never binds, a fee tier without a pool). The report lists it, so that a voter
 * reads "not resolved" instead of a row of zeros.
 */
import type { TradeCapBound } from "./monteCarlo.ts";
import type { Pool, StrategyParams } from "./model/types.ts";

/**
 * - `resolved`: the model acts on the parameter as the contracts do, at the step simulated;
 * - `partly resolved`: it does for one of the two values only (an interval below the step acts as one step);
 * - `not resolved`: the model reads the parameter, but at this step, pool model or vault size the change cannot show;
 * - `not modelled`: the model does not read the parameter at all.
 */
export type CoverageStatus = "resolved" | "partly resolved" | "not resolved" | "not modelled";

/** One changed parameter: whether the model resolves it, and why (or how) in one sentence. */
export type ParameterCoverage = { name: string; status: CoverageStatus; reason: string };

/**
 * The pool a proposed `poolFee.<SYMBOL>` trades on, as read from the Uniswap V3 factory at the report's block: the
 * pool at that fee tier (`getPool(risk, base, fee)`), null when the factory has none (the vault's swaps would
 * revert), or `"not read"` when the start point did not read that tier.
 */
export type ProposedPool = { symbol: string; feePpm: number; pool: Pool | null | "not read" };

/** The report's `results.coverage`. */
export type Coverage = {
  parameters: ParameterCoverage[];
  /** How often `rebalance.maxTradeBps` bound under each set (paths, rebalances). */
  tradeCapBound?: { current: TradeCapBound; proposed: TradeCapBound };
  /** The pools at the proposed fee tiers, for every `poolFee.<SYMBOL>` the proposal changes. */
  proposedPools?: ProposedPool[];
};

/** What the coverage is judged from: the run's changes and model, and what it counted. */
export type CoverageInputs = {
  /** The changed parameters the model reads (the report's `inputs.changes`). */
  changed: readonly string[];
  /** Changed parameters the model does not read (e.g. `oracle.maxStalenessSec.WETH`, `feed.WETH`). */
  notModelled: readonly string[];
  params: { current: StrategyParams; proposed: StrategyParams };
  symbols: readonly string[];
  stepSeconds: number;
  paths: number;
  tradeCapBound?: { current: TradeCapBound; proposed: TradeCapBound };
  proposedPools?: readonly ProposedPool[];
  /**
   * Whether the market model moves the pools away from the oracle between keeper cycles. Hook for a pool–oracle gap
   * model: until one sets this, the pools are realigned to the oracle every step and `oracle.maxDeviationBps` never
   * bites, so it is "not modelled".
   */
  poolOracleGap?: boolean;
};

/** A Uniswap V3 fee in hundredths of a bp as a percentage: 500 → "0.05%", 3000 → "0.3%". */
export const feeTierText = (feePpm: number): string => `${+(feePpm / 10_000).toFixed(4)}%`;

/** A whole number with thousands separators ("2,000"), written without the engine's locale data: it goes into a
 * report's hash. */
const count = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** "1 h", "6 h", "1 d", "90 s". */
function durationText(seconds: number): string {
  if (seconds > 0 && seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds > 0 && seconds % 3_600 === 0) return `${seconds / 3_600} h`;
  if (seconds > 0 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** The step as voters read it: "once a day", "every 6 h". */
const stepText = (stepSeconds: number) =>
  stepSeconds === 86_400 ? "once a day" : `every ${durationText(stepSeconds)}`;

/** Rules for the parameters whose resolution depends on the run (every other parameter the model reads: resolved). */
function ruleOf(name: string, inputs: CoverageInputs): ParameterCoverage | undefined {
  const { params, stepSeconds, paths } = inputs;
  if (name === "rebalance.minIntervalSec") {
    const [before, after] = [params.current.minIntervalSeconds, params.proposed.minIntervalSeconds];
    const below = (v: number) => v <= stepSeconds;
    const why = `the model steps ${stepText(stepSeconds)}`;
    if (below(before) && below(after))
      return {
        name,
        status: "not resolved",
        reason:
          `${why}, and both ${durationText(before)} and ${durationText(after)} are no longer than a step: ` +
          `the keeper can rebalance at every step under either`,
      };
    if (below(before) || below(after))
      return {
        name,
        status: "partly resolved",
        reason: `${why}: ${durationText(Math.min(before, after))} acts as one step (${durationText(stepSeconds)})`,
      };
    return undefined;
  }
  if (name === "rebalance.maxTradeBps") {
    const bound = inputs.tradeCapBound;
    if (!bound) return { name, status: "not resolved", reason: "the run did not count where the cap bound" };
    const { current, proposed } = bound;
    if (current.paths === 0 && proposed.paths === 0)
      return {
        name,
        status: "not resolved",
        reason:
          `did not bind on any of the ${count(paths)} paths under either set: no rebalance needed a trade larger ` +
          `than ${params.current.maxTradeBps / 100}% or ${params.proposed.maxTradeBps / 100}% of NAV: for this ` +
          `vault the cap changes nothing`,
      };
    const of = (b: TradeCapBound) => `${count(b.paths)} paths (${count(b.rebalances)} rebalances)`;
    return {
      name,
      status: "resolved",
      reason: `bound on ${of(current)} under the current set, ${of(proposed)} under the proposed, of ${count(paths)}`,
    };
  }
  if (name === "oracle.maxDeviationBps" && !inputs.poolOracleGap)
    return {
      name,
      status: "not modelled",
      reason:
        "the pools are realigned to the oracle at every step, so the pool–oracle gap this bound limits never " +
        "arises in the model (no gap, no MEV)",
    };
  if (name.startsWith("poolFee.")) {
    const symbol = name.slice("poolFee.".length);
    const proposed = inputs.proposedPools?.find((p) => p.symbol === symbol);
    const pair = `${symbol}/${inputs.symbols[0] ?? "base"}`;
    if (!proposed || proposed.pool === "not read")
      return {
        name,
        status: "not resolved",
        reason:
          `the ${pair} pool at the proposed tier was not read: the new fee is applied to the current pool's ` +
          `liquidity`,
      };
    const tier = feeTierText(proposed.feePpm);
    if (proposed.pool === null)
      return {
        name,
        status: "not resolved",
        reason:
          `no ${pair} pool at ${tier}: the vault's swaps would revert (the factory has no pool to trade on), ` +
          `which the model does not show`,
      };
    return { name, status: "resolved", reason: `the proposed set trades on the ${pair} ${tier} pool's own liquidity` };
  }
  return undefined;
}

/** Why the model leaves out a registry parameter it does not read, by its name's prefix. */
const notModelledReasons: readonly [prefix: string, why: string][] = [
  ["oracle.maxStalenessSec.", "the simulated feeds answer at every step and never go stale"],
  ["heartbeat.", "the simulated feeds answer at every step and never go stale"],
  ["oracle.sequencer", "the simulated chain has no sequencer downtime"],
  ["oracle.minAnswer.", "the simulated prices never reach a feed's bounds"],
  ["oracle.maxAnswer.", "the simulated prices never reach a feed's bounds"],
  ["caps.", "no one deposits or withdraws during the horizon"],
  ["feed.", "the simulated prices are the market model's, whichever feed reports them"],
  ["module.", "the modules' markets are the ones read at the start"],
  ["registry.", "it governs the registry, not the strategy"],
];

function notModelledWhy(name: string): string {
  const why = notModelledReasons.find(([prefix]) => name.startsWith(prefix))?.[1];
  return `${why ? `${why}, so ` : ""}its effect is not in the numbers`;
}

/** The coverage of each changed parameter, modelled ones first (in the order given), then the ones not modelled. */
export function coverageOf(inputs: CoverageInputs): Coverage {
  const parameters = [
    ...inputs.changed.map(
      (name) => ruleOf(name, inputs) ?? { name, status: "resolved" as const, reason: "the model acts on it" },
    ),
    ...inputs.notModelled.map((name) => ({
      name,
      status: "not modelled" as const,
      reason: `the model does not read it: ${notModelledWhy(name)}`,
    })),
  ];
  return {
    parameters,
    ...(inputs.tradeCapBound ? { tradeCapBound: inputs.tradeCapBound } : {}),
    ...(inputs.proposedPools?.length ? { proposedPools: [...inputs.proposedPools] } : {}),
  };
}

/** The changed parameters whose effect the numbers do not show (any status but `resolved`). */
export function unresolvedParameters(coverage: Coverage | undefined): ParameterCoverage[] {
  return coverage?.parameters.filter((p) => p.status !== "resolved") ?? [];
}

/**
 * The report's "What the model resolves" section: a row per changed parameter. Empty for a report without a
 * coverage (made before it existed) or whose every change is resolved (then one sentence says so).
 */
export function coverageMarkdown(report: { results: { coverage?: Coverage } }): string[] {
  const coverage = report.results.coverage;
  if (!coverage || coverage.parameters.length === 0) return [];
  const unresolved = unresolvedParameters(coverage);
  return [
    "## What the model resolves",
    "",
    unresolved.length === 0
      ? "The model resolves every parameter the proposal changes."
      : `${unresolved.length} of the ${coverage.parameters.length} parameters changed ${unresolved.length === 1 ? "is" : "are"} ` +
        `not resolved by the model: the differences below do not show their effect.`,
    "",
    "| Parameter | Resolved | Why |",
    "|---|---|---|",
    ...coverage.parameters.map((p) => `| \`${p.name}\` | ${p.status} | ${p.reason.replaceAll("|", "\\|")} |`),
    "",
  ];
}

/** A pool the start point read at one fee tier of a risk asset's pair with the base asset (null: none there). */
export type FeeTierPool = { symbol: string; feePpm: number; pool: Pool | null };

/**
 * The pools the proposed set trades on: for each risk asset whose `poolFee` the proposal changes, the pool read at
 * the proposed tier (from `tiers`, the pools the start point read at each tier). `pools` is undefined when no pool
 * changes (the proposed set trades on the setup's pools); a tier with no pool, or not read, keeps the current pool
 * (and the coverage says so).
 */
export function proposedPoolsOf(
  setup: { symbols: readonly string[]; pools: readonly Pool[] },
  params: { current: StrategyParams; proposed: StrategyParams },
  tiers: readonly FeeTierPool[] = [],
): { pools?: Pool[]; listed: ProposedPool[] } {
  const listed: ProposedPool[] = [];
  let changed = false;
  const pools = setup.pools.map((pool, risk) => {
    const feePpm = params.proposed.poolFeesPpm[risk]!;
    if (feePpm === params.current.poolFeesPpm[risk]) return pool;
    const symbol = setup.symbols[risk + 1]!;
    const read = tiers.find((t) => t.symbol === symbol && t.feePpm === feePpm);
    listed.push({ symbol, feePpm, pool: read ? read.pool : "not read" });
    if (!read?.pool) return pool;
    changed = true;
    return read.pool;
  });
  return { ...(changed ? { pools } : {}), listed };
}
