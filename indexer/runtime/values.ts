/**
 * The values a mapping exchanges with its host — store values (entity fields) and Ethereum ABI values — and their
 * AssemblyScript encodings, as graph-ts declares them (`Value`, `ethereum.Value`: `{ kind: u32, data: u64 }` where
 * `data` is a pointer, or the value itself for booleans and integers).
 */
import { bytesToHex, hexToBytes, type Hex } from "viem";
import type { Asc } from "./asc.ts";
import type { BigDecimal } from "./bigDecimal.ts";

/** An entity field's value, by graph-ts `ValueKind`. `Bytes` are 0x-prefixed lowercase hex. */
export type StoreValue =
  | { kind: "String"; value: string }
  | { kind: "Int"; value: number }
  | { kind: "BigDecimal"; value: BigDecimal }
  | { kind: "Bool"; value: boolean }
  | { kind: "Array"; value: StoreValue[] }
  | { kind: "Null" }
  | { kind: "Bytes"; value: Hex }
  | { kind: "BigInt"; value: bigint }
  | { kind: "Int8"; value: bigint }
  | { kind: "Timestamp"; value: bigint };

/** An entity: its fields by name (the id among them). */
export type Entity = Map<string, StoreValue>;

const storeKinds = ["String", "Int", "BigDecimal", "Bool", "Array", "Null", "Bytes", "BigInt", "Int8", "Timestamp"];

/** An Ethereum ABI value, by graph-ts `ethereum.ValueKind`. */
export type EthValue =
  | { kind: "address"; value: Hex }
  | { kind: "fixedBytes"; value: Hex }
  | { kind: "bytes"; value: Hex }
  | { kind: "int"; value: bigint }
  | { kind: "uint"; value: bigint }
  | { kind: "bool"; value: boolean }
  | { kind: "string"; value: string }
  | { kind: "fixedArray"; value: EthValue[] }
  | { kind: "array"; value: EthValue[] }
  | { kind: "tuple"; value: EthValue[] };

const ethKinds = ["address", "fixedBytes", "bytes", "int", "uint", "bool", "string", "fixedArray", "array", "tuple"];

/** A graph-ts BigInt's bytes: little-endian two's complement, minimal (zero is one zero byte), as num-bigint. */
export function bigIntToBytes(value: bigint): Uint8Array {
  const bytes: number[] = [];
  let v = value;
  for (;;) {
    const byte = Number(v & 0xffn);
    bytes.push(byte);
    v >>= 8n;
    // Done once the rest is pure sign extension of the byte just written.
    if ((v === 0n && (byte & 0x80) === 0) || (v === -1n && (byte & 0x80) !== 0)) break;
  }
  return Uint8Array.from(bytes);
}

/** The value of little-endian two's complement bytes (empty: zero). */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i] ?? 0);
  const signBit = 1n << BigInt(bytes.length * 8 - 1);
  return v & signBit ? v - (signBit << 1n) : v;
}

export function readBigInt(asc: Asc, ptr: number): bigint {
  return bytesToBigInt(asc.readBytes(ptr));
}

export function writeBigInt(asc: Asc, value: bigint): number {
  return asc.writeBytes(bigIntToBytes(value));
}

export function readBigDecimal(asc: Asc, ptr: number): BigDecimal {
  return { digits: readBigInt(asc, asc.u32(ptr)), exp: readBigInt(asc, asc.u32(ptr + 4)) };
}

export function writeBigDecimal(asc: Asc, value: BigDecimal): number {
  return asc.writeStruct([writeBigInt(asc, value.digits), writeBigInt(asc, value.exp)], "BigDecimal");
}

export function readHex(asc: Asc, ptr: number): Hex {
  return bytesToHex(asc.readBytes(ptr));
}

export function writeHex(asc: Asc, value: Hex): number {
  return asc.writeBytes(hexToBytes(value));
}

export function readStoreValue(asc: Asc, ptr: number): StoreValue {
  const { kind, payload } = asc.readEnum(ptr);
  const p = Number(payload & 0xffffffffn);
  switch (storeKinds[kind]) {
    case "String":
      return { kind: "String", value: asc.readString(p) };
    case "Int":
      return { kind: "Int", value: Number(BigInt.asIntN(32, payload)) };
    case "BigDecimal":
      return { kind: "BigDecimal", value: readBigDecimal(asc, p) };
    case "Bool":
      return { kind: "Bool", value: payload !== 0n };
    case "Array":
      return { kind: "Array", value: asc.readArray(p).map((e) => readStoreValue(asc, e)) };
    case "Null":
      return { kind: "Null" };
    case "Bytes":
      return { kind: "Bytes", value: readHex(asc, p) };
    case "BigInt":
      return { kind: "BigInt", value: readBigInt(asc, p) };
    case "Int8":
      return { kind: "Int8", value: BigInt.asIntN(64, payload) };
    case "Timestamp":
      return { kind: "Timestamp", value: BigInt.asIntN(64, payload) };
    default:
      throw new Error(`unknown store value kind ${kind}`);
  }
}

