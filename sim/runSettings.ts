/**
 * An impact simulation's settings: the defaults and what a run accepts. Their one home, read by the Monte Carlo's
 * input check and by a proposal file's check (so that `trimtab proposal check` refuses what `simulate` would).
 */

/** What a run uses for the settings it is not given. */
export const simulationDefaults = { paths: 2_000, steps: 365, stepSeconds: 86_400, seed: 1, gasPriceGwei: 5 } as const;

/** Paths per parameter set, and steps per path. */
export const simulationLimits = {
  paths: { min: 1, max: 1_000_000 },
  steps: { min: 1, max: 3_650 },
} as const;

/** The most NAV points (paths × (steps + 1), per parameter set) a run keeps for its bands: 100 MB each. */
export const maxNavPoints = 25_000_000;

/** Why `paths` and `steps` are too large together, or undefined when a run can keep them. */
export function navPointsProblem(paths: number, steps: number): string | undefined {
  const points = paths * (steps + 1);
  if (points <= maxNavPoints) return undefined;
  return (
    `paths × (steps + 1) = ${points.toLocaleString("en-US")} NAV points per parameter set is more than the ` +
    `${maxNavPoints.toLocaleString("en-US")} a run keeps in memory (${Math.round((points * 8) / 1e6)} MB for both ` +
    `sets): use fewer paths or a shorter horizon`
  );
}
