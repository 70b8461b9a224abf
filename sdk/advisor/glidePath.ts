/**
 * The glide path to a parameter set: the sequence of proposals that moves the registry from the values in force to a
 * target while each one obeys the registry's rules — every parameter moves at most its max step per update (measured
 * from governance's baseline, which is the value the step before set), and changes at most once per min interval
 * (counted from governance's last update of it). Pure: no chain, no Node APIs (the CLI and the web app share it).
 *
 * How the steps are built:
 * - each step moves every parameter not yet at its target toward it by at most its max step; a parameter without a
 *   max step (step kind "none") reaches its target in step 1;
 * - the weights (`weight.<SYMBOL>`) move together, each by the same fraction of its remaining distance, the largest
 *   fraction with which no weight exceeds its max step, rounded (never beyond a max step) so that they sum to exactly
 *   10,000 bps after every step;
 * - with `start` (the model's parameters in force and the vault's setup), every intermediate set must be one the
 *   contracts accept (sim/model/params.ts `validateParams`): a step that would not be is retried holding back one of
 *   its parameters (or the weights) for a later step; when none helps, an error names the step and the parameter;
 * - step 1 executes no earlier than the snapshot's earliest execution (a proposal submitted now) and each parameter it
 *   changes may change again (governance's last update + its min interval); step k > 1 executes no earlier than one
 *   second after step k−1, the vote and timelock after it (it is submitted once step k−1 has executed; the delays
 *   from `snapshot.authority` when the snapshot has them), and the min interval of each parameter it changes since
 *   that parameter's last update (in an earlier step or by governance before the path).
 *
 * @example
 * const steps = glidePath(snapshot, { "rebalance.bandBps": 1_000n }); // 500 bps → 1000 bps, 250 bps per update:
 * // [{ changes: { "rebalance.bandBps": 750n }, earliestExecutionSeconds: …, waitsFor: [...] },
 * //  { changes: { "rebalance.bandBps": 1000n }, earliestExecutionSeconds: … + 1 day, waitsFor: ["the min interval (1d) of rebalance.bandBps since step 1"] }]
 */
import { modelParameterNames, validateParams, withChanges } from "../../sim/model/params.ts";
import type { StrategyParams, VaultSetup } from "../../sim/model/types.ts";
import { maxMove } from "../proposal/checks/maxStep.ts";
import { isoTime, type RegistrySnapshot } from "../proposal/checks/types.ts";
import { formatValue } from "../proposal/units.ts";

/** One proposal of a glide path. */
export type GlideStep = {
  /** The parameters this step sets, by registry name, and the value each takes (registry units). */
  changes: Record<string, bigint>;
  /** The earliest time it can execute (unix seconds). */
  earliestExecutionSeconds: number;
  /** Why it cannot execute earlier, in words: each constraint that sets `earliestExecutionSeconds`. */
  waitsFor: string[];
};

/** The parameter set in force as the model reads it, and the vault it runs, to keep every step valid. */
export type GlideStart = { params: StrategyParams; setup: VaultSetup };

/** Steps at most: a target further than this many updates away is refused (a rule that cannot reach it). */
export const maxGlideSteps = 1_000;

const BPS = 10_000n;

const abs = (x: bigint) => (x < 0n ? -x : x);

/**
 * The glide path from `snapshot`'s values in force to `target` (registry names, registry units): the proposals in
 * order, each with the changes it makes and its earliest execution. Empty when every target is already in force.
 *
 * @param snapshot the registry: values, rules, governance's baselines, the earliest execution of a proposal made now,
 *   and (optionally) the governor's and timelock's delays in `authority.settings`
 * @param target the values to reach; weights left out keep their value, and all weights must sum to 10,000 bps
 * @param start the model's parameters in force and the vault's setup: when given, every step leaves a set the
 *   contracts accept
 * @throws an Error naming the parameter: one the registry does not have, a target outside its rules' [min, max],
 *   weights that do not sum to 10,000 bps, a rule that cannot reach the target (a relative step from zero), or a step
 *   that cannot be made valid (naming the step too)
 */
