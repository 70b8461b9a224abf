/**
 * The advisor's request for a deployed vault: the search ranges from the registry's rules, the start point and market
 * the impact simulation starts from (sdk/proposal/deployed.ts `simulationBase`), the drift chosen (zero unless
 * asked), and the other market models of the report's uncertainty (the history's block bootstrap, and a Student-t, a
 * GARCH(1,1) and the 3-regime model fitted to it) to check the front's robustness under. Pure: the CLI, the web page
 * and the tests build the same request from the same inputs.
 */
import type { AdvisorRequest } from "../../sim/advisor/advise.ts";
import type { RuleRange } from "../../sim/advisor/space.ts";
import type { Ceilings } from "../../sim/advisor/types.ts";
import { comparisonModels, fittedComparisonKinds } from "../../sim/comparisonModels.ts";
import { resolveDrift } from "../../sim/market/drift.ts";
import type { PriceHistory } from "../../sim/market/types.ts";
import { checkDriftChoice, defaultDrift, type DriftChoice } from "../../sim/runSettings.ts";
import type { SimulationRequest } from "../../sim/simulate.ts";
import type { RegistrySnapshot } from "../proposal/checks/types.ts";

/** The settings a delegate chooses (the CLI's flags, the web page's form). */
export type AdvisorSettings = {
  /** Registry names of the parameters to search (default: sim/advisor/space.ts `defaultAdvisorParameters`). */
  parameters?: readonly string[];
  /** A proposal's changes (registry names and units) to place on the front beside the current set. */
  proposed?: Readonly<Record<string, number | bigint | boolean>>;
  drift?: DriftChoice;
  ceilings?: Partial<Ceilings>;
  paths?: number;
  steps?: number;
  seed?: number;
  population?: number;
  generations?: number;
  /** Check the front under the other market models too (default true; they need the base's history). */
  models?: boolean;
};

/** Each numeric parameter's range by its rules, in its units (addresses and booleans left out). */
export function rangesOf(snapshot: Pick<RegistrySnapshot, "parameters">): Record<string, RuleRange> {
  return Object.fromEntries(
    Object.values(snapshot.parameters)
      .filter((p) => p.kind !== "address" && p.kind !== "bool")
      .map((p) => [p.name, { min: Number(p.rules.min), max: Number(p.rules.max) }]),
  );
}

/** The advisor's request on `base` within `snapshot`'s rules. Throws, naming the setting, for a drift it cannot use. */
export function advisorRequest(
  base: Omit<SimulationRequest, "changes"> & { history?: PriceHistory },
  snapshot: Pick<RegistrySnapshot, "parameters">,
  settings: AdvisorSettings = {},
): AdvisorRequest {
  const symbols = base.start.setup.symbols;
  const drift = settings.drift ?? defaultDrift;
  try {
    checkDriftChoice(drift, symbols);
  } catch (error) {
    throw new Error(`drift: ${(error as Error).message}`);
  }
  const { market } = resolveDrift(base.market, drift);
  const stepSeconds = base.stepSeconds ?? 86_400;
  const others =
    settings.models === false || !base.history
      ? []
      : comparisonModels({
          market: base.market,
          history: base.history,
          stepSeconds,
          baseSymbol: symbols[0],
          fitted: [...fittedComparisonKinds],
        }).models.slice(1);
  const { setup, state, pricesUsd, params } = base.start;
  return {
    start: { setup, state, pricesUsd, params },
    market,
    ranges: rangesOf(snapshot),
    ...(settings.parameters ? { parameters: settings.parameters } : {}),
    ...(settings.proposed ? { proposed: settings.proposed } : {}),
    ...(settings.ceilings ? { ceilings: settings.ceilings } : {}),
    models: others.map(({ name, market: model }) => ({ name, market: resolveDrift(model, drift).market })),
    stepSeconds,
    ...(settings.paths === undefined ? {} : { paths: settings.paths }),
    ...(settings.steps === undefined ? {} : { steps: settings.steps }),
    ...(settings.seed === undefined ? {} : { seed: settings.seed }),
    ...(settings.population === undefined ? {} : { population: settings.population }),
    ...(settings.generations === undefined ? {} : { generations: settings.generations }),
  };
}