export function writeStoreValue(asc: Asc, value: StoreValue): number {
  const kind = storeKinds.indexOf(value.kind);
  const enumOf = (payload: bigint) => asc.writeEnum(kind, payload, "StoreValue");
  switch (value.kind) {
    case "String":
      return enumOf(BigInt(asc.writeString(value.value)));
    case "Int":
      return enumOf(BigInt(value.value));
    case "BigDecimal":
      return enumOf(BigInt(writeBigDecimal(asc, value.value)));
    case "Bool":
      return enumOf(value.value ? 1n : 0n);
    case "Array":
      return enumOf(
        BigInt(
          asc.writeArray(
            value.value.map((v) => writeStoreValue(asc, v)),
            "ArrayStoreValue",
          ),
        ),
      );
    case "Null":
      return enumOf(0n);
    case "Bytes":
      return enumOf(BigInt(writeHex(asc, value.value)));
    case "BigInt":
      return enumOf(BigInt(writeBigInt(asc, value.value)));
    case "Int8":
    case "Timestamp":
      return enumOf(value.value);
  }
}

/** An `Entity` (graph-ts TypedMap<string, Value>) from memory. */
export function readEntity(asc: Asc, ptr: number): Entity {
  const entity: Entity = new Map();
  for (const entry of asc.readArray(asc.u32(ptr))) {
    entity.set(asc.readString(asc.u32(entry)), readStoreValue(asc, asc.u32(entry + 4)));
  }
  return entity;
}

export function writeEntity(asc: Asc, entity: Entity): number {
  const entries = [...entity].map(([key, value]) =>
    asc.writeStruct([asc.writeString(key), writeStoreValue(asc, value)], "TypedMapEntryStringStoreValue"),
  );
  return asc.writeStruct([asc.writeArray(entries, "ArrayTypedMapEntryStringStoreValue")], "TypedMapStringStoreValue");
}

export function readEthValue(asc: Asc, ptr: number): EthValue {
  const { kind, payload } = asc.readEnum(ptr);
  const p = Number(payload & 0xffffffffn);
  const list = () => asc.readArray(p).map((e) => readEthValue(asc, e));
  switch (ethKinds[kind]) {
    case "address":
      return { kind: "address", value: readHex(asc, p) };
    case "fixedBytes":
      return { kind: "fixedBytes", value: readHex(asc, p) };
    case "bytes":
      return { kind: "bytes", value: readHex(asc, p) };
    case "int":
      return { kind: "int", value: readBigInt(asc, p) };
    case "uint":
      return { kind: "uint", value: readBigInt(asc, p) };
    case "bool":
      return { kind: "bool", value: payload !== 0n };
    case "string":
      return { kind: "string", value: asc.readString(p) };
    case "fixedArray":
      return { kind: "fixedArray", value: list() };
    case "array":
      return { kind: "array", value: list() };
    case "tuple":
      return { kind: "tuple", value: list() };
    default:
      throw new Error(`unknown ethereum value kind ${kind}`);
  }
}

export function writeEthValue(asc: Asc, value: EthValue): number {
  const kind = ethKinds.indexOf(value.kind);
  const enumOf = (payload: number | bigint) => asc.writeEnum(kind, BigInt(payload), "EthereumValue");
  switch (value.kind) {
    case "address":
    case "fixedBytes":
    case "bytes":
      return enumOf(writeHex(asc, value.value));
    case "int":
    case "uint":
      return enumOf(writeBigInt(asc, value.value));
    case "bool":
      return enumOf(value.value ? 1 : 0);
    case "string":
      return enumOf(asc.writeString(value.value));
    case "fixedArray":
    case "array":
    case "tuple":
      return enumOf(writeEthValues(asc, value.value));
  }
}

export function writeEthValues(asc: Asc, values: readonly EthValue[]): number {
  return asc.writeArray(
    values.map((v) => writeEthValue(asc, v)),
    "ArrayEthereumValue",
  );
}