export function glidePath(
  snapshot: Pick<
    RegistrySnapshot,
    "parameters" | "earliestExecutionSeconds" | "authority" | "baseSymbol" | "baseDecimals"
  >,
  target: Readonly<Record<string, bigint>>,
  start?: GlideStart,
): GlideStep[] {
  const parameterOf = (name: string) => {
    const parameter = snapshot.parameters[name];
    if (!parameter) throw new Error(`${name}: the registry has no such parameter`);
    return parameter;
  };
  const show = (name: string, value: bigint) => formatValue(name, parameterOf(name).kind, value, snapshot);
  const duration = (seconds: number) => formatValue("duration", "seconds", BigInt(seconds), snapshot);

  const goal = new Map<string, bigint>();
  for (const [name, value] of Object.entries(target)) {
    const { kind, rules } = parameterOf(name);
    if (kind !== "address" && (value < rules.min || value > rules.max))
      throw new Error(
        `${name}: the target ${show(name, value)} is outside its rules' range ${show(name, rules.min)} to ${show(name, rules.max)}`,
      );
    goal.set(name, value);
  }
  const weights = Object.keys(snapshot.parameters).filter((name) => name.startsWith("weight."));
  if (weights.some((name) => goal.has(name))) {
    for (const name of weights) if (!goal.has(name)) goal.set(name, parameterOf(name).value);
    const sum = weights.reduce((s, name) => s + goal.get(name)!, 0n);
    if (sum !== BPS)
      throw new Error(
        `${weights.join(" + ")}: the target weights sum to ${sum} bps (${weights.map((n) => goal.get(n)).join(" + ")}), not 10000`,
      );
  }

  // The registry as the path leaves it: each value, and governance's baseline (value and time) of each.
  const value = new Map<string, bigint>();
  const baseline = new Map<string, { value: bigint; atSeconds: number; step?: number }>();
  for (const name of goal.keys()) {
    const parameter = parameterOf(name);
    value.set(name, parameter.value);
    const { value: from, updatedAtSeconds } = parameter.governanceBaseline ?? parameter;
    baseline.set(name, { value: from, atSeconds: updatedAtSeconds });
  }
  const modelled = start ? new Set(modelParameterNames(start.setup.symbols)) : undefined;
  const settings = snapshot.authority?.settings;
  const leadSeconds = Number(
    (settings?.votingDelay ?? 0n) + (settings?.votingPeriod ?? 0n) + (settings?.minDelay ?? 0n),
  );

  const steps: GlideStep[] = [];
  for (let k = 1; ; k++) {
    const pending = [...goal.keys()].filter((name) => value.get(name) !== goal.get(name));
    if (pending.length === 0) return steps;
    if (k > maxGlideSteps) throw new Error(`${pending.join(", ")}: not at the target after ${maxGlideSteps} steps`);

    // Each group moves together: one parameter, or all the weights.
    const groups: Map<string, bigint>[] = pending
      .filter((name) => !name.startsWith("weight."))
      .map((name) => new Map([[name, nextValue(name)]]));
    if (pending.some((name) => name.startsWith("weight."))) groups.push(nextWeights(weights));
    const changes = start ? validGroups(groups, k) : new Map(groups.flatMap((g) => [...g]));

    const previous = steps.at(-1)?.earliestExecutionSeconds;
    const limits: { atSeconds: number; reason: string }[] =
      previous === undefined
        ? [
            {
              atSeconds: snapshot.earliestExecutionSeconds,
              reason: "the vote and the timelock of a proposal submitted now",
            },
          ]
        : [
            { atSeconds: previous + 1, reason: `step ${k - 1} executes first` },
            ...(leadSeconds > 0
              ? [
                  {
                    atSeconds: previous + leadSeconds,
                    reason: `the vote and the timelock (${duration(leadSeconds)}) after step ${k - 1} executes`,
                  },
                ]
              : []),
          ];
    // Parameters waiting the same min interval since the same update share one reason.
    const intervals = new Map<string, { atSeconds: number; names: string[]; interval: number; since: string }>();
    for (const name of changes.keys()) {
      const interval = parameterOf(name).rules.minIntervalSeconds;
      const last = baseline.get(name)!;
      if (interval === 0) continue;
      const since = last.step === undefined ? `governance last set it ${isoTime(last.atSeconds)}` : `step ${last.step}`;
      const key = `${interval}|${since}`;
      const entry = intervals.get(key) ?? { atSeconds: last.atSeconds + interval, names: [], interval, since };
      entry.names.push(name);
      intervals.set(key, entry);
    }
    for (const { atSeconds, names, interval, since } of intervals.values())
      limits.push({
        atSeconds,
        reason: `the min interval (${duration(interval)}) of ${names.join(", ")} since ${since}`,
      });
    const atSeconds = Math.max(...limits.map((l) => l.atSeconds));
    steps.push({
      changes: Object.fromEntries(changes),
      earliestExecutionSeconds: atSeconds,
      waitsFor: limits.filter((l) => l.atSeconds === atSeconds).map((l) => l.reason),
    });
    for (const [name, next] of changes) {
      value.set(name, next);
      baseline.set(name, { value: next, atSeconds, step: k });
    }
  }

  /** A parameter's value after one more update toward its target: at most its max step from governance's baseline. */
  function nextValue(name: string): bigint {
    const to = goal.get(name)!;
    const from = baseline.get(name)!.value;
    const step = maxMove(from, parameterOf(name).rules);
    if (step === undefined) return to;
    if (step === 0n)
      throw new Error(
        `${name}: one update may not move it from ${show(name, from)} (its max step is 0 there), so it cannot reach ${show(name, to)}`,
      );
    return to > from + step ? from + step : to < from - step ? from - step : to;
  }

  /**
   * The weights after one more update: each moved by the same fraction f of its remaining distance, the largest f
   * (at most 1) with which none moves beyond its max step, then rounded toward their values in force and the
   * remainder handed, one bps each, to the weights with the largest rounded-off parts (their sum stays 10,000 bps).
   * Only the weights that move.
   */
  function nextWeights(names: readonly string[]): Map<string, bigint> {
    const distance = names.map((name) => goal.get(name)! - value.get(name)!);
    // f = num / den, starting at 1.
    let [num, den] = [1n, 1n];
    names.forEach((name, i) => {
      const d = abs(distance[i]!);
      if (d === 0n) return;
      const from = baseline.get(name)!.value;
      const step = maxMove(from, parameterOf(name).rules);
      if (step === undefined) return;
      const room = step - abs(value.get(name)! - from);
      if (room <= 0n)
        throw new Error(
          `${name}: one update may not move it from ${show(name, value.get(name)!)} (its max step from ${show(name, from)} is ${show(name, step)}), so the weights cannot reach their targets`,
        );
      if (room * den < num * d) [num, den] = [room, d];
    });
    const exact = distance.map((d) => d * num);
    const moved = exact.map((e) => e / den); // toward zero
    let remainder = -moved.reduce((s, m) => s + m, 0n);
    const sign = remainder > 0n ? 1n : -1n;
    // The weights moving the way the remainder goes, largest rounded-off part first.
    const order = names
      .map((_, i) => i)
      .filter((i) => exact[i]! % den !== 0n && exact[i]! > 0n === sign > 0n)
      .sort((a, b) => Number(abs(exact[b]! % den) - abs(exact[a]! % den)) || a - b);
    for (const i of order) {
      if (remainder === 0n) break;
      moved[i] = moved[i]! + sign;
      remainder -= sign;
    }
    if (remainder !== 0n) throw new Error(`${names.join(" + ")}: the weights' rounding left ${remainder} bps over`);
    return new Map(names.flatMap((name, i) => (moved[i] === 0n ? [] : [[name, value.get(name)! + moved[i]!]])));
  }

  /**
   * The changes of step `k`: every group's, or, when the set they leave is one the contracts refuse, all but the first
   * group whose holding back makes it acceptable. Throws the contracts' objection, naming the step, when none does.
   */
  function validGroups(groups: readonly Map<string, bigint>[], k: number): Map<string, bigint> {
    const problem = (kept: readonly Map<string, bigint>[]) => {
      const after = Object.fromEntries(
        [...value, ...kept.flatMap((g) => [...g])].filter(([name]) => modelled!.has(name)),
      );
      try {
        validateParams(withChanges(start!.params, after, start!.setup.symbols), start!.setup, `step ${k}`);
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    };
    const objection = problem(groups);
    if (objection === undefined) return new Map(groups.flatMap((g) => [...g]));
    for (const held of groups) {
      const kept = groups.filter((g) => g !== held);
      if (kept.length > 0 && problem(kept) === undefined) return new Map(kept.flatMap((g) => [...g]));
    }
    throw new Error(objection);
  }
}
