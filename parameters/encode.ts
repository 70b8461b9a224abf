import { parameterKey } from "./parameterKey.ts";
import {
  parameterKinds,
  riskDirections,
  stepKinds,
  type ParameterDefinitionTuple,
  type ParameterRules,
  type ParameterRulesTuple,
  type ParameterSpec,
} from "./types.ts";

/** The registry's `ParameterRules` tuple for `rules`. */
export function encodeRules(rules: ParameterRules): ParameterRulesTuple {
  return {
    min: rules.min,
    max: rules.max,
    stepKind: stepKinds.indexOf(rules.stepKind),
    maxStep: rules.maxStep,
    minIntervalSeconds: rules.minIntervalSeconds,
  };
}

/** The registry's `ParameterDefinition` tuple for `spec`. */
export function encodeDefinition(spec: ParameterSpec): ParameterDefinitionTuple {
  return {
    key: parameterKey(spec.name),
    kind: parameterKinds.indexOf(spec.kind),
    saferDirection: riskDirections.indexOf(spec.saferDirection),
    value: spec.value,
    rules: encodeRules(spec.rules),
  };
}
