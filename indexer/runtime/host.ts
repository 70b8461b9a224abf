/**
 * The host functions graph-ts declares, implemented over one mapping instance's memory: the store, BigInt and
 * BigDecimal arithmetic, type conversions, crypto, Ethereum calls and ABI coding, JSON, logging, the data source
 * and `abort`. Import module names are the graph-ts files that declare them (`index`, `numbers`, `conversion`,
 * `ethereum`, `json`, `datasource`, `env`).
 *
 * Every failure a mapping can cause throws a {@link HandlerError}: the trigger fails deterministically, as in
 * graph-node. What the host must fetch first (a call's result, an entity) throws `NeedsFetch` (see `mapping.ts`).
 */
import { bytesToHex, keccak256, type Hex } from "viem";
import type { Asc, MappingExports } from "./asc.ts";
import { decodeEthValue, encodeEthValue } from "./abi.ts";
import * as decimal from "./bigDecimal.ts";
import {
  readBigDecimal,
  readBigInt,
  readEntity,
  readEthValue,
  readHex,
  writeBigDecimal,
  writeBigInt,
  writeEntity,
  writeEthValue,
  writeEthValues,
  writeHex,
  type Entity,
  type EthValue,
} from "./values.ts";

/** A failure of the mapping's own making: graph-node marks the subgraph failed with this message. */
export class HandlerError extends Error {
  override name = "HandlerError";
}

/** An `eth_call` a mapping made. */
export type CallRequest = {
  contractName: string;
  address: Hex;
  functionName: string;
  /** graph-cli's signature: `name(inputTypes):(outputTypes)`. */
  signature: string;
  params: EthValue[];
};

/** The entity store as a mapping sees it during one block. Ids are strings (Bytes ids as lowercase hex). */
export type HostStore = {
  get(type: string, id: string): Entity | null;
  /** Only what was written in the current block. */
  getInBlock(type: string, id: string): Entity | null;
  set(type: string, id: string, entity: Entity): void;
  remove(type: string, id: string): void;
  /** The entities of a derived field: those of its type whose `derivedFrom` field points at `id`. */
  loadRelated(type: string, id: string, field: string): Entity[];
};

export type HostContext = {
  store: HostStore;
  ethereum: {
    /** The call's decoded outputs, or null if it reverted. */
    call(request: CallRequest): EthValue[] | null;
    getBalance(address: Hex): bigint;
    hasCode(address: Hex): boolean;
  };
  dataSource: { name: string; address: Hex; network: string };
  /** graph-ts log levels: 0 critical, 1 error, 2 warning, 3 info, 4 debug. */
  log(level: number, message: string): void;
};

/** graph-node's largest BigInt: 435,412 bits including the sign (`BigInt::MAX_BITS`). */
export const maxBigIntBits = 435_412;

/** A BigInt graph-node would build with `BigInt::new`, or its error when it has too many bits. */
export function checkedBigInt(value: bigint): bigint {
  const bits = (value < 0n ? -value : value).toString(2).length + (value === 0n ? 0 : 1);
  if (bits > maxBigIntBits) throw new HandlerError(`BigInt is too big, total bits ${bits} (max ${maxBigIntBits})`);
  return value;
}

/** graph-node's `abort` message: a null pointer or a zero line/column is left out. */
export function abortMessage(message: string | null, file: string | null, line: number, column: number): string {
  const location =
    file === null
      ? "an unknown location"
      : line === 0
        ? file
        : column === 0
          ? `${file}, line ${line}`
          : `${file}, line ${line}, column ${column}`;
  return `Mapping aborted at ${location}, with ${message === null ? "no message" : `message: ${message}`}`;
}

const logLevels = ["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"];

