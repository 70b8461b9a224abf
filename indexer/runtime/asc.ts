/**
 * The AssemblyScript memory ABI of a graph-cli mapping (AssemblyScript ≥ 0.19, graph-ts apiVersion 0.0.9), as
 * graph-node's runtime reads and writes it:
 *
 * - every object sits behind a 20-byte header; its runtime type id is the u32 at `ptr - 8`, its size in bytes the
 *   u32 at `ptr - 4`. The host allocates with the module's exported `__new(size, id)`, and asks the module for the
 *   runtime id of each graph-ts class with `id_of_type(TypeId)`. Nothing is garbage collected (stub runtime):
 *   the host uses a fresh instance per trigger, as graph-node does.
 * - `String`: UTF-16LE code units; `ArrayBuffer`: raw bytes.
 * - `Uint8Array` (and so `Bytes`, `Address`, `BigInt`): `{ buffer, dataStart, byteLength }`, three u32.
 * - `Array<T>`: `{ buffer, dataStart, byteLength, length }`, four u32; elements are u32 pointers (or values).
 * - a class: its fields in declaration order, pointers as u32, `u64` payloads aligned to 8.
 */

import { wasm, type WasmMemory } from "./wasm.ts";

/**
 * The graph-ts classes the host allocates. graph-ts exports its `TypeId` enum as globals (`TypeId.String`, ...);
 * the module's `id_of_type` maps each to its runtime id.
 */
export type TypeIdName =
  | "String"
  | "ArrayBuffer"
  | "Uint8Array"
  | "BigDecimal"
  | "ArrayUint8Array"
  | "ArrayEthereumValue"
  | "ArrayStoreValue"
  | "ArrayString"
  | "ArrayEventParam"
  | "ArrayTypedMapEntryStringStoreValue"
  | "EventParam"
  | "EthereumTransaction"
  | "EthereumBlock"
  | "WrappedBool"
  | "EthereumValue"
  | "StoreValue"
  | "EthereumEvent"
  | "TypedMapEntryStringStoreValue"
  | "TypedMapStringStoreValue"
  | "TransactionReceipt"
  | "Log"
  | "ArrayLog"
  | "ArrayH256"
  | "JsonValue"
  | "ArrayJsonValue"
  | "TypedMapEntryStringJsonValue"
  | "ArrayTypedMapEntryStringJsonValue"
  | "TypedMapStringJsonValue"
  | "WrappedJsonValue"
  | "ResultJsonValueBool";

/** What a mapping instance exports to its host. */
export type MappingExports = {
  memory: WasmMemory;
  __new: (size: number, id: number) => number;
  id_of_type: (typeId: number) => number;
  _start?: () => void;
} & Record<string, unknown>;

/** Reads and writes AssemblyScript objects in one instance's memory. */
export type Asc = ReturnType<typeof ascMemory>;

/**
 * The memory helpers of one mapping instance. Views are cached per buffer: an allocation may grow the memory and
 * detach the previous one, which `memory.buffer` then no longer returns. `ids` (runtime type ids) may be shared by the instances
 * of one module (runtime ids are the module's constants).
 */
