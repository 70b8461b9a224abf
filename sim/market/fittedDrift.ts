/**
 * The drift of the fitted market models (Student-t, GARCH, regimes) as sim/market/drift.ts needs it: each model's
 * own log-price drift per asset, and the model with that drift replaced, its randomness untouched. A regime model's
 * drift is the regimes' drifts averaged over the chain's stationary distribution; replacing it shifts every regime's
 * drift by the same amount, so the regimes keep their differences.
 */
import { stationaryProbabilities } from "./regimes.ts";
import type { GarchModel, RegimeModel, StudentTModel } from "./types.ts";

/** A fitted model's own log-price drift per asset, with its standard error and window when it was calibrated. */
export function fittedModelDrift(model: StudentTModel | GarchModel | RegimeModel): {
  logDriftPerYear: number[];
  standardErrorPerYear?: number[];
  window?: { fromSeconds?: number; toSeconds?: number; returns: number };
} {
  if (model.kind === "student-t" && model.driftFit) {
    const fit = model.driftFit;
    return {
      logDriftPerYear: [...fit.logDriftPerYear],
      standardErrorPerYear: [...fit.standardErrorPerYear],
      window: { fromSeconds: fit.fromSeconds, toSeconds: fit.toSeconds, returns: fit.returns },
    };
  }
  if (model.kind !== "regimes") return { logDriftPerYear: [...model.logDriftPerYear] };
  const pi = stationaryProbabilities(model);
  return {
    logDriftPerYear: model.symbols.map((_, i) =>
      model.regimes.reduce((s, regime, k) => s + pi[k]! * regime.logDriftPerYear[i]!, 0),
    ),
  };
}

/** `model` with each asset's log price drifting at `logDriftPerYear` (see the module's comment for regimes). */
export function withFittedDrift<M extends StudentTModel | GarchModel | RegimeModel>(
  model: M,
  logDriftPerYear: readonly number[],
): M {
  if (model.kind !== "regimes") return { ...model, logDriftPerYear: [...logDriftPerYear] };
  const own = fittedModelDrift(model).logDriftPerYear;
  const regimes = model.regimes.map((regime) => ({
    ...regime,
    logDriftPerYear: regime.logDriftPerYear.map((g, i) => g + logDriftPerYear[i]! - own[i]!),
  }));
  return { ...model, regimes };
}
