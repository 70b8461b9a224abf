/**
 * The devnet pools' concentrated positions (`devnetPoolPositions`) placed around a pool's tick, and the tick
 * structure they give the pool as the simulator holds it. Free of chain code: the seeding mints these positions, and
 * the simulator's devnet-shaped start point builds its pools from them.
 */
import { devnetPoolPositions } from "./constants.ts";
import type { Pool } from "../sim/model/types.ts";

/** The tick spacing of the devnet pools' fee tier (`devnetPoolFee`, 0.3%). */
export const devnetTickSpacing = 60;
/** The outermost usable tick at that spacing (full range is ±maxTick). */
const maxTick = Math.floor(887_272 / devnetTickSpacing) * devnetTickSpacing;

/** A liquidity position: its range and liquidity (in whichever units the caller's depth is). */
export type PoolPosition = { tickLower: number; tickUpper: number; liquidity: number };

/** The tick of a raw price (token1 wei per token0 wei), as TickMath.getTickAtSqrtRatio rounds it: down. */
export function tickOfPrice(rawPrice: number): number {
  if (!(rawPrice > 0)) throw new Error(`a pool price must be positive, got ${rawPrice}`);
  return Math.floor(Math.log(rawPrice) / Math.log(1.0001));
}

/** The devnet's positions in a pool at `tick` whose depth (liquidity near the price) is `depth`. */
export function devnetPositionsAt(tick: number, depth: number): PoolPosition[] {
  const aligned = Math.floor(tick / devnetTickSpacing) * devnetTickSpacing;
  return devnetPoolPositions.map(({ spacings, shareBps }) => ({
    tickLower: spacings === "full" ? -maxTick : aligned + spacings[0] * devnetTickSpacing,
    tickUpper: spacings === "full" ? maxTick : aligned + spacings[1] * devnetTickSpacing,
    liquidity: (depth * shareBps) / 10_000,
  }));
}

/**
 * The pool `positions` make at `tick`: the active liquidity there (the positions with tickLower ≤ tick < tickUpper)
 * and each initialised tick's liquidityNet, as the pool keeps them.
 */
export function poolOfPositions(positions: readonly PoolPosition[], tick: number, riskIsToken0: boolean): Pool {
  const nets = new Map<number, number>();
  let liquidity = 0;
  for (const { tickLower, tickUpper, liquidity: amount } of positions) {
    if (!(tickLower < tickUpper)) throw new Error(`a position's range must ascend: ${tickLower} to ${tickUpper}`);
    nets.set(tickLower, (nets.get(tickLower) ?? 0) + amount);
    nets.set(tickUpper, (nets.get(tickUpper) ?? 0) - amount);
    if (tickLower <= tick && tick < tickUpper) liquidity += amount;
  }
  const ticks = [...nets]
    .filter(([, net]) => net !== 0)
    .sort(([a], [b]) => a - b)
    .map(([at, liquidityNet]) => ({ tick: at, liquidityNet }));
  return { liquidity, riskIsToken0, tick, ticks };
}
