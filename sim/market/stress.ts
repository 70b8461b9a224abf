/**
 * Named stress scenarios: recipes that turn a list of symbols and a horizon into overlays for
 * `createPathGenerator`. Each is sized for daily steps (a "one-day" crash is a one-step crash) and clamped to the
 * horizon, so any scenario can be applied to any simulation length.
 */
import { checkSymbols, show } from "./calibrate.ts";
import type { StressOverlay } from "./types.ts";

/** Where a scenario starts. */
export type StressScenarioOptions = {
  /**
   * The step at which the stress begins, an integer ≥ 1; clamped to the horizon. Default: the middle of the
   * horizon, `ceil(steps / 2)`, so the path has history before the stress and time to react after it.
   */
  startStep?: number;
};

/** A stress scenario: the overlays it puts on paths of `steps` steps of assets `symbols` (base asset first). */
export type StressScenario = (
  symbols: readonly string[],
  steps: number,
  options?: StressScenarioOptions,
) => StressOverlay[];

/**
 * One-step drops of the `crash` scenario, in basis points: Bitcoin-like assets (symbol containing "BTC", e.g. WBTC,
 * cbBTC) fall 30%, every other non-base asset 35% (Ether-like).
 */
export const crashScenario = { btcLikeDropBps: 3_000, otherDropBps: 3_500 } as const;

/** Length of the `vol-spike` scenario in steps, and its multiplier on the random part of returns. */
export const volSpikeScenario = { steps: 30, multiplier: 3 } as const;

/**
 * The `usdc-depeg` scenario: the base asset's price for its first `steps` steps (USDC fell to about $0.88 in March
 * 2023), and the price it recovers to, and keeps to the horizon (a depeg that does not recover fully: the holders'
 * dollars lost are lost for good, which a depeg that ends before the horizon would not show).
 */
export const usdcDepegScenario = { steps: 10, priceUsd: 0.9, recoveredPriceUsd: 0.97 } as const;

/**
 * Length of the `rate-spike` scenario in steps, and the lowest borrow rate meanwhile (a yearly rate). A Morpho market
 * at full utilization charges 4× its rate at target, and the AdaptiveCurveIrm doubles that rate at target about every
 * five days (50/year × an error of 1): a market at a 4% rate at target that fills up passes 100% a year in about 13
 * days (4 × 4% × e^(50 × 13/365) ≈ 95%).
 */
export const rateSpikeScenario = { steps: 14, ratePerYear: 1 } as const;

/** The names of the stress scenarios, in the order a report lists them. */
export const stressScenarioNames = ["crash", "vol-spike", "usdc-depeg", "rate-spike"] as const;

/** The name of a stress scenario. */
export type StressScenarioName = (typeof stressScenarioNames)[number];

/** The named stress scenarios. */
export const stressScenarios: Readonly<Record<StressScenarioName, StressScenario>> = {
  /** Every non-base asset drops at once, in one step (see {@link crashScenario}). */
  crash: (symbols, steps, options) => {
    const step = startStep(symbols, steps, options);
    const dropBps: Record<string, number> = {};
    for (const symbol of symbols.slice(1))
      dropBps[symbol] = symbol.toUpperCase().includes("BTC")
        ? crashScenario.btcLikeDropBps
        : crashScenario.otherDropBps;
    return [{ kind: "crash", step, dropBps }];
  },
  /** The random part of every return is tripled for 30 steps (fewer if the horizon ends first). */
  "vol-spike": (symbols, steps, options) => {
    const fromStep = startStep(symbols, steps, options);
    const toStep = Math.min(steps, fromStep + volSpikeScenario.steps - 1);
    return [{ kind: "volSpike", fromStep, toStep, multiplier: volSpikeScenario.multiplier }];
  },
  /**
   * The base asset (symbols[0], USDC for Trimtab) trades at $0.90 for 10 steps (fewer if the horizon ends first),
   * then at $0.97 to the horizon (see {@link usdcDepegScenario}).
   */
  "usdc-depeg": (symbols, steps, options) => {
    const fromStep = startStep(symbols, steps, options);
    const toStep = Math.min(steps, fromStep + usdcDepegScenario.steps - 1);
    const symbol = symbols[0]!;
    return [
      { kind: "depeg", symbol, fromStep, toStep, priceUsd: usdcDepegScenario.priceUsd },
      ...(toStep < steps
        ? [
            {
              kind: "depeg" as const,
              symbol,
              fromStep: toStep + 1,
              toStep: steps,
              priceUsd: usdcDepegScenario.recoveredPriceUsd,
            },
          ]
        : []),
    ];
  },
  /** Every market the modules borrow on charges at least 100% a year for 14 steps (see {@link rateSpikeScenario}). */
  "rate-spike": (symbols, steps, options) => {
    const fromStep = startStep(symbols, steps, options);
    const toStep = Math.min(steps, fromStep + rateSpikeScenario.steps - 1);
    return [{ kind: "rateSpike", fromStep, toStep, ratePerYear: rateSpikeScenario.ratePerYear }];
  },
};

/**
 * The lowest borrow rate per step (a yearly rate; index k for step k, index 0 unused) that `overlays`' rate spikes
 * set over a horizon of `steps`, the highest where spikes overlap; `undefined` when there is no spike.
 */
export function borrowRateFloors(overlays: readonly StressOverlay[], steps: number): Float64Array | undefined {
  let floors: Float64Array | undefined;
  for (const overlay of overlays) {
    if (overlay.kind !== "rateSpike") continue;
    floors ??= new Float64Array(steps + 1);
    for (let step = overlay.fromStep; step <= Math.min(overlay.toStep, steps); step++)
      if (overlay.ratePerYear > floors[step]!) floors[step] = overlay.ratePerYear;
  }
  return floors;
}

/** Checks a scenario's arguments and returns its first step, clamped to the horizon. */
function startStep(symbols: readonly string[], steps: number, options: StressScenarioOptions = {}): number {
  checkSymbols(symbols, "symbols");
  if (!(Number.isInteger(steps) && steps >= 1)) throw new Error(`steps must be an integer >= 1, got ${show(steps)}`);
  const step = options.startStep ?? Math.ceil(steps / 2);
  if (!(Number.isInteger(step) && step >= 1))
    throw new Error(`options.startStep must be an integer >= 1, got ${show(step)}`);
  return Math.min(step, steps);
}
