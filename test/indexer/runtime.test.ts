import { describe, expect, it } from "vitest";
import { encodeAbiParameters, parseAbiParameters, type Hex } from "viem";
import { decodeEthValue, encodeEthValue } from "../../indexer/runtime/abi.ts";
import * as decimal from "../../indexer/runtime/bigDecimal.ts";
import { abortMessage, base58, checkedBigInt, maxBigIntBits } from "../../indexer/runtime/host.ts";
import { bigIntToBytes, bytesToBigInt } from "../../indexer/runtime/values.ts";
import { exportMutableGlobals } from "../../indexer/runtime/wasmGlobals.ts";
import { createRandom } from "../../sim/random.ts";

describe("host runtime: values as graph-node passes them", () => {
  it("BigInt bytes are little-endian two's complement, minimal, zero as one byte (num-bigint's signed bytes)", () => {
    const vectors: [bigint, number[]][] = [
      [0n, [0]],
      [1n, [1]],
      [127n, [0x7f]],
      [128n, [0x80, 0]],
      [255n, [0xff, 0]],
      [256n, [0, 1]],
      [-1n, [0xff]],
      [-128n, [0x80]],
      [-129n, [0x7f, 0xff]],
      [-256n, [0, 0xff]],
      [2n ** 255n, [...Array(31).fill(0), 0x80, 0]],
    ];
    for (const [value, bytes] of vectors) {
      expect([...bigIntToBytes(value)], String(value)).toEqual(bytes);
      expect(bytesToBigInt(Uint8Array.from(bytes))).toBe(value);
    }
    expect(bytesToBigInt(new Uint8Array())).toBe(0n);
    const rng = createRandom(7);
    const random = () => rng.next();
    for (let i = 0; i < 500; i++) {
      const bits = BigInt(Math.floor(random() * 300));
      const value = (BigInt(Math.floor(random() * 2 ** 52)) << bits) * (random() < 0.5 ? -1n : 1n);
      const bytes = bigIntToBytes(value);
      expect(bytesToBigInt(bytes)).toBe(value);
      // Minimal: dropping the top byte changes the value.
      if (bytes.length > 1) expect(bytesToBigInt(bytes.slice(0, -1))).not.toBe(value);
    }
  });

  it("ethereum.decode reads a tuple with dynamic members after its offset word, and encode writes it back", () => {
    const types = "(address[],uint256[],bytes[],bytes32)";
    const args = [["0x00000000000000000000000000000000000000aa"], [5n], ["0x1234"], `0x${"ab".repeat(32)}`] as const;
    const encoded = encodeAbiParameters(parseAbiParameters("(address[],uint256[],bytes[],bytes32)"), [args]);
    const value = decodeEthValue(types, encoded);
    expect(value).toEqual({
      kind: "tuple",
      value: [
        { kind: "array", value: [{ kind: "address", value: "0x00000000000000000000000000000000000000aa" }] },
        { kind: "array", value: [{ kind: "uint", value: 5n }] },
        { kind: "array", value: [{ kind: "bytes", value: "0x1234" }] },
        { kind: "fixedBytes", value: `0x${"ab".repeat(32)}` },
      ],
    });
    expect(encodeEthValue(value)).toBe(encoded);
    expect(() => decodeEthValue("uint256", "0x12" as Hex)).toThrow();
  });

  it("base58 is Bitcoin's alphabet with leading zero bytes as 1s", () => {
    expect(base58(Uint8Array.from([]))).toBe("");
    expect(base58(Uint8Array.from([0, 0, 1]))).toBe("112");
    expect(base58(new TextEncoder().encode("hello world"))).toBe("StV1DL6CwTryKyV");
  });

  it("errors carry graph-node's messages: abort locations, too-large BigInts", () => {
    expect(abortMessage("boom", "src/vault.ts", 12, 5)).toBe(
      "Mapping aborted at src/vault.ts, line 12, column 5, with message: boom",
    );
    expect(abortMessage(null, "src/vault.ts", 12, 0)).toBe("Mapping aborted at src/vault.ts, line 12, with no message");
    expect(abortMessage("x", null, 0, 0)).toBe("Mapping aborted at an unknown location, with message: x");
    const largest = (1n << BigInt(maxBigIntBits - 1)) - 1n; // its magnitude plus the sign bit is exactly the limit
    expect(checkedBigInt(largest)).toBe(largest);
    expect(checkedBigInt(-largest)).toBe(-largest);
    expect(() => checkedBigInt(largest + 1n)).toThrow(`BigInt is too big, total bits 435413 (max 435412)`);
  });
});

