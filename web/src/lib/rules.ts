/** A registry parameter's value and rules in the units a delegate writes them (sdk/proposal/units.ts). */
import type { RegistryParameter } from "../../../sdk/proposal/check.ts";
import { formatValue, type UnitContext } from "../../../sdk/proposal/units.ts";

export type RulesText = { min: string; max: string; maxStep: string; interval: string };

export function describeRules(parameter: RegistryParameter, context: UnitContext): RulesText {
  const { name, kind, rules } = parameter;
  const f = (v: bigint) => formatValue(name, kind, v, context);
  const address = kind === "address";
  return {
    min: address ? "any address" : f(rules.min),
    max: address ? "any address" : f(rules.max),
    maxStep:
      rules.stepKind === "none"
        ? "none"
        : rules.stepKind === "relative"
          ? `${Number(rules.maxStep) / 100}% of the value`
          : f(rules.maxStep),
    interval:
      rules.minIntervalSeconds > 0 ? formatValue(name, "seconds", BigInt(rules.minIntervalSeconds), context) : "none",
  };
}
