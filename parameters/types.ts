/** What a parameter's value means. Mirrors `ParameterKind` in IParameterRegistry.sol (index = enum value). */
export const parameterKinds = ["none", "bps", "seconds", "amount", "address", "bool"] as const;
export type ParameterKind = Exclude<(typeof parameterKinds)[number], "none">;

/** How the maximum change per update is measured. Mirrors `StepKind`. */
export const stepKinds = ["none", "absolute", "relative"] as const;
export type StepKind = (typeof stepKinds)[number];

/** Which way of moving a parameter de-risks it (the only way the guardian may move it). Mirrors `RiskDirection`. */
export const riskDirections = ["none", "lower", "higher"] as const;
export type RiskDirection = (typeof riskDirections)[number];

/** The rules governance sets on a parameter. Units are the parameter's own (bps, seconds, token wei). */
export type ParameterRules = {
  min: bigint;
  max: bigint;
  stepKind: StepKind;
  /** Value units for `absolute`, bps of the current value for `relative`, 0 for `none`. */
  maxStep: bigint;
  minIntervalSeconds: number;
};

/** A strategy parameter as Trimtab defines it: name, meaning, first value and first rules. */
export type ParameterSpec = {
  /** Registry key as ASCII, at most 31 characters, e.g. `rebalance.bandBps`. */
  name: string;
  kind: ParameterKind;
  saferDirection: RiskDirection;
  description: string;
  value: bigint;
  rules: ParameterRules;
};

/** The registry's `ParameterRules` tuple as viem encodes it. */
export type ParameterRulesTuple = {
  min: bigint;
  max: bigint;
  stepKind: number;
  maxStep: bigint;
  minIntervalSeconds: number;
};

/** The registry's `ParameterDefinition` tuple as viem encodes it. */
export type ParameterDefinitionTuple = {
  key: `0x${string}`;
  kind: number;
  saferDirection: number;
  value: bigint;
  rules: ParameterRulesTuple;
};
