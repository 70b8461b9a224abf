/**
 * Strategy parameters by their registry names: reading a set from the registry's values, applying a proposal's
 * changes to it, and refusing impossible sets with an error that names the parameter.
 */
import type { StrategyParams, VaultSetup } from "./types.ts";

const BPS = 10_000;

type Field = {
  get(p: StrategyParams): number | boolean;
  set(p: StrategyParams, value: number | boolean): StrategyParams;
  kind: "bps" | "seconds" | "ppm" | "bool";
};

const scalar = (key: Exclude<keyof StrategyParams, "weightsBps" | "poolFeesPpm" | "collateral" | "hedge">) =>
  ({
    get: (p) => p[key],
    set: (p, value) => ({ ...p, [key]: value }),
    kind: key.startsWith("pause") ? "bool" : key === "minIntervalSeconds" ? "seconds" : "bps",
  }) satisfies Field;
const nested = <G extends "collateral" | "hedge">(group: G, key: keyof StrategyParams[G]): Field => ({
  get: (p) => p[group][key] as number,
  set: (p, value) => ({ ...p, [group]: { ...p[group], [key]: value } }),
  kind: "bps",
});

/** The registry parameters the model acts on, by name (asset parameters are added per symbol). */
const fixedFields: Record<string, Field> = {
  "rebalance.bandBps": scalar("bandBps"),
  "rebalance.minIntervalSec": scalar("minIntervalSeconds"),
  "rebalance.maxTradeBps": scalar("maxTradeBps"),
  "rebalance.maxSlippageBps": scalar("maxSlippageBps"),
  "oracle.maxDeviationBps": scalar("maxDeviationBps"),
  "fees.managementBps": scalar("managementFeeBps"),
  "fees.performanceBps": scalar("performanceFeeBps"),
  "pause.rebalance": scalar("pauseRebalance"),
  "pause.leverage": scalar("pauseLeverage"),
  "collateral.targetLtvBps": nested("collateral", "targetLtvBps"),
  "collateral.maxLtvBps": nested("collateral", "maxLtvBps"),
  "collateral.healthBufferBps": nested("collateral", "healthBufferBps"),
  "collateral.ltvBandBps": nested("collateral", "ltvBandBps"),
  "collateral.postedBps": nested("collateral", "postedBps"),
  "hedge.ratioBps": nested("hedge", "ratioBps"),
  "hedge.bandBps": nested("hedge", "bandBps"),
  "hedge.ltvBps": nested("hedge", "ltvBps"),
};

/** Every parameter name the model reads, for `symbols` (base first). */
export function modelParameterNames(symbols: readonly string[]): string[] {
  return [
    ...symbols.map((s) => `weight.${s}`),
    ...symbols.slice(1).map((s) => `poolFee.${s}`),
    ...Object.keys(fixedFields),
  ];
}

function fieldOf(name: string, symbols: readonly string[]): Field | undefined {
  const fixed = fixedFields[name];
  if (fixed) return fixed;
  const [prefix, symbol] = name.split(".") as [string, string | undefined];
  const index = symbol === undefined ? -1 : symbols.indexOf(symbol);
  if (prefix === "weight" && index >= 0) {
    return {
      get: (p) => p.weightsBps[index]!,
      set: (p, value) => ({ ...p, weightsBps: p.weightsBps.map((w, i) => (i === index ? (value as number) : w)) }),
      kind: "bps",
    };
  }
  if (prefix === "poolFee" && index >= 1) {
    return {
      get: (p) => p.poolFeesPpm[index - 1]!,
      set: (p, value) => ({
        ...p,
        poolFeesPpm: p.poolFeesPpm.map((f, i) => (i === index - 1 ? (value as number) : f)),
      }),
      kind: "ppm",
    };
  }
  return undefined;
}

/** Reads a parameter set from registry values by name (bigints as the registry returns them). */
export function paramsFromRegistry(
  values: Readonly<Record<string, bigint>>,
  symbols: readonly string[],
): StrategyParams {
  const read = (name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`registry parameter ${name} is missing`);
    return Number(value);
  };
  return {
    weightsBps: symbols.map((s) => read(`weight.${s}`)),
    poolFeesPpm: symbols.slice(1).map((s) => read(`poolFee.${s}`)),
    bandBps: read("rebalance.bandBps"),
    minIntervalSeconds: read("rebalance.minIntervalSec"),
    maxTradeBps: read("rebalance.maxTradeBps"),
    maxSlippageBps: read("rebalance.maxSlippageBps"),
    maxDeviationBps: read("oracle.maxDeviationBps"),
    managementFeeBps: read("fees.managementBps"),
    performanceFeeBps: read("fees.performanceBps"),
    pauseRebalance: read("pause.rebalance") !== 0,
    pauseLeverage: read("pause.leverage") !== 0,
    collateral: {
      targetLtvBps: read("collateral.targetLtvBps"),
      maxLtvBps: read("collateral.maxLtvBps"),
      healthBufferBps: read("collateral.healthBufferBps"),
      ltvBandBps: read("collateral.ltvBandBps"),
      postedBps: read("collateral.postedBps"),
    },
    hedge: { ratioBps: read("hedge.ratioBps"), bandBps: read("hedge.bandBps"), ltvBps: read("hedge.ltvBps") },
  };
}

