/**
 * A new proposal file to start from (`trimtab proposal new`): one parameter change that passes its checks where it is
 * written, moved from the value in force by half of what one update may move it, with the value in force and the
 * rules in a comment beside it, and stated in the body's table of changes (checks/description.ts).
 */
import { parameterCatalog, type ParameterRules } from "../../parameters/index.ts";
import { changesTable } from "./checks/description.ts";
import { maxMove } from "./checks/maxStep.ts";
import type { RegistrySnapshot } from "./checks/types.ts";
import { defaultDrift, defaultMaxPaths, defaultRiskFreePerYear, simulationDefaults } from "../../sim/runSettings.ts";
import { formatValue, type UnitContext } from "./units.ts";

/** The parameter a new proposal changes: the one delegates move most often. */
export const scaffoldParameter = "rebalance.bandBps";

/** Where the value in force comes from: the live registry, or the catalog's first values when it cannot be read. */
export type ScaffoldBase = { from: "registry"; registry: RegistrySnapshot } | { from: "catalog"; context: UnitContext };

/**
 * A new value for a parameter now at `value`, with governance's max step measured from `baseline`: half a step away
 * (a tenth of the range without a step), down when the rules allow it, else up; never the value itself.
 */
export function scaffoldValue(value: bigint, baseline: bigint, rules: ParameterRules): bigint {
  const step = maxMove(baseline, rules);
  const half = (step ?? (rules.max - rules.min) / 5n) / 2n;
  const delta = half > 0n ? half : 1n;
  const allowed = (v: bigint) =>
    v !== value &&
    v >= rules.min &&
    v <= rules.max &&
    (step === undefined || (v > baseline ? v - baseline : baseline - v) <= step);
  const candidates = [value - delta, value + delta, baseline - delta, baseline + delta];
  const chosen = candidates.find(allowed);
  if (chosen === undefined) throw new Error(`no value of ${scaffoldParameter} within its rules differs from ${value}`);
  return chosen;
}

/** The YAML text of a new proposal called `name` (lowercase words joined by dashes). */
export function scaffoldProposal(name: string, base: ScaffoldBase): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name))
    throw new Error(`proposal names are lowercase words joined by dashes, e.g. tighter-band; got "${name}"`);
  const { kind, value, baseline, rules, context } = valueInForce(base);
  const show = (v: bigint) => formatValue(scaffoldParameter, kind, v, context);
  const step = maxMove(baseline, rules);
  const source = base.from === "registry" ? "in force" : "is the catalog's first value (the chain could not be read)";
  const title = name.replaceAll("-", " ");
  const proposed = show(scaffoldValue(value, baseline, rules));
  // The body's table of changes states what the calls do: the description check compares them.
  return `title: ${title}
body: |
  # ${title}

  What this changes and why; what the impact report shows.

  ${changesTable([{ parameter: scaffoldParameter, current: show(value), proposed }]).replaceAll("\n", "\n  ")}
changes:
  # Parameter names are the registry's; values in their units: "4%", "250 bps", "12h", "1_000_000 USDC", true.
  # ${scaffoldParameter}: ${show(value)} ${source}; the rules allow ${show(rules.min)} to ${show(rules.max)}, ${step === undefined ? "in any step" : `at most ${show(step)} per update`}.
  ${scaffoldParameter}: ${proposed}
simulation:
  paths: ${simulationDefaults.paths}
  # The market's drift: zero (no view on where prices go), fitted (from the feeds' short history: mostly noise),
  # a yearly percentage such as "8%", or one per asset ({ WETH: "-30%" }). The report also shows -30%, 0 and +30%.
  drift: ${defaultDrift}
  # The rate Sharpe and Sortino count returns in excess of: what a dollar earns without price risk.
  riskFree: "${defaultRiskFreePerYear * 100}%"
  # The report compares the result under GBM, the history's bootstrap, Student-t, GARCH and regimes (those the
  # history is too short for are listed as left out). Also settable: marketModel (gbm, student-t, garch, regimes),
  # poolGap (aligned, arbitrage-band), uncertaintyPaths, and maxPaths, which doubles the paths until every headline
  # difference's sign is settled, up to the cap (slower: about twice the paths when the signs do not settle):
  # maxPaths: ${defaultMaxPaths}
`;
}

function valueInForce(base: ScaffoldBase) {
  if (base.from === "registry") {
    const parameter = base.registry.parameters[scaffoldParameter];
    if (!parameter) throw new Error(`the registry has no ${scaffoldParameter}`);
    // Governance's max step is measured from its own baseline, whatever the guardian tightened since.
    const baseline = parameter.governanceBaseline?.value ?? parameter.value;
    return { kind: parameter.kind, value: parameter.value, baseline, rules: parameter.rules, context: base.registry };
  }
  const spec = parameterCatalog.find((p) => p.name === scaffoldParameter)!;
  return { kind: spec.kind, value: spec.value, baseline: spec.value, rules: spec.rules, context: base.context };
}
