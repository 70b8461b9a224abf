/**
 * Calldata and revert data of the stack's contracts as people read them, written once for the CLI (`trimtab decode`)
 * and the web app: the function (or error) and each named argument in its unit. A registry parameter key reads as
 * its name and its value in the parameter's unit ("rebalance.bandBps = 4% (400 bps)"), an address as the contract
 * it is when known, a token amount in the token's units; the calls a call carries (a timelock batch, a governor's
 * relay or proposal) are decoded in turn. Pure: what the chain knows (names, tokens, the registry's kinds and base
 * asset) comes in the context.
 */
import {
  decodeAbiParameters,
  erc20Abi,
  getAddress,
  isHex,
  slice,
  toFunctionSelector,
  type Abi,
  type AbiFunction,
  type AbiParameter,
  type Address,
  type Hex,
} from "viem";
import { maxAssetSymbolLength, parameterCatalog, vaultAssetParameters } from "../parameters/catalog.ts";
import { parameterName } from "../parameters/parameterKey.ts";
import { stepKinds, type ParameterKind } from "../parameters/types.ts";
import type { DeploymentRecord } from "./deployment.ts";
import { stackAbi } from "./proposal/abis.ts";
import { formatTokenAmount, formatValue, valueUnit, type TokenUnits, type UnitContext } from "./proposal/units.ts";
import { decodeRevertData, type Revert } from "./revert.ts";
import { utcMinutes } from "./time.ts";

/** What decoding knows beyond the ABIs; all optional (without any, addresses are bare and kinds the catalog's). */
export type DecodeContext = {
  /** The ABIs to decode with: the stack's contracts and ERC-20, unless given. */
  abi?: Abi;
  /** Names of addresses (the deployment's contracts, its tokens), keys in any case. */
  names?: Readonly<Record<string, string>>;
  /** Tokens by address (any case), for the amounts of calls to them. */
  tokens?: Readonly<Record<string, TokenUnits>>;
  /**
   * The registry's parameter kinds and the vault's base asset (a registry snapshot is one). Without it, kinds come
   * from the parameter catalog and base-asset amounts stay in base wei.
   */
  registry?: UnitContext & { parameters: Readonly<Record<string, { kind: ParameterKind }>> };
};

/** What a deployment record tells decoding: its contracts' and its devnet tokens' names, and TRIM's and those tokens' units. */
export function decodeContextOf(record: Pick<DeploymentRecord, "contracts" | "devnet">): DecodeContext {
  const names: Record<string, string> = {};
  const tokens: Record<string, TokenUnits> = { [record.contracts.TrimtabToken]: { symbol: "TRIM", decimals: 18 } };
  for (const [name, address] of Object.entries(record.contracts)) if (address) names[address] = name;
  for (const [symbol, token] of Object.entries(record.devnet?.tokens ?? {})) {
    names[token.address] = symbol;
    tokens[token.address] = { symbol, decimals: token.decimals };
  }
  return { names, tokens };
}

/** One argument: its name and ABI type, its decoded value, and how it reads (one line per item of an array). */
export type DecodedArg = { name: string; type: string; value: unknown; text: string | string[] };

/** A call decoded: its function, its arguments and the calls it carries, each decoded in turn. */
export type DecodedCall = {
  kind: "call";
  selector: Hex;
  functionName: string;
  /** `setParameters((bytes32,uint256)[])`. */
  signature: string;
  args: DecodedArg[];
  /** The calls it carries: a timelock's schedule or execute (batch or not), a governor's relay or proposal. */
  actions?: DecodedAction[];
};

/** Revert data decoded: the error as sdk/revert.ts reads it. */
export type DecodedError = { kind: "error"; selector: Hex; revert: Revert };

/** A call that did not decode (no ABI knows its selector, or no calldata), with why. */
export type UndecodedCall = { kind: "undecoded"; selector: Hex | undefined; data: Hex; reason: string };

/** One call of a proposal or batch: its target (named when known), the wei it sends, and the call decoded. */
export type DecodedAction = {
  target: Address;
  targetName?: string;
  valueWei: bigint;
  call: DecodedCall | UndecodedCall;
};

/** Thrown for data whose 4-byte selector no function or error of the ABIs has. */
export class UnknownSelectorError extends Error {
  override name = "UnknownSelectorError";
  readonly selector: Hex;
  constructor(selector: Hex) {
    super(`unknown selector ${selector}: no function or error of the stack's contracts has it`);
    this.selector = selector;
  }
}

