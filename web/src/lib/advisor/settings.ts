/**
 * The advisor page's form: what a delegate types (percentages as percentages, counts as whole numbers) read into the
 * advisor's settings (sdk/advisor/request.ts `AdvisorSettings`), or the first field that cannot be used, named as the
 * form labels it. Pure: the page and its tests read the same form the same way.
 */
import type { AdvisorSettings } from "../../../../sdk/advisor/request.ts";
import { advisorDefaults } from "../../../../sim/advisor/advise.ts";
import { searchSpace, type RuleRange } from "../../../../sim/advisor/space.ts";
import type { AdvisorStart } from "../../../../sim/advisor/types.ts";
import { modelParameterNames } from "../../../../sim/model/params.ts";
import { readDriftSetting, simulationLimits } from "../../../../sim/runSettings.ts";

export type AdvisorForm = {
  /** The parameters to search, by registry name. */
  parameters: string[];
  /** As a proposal file writes it: "zero", "fitted" or a yearly percentage ("8%"). */
  drift: string;
  /** Percent (1 = 1%). */
  maxLiquidationPercent: number;
  minBreakingDropPercent: number;
  paths: number;
  population: number;
  generations: number;
};

/** The form's fields, as its labels name them (the names an error starts with). */
export const advisorFields = {
  parameters: "Parameters to search",
  drift: "Drift",
  maxLiquidationPercent: "Max liquidation probability (%)",
  minBreakingDropPercent: "Min breaking drop (%)",
  paths: "Paths",
  population: "Population",
  generations: "Generations",
} as const satisfies Record<keyof AdvisorForm, string>;

/** Each number field's range (the ceilings in percent; the breaking drop below 100). */
export const advisorLimits = {
  maxLiquidationPercent: { min: 0, max: 100 },
  minBreakingDropPercent: { min: 0, max: 99.99 },
  paths: { min: 100, max: simulationLimits.paths.max },
  population: { min: 4, max: 1_000 },
  generations: { min: 0, max: 100 },
} as const;

/** The form's starting values: the advisor's defaults, with `parameters` searched. */
export function defaultAdvisorForm(parameters: readonly string[]): AdvisorForm {
  return {
    parameters: [...parameters],
    drift: "zero",
    maxLiquidationPercent: advisorDefaults.ceilings.liquidationProbability * 100,
    minBreakingDropPercent: advisorDefaults.ceilings.breakingDropAtLeast * 100,
    paths: advisorDefaults.paths,
    population: advisorDefaults.population,
    generations: advisorDefaults.generations,
  };
}

export type AdvisorFormReading =
  { ok: true; settings: AdvisorSettings } | { ok: false; field: keyof AdvisorForm; message: string };

/**
 * The settings the form asks for, or its first problem (the field, and a message starting with its label). The
 * proposed set's changes are the page's, not the form's: passed through as they are.
 */
export function readAdvisorForm(form: AdvisorForm, proposed?: AdvisorSettings["proposed"]): AdvisorFormReading {
  const fail = (field: keyof AdvisorForm, problem: string): AdvisorFormReading => ({
    ok: false,
    field,
    message: `${advisorFields[field]}: ${problem}`,
  });
  if (form.parameters.length === 0) return fail("parameters", "choose at least one parameter to search");
  const drift = readDriftSetting(form.drift);
  if (!drift.ok) return fail("drift", drift.reason);
  const liquidation = form.maxLiquidationPercent;
  if (!(typeof liquidation === "number" && Number.isFinite(liquidation) && liquidation >= 0 && liquidation <= 100))
    return fail("maxLiquidationPercent", `must be a percentage from 0 to 100, got ${shown(liquidation)}`);
  const breaking = form.minBreakingDropPercent;
  if (!(typeof breaking === "number" && Number.isFinite(breaking) && breaking >= 0 && breaking < 100))
    return fail("minBreakingDropPercent", `must be a percentage from 0 to below 100, got ${shown(breaking)}`);
  for (const field of ["paths", "population", "generations"] as const) {
    const value = form[field];
    const { min, max } = advisorLimits[field];
    if (!(typeof value === "number" && Number.isInteger(value) && value >= min && value <= max))
      return fail(field, `must be a whole number from ${min} to ${max}, got ${shown(value)}`);
  }
  return {
    ok: true,
    settings: {
      parameters: [...form.parameters],
      drift: drift.drift,
      ceilings: { liquidationProbability: liquidation / 100, breakingDropAtLeast: breaking / 100 },
      paths: form.paths,
      population: form.population,
      generations: form.generations,
      ...(proposed ? { proposed } : {}),
    },
  };
}

/** A value as the form holds it (an emptied number field holds null or ""), for an error message. */
const shown = (value: unknown) => (value === null || value === "" || value === undefined ? "nothing" : String(value));

/** The parameters the advisor can search on its own from `start` within `ranges` (sim/advisor/space.ts), by name. */
export function searchableParameters(ranges: Readonly<Record<string, RuleRange>>, start: AdvisorStart): string[] {
  return modelParameterNames(start.setup.symbols).filter((name) => {
    try {
      searchSpace(ranges, start, [name]);
      return true;
    } catch {
      return false;
    }
  });
}
