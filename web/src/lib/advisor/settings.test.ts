import { describe, expect, it } from "vitest";
import { devnetRuleRanges, devnetStartPoint } from "../../../../devnet/startPoint.ts";
import { defaultAdvisorParameters } from "../../../../sim/advisor/space.ts";
import { defaultAdvisorForm, readAdvisorForm, searchableParameters, type AdvisorForm } from "./settings.ts";

const start = devnetStartPoint();
const form = (change: Partial<AdvisorForm> = {}): AdvisorForm => ({
  ...defaultAdvisorForm(defaultAdvisorParameters(start.setup.symbols)),
  ...change,
});

describe("the advisor page's form", () => {
  it("reads its defaults as the advisor's: zero drift, 1% and 30% ceilings, 2,000 paths, 40 × 4", () => {
    expect(readAdvisorForm(form())).toEqual({
      ok: true,
      settings: {
        parameters: defaultAdvisorParameters(start.setup.symbols),
        drift: "zero",
        ceilings: { liquidationProbability: 0.01, breakingDropAtLeast: 0.3 },
        paths: 2_000,
        population: 40,
        generations: 4,
      },
    });
  });

  it("reads percentages as fractions, a set drift per year, and passes the proposed set through", () => {
    const read = readAdvisorForm(form({ drift: "8%", maxLiquidationPercent: 2.5, minBreakingDropPercent: 40 }), {
      "rebalance.bandBps": 800,
    });
    expect(read).toMatchObject({
      ok: true,
      settings: {
        drift: 0.08,
        ceilings: { liquidationProbability: 0.025, breakingDropAtLeast: 0.4 },
        proposed: { "rebalance.bandBps": 800 },
      },
    });
  });

  it("names the first field that cannot be used, as the form labels it", () => {
    const problem = (change: Partial<AdvisorForm>) => {
      const read = readAdvisorForm(form(change));
      return read.ok ? undefined : [read.field, read.message];
    };
    expect(problem({ parameters: [] })).toEqual([
      "parameters",
      "Parameters to search: choose at least one parameter to search",
    ]);
    expect(problem({ drift: "500%" })?.[0]).toBe("drift");
    expect(problem({ drift: "500%" })?.[1]).toMatch(/^Drift: /);
    expect(problem({ maxLiquidationPercent: 101 })).toEqual([
      "maxLiquidationPercent",
      "Max liquidation probability (%): must be a percentage from 0 to 100, got 101",
    ]);
    expect(problem({ minBreakingDropPercent: 100 })).toEqual([
      "minBreakingDropPercent",
      "Min breaking drop (%): must be a percentage from 0 to below 100, got 100",
    ]);
    expect(problem({ paths: 0 })).toEqual(["paths", "Paths: must be a whole number from 100 to 1000000, got 0"]);
    // An emptied number field holds null.
    expect(problem({ population: null as unknown as number })).toEqual([
      "population",
      "Population: must be a whole number from 4 to 1000, got nothing",
    ]);
    expect(problem({ generations: 1.5 })).toEqual([
      "generations",
      "Generations: must be a whole number from 0 to 100, got 1.5",
    ]);
  });

  it("offers the parameters the advisor can search: not the base weight, pauses or pool fees", () => {
    const names = searchableParameters(devnetRuleRanges(), start);
    for (const name of defaultAdvisorParameters(start.setup.symbols)) expect(names).toContain(name);
    expect(names).not.toContain(`weight.${start.setup.symbols[0]}`);
    expect(names.some((n) => n.startsWith("pause.") || n.startsWith("poolFee."))).toBe(false);
  });
});