/** The import object for a mapping instance; `exports` is filled in once the instance exists. */
export function hostImports(context: HostContext, instance: { asc?: Asc; exports?: MappingExports }) {
  const asc = (): Asc => {
    if (!instance.asc) throw new Error("the mapping called the host before it was instantiated");
    return instance.asc;
  };
  const str = (ptr: number) => asc().readString(ptr);
  const big = (ptr: number) => readBigInt(asc(), ptr);
  const outBig = (value: bigint) => writeBigInt(asc(), value);
  const dec = (ptr: number) => readBigDecimal(asc(), ptr);
  const outDec = (value: decimal.BigDecimal) => writeBigDecimal(asc(), value);
  const guard =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    (...args: A): R => {
      try {
        return fn(...args);
      } catch (error) {
        if (error instanceof HandlerError || (error as { name?: string }).name === "NeedsFetch") throw error;
        throw new HandlerError((error as Error).message);
      }
    };

  /** A parsed JSON value into memory: `JSONValue { kind, data }`; numbers keep their source text. */
  const writeJson = (value: unknown): number => {
    const a = asc();
    const kindOf = (kind: number, payload: number | bigint) => a.writeEnum(kind, BigInt(payload), "JsonValue");
    if (isPrimitive(value)) {
      const { v, source } = value[primitive];
      if (v === null) return kindOf(0, 0);
      if (typeof v === "boolean") return kindOf(1, v ? 1 : 0);
      if (typeof v === "number") return kindOf(2, a.writeString(source));
      return kindOf(3, a.writeString(v));
    }
    if (Array.isArray(value)) return kindOf(4, a.writeArray(value.map(writeJson), "ArrayJsonValue"));
    const entries = Object.entries(value as Record<string, unknown>).map(([key, item]) =>
      a.writeStruct([a.writeString(key), writeJson(item)], "TypedMapEntryStringJsonValue"),
    );
    return kindOf(
      5,
      a.writeStruct([a.writeArray(entries, "ArrayTypedMapEntryStringJsonValue")], "TypedMapStringJsonValue"),
    );
  };

  return {
    env: {
      abort: (message: number, file: number, line: number, column: number) => {
        throw new HandlerError(abortMessage(message ? str(message) : null, file ? str(file) : null, line, column));
      },
    },
    index: {
      "store.get": guard((type: number, id: number) => {
        const entity = context.store.get(str(type), str(id));
        return entity ? writeEntity(asc(), entity) : 0;
      }),
      "store.get_in_block": guard((type: number, id: number) => {
        const entity = context.store.getInBlock(str(type), str(id));
        return entity ? writeEntity(asc(), entity) : 0;
      }),
      "store.loadRelated": guard((type: number, id: number, field: number) => {
        const list = context.store.loadRelated(str(type), str(id), str(field));
        return asc().writeArray(
          list.map((e) => writeEntity(asc(), e)),
          // graph-ts has no TypeId for Array<Entity>: any array id serves the stub runtime (it never collects).
          "ArrayTypedMapEntryStringStoreValue",
        );
      }),
      "store.set": guard((type: number, id: number, data: number) => {
        context.store.set(str(type), str(id), readEntity(asc(), data));
      }),
      "store.remove": guard((type: number, id: number) => context.store.remove(str(type), str(id))),
      "crypto.keccak256": guard((input: number) => writeHex(asc(), keccak256(readHex(asc(), input)))),
      "log.log": guard((level: number, message: number) => {
        const text = str(message);
        context.log(level, text);
        if (level === 0) throw new HandlerError(`Critical error logged in mapping with log message: ${text}`);
      }),
      "ipfs.cat": () => {
        throw new HandlerError("ipfs.cat is not available in the local indexer (no IPFS node)");
      },
      "ipfs.map": () => {
        throw new HandlerError("ipfs.map is not available in the local indexer (no IPFS node)");
      },
      "ens.nameByHash": () => 0,
    },
    numbers: {
      "bigInt.plus": guard((x: number, y: number) => outBig(big(x) + big(y))),
      "bigInt.minus": guard((x: number, y: number) => outBig(big(x) - big(y))),
      "bigInt.times": guard((x: number, y: number) => outBig(big(x) * big(y))),
      "bigInt.dividedBy": guard((x: number, y: number) => {
        const divisor = big(y);
        if (divisor === 0n) throw new HandlerError(`attempted to divide BigInt \`${big(x)}\` by zero`);
        return outBig(big(x) / divisor);
      }),
      "bigInt.dividedByDecimal": guard((x: number, y: number) =>
        outDec(decimal.dividedBy(decimal.fromBigInt(big(x)), dec(y))),
      ),
      "bigInt.mod": guard((x: number, y: number) => {
        const divisor = big(y);
        if (divisor === 0n)
          throw new HandlerError(`attempted to calculate the remainder of \`${big(x)}\` with a divisor of zero`);
        return outBig(big(x) % divisor);
      }),
      "bigInt.pow": guard((x: number, exp: number) => outBig(checkedBigInt(big(x) ** BigInt(exp)))),
      "bigInt.fromString": guard((s: number) => {
        const text = str(s);
        if (!/^[+-]?\d+$/.test(text)) throw new HandlerError(`string is not a BigInt: \`${text}\``);
        return outBig(checkedBigInt(BigInt(text)));
      }),
      "bigInt.bitOr": guard((x: number, y: number) => outBig(big(x) | big(y))),
      "bigInt.bitAnd": guard((x: number, y: number) => outBig(big(x) & big(y))),
      "bigInt.leftShift": guard((x: number, bits: number) => outBig(big(x) << BigInt(bits))),
      "bigInt.rightShift": guard((x: number, bits: number) => outBig(big(x) >> BigInt(bits))),
      "bigDecimal.plus": guard((x: number, y: number) => outDec(decimal.plus(dec(x), dec(y)))),
      "bigDecimal.minus": guard((x: number, y: number) => outDec(decimal.minus(dec(x), dec(y)))),
      "bigDecimal.times": guard((x: number, y: number) => outDec(decimal.times(dec(x), dec(y)))),
      "bigDecimal.dividedBy": guard((x: number, y: number) => {
        const [dividend, divisor] = [dec(x), dec(y)];
        if (divisor.digits === 0n)
          throw new HandlerError(`attempted to divide BigDecimal \`${decimal.toString(dividend)}\` by zero`);
        return outDec(decimal.dividedBy(dividend, divisor));
      }),
      "bigDecimal.equals": guard((x: number, y: number) => (decimal.equals(dec(x), dec(y)) ? 1 : 0)),
      "bigDecimal.toString": guard((x: number) => asc().writeString(decimal.toString(dec(x)))),
      "bigDecimal.fromString": guard((s: number) => {
        const text = str(s);
        try {
          return outDec(decimal.fromString(text));
        } catch {
          throw new HandlerError(`string  is not a BigDecimal: '${text}'`); // two spaces, as graph-node
        }
      }),
    },
    conversion: {
      "typeConversion.bytesToString": guard((bytes: number) =>
        asc().writeString(new TextDecoder().decode(asc().readBytes(bytes)).replace(/\u0000+$/, "")),
      ),
      "typeConversion.bytesToHex": guard((bytes: number) => asc().writeString(readHex(asc(), bytes))),
      "typeConversion.bigIntToString": guard((x: number) => asc().writeString(big(x).toString())),
      "typeConversion.bigIntToHex": guard((x: number) => {
        const v = big(x);
        return asc().writeString(`0x${(v < 0n ? -v : v).toString(16)}`); // the magnitude, as graph-node
      }),
      "typeConversion.stringToH160": guard((s: number) => {
        const text = str(s);
        const hex = text.startsWith("0x") ? text.slice(2) : text;
        if (!/^[0-9a-fA-F]{40}$/.test(hex))
          throw new HandlerError(`Failed to convert string to Address/H160: '${text}'`);
        return writeHex(asc(), `0x${hex.toLowerCase()}`);
      }),
      "typeConversion.bytesToBase58": guard((bytes: number) => asc().writeString(base58(asc().readBytes(bytes)))),
    },
    ethereum: {
      "ethereum.call": guard((call: number) => {
        const a = asc();
        const request: CallRequest = {
          contractName: a.readString(a.u32(call)),
          address: readHex(a, a.u32(call + 4)),
          functionName: a.readString(a.u32(call + 8)),
          signature: a.readString(a.u32(call + 12)),
          params: a.readArray(a.u32(call + 16)).map((p) => readEthValue(a, p)),
        };
        const result = context.ethereum.call(request);
        return result === null ? 0 : writeEthValues(a, result);
      }),
      "ethereum.getBalance": guard((address: number) => outBig(context.ethereum.getBalance(readHex(asc(), address)))),
      "ethereum.hasCode": guard((address: number) => {
        const ptr = asc().alloc(1, "WrappedBool");
        asc().setU8(ptr, context.ethereum.hasCode(readHex(asc(), address)) ? 1 : 0);
        return ptr;
      }),
      "ethereum.encode": guard((value: number) => {
        try {
          return writeHex(asc(), encodeEthValue(readEthValue(asc(), value)));
        } catch {
          return 0;
        }
      }),
      "ethereum.decode": guard((types: number, data: number) => {
        try {
          return writeEthValue(asc(), decodeEthValue(str(types), readHex(asc(), data)));
        } catch {
          return 0;
        }
      }),
    },
    json: {
      "json.fromBytes": guard((bytes: number) => writeJson(parseJson(asc().readBytes(bytes)))),
      "json.try_fromBytes": guard((bytes: number) => {
        const a = asc();
        let value: number | undefined;
        try {
          value = writeJson(parseJson(a.readBytes(bytes)));
        } catch {
          value = undefined;
        }
        if (value !== undefined) {
          return a.writeStruct([a.writeStruct([value], "WrappedJsonValue"), 0], "ResultJsonValueBool");
        }
        const error = a.alloc(1, "WrappedBool");
        a.setU8(error, 1);
        return a.writeStruct([0, error], "ResultJsonValueBool");
      }),
      "json.toI64": guard((s: number) => BigInt.asIntN(64, parseInteger(str(s)))),
      "json.toU64": guard((s: number) => BigInt.asUintN(64, parseInteger(str(s)))),
      "json.toF64": guard((s: number) => Number(str(s))),
      "json.toBigInt": guard((s: number) => outBig(parseInteger(str(s)))),
    },
    datasource: {
      "dataSource.address": guard(() => writeHex(asc(), context.dataSource.address)),
      "dataSource.network": guard(() => asc().writeString(context.dataSource.network)),
      "dataSource.context": guard(() => writeEntity(asc(), new Map())),
      "dataSource.create": guard((name: number) => {
        throw new HandlerError(`data source templates are not supported by the local indexer (${str(name)})`);
      }),
      "dataSource.createWithContext": guard((name: number) => {
        throw new HandlerError(`data source templates are not supported by the local indexer (${str(name)})`);
      }),
    },
  };
}