/** A parameter's value by registry name. */
export function paramValue(params: StrategyParams, name: string, symbols: readonly string[]): number | boolean {
  const field = fieldOf(name, symbols);
  if (!field) throw new Error(`${name} is not a parameter the simulation models`);
  return field.get(params);
}

/**
 * `params` with `changes` applied (by registry name, values in the registry's units; booleans or 0/1 for pauses).
 * Unknown names are refused: a proposal must not change something the simulation silently ignores.
 */
export function withChanges(
  params: StrategyParams,
  changes: Readonly<Record<string, number | bigint | boolean>>,
  symbols: readonly string[],
): StrategyParams {
  let next = params;
  for (const [name, raw] of Object.entries(changes)) {
    const field = fieldOf(name, symbols);
    if (!field) throw new Error(`${name} is not a parameter the simulation models`);
    const value = typeof raw === "bigint" ? Number(raw) : raw;
    if (field.kind === "bool") {
      if (typeof value !== "boolean" && value !== 0 && value !== 1)
        throw new Error(`${name} must be true or false (or 0 or 1), got ${String(raw)}`);
      next = field.set(next, value === true || value === 1);
    } else {
      if (typeof value !== "number") throw new Error(`${name} must be a number, got ${String(raw)}`);
      next = field.set(next, value);
    }
  }
  return next;
}

/**
 * Refuses a parameter set the contracts could not run, or that the model cannot simulate meaningfully. Each error
 * names the registry parameter (`label` says which set, e.g. "proposed").
 */
export function validateParams(params: StrategyParams, setup: VaultSetup, label = "parameters"): void {
  const symbols = setup.symbols;
  const fail = (name: string, problem: string) => {
    throw new Error(`${label}: ${name} ${problem}`);
  };
  const whole = (name: string, value: number, min: number, max: number, unit: string) => {
    if (!Number.isFinite(value) || !Number.isInteger(value))
      fail(name, `must be a whole number of ${unit}, got ${value}`);
    if (value < min) fail(name, `must be at least ${min} ${unit}, got ${value}`);
    if (value > max) fail(name, `must be at most ${max} ${unit}, got ${value}`);
  };
  if (params.weightsBps.length !== symbols.length)
    fail("weights", `must give one weight per asset (${symbols.join(", ")}), got ${params.weightsBps.length}`);
  if (params.poolFeesPpm.length !== symbols.length - 1)
    fail("poolFees", `must give one fee per risk asset, got ${params.poolFeesPpm.length}`);
  params.weightsBps.forEach((w, i) => whole(`weight.${symbols[i]}`, w, 0, BPS, "bps"));
  const sum = params.weightsBps.reduce((s, w) => s + w, 0);
  if (sum !== BPS)
    fail(
      symbols.map((s) => `weight.${s}`).join(" + "),
      `must sum to 10000 bps, got ${params.weightsBps.join(" + ")} = ${sum}`,
    );
  params.poolFeesPpm.forEach((f, i) => whole(`poolFee.${symbols[i + 1]}`, f, 1, 999_999, "hundredths of a bp"));
  for (const [name, field] of Object.entries(fixedFields)) {
    const value = field.get(params);
    if (field.kind === "bool") {
      if (typeof value !== "boolean") fail(name, `must be true or false, got ${String(value)}`);
      continue;
    }
    if (field.kind === "seconds") whole(name, value as number, 0, 10 * 365 * 86_400, "seconds");
    else whole(name, value as number, 0, BPS, "bps");
  }
  if (params.maxSlippageBps >= BPS) fail("rebalance.maxSlippageBps", `must be below 10000 bps`);
  const c = params.collateral;
  if (setup.collateral) {
    const lltvBps = Math.floor(setup.collateral.market.lltv * BPS + 1e-9);
    if (c.targetLtvBps >= lltvBps)
      fail("collateral.targetLtvBps", `(${c.targetLtvBps}) must be below the market's liquidation LTV (${lltvBps})`);
    if (c.maxLtvBps >= lltvBps)
      fail("collateral.maxLtvBps", `(${c.maxLtvBps}) must be below the market's liquidation LTV (${lltvBps})`);
    if (c.targetLtvBps > c.maxLtvBps)
      fail("collateral.targetLtvBps", `(${c.targetLtvBps}) must not exceed collateral.maxLtvBps (${c.maxLtvBps})`);
  }
  if (setup.hedge) {
    const lltvBps = Math.floor(setup.hedge.market.lltv * BPS + 1e-9);
    if (params.hedge.ltvBps === 0) fail("hedge.ltvBps", `must be above 0`);
    if (params.hedge.ltvBps >= lltvBps)
      fail("hedge.ltvBps", `(${params.hedge.ltvBps}) must be below the market's liquidation LTV (${lltvBps})`);
  }
}
