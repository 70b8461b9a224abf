/**
 * A simulation start point shaped like the devnet right after its first $1,000,000 deposit is invested at the
 * target weights (before the collateral manager and the hedge act), built from the devnet's own constants and the
 * parameter catalog's first values, without a chain: for benchmarks and unit tests of the simulation. The
 * differential tests read the real thing from the devnet with `readStartPoint`.
 */
import {
  devnetInitialPrices,
  devnetLiquidity,
  devnetLltv,
  devnetPoolFee,
  devnetWeights,
  scenarioMarket,
} from "./constants.ts";
import { devnetPositionsAt, poolOfPositions, tickOfPrice } from "./poolPositions.ts";
import { parameterCatalog } from "../parameters/catalog.ts";
import type { StartPoint } from "../sim/chain.ts";
import type { GbmModel } from "../sim/market/types.ts";
import { paramsFromRegistry } from "../sim/model/params.ts";

const symbols = ["USDC", "WETH", "WBTC"] as const;
const decimals = [6, 18, 8];

export function devnetStartPoint(navUsd = 1_000_000, timeSeconds = 1_780_000_000): StartPoint {
  const pricesUsd = symbols.map((s) => Number(devnetInitialPrices[s]) / 1e8);
  const values: Record<string, bigint> = Object.fromEntries(parameterCatalog.map((p) => [p.name, p.value]));
  for (const s of symbols) values[`weight.${s}`] = devnetWeights[s];
  for (const s of symbols.slice(1)) values[`poolFee.${s}`] = BigInt(devnetPoolFee);
  const params = paramsFromRegistry(values, symbols);
  const pool = (symbol: "WETH" | "WBTC") => {
    const { amounts } = devnetLiquidity.pools.find((p) => p.pair[0] === symbol)!;
    // The depth is the full-range liquidity of the amounts, √(x·y); token order decides which side is token0 (on the
    // devnet WETH sorts before USDC and WBTC after it) and so the pool's tick.
    const depth = Math.sqrt(Number(amounts[0]) * Number(amounts[1]));
    const riskIsToken0 = symbol === "WETH";
    const asset = symbols.indexOf(symbol);
    const riskPerBase = pricesUsd[asset]! / pricesUsd[0]!;
    // Token1 wei per token0 wei.
    const rawPrice = riskIsToken0
      ? riskPerBase * 10 ** (decimals[0]! - decimals[asset]!)
      : (1 / riskPerBase) * 10 ** (decimals[asset]! - decimals[0]!);
    const tick = tickOfPrice(rawPrice);
    return poolOfPositions(devnetPositionsAt(tick, depth), tick, riskIsToken0);
  };
  const lending = (collateral: string, loan: string) => {
    const supply = Number(devnetLiquidity.lending.find((l) => l.collateral === collateral && l.loan === loan)!.amount);
    return {
      totalSupplyAssets: supply,
      totalBorrowAssets: 0,
      lastUpdateSeconds: timeSeconds,
      rate: { kind: "utilization" } as const,
      lltv: Number(devnetLltv) / 1e18,
    };
  };
  const balances = symbols.map((s, i) => (navUsd * (Number(devnetWeights[s]) / 10_000)) / pricesUsd[i]!);
  return {
    setup: {
      symbols,
      decimals,
      pools: [pool("WETH"), pool("WBTC")],
      collateral: { assetIndex: 1, market: lending("WETH", "USDC") },
      hedge: { assetIndex: 1, market: lending("USDC", "WETH") },
    },
    state: {
      timeSeconds,
      balances,
      supply: navUsd,
      highWaterMark: 1,
      lastFeeAccrualSeconds: timeSeconds,
      lastRebalanceSeconds: timeSeconds,
    },
    params,
    pricesUsd,
    source: { chainId: 31_337, blockNumber: "0", vault: "0x0000000000000000000000000000000000000000" },
  };
}

/** The devnet scenario's market as a GBM (USDC nearly fixed at $1), for benchmarks and tests of the simulation. */
export function devnetMarketModel(): GbmModel {
  const { WETH, WBTC, correlation } = scenarioMarket;
  return {
    kind: "gbm",
    symbols,
    driftPerYear: [0, WETH.mu, WBTC.mu],
    volatilityPerYear: [0.002, WETH.sigma, WBTC.sigma],
    correlation: [
      [1, 0, 0],
      [0, 1, correlation],
      [0, correlation, 1],
    ],
  };
}

/** The devnet registry's ranges (each parameter's rules' min and max, weights 0–10000 bps), for the advisor. */
export function devnetRuleRanges(): Record<string, { min: number; max: number }> {
  const ranges = Object.fromEntries(
    parameterCatalog.map((p) => [p.name, { min: Number(p.rules.min), max: Number(p.rules.max) }]),
  );
  for (const s of symbols) ranges[`weight.${s}`] = { min: 0, max: 10_000 };
  return ranges;
}
