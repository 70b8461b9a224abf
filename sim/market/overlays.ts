/**
 * The stress overlays of a path, checked and tabulated by step once per generator, and the room check of a path's
 * output: shared by every generator of sim/market (paths.ts and the fitted models' own).
 */
import { ln } from "../detMath.ts";
import { show } from "./checks.ts";
import type { StressOverlay } from "./types.ts";

/**
 * Everything a path needs besides the model's own randomness, indexed by step (row `step × assets + asset`):
 * the volatility multiplier of each step, the log shift crashes add to each return, and pinned prices (0 = none).
 */
export type OverlayTables = {
  volatilityMultiplier: Float64Array;
  crashLogShift: Float64Array;
  pinnedPriceUsd: Float64Array;
};

/** Checks the overlays against the symbols and horizon and tabulates them by step. */
export function overlayTables(
  symbols: readonly string[],
  overlays: readonly StressOverlay[],
  steps: number,
): OverlayTables {
  const assets = symbols.length;
  const volatilityMultiplier = new Float64Array(steps + 1).fill(1);
  const crashLogShift = new Float64Array((steps + 1) * assets);
  const pinnedPriceUsd = new Float64Array((steps + 1) * assets);
  const checkStep = (value: number, min: number, name: string) => {
    if (!(Number.isInteger(value) && value >= min && value <= steps))
      throw new Error(`${name} must be an integer in [${min}, ${steps}], got ${show(value)}`);
  };
  const symbolList = `the model's symbols (${symbols.join(", ")})`;

  overlays.forEach((overlay, k) => {
    const name = `overlays[${k}]`;
    if (overlay.kind === "crash") {
      checkStep(overlay.step, 1, `${name}.step`);
      for (const [symbol, dropBps] of Object.entries(overlay.dropBps)) {
        const i = symbols.indexOf(symbol);
        if (i < 0) throw new Error(`${name}.dropBps has ${show(symbol)}, which is not one of ${symbolList}`);
        if (!(dropBps >= 0 && dropBps < 10_000))
          throw new Error(`${name}.dropBps.${symbol} must be a number in [0, 10000), got ${show(dropBps)}`);
        crashLogShift[overlay.step * assets + i]! += ln(1 - dropBps / 10_000);
      }
    } else if (overlay.kind === "volSpike") {
      checkStep(overlay.fromStep, 1, `${name}.fromStep`);
      checkStep(overlay.toStep, overlay.fromStep, `${name}.toStep`);
      if (!(Number.isFinite(overlay.multiplier) && overlay.multiplier >= 0))
        throw new Error(`${name}.multiplier must be a finite number >= 0, got ${show(overlay.multiplier)}`);
      for (let step = overlay.fromStep; step <= overlay.toStep; step++)
        volatilityMultiplier[step]! *= overlay.multiplier;
    } else if (overlay.kind === "depeg") {
      const i = symbols.indexOf(overlay.symbol);
      if (i < 0) throw new Error(`${name}.symbol must be one of ${symbolList}, got ${show(overlay.symbol)}`);
      checkStep(overlay.fromStep, 1, `${name}.fromStep`);
      checkStep(overlay.toStep, overlay.fromStep, `${name}.toStep`);
      if (!(Number.isFinite(overlay.priceUsd) && overlay.priceUsd > 0))
        throw new Error(`${name}.priceUsd must be a positive finite number, got ${show(overlay.priceUsd)}`);
      for (let step = overlay.fromStep; step <= overlay.toStep; step++)
        pinnedPriceUsd[step * assets + i] = overlay.priceUsd;
    } else if (overlay.kind === "rateSpike") {
      // Prices are untouched: the strategy kernel applies it (see `borrowRateFloors` in stress.ts).
      checkStep(overlay.fromStep, 1, `${name}.fromStep`);
      checkStep(overlay.toStep, overlay.fromStep, `${name}.toStep`);
      if (!(Number.isFinite(overlay.ratePerYear) && overlay.ratePerYear >= 0))
        throw new Error(`${name}.ratePerYear must be a finite number >= 0, got ${show(overlay.ratePerYear)}`);
    } else {
      const kind: unknown = (overlay as { kind: unknown }).kind;
      throw new Error(`${name}.kind must be "crash", "volSpike", "depeg" or "rateSpike", got ${show(kind)}`);
    }
  });
  return { volatilityMultiplier, crashLogShift, pinnedPriceUsd };
}

/** Throws unless `out` has room for `size` values from `offset`. Builds its message only when it throws. */
export function checkRoom(out: Float64Array, offset: number, size: number): void {
  if (!(Number.isInteger(offset) && offset >= 0 && offset + size <= out.length))
    throw new Error(
      `out (length ${out.length}) has no room at offset ${offset} for a path of ${size} prices ((steps + 1) × assets)`,
    );
}