/** Marks a parsed JSON primitive, keeping the number's source text (graph-node keeps numbers as text). */
const primitive = Symbol("json primitive");
type JsonPrimitive = { [primitive]: { v: string | number | boolean | null; source: string } };

function isPrimitive(value: unknown): value is JsonPrimitive {
  return typeof value === "object" && value !== null && primitive in value;
}

/** Strict UTF-8 JSON, primitives wrapped with their source text. */
function parseJson(bytes: Uint8Array): unknown {
  const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  return JSON.parse(text, function (this: unknown, _key: string, value: unknown, context?: { source?: string }) {
    if (value !== null && typeof value === "object") return value;
    return { [primitive]: { v: value, source: context?.source ?? String(value) } };
  } as (key: string, value: unknown) => unknown);
}

function parseInteger(text: string): bigint {
  if (!/^[+-]?\d+$/.test(text)) throw new HandlerError(`JSON value is not an integer: ${text}`);
  return BigInt(text);
}

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/** Bitcoin-alphabet base58 (as the `bs58` crate). */
export function base58(bytes: Uint8Array): string {
  let value = BigInt(bytes.length === 0 ? "0" : bytesToHex(bytes));
  let out = "";
  while (value > 0n) {
    out = base58Alphabet[Number(value % 58n)] + out;
    value /= 58n;
  }
  for (const byte of bytes) {
    if (byte !== 0) break;
    out = `1${out}`;
  }
  return out;
}
