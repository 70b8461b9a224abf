import { describe, expect, it } from "vitest";
import { encodeAbiParameters, parseAbiParameters, type Hex } from "viem";
import { decodeEthValue, encodeEthValue } from "../../indexer/runtime/abi.ts";
import { base58 } from "../../indexer/runtime/host.ts";
import { bigIntToBytes, bytesToBigInt } from "../../indexer/runtime/values.ts";
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
});
