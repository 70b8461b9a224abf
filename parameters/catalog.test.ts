import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parameterCatalog, vaultAssetParameters } from "./index.ts";

const root = path.resolve(import.meta.dirname, "..");

/** The names ParameterKeys.sol gives the registry's keys, from its source. */
async function solidityKeys(): Promise<Map<string, string>> {
  const source = await readFile(path.join(root, "contracts/registry/ParameterKeys.sol"), "utf8");
  return new Map([...source.matchAll(/bytes32 internal constant (\w+) = "([^"]+)";/g)].map((m) => [m[1]!, m[2]!]));
}

describe("the parameter catalog and the contracts' keys", () => {
  it("name the same parameters: every key the contracts read is a parameter the catalog defines", async () => {
    const keys = await solidityKeys();
    const assets = vaultAssetParameters([
      { symbol: "USDC", feed: "0x0000000000000000000000000000000000000001", heartbeatSec: 86_400n, weightBps: 10_000n },
      {
        symbol: "WETH",
        feed: "0x0000000000000000000000000000000000000002",
        heartbeatSec: 3_600n,
        weightBps: 0n,
        poolFee: 3_000,
      },
    ]);
    const names = new Set([...parameterCatalog, ...assets].map((spec) => spec.name));
    const prefixes = [...keys].filter(([constant]) => constant.endsWith("_PREFIX"));
    expect(prefixes.map(([, prefix]) => prefix).sort()).toEqual(["feed.", "heartbeat.", "poolFee.", "weight."]);
    for (const [, prefix] of prefixes) expect(names, prefix).toContain(`${prefix}WETH`);
    const plain = [...keys].filter(([constant]) => !constant.endsWith("_PREFIX"));
    expect(plain.length).toBeGreaterThan(20);
    for (const [constant, name] of plain) expect(names.has(name), `${constant} = "${name}"`).toBe(true);
  });
});
