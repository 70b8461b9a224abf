/**
 * Ethereum ABI values between viem and the mapping's `ethereum.Value`, with graph-node's (ethabi's) conventions:
 * addresses and bytes as lowercase hex, integers of any width as `int`/`uint`, an indexed dynamic event parameter
 * (string, bytes, array, tuple) as the 32-byte topic hash (`fixedBytes`).
 */
import {
  decodeAbiParameters,
  decodeEventLog,
  encodeAbiParameters,
  parseAbiParameter,
  type AbiEvent,
  type AbiParameter,
  type Hex,
  type Log,
} from "viem";
import type { EthValue } from "./values.ts";

type TupleParameter = AbiParameter & { components: readonly AbiParameter[] };

function isTuple(param: AbiParameter): param is TupleParameter {
  return param.type.startsWith("tuple") && "components" in param;
}

/** The element parameter of an array parameter and the array's fixed length, if any. */
function arrayOf(param: AbiParameter): { element: AbiParameter; length?: number } | undefined {
  const match = /^(.*)\[(\d*)\]$/.exec(param.type);
  if (!match?.[1]) return undefined;
  return { element: { ...param, type: match[1] }, length: match[2] ? Number(match[2]) : undefined };
}

/** Whether values of `param` are dynamic in the ABI (and so hashed when indexed). */
export function isDynamic(param: AbiParameter): boolean {
  if (param.type === "string" || param.type === "bytes") return true;
  const array = arrayOf(param);
  if (array) return array.length === undefined || isDynamic(array.element);
  if (isTuple(param)) return param.components.some(isDynamic);
  return false;
}

/** A value viem decoded for `param`, as an `ethereum.Value`. */
export function toEthValue(param: AbiParameter, value: unknown): EthValue {
  const array = arrayOf(param);
  if (array) {
    const items = (value as readonly unknown[]).map((v) => toEthValue(array.element, v));
    return { kind: array.length === undefined ? "array" : "fixedArray", value: items };
  }
  if (isTuple(param)) {
    const fields = param.components.map((c, i) =>
      toEthValue(c, Array.isArray(value) ? value[i] : (value as Record<string, unknown>)[c.name ?? String(i)]),
    );
    return { kind: "tuple", value: fields };
  }
  const type = param.type;
  if (type === "address") return { kind: "address", value: (value as Hex).toLowerCase() as Hex };
  if (type === "bool") return { kind: "bool", value: value as boolean };
  if (type === "string") return { kind: "string", value: value as string };
  if (type === "bytes") return { kind: "bytes", value: (value as Hex).toLowerCase() as Hex };
  if (type.startsWith("bytes")) return { kind: "fixedBytes", value: (value as Hex).toLowerCase() as Hex };
  if (type.startsWith("uint")) return { kind: "uint", value: BigInt(value as bigint | number) };
  if (type.startsWith("int")) return { kind: "int", value: BigInt(value as bigint | number) };
  throw new Error(`unsupported ABI type ${type}`);
}

/** An `ethereum.Value` as the value viem encodes for `param`. */
export function fromEthValue(param: AbiParameter, value: EthValue): unknown {
  const array = arrayOf(param);
  if (array) return (value.value as EthValue[]).map((v) => fromEthValue(array.element, v));
  if (isTuple(param)) return (value.value as EthValue[]).map((v, i) => fromEthValue(param.components[i]!, v));
  return value.value;
}

/** The ABI type of an `ethereum.Value` (integers as 256-bit, as ethabi encodes every integer token). */
export function parameterOf(value: EthValue): AbiParameter {
  switch (value.kind) {
    case "address":
    case "bytes":
    case "bool":
    case "string":
      return { type: value.kind };
    case "fixedBytes":
      return { type: `bytes${(value.value.length - 2) / 2}` };
    case "int":
      return { type: "int256" };
    case "uint":
      return { type: "uint256" };
    case "tuple":
      return { type: "tuple", components: value.value.map(parameterOf) } as AbiParameter;
    case "array":
    case "fixedArray": {
      const element = value.value[0] ? parameterOf(value.value[0]) : { type: "uint256" };
      const suffix = value.kind === "array" ? "[]" : `[${value.value.length}]`;
      return { ...element, type: `${element.type}${suffix}` };
    }
  }
}

/** `ethereum.encode`: one value, ABI-encoded as a single parameter (a dynamic one gets its offset word). */
export function encodeEthValue(value: EthValue): Hex {
  const param = parameterOf(value);
  return encodeAbiParameters([param], [fromEthValue(param, value)]);
}

/** `ethereum.decode`: data holding one value of the ABI type `types` (e.g. `(address[],uint256)`). */
export function decodeEthValue(types: string, data: Hex): EthValue {
  const param = parseAbiParameter(types.startsWith("(") ? `${types} value` : types) as AbiParameter;
  const [value] = decodeAbiParameters([param], data);
  return toEthValue(param, value);
}

/** An event's parameters, named and in ABI order, as graph-node passes them to a handler. */
export function eventParameters(
  event: AbiEvent,
  log: Pick<Log, "topics" | "data">,
): { name: string; value: EthValue }[] {
  const decoded = decodeEventLog({ abi: [event], topics: log.topics as [Hex, ...Hex[]], data: log.data, strict: true });
  const args = decoded.args as unknown as Record<string, unknown> | readonly unknown[];
  let topic = 1;
  return event.inputs.map((input, i) => {
    const name = input.name ?? "";
    if (input.indexed && isDynamic(input)) {
      const hash = log.topics[topic++];
      return { name, value: { kind: "fixedBytes", value: (hash ?? "0x").toLowerCase() as Hex } };
    }
    if (input.indexed) topic++;
    const value = Array.isArray(args) ? args[i] : (args as Record<string, unknown>)[name];
    return { name, value: toEthValue(input, value) };
  });
}