export function ascMemory(exports: MappingExports, ids: Map<TypeIdName, number> = new Map()) {
  const runtimeId = (type: TypeIdName): number => {
    let id = ids.get(type);
    if (id === undefined) {
      const typeId = exports[`TypeId.${type}`];
      if (!(typeId instanceof wasm.Global)) throw new Error(`the mapping exports no TypeId.${type}`);
      id = exports.id_of_type(Number(typeId.value));
      ids.set(type, id);
    }
    return id;
  };
  let buffer: ArrayBuffer | null = null;
  let dataView = new DataView(new ArrayBuffer(0));
  let bytes = new Uint8Array(0);
  let units = new Uint16Array(0);
  const refresh = () => {
    const current = exports.memory.buffer;
    if (current !== buffer) {
      buffer = current;
      dataView = new DataView(current);
      bytes = new Uint8Array(current);
      units = new Uint16Array(current);
    }
  };
  const view = () => {
    refresh();
    return dataView;
  };
  const u8 = () => {
    refresh();
    return bytes;
  };

  const u32 = (ptr: number): number => view().getUint32(ptr, true);
  const setU32 = (ptr: number, value: number): void => view().setUint32(ptr, value, true);
  const size = (ptr: number): number => u32(ptr - 4);
  const alloc = (bytes: number, type: TypeIdName): number => exports.__new(bytes, runtimeId(type));

  /** UTF-16 code units as they are (objects are 16-byte aligned, so the string starts on a unit boundary). */
  function readString(ptr: number): string {
    if (ptr === 0) throw new Error("null string pointer");
    const length = size(ptr) / 2;
    refresh();
    const start = ptr / 2;
    let out = "";
    for (let i = 0; i < length; i += 4096) {
      out += String.fromCharCode.apply(null, units.subarray(start + i, start + Math.min(length, i + 4096)) as never);
    }
    return out;
  }

  function writeString(value: string): number {
    const ptr = alloc(value.length * 2, "String");
    refresh();
    const start = ptr / 2;
    for (let i = 0; i < value.length; i++) units[start + i] = value.charCodeAt(i);
    return ptr;
  }

  function readBytes(ptr: number): Uint8Array {
    if (ptr === 0) throw new Error("null bytes pointer");
    const dataStart = u32(ptr + 4);
    const byteLength = u32(ptr + 8);
    return u8().slice(dataStart, dataStart + byteLength);
  }

  function writeBytes(value: Uint8Array): number {
    const buffer = alloc(value.length, "ArrayBuffer");
    u8().set(value, buffer);
    const ptr = alloc(12, "Uint8Array");
    setU32(ptr, buffer);
    setU32(ptr + 4, buffer);
    setU32(ptr + 8, value.length);
    return ptr;
  }

  /** The u32 elements (pointers) of an Array<T>. */
  function readArray(ptr: number): number[] {
    if (ptr === 0) throw new Error("null array pointer");
    const dataStart = u32(ptr + 4);
    const length = u32(ptr + 12);
    const out: number[] = [];
    for (let i = 0; i < length; i++) out.push(u32(dataStart + i * 4));
    return out;
  }

  function writeArray(elements: readonly number[], type: TypeIdName): number {
    const buffer = alloc(elements.length * 4, "ArrayBuffer");
    for (let i = 0; i < elements.length; i++) setU32(buffer + i * 4, elements[i] ?? 0);
    const ptr = alloc(16, type);
    setU32(ptr, buffer);
    setU32(ptr + 4, buffer);
    setU32(ptr + 8, elements.length * 4);
    setU32(ptr + 12, elements.length);
    return ptr;
  }

  /** An object of u32 fields (pointers), in declaration order. */
  function writeStruct(fields: readonly number[], type: TypeIdName): number {
    const ptr = alloc(fields.length * 4, type);
    fields.forEach((field, i) => setU32(ptr + i * 4, field));
    return ptr;
  }

  /** A graph-ts enum value `{ kind: u32, data: u64 }` (store and ethereum values). */
  function writeEnum(kind: number, payload: bigint, type: TypeIdName): number {
    const ptr = alloc(16, type);
    const v = view();
    v.setUint32(ptr, kind, true);
    v.setBigUint64(ptr + 8, BigInt.asUintN(64, payload), true);
    return ptr;
  }

  function readEnum(ptr: number): { kind: number; payload: bigint } {
    const v = view();
    return { kind: v.getUint32(ptr, true), payload: v.getBigUint64(ptr + 8, true) };
  }

  return {
    u32,
    size,
    readString,
    writeString,
    readBytes,
    writeBytes,
    readArray,
    writeArray,
    writeStruct,
    writeEnum,
    readEnum,
    alloc,
    setU8: (ptr: number, value: number) => view().setUint8(ptr, value),
  };
}