/** The ABIs decoding uses by default: every contract of the stack, and ERC-20 (its tokens' calls). */
export const decodeAbi: Abi = [...stackAbi, ...erc20Abi];

/** Calls inside calls are decoded this deep at most. */
const maxDepth = 4;

/**
 * Calldata or revert data, decoded: a function's call when its selector is a function's, else an error's revert.
 * Throws an `UnknownSelectorError` naming the selector when neither, and an Error saying what is wrong with data
 * that is not hex or too short to hold a selector, or whose arguments do not decode.
 * @example decodeData("0x…", { names: { [registry]: "ParameterRegistry" } })
 */
export function decodeData(data: string, context: DecodeContext = {}): DecodedCall | DecodedError {
  const hex = checkedHex(data);
  const selector = slice(hex, 0, 4);
  if (functionsOf(context.abi ?? decodeAbi).has(selector)) return decodeCall(hex, context);
  const revert = decodeRevertData(hex, context.abi ?? decodeAbi);
  if (revert.errorName === undefined) throw new UnknownSelectorError(selector);
  return { kind: "error", selector, revert };
}

/** A call to `target` (when known: its token amounts read in units) decoded; errors as `decodeData`'s. */
export function decodeCall(data: Hex, context: DecodeContext = {}, target?: Address, depth = 0): DecodedCall {
  const hex = checkedHex(data);
  const selector = slice(hex, 0, 4);
  const fn = functionsOf(context.abi ?? decodeAbi).get(selector);
  if (!fn) throw new UnknownSelectorError(selector);
  let values: readonly unknown[];
  try {
    values = decodeAbiParameters(fn.inputs, `0x${hex.slice(10)}`);
  } catch (error) {
    throw new Error(
      `${selector} is ${fn.name}, but its arguments do not decode (${(error as { shortMessage?: string }).shortMessage ?? (error as Error).message})`,
      { cause: error },
    );
  }
  const reader = readerOf(context, target);
  const args = fn.inputs.map((input, i): DecodedArg => ({
    name: input.name ?? "",
    type: input.type,
    value: values[i],
    text: reader.arg(input, values[i], fn.inputs, values),
  }));
  const actions = depth < maxDepth ? carriedActions(args, context, depth + 1) : undefined;
  if (actions)
    for (const arg of args) if (arg.type === "bytes" || arg.type === "bytes[]") arg.text = describeCarried(arg.value);
  const signature = `${fn.name}(${fn.inputs.map(typeSignature).join(",")})`;
  return { kind: "call", selector, functionName: fn.name, signature, args, ...(actions ? { actions } : {}) };
}

/**
 * A proposal's (or batch's) calls, each decoded; one that does not decode is kept, with why, so that every action
 * of a proposal is shown whatever it calls.
 */
export function decodeActions(
  actions: { targets: readonly Address[]; values: readonly bigint[]; calldatas: readonly Hex[] },
  context: DecodeContext = {},
  depth = 0,
): DecodedAction[] {
  const names = lowercaseKeys(context.names);
  return actions.targets.map((target, i): DecodedAction => {
    const data = actions.calldatas[i] ?? "0x";
    const name = names[target.toLowerCase()];
    let call: DecodedCall | UndecodedCall;
    if (data.length < 10)
      call = { kind: "undecoded", selector: undefined, data, reason: "no calldata: a plain transfer" };
    else
      try {
        call = decodeCall(data, context, target, depth);
      } catch (error) {
        call = { kind: "undecoded", selector: slice(data, 0, 4), data, reason: (error as Error).message };
      }
    return {
      target: getAddress(target),
      ...(name ? { targetName: name } : {}),
      valueWei: actions.values[i] ?? 0n,
      call,
    };
  });
}

/** Data checked to be hex holding at least a selector. */
function checkedHex(data: string): Hex {
  const text = data.trim();
  if (!isHex(text, { strict: true }))
    throw new Error(
      `not hex data: expected 0x followed by hex digits, got "${text.slice(0, 20)}${text.length > 20 ? "…" : ""}"`,
    );
  if (text.length < 10)
    throw new Error(`${text} is too short: calldata and revert data start with a 4-byte selector (8 hex digits)`);
  return text as Hex;
}

const functionMaps = new WeakMap<Abi, Map<Hex, AbiFunction>>();

