/**
 * The space the advisor searches: each chosen registry parameter between its rules' min and max, narrowed to what
 * the contracts accept beside the parameters left as they are (a target LTV at most the max LTV, LTVs below the
 * market's liquidation LTV), and the parameter set at a point of it.
 *
 * Weights: the risk assets' weights are searched, the base asset's is the remainder (weights sum to 10,000 bps); a
 * point whose risk weights leave the base outside its own rules is pulled back, keeping their proportions.
 */
import { modelParameterNames, paramValue, validateParams, withChanges } from "../model/params.ts";
import type { StrategyParams } from "../model/types.ts";
import type { AdvisorStart, Dimension } from "./types.ts";

/** A parameter's range as its registry rules set it, in its own units. */
export type RuleRange = { min: number; max: number };

const BPS = 10_000;

/** The parameters searched when none are named: the levers of return against tail risk. */
export function defaultAdvisorParameters(symbols: readonly string[]): string[] {
  return [
    ...symbols.slice(1).map((s) => `weight.${s}`),
    "rebalance.bandBps",
    "rebalance.maxTradeBps",
    "collateral.targetLtvBps",
    "hedge.ratioBps",
  ];
}

/** Parameters the advisor cannot search, and why. */
function unsearchable(name: string, symbols: readonly string[]): string | undefined {
  if (name.startsWith("pause.")) return "is a pause: the advisor does not pause the vault";
  if (name.startsWith("poolFee.")) return "picks a pool, not a level: compare fee tiers with `proposal simulate`";
  if (name === `weight.${symbols[0]}`)
    return `is the remainder of the other weights (they sum to 10000 bps): search ${symbols
      .slice(1)
      .map((s) => `weight.${s}`)
      .join(", ")}`;
  return undefined;
}

/**
 * The dimensions for `names` (default `defaultAdvisorParameters`): each between its rules' min and max, narrowed by
 * the contracts' own limits. Throws, naming the parameter, for one the model does not read, one it cannot search,
 * one without rules, or one whose range holds a single value.
 */
export function searchSpace(
  ranges: Readonly<Record<string, RuleRange>>,
  start: AdvisorStart,
  names: readonly string[] = defaultAdvisorParameters(start.setup.symbols),
): Dimension[] {
  const { setup, params } = start;
  const symbols = setup.symbols;
  const modelled = new Set(modelParameterNames(symbols));
  if (names.length === 0) throw new Error("parameters: name at least one parameter to search");
  const seen = new Set<string>();
  return names.map((name) => {
    if (seen.has(name)) throw new Error(`parameters: ${name} is named twice`);
    seen.add(name);
    if (!modelled.has(name)) throw new Error(`parameters: ${name} is not a parameter the simulation models`);
    const why = unsearchable(name, symbols);
    if (why) throw new Error(`parameters: ${name} ${why}`);
    const range = ranges[name];
    if (!range) throw new Error(`parameters: ${name} has no rules in the registry`);
    let { min, max } = range;
    if (!(Number.isFinite(min) && Number.isFinite(max) && min <= max))
      throw new Error(`parameters: ${name}'s rules give no range (min ${min}, max ${max})`);
    const below = (lltv: number) => Math.floor(lltv * BPS + 1e-9) - 1;
    if (name === "collateral.targetLtvBps" && setup.collateral) {
      max = Math.min(max, below(setup.collateral.market.lltv));
      if (!names.includes("collateral.maxLtvBps")) max = Math.min(max, params.collateral.maxLtvBps);
    }
    if (name === "collateral.maxLtvBps" && setup.collateral) max = Math.min(max, below(setup.collateral.market.lltv));
    if (name === "hedge.ltvBps" && setup.hedge)
      [min, max] = [Math.max(min, 1), Math.min(max, below(setup.hedge.market.lltv))];
    if (name.endsWith("Bps")) max = Math.min(max, BPS);
    if (!(min < max))
      throw new Error(
        `parameters: ${name} can only be ${min} within its rules and the contracts' limits: there is nothing to search`,
      );
    return { name, min: Math.ceil(min), max: Math.floor(max) };
  });
}

/** The values of `space`'s parameters in `params`. */
export function valuesOf(params: StrategyParams, space: readonly Dimension[], symbols: readonly string[]): number[] {
  return space.map((d) => paramValue(params, d.name, symbols) as number);
}

/**
 * The parameter set at `values` (one per dimension, in its units), made valid: values rounded into their ranges, the
 * risk weights scaled back so that the base's weight stays within `baseWeight`, a target LTV pulled down to the max
 * LTV. Returns the values actually used beside the set, or the problem when none can be made (named in words).
 */
export function pointAt(
  values: readonly number[],
  space: readonly Dimension[],
  start: AdvisorStart,
  baseWeight: RuleRange,
): { values: number[]; params: StrategyParams } | { problem: string } {
  const { setup } = start;
  const symbols = setup.symbols;
  const used = space.map((d, i) => Math.min(d.max, Math.max(d.min, Math.round(values[i]!))));
  const weightDims = space.flatMap((d, i) => (d.name.startsWith("weight.") ? [i] : []));
  const changes: Record<string, number> = {};
  if (weightDims.length > 0) {
    const fixed = symbols
      .slice(1)
      .filter((s) => !space.some((d) => d.name === `weight.${s}`))
      .reduce((sum, s) => sum + (paramValue(start.params, `weight.${s}`, symbols) as number), 0);
    const searched = weightDims.reduce((sum, i) => sum + used[i]!, 0);
    const room = BPS - baseWeight.min - fixed;
    if (room < 0) return { problem: `the weights left as they are leave ${symbols[0]} below its rules' min` };
    if (searched > room) {
      // Scale the searched weights down to the room, flooring each, so the base keeps at least its minimum.
      for (const i of weightDims) used[i] = Math.max(space[i]!.min, Math.floor((used[i]! * room) / searched));
    }
    const base = BPS - fixed - weightDims.reduce((sum, i) => sum + used[i]!, 0);
    if (base < baseWeight.min || base > baseWeight.max)
      return {
        problem: `weight.${symbols[0]} would be ${base} bps, outside its rules (${baseWeight.min}–${baseWeight.max})`,
      };
    changes[`weight.${symbols[0]}`] = base;
  }
  space.forEach((d, i) => (changes[d.name] = used[i]!));
  const target = space.findIndex((d) => d.name === "collateral.targetLtvBps");
  const maxLtv = changes["collateral.maxLtvBps"] ?? start.params.collateral.maxLtvBps;
  if (target >= 0 && used[target]! > maxLtv) {
    used[target] = Math.max(space[target]!.min, maxLtv);
    changes["collateral.targetLtvBps"] = used[target]!;
  }
  const params = withChanges(start.params, changes, symbols);
  try {
    validateParams(params, setup, "point");
  } catch (error) {
    return { problem: (error as Error).message };
  }
  return { values: used, params };
}
