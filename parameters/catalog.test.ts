import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  answerCeilingWad,
  maxAssetSymbolLength,
  parameterCatalog,
  parameterCatalogFor,
  vaultAssetParameters,
} from "./index.ts";

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
    expect(prefixes.map(([, prefix]) => prefix).sort()).toEqual([
      "feed.",
      "heartbeat.",
      "oracle.maxAnswer.",
      "oracle.maxStalenessSec.",
      "oracle.minAnswer.",
      "poolFee.",
      "weight.",
    ]);
    for (const [, prefix] of prefixes) expect(names, prefix).toContain(`${prefix}WETH`);
    const plain = [...keys].filter(([constant]) => !constant.endsWith("_PREFIX"));
    expect(plain.length).toBeGreaterThan(20);
    for (const [constant, name] of plain) expect(names.has(name), `${constant} = "${name}"`).toBe(true);
  });
});

describe("each vault asset's oracle guards", () => {
  const feed = "0x0000000000000000000000000000000000000001";
  const specOf = (specs: readonly { name: string; value: bigint }[], name: string) =>
    specs.find((spec) => spec.name === name);

  it("start at the feed's heartbeat plus an hour and no answer bounds, unless given", () => {
    const [weth, wbtc] = [
      vaultAssetParameters([{ symbol: "WETH", feed, heartbeatSec: 3_600n, weightBps: 0n }]),
      vaultAssetParameters([
        {
          symbol: "WBTC",
          feed,
          heartbeatSec: 3_600n,
          maxStalenessSec: 1_800n,
          minAnswerWad: 100n * 10n ** 18n,
          maxAnswerWad: 10n ** 25n,
          weightBps: 0n,
        },
      ]),
    ];
    expect(specOf(weth, "oracle.maxStalenessSec.WETH")?.value).toBe(7_200n);
    expect(specOf(weth, "oracle.minAnswer.WETH")?.value).toBe(0n);
    expect(specOf(weth, "oracle.maxAnswer.WETH")?.value).toBe(answerCeilingWad);
    expect(specOf(wbtc, "oracle.maxStalenessSec.WBTC")?.value).toBe(1_800n);
    expect(specOf(wbtc, "oracle.minAnswer.WBTC")?.value).toBe(100n * 10n ** 18n);
    expect(specOf(wbtc, "oracle.maxAnswer.WBTC")?.value).toBe(10n ** 25n);
  });

  it("let the guardian only shorten the staleness limit, and move neither the heartbeat nor the bounds", () => {
    const specs = vaultAssetParameters([{ symbol: "WETH", feed, heartbeatSec: 3_600n, weightBps: 0n }]);
    const direction = (name: string) => specs.find((spec) => spec.name === name)?.saferDirection;
    expect(direction("oracle.maxStalenessSec.WETH")).toBe("lower");
    for (const name of ["heartbeat.WETH", "oracle.minAnswer.WETH", "oracle.maxAnswer.WETH"])
      expect(direction(name), name).toBe("none");
  });

  it("refuse a symbol whose keys would not fit the registry's 31 characters", () => {
    expect(maxAssetSymbolLength).toBe(8);
    expect(() => vaultAssetParameters([{ symbol: "WRAPPEDETH", feed, heartbeatSec: 3_600n, weightBps: 0n }])).toThrow(
      'Asset symbol "WRAPPEDETH" is 10 characters long; the limit is 8 (oracle.maxStalenessSec.WRAPPEDETH must fit a registry key)',
    );
  });
});

describe("the catalog a chain starts from", () => {
  const valueOf = (specs: readonly { name: string; value: bigint }[], name: string) =>
    specs.find((spec) => spec.name === name)?.value;

  it("names an L2's sequencer uptime feed and grace period, and none on L1", () => {
    const base = parameterCatalogFor({
      sequencerFeed: "0xBCF85224fc0756B9Fa45aA7892530B47e10b6433",
      sequencerGraceSec: 1_800n,
    });
    expect(valueOf(base, "oracle.sequencerFeed")).toBe(0xbcf85224fc0756b9fa45aa7892530b47e10b6433n);
    expect(valueOf(base, "oracle.sequencerGraceSec")).toBe(1_800n);
    const mainnet = parameterCatalogFor({});
    expect(valueOf(mainnet, "oracle.sequencerFeed")).toBe(0n);
    expect(valueOf(mainnet, "oracle.sequencerGraceSec")).toBe(3_600n);
    expect(mainnet).toEqual(parameterCatalog);
  });

  it("refuses a grace period outside its rules", () => {
    expect(() => parameterCatalogFor({ sequencerGraceSec: 10n })).toThrow(
      "oracle.sequencerGraceSec 10 is outside its rules (60 to 86400)",
    );
  });
});