/** The functions of `abi` by selector (the first of any two that share one). */
function functionsOf(abi: Abi): Map<Hex, AbiFunction> {
  let map = functionMaps.get(abi);
  if (!map) {
    map = new Map();
    for (const item of abi) {
      if (item.type !== "function") continue;
      const selector = toFunctionSelector(item);
      if (!map.has(selector)) map.set(selector, item);
    }
    functionMaps.set(abi, map);
  }
  return map;
}

function typeSignature(parameter: AbiParameter): string {
  if (!parameter.type.startsWith("tuple")) return parameter.type;
  const components = (parameter as { components: readonly AbiParameter[] }).components;
  return `(${components.map(typeSignature).join(",")})${parameter.type.slice("tuple".length)}`;
}

/**
 * The calls a call's arguments carry: `target, value, data|payload` (a timelock's schedule or execute, a governor's
 * relay) or `targets, values, payloads|calldatas` (a timelock batch, a governor proposal).
 */
function carriedActions(args: readonly DecodedArg[], context: DecodeContext, depth: number) {
  const byName = new Map(args.map((a) => [a.name, a.value]));
  const data = byName.get("data") ?? byName.get("payload");
  if (typeof byName.get("target") === "string" && typeof data === "string")
    return decodeActions(
      {
        targets: [byName.get("target") as Address],
        values: [(byName.get("value") as bigint) ?? 0n],
        calldatas: [data as Hex],
      },
      context,
      depth,
    );
  const datas = byName.get("payloads") ?? byName.get("calldatas");
  if (Array.isArray(byName.get("targets")) && Array.isArray(datas))
    return decodeActions(
      {
        targets: byName.get("targets") as Address[],
        values: (byName.get("values") as bigint[] | undefined) ?? [],
        calldatas: datas as Hex[],
      },
      context,
      depth,
    );
  return undefined;
}

/** A carried call's bytes, in place of their hex: its length and where its decoding is. */
function describeCarried(value: unknown): string | string[] {
  const bytes = (v: unknown) => (String(v).length - 2) / 2;
  return Array.isArray(value)
    ? value.map((v, i) => `${bytes(v)} bytes: call ${i + 1} below`)
    : `${bytes(value)} bytes: the call below`;
}