/** Values as graph-node's BigDecimal (bigdecimal 0.1.2 normalized to 34 significant digits) prints them. */
describe("host runtime: BigDecimal as graph-node computes it", () => {
  const d = (text: string) => decimal.fromString(text);
  const show = decimal.toString;

  it("parses and prints plain decimals, normalized: no trailing zeros, no exponent", () => {
    expect(show(d("1.50"))).toBe("1.5");
    expect(show(d("1e3"))).toBe("1000");
    expect(show(d("-0.00100"))).toBe("-0.001");
    expect(show(d("0.000"))).toBe("0");
    expect(show(d(".5"))).toBe("0.5");
    expect(show(d("2.5E-3"))).toBe("0.0025");
    for (const bad of ["", "-", "1e", "abc", "1.2.3", "0x10"]) expect(() => d(bad), bad).toThrow(bad);
  });

  it("adds, subtracts and multiplies exactly, then keeps 34 significant digits", () => {
    expect(show(decimal.plus(d("0.1"), d("0.2")))).toBe("0.3");
    expect(show(decimal.minus(d("1"), d("1.000000000000000000000000000000000001")))).toBe("0"); // 37 digits rounded to 1
    expect(show(decimal.times(d("1.5"), d("-2")))).toBe("-3");
    // 10^35 + 1 has 36 digits: the dropped "01" starts with a zero, so nothing rounds.
    expect(show(decimal.plus(d("1e35"), d("1")))).toBe("100000000000000000000000000000000000");
  });

  it("rounds a positive value half up by its first dropped digit, and truncates a negative one (bigdecimal 0.1's with_prec)", () => {
    const n = "123456789012345678901234567890123456"; // 36 digits: "56" is dropped
    expect(show(decimal.plus(d(n), d("0")))).toBe("123456789012345678901234567890123500");
    expect(show(decimal.plus(d(`-${n}`), d("0")))).toBe("-123456789012345678901234567890123400");
    expect(show(d("0.12345678901234567890123456789012344"))).toBe("0.1234567890123456789012345678901234");
  });

  it("divides to 100 digits, then normalizes: so 2/3 rounds up and -2/3 does not", () => {
    expect(show(decimal.dividedBy(d("1"), d("3")))).toBe(`0.${"3".repeat(34)}`);
    expect(show(decimal.dividedBy(d("2"), d("3")))).toBe(`0.${"6".repeat(33)}7`);
    expect(show(decimal.dividedBy(d("-2"), d("3")))).toBe(`-0.${"6".repeat(34)}`);
    expect(show(decimal.dividedBy(d("10"), d("4")))).toBe("2.5");
    expect(show(decimal.dividedBy(d("7"), d("7")))).toBe("1");
    expect(show(decimal.dividedBy(d("0.07"), d("700")))).toBe("0.0001");
    expect(() => decimal.dividedBy(d("1"), d("0"))).toThrow();
  });

  it("compares values, not representations", () => {
    expect(decimal.equals(d("1.0"), d("1"))).toBe(true);
    expect(decimal.equals({ digits: 10n, exp: -1n }, { digits: 1n, exp: 0n })).toBe(true);
    expect(decimal.equals(d("1"), d("1.0000000001"))).toBe(false);
  });
});

/** Node's WebAssembly API (TypeScript declares it only with the DOM library). */
type Global = { value: number };
const WebAssembly = (
  globalThis as unknown as {
    WebAssembly: {
      Module: { new (bytes: Uint8Array): object; exports(module: object): { kind: string; name: string }[] };
      Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
      Global: new (descriptor: { value: "i32"; mutable: boolean }, value: number) => Global;
    };
  }
).WebAssembly;

describe("host runtime: reusing an instance as a fresh one", () => {
  // A module importing an immutable global (index 0) and defining a mutable i32 = 5 (index 1) and an immutable
  // i32 = 7 (index 2); it exports `f`, which returns global 1.
  const module = Uint8Array.from(
    [
      "00 61 73 6d 01 00 00 00",
      "01 05 01 60 00 01 7f", // type: () -> i32
      "02 08 01 01 6d 01 67 03 7f 00", // import m.g: immutable i32
      "03 02 01 00", // function 0 of type 0
      "06 0b 02 7f 01 41 05 0b 7f 00 41 07 0b", // globals: mut i32 = 5, i32 = 7
      "07 05 01 01 66 00 00", // export "f" = function 0
      "0a 06 01 04 00 23 01 0b", // f: global.get 1
    ]
      .join(" ")
      .split(" ")
      .map((byte) => parseInt(byte, 16)),
  );

  it("exports exactly the mutable globals a module defines, counting imported globals first", () => {
    const { bytes, globals } = exportMutableGlobals(module);
    expect(globals).toEqual(["__global_1"]);
    const compiled = new WebAssembly.Module(bytes);
    expect(WebAssembly.Module.exports(compiled).map((e) => `${e.kind}:${e.name}`)).toEqual([
      "function:f",
      "global:__global_1",
    ]);
    const imported = new WebAssembly.Global({ value: "i32", mutable: false }, 1);
    const instance = new WebAssembly.Instance(compiled, { m: { g: imported } });
    const global = instance.exports["__global_1"] as Global;
    const f = instance.exports["f"] as () => number;
    expect(global.value).toBe(5);
    global.value = 9;
    expect(f()).toBe(9);
  });

  it("refuses bytes that are not a module", () => {
    expect(() => exportMutableGlobals(Uint8Array.from([1, 2, 3, 4]))).toThrow("not a WebAssembly module");
  });
});
