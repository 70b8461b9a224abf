/**
 * The parameters file of `npm run deploy`: JSON, every key optional, amounts and durations as decimal strings.
 *
 *   { "registryGuardian": "0x…", "registryGuardianExpiresAt": "1798761600",   the Governance module's keys
 *     "token": "0x…",                                                          an existing votes token
 *     "parameters": { "rebalance.bandBps": "400", "weight.WETH": "3500" },     registry values, within their rules
 *     "collateralAsset": "WETH",
 *     "hedge": { "asset": "WETH", "market": { "loanToken": "0x…", "collateralToken": "0x…", "oracle": "0x…",
 *                "irm": "0x…", "lltv": "860000000000000000" }, "source": "https://…" },
 *     "vaultName": "Trimtab Portfolio", "vaultSymbol": "tPORT" }
 *
 * Every error names the file and the key. Whether a registry value keeps its rules is checked against the book's
 * parameters, by planPlatform (ignition/plan.ts).
 */
import { readFile } from "node:fs/promises";
import { getAddress, isAddress, type Address } from "viem";
import type { GovernanceParameters } from "./deploy.ts";
import type { DeployParameters, MarketParameters } from "./plan.ts";

type Governance = NonNullable<DeployParameters["governance"]>;
const addressKeys = ["tokenRecipient", "proposalGuardian", "registryGuardian"] as const;
const numberKeys = [
  "tokenSupply",
  "timelockMinDelaySeconds",
  "votingDelaySeconds",
  "votingPeriodSeconds",
  "proposalThreshold",
  "quorumNumerator",
  "lateQuorumExtensionSeconds",
  "proposalGuardianTermSeconds",
  "registryGuardianExpiresAt",
] as const;
const otherKeys = ["token", "parameters", "collateralAsset", "hedge", "vaultName", "vaultSymbol"] as const;

/** Reads and checks a parameters file; every error names the file and the key. */
export async function readDeployParameters(file: string): Promise<DeployParameters> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
  return parseDeployParameters(file, raw);
}

/** The parameters of a parsed parameters file (`file` names it in errors). */
export function parseDeployParameters(file: string, raw: unknown): DeployParameters {
  const object = (value: unknown, what: string): Record<string, unknown> => {
    if (typeof value !== "object" || value === null || Array.isArray(value))
      throw new Error(`${file}: ${what}expected a JSON object`);
    return value as Record<string, unknown>;
  };
  const address = (value: unknown, key: string): Address => {
    if (typeof value !== "string" || !isAddress(value, { strict: false }))
      throw new Error(`${file}: ${key} must be an address`);
    return getAddress(value);
  };
  const whole = (value: unknown, key: string): bigint => {
    if (typeof value !== "string" || !/^\d+$/.test(value))
      throw new Error(`${file}: ${key} must be a whole number written as a string, e.g. "86400"`);
    return BigInt(value);
  };
  const text = (value: unknown, key: string): string => {
    if (typeof value !== "string" || value.trim() === "") throw new Error(`${file}: ${key} must be a non-empty string`);
    return value;
  };

  const governance: Record<string, unknown> = {};
  const result: DeployParameters = {};
  for (const [key, value] of Object.entries(object(raw, ""))) {
    if ((addressKeys as readonly string[]).includes(key)) governance[key] = address(value, key);
    else if ((numberKeys as readonly string[]).includes(key)) governance[key] = whole(value, key);
    else if (key === "token") result.token = address(value, key);
    else if (key === "collateralAsset") result.collateralAsset = text(value, key);
    else if (key === "vaultName") result.vaultName = text(value, key);
    else if (key === "vaultSymbol") result.vaultSymbol = text(value, key);
    else if (key === "parameters") {
      const values: Record<string, bigint> = {};
      for (const [name, v] of Object.entries(object(value, "parameters: ")))
        values[name] =
          typeof v === "string" && isAddress(v, { strict: false }) ? BigInt(v) : whole(v, `parameters.${name}`);
      result.parameters = values;
    } else if (key === "hedge") {
      const hedge = object(value, "hedge: ");
      const market = object(hedge.market, "hedge.market: ");
      const parsed: MarketParameters = {
        loanToken: address(market.loanToken, "hedge.market.loanToken"),
        collateralToken: address(market.collateralToken, "hedge.market.collateralToken"),
        oracle: address(market.oracle, "hedge.market.oracle"),
        irm: address(market.irm, "hedge.market.irm"),
        lltv: whole(market.lltv, "hedge.market.lltv"),
      };
      result.hedge = {
        asset: text(hedge.asset, "hedge.asset"),
        market: parsed,
        source: hedge.source === undefined ? `${file} hedge` : text(hedge.source, "hedge.source"),
      };
    } else
      throw new Error(
        `${file}: unknown parameter "${key}"; known: ${[...addressKeys, ...numberKeys, ...otherKeys].join(", ")}`,
      );
  }
  if (Object.keys(governance).length) result.governance = governance as Governance & Partial<GovernanceParameters>;
  return result;
}