function lowercaseKeys<T>(record: Readonly<Record<string, T>> | undefined): Record<string, T> {
  return Object.fromEntries(Object.entries(record ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}

/** The kind of parameter `name`: the registry's when known, else the catalog's (an asset's by its pattern). */
function kindOf(name: string, context: DecodeContext): ParameterKind | undefined {
  const known = context.registry?.parameters[name]?.kind;
  if (known) return known;
  const spec = parameterCatalog.find((p) => p.name === name);
  if (spec) return spec.kind;
  // An asset's parameter ends with its symbol: `weight.WETH`, `oracle.maxStalenessSec.WETH`.
  const symbol = name.slice(name.lastIndexOf(".") + 1);
  if (!name.includes(".") || !symbol || symbol.length > maxAssetSymbolLength) return undefined;
  const zero = "0x0000000000000000000000000000000000000000";
  return vaultAssetParameters([{ symbol, feed: zero, heartbeatSec: 0n, weightBps: 0n, poolFee: 0 }]).find(
    (p) => p.name === name,
  )?.kind;
}

/** The raw value's unit, after the readable one: "(400 bps)". */
const rawSuffix = { bps: "bps", seconds: "s", ppm: "ppm", amount: "wei", usd: "wei" } as const;

/** How the arguments of a call to `target` read. */
function readerOf(context: DecodeContext, target: Address | undefined) {
  const names = lowercaseKeys(context.names);
  const tokens = lowercaseKeys(context.tokens);
  const targetToken = target ? tokens[target.toLowerCase()] : undefined;
  const targetName = target ? names[target.toLowerCase()] : undefined;
  const base: TokenUnits | undefined = context.registry
    ? { symbol: context.registry.baseSymbol, decimals: context.registry.baseDecimals }
    : undefined;

  const address = (value: unknown) => {
    const checksummed = getAddress(String(value));
    const name = names[checksummed.toLowerCase()];
    return name ? `${checksummed} (${name})` : checksummed;
  };

  /** A registry key as its parameter name, when it holds one. */
  const keyName = (value: unknown): string | undefined => {
    try {
      const name = parameterName(value as Hex);
      return /^[\x21-\x7e]+$/.test(name) ? name : undefined;
    } catch {
      return undefined;
    }
  };

  /** A value of parameter `name`, in its unit, with the raw value: "4% (400 bps)". */
  const parameterValue = (name: string, value: bigint): string => {
    const kind = kindOf(name, context);
    if (!kind) return `${value} (not a parameter this registry or the catalog knows)`;
    const unit = valueUnit(name, kind);
    if (unit === "amount" && !context.registry) return `${value} base wei`;
    const shown = formatValue(name, kind, value, context.registry ?? { baseSymbol: "", baseDecimals: 0 });
    if (unit === "address") return address(shown);
    return unit === "bool" ? shown : `${shown} (${value} ${rawSuffix[unit]})`;
  };

  /** A parameter's rules tuple in the parameter's unit. */
  const rules = (name: string, r: Record<string, unknown>): string => {
    const stepKind = stepKinds[Number(r.stepKind)] ?? `step kind ${String(r.stepKind)}`;
    const step =
      stepKind === "absolute"
        ? `a step of at most ${parameterValue(name, r.maxStep as bigint)}`
        : stepKind === "relative"
          ? `a step of at most ${formatValue(name, "bps", r.maxStep as bigint, { baseSymbol: "", baseDecimals: 0 })} of the value`
          : "no step limit";
    const interval = formatValue(name, "seconds", BigInt(r.minIntervalSeconds as number), {
      baseSymbol: "",
      baseDecimals: 0,
    });
    return (
      `min ${parameterValue(name, r.min as bigint)}, max ${parameterValue(name, r.max as bigint)}, ${step}, ` +
      `at least ${interval} apart`
    );
  };

  /** A scalar or tuple argument; `siblings` are the parameters it sits among (a key among them gives it units). */
  const one = (
    parameter: AbiParameter,
    value: unknown,
    siblings: readonly AbiParameter[],
    siblingValues: readonly unknown[],
  ): string => {
    const name = parameter.name ?? "";
    const type = parameter.type;
    if (type === "address") return address(value);
    if (type === "bool" || type === "string") return String(value);
    if (type === "bytes32" && name === "key") return keyName(value) ?? String(value);
    if (type === "tuple") {
      const components = (parameter as { components: readonly AbiParameter[] }).components;
      const record = value as Record<string, unknown>;
      const fields = components.map((c) => record[c.name ?? ""]);
      const key = fields[components.findIndex((c) => c.name === "key" && c.type === "bytes32")];
      const param = key === undefined ? undefined : keyName(key);
      if (param && components.length === 2 && typeof record.value === "bigint")
        return `${param} = ${parameterValue(param, record.value)}`;
      const ruleNames = ["min", "max", "stepKind", "maxStep", "minIntervalSeconds"];
      const keyAmong = siblings.findIndex((s) => s.name === "key" && s.type === "bytes32");
      const outerParam = keyAmong >= 0 ? keyName(siblingValues[keyAmong]) : undefined;
      if (outerParam && components.map((c) => c.name).join() === ruleNames.join()) return rules(outerParam, record);
      return `{ ${components.map((c, i) => `${c.name}: ${one(c, fields[i], components, fields)}`).join(", ")} }`;
    }
    if (/^u?int\d*$/.test(type)) {
      const v = value as bigint;
      const keyAt = siblings.findIndex((s) => s.name === "key" && s.type === "bytes32");
      const param = keyAt >= 0 ? keyName(siblingValues[keyAt]) : undefined;
      if (param && /^(value|newValue|oldValue|min|max)$/.test(name)) return parameterValue(param, v);
      if (targetToken && /^(value|amount)$/.test(name)) return `${formatTokenAmount(v, targetToken)} (${v} wei)`;
      if (base && targetName === "PortfolioVault" && /^assets$/.test(name))
        return `${formatTokenAmount(v, base)} (${v} wei)`;
      if (/At$|^eta/i.test(name) && v > 0n && v < 2n ** 40n) return `${utcMinutes(v)} (${v})`;
      if (/^delay$|Seconds$|Sec$/.test(name))
        return `${formatValue(name, "seconds", v, { baseSymbol: "", baseDecimals: 0 })} (${v} s)`;
      return v.toString();
    }
    return String(value);
  };

  return {
    arg(
      parameter: AbiParameter,
      value: unknown,
      siblings: readonly AbiParameter[],
      siblingValues: readonly unknown[],
    ): string | string[] {
      const array = /^(.*)\[\d*\]$/.exec(parameter.type);
      if (!array) return one(parameter, value, siblings, siblingValues);
      const element = { ...parameter, type: array[1]! } as AbiParameter;
      return (value as readonly unknown[]).map((item) => one(element, item, siblings, siblingValues));
    },
  };
}
