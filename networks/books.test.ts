import { describe, expect, it } from "vitest";
import { getAddress, zeroAddress, type Address } from "viem";
import {
  addressBooks,
  devnetAddressBook,
  morphoMarketId,
  uniswapV3PoolAddress,
  uniswapV3PoolInitCodeHash,
  validateAddressBook,
  type AddressBook,
} from "./index.ts";

/**
 * Entries a book is known to lack (none may be missing silently): each real book's validation errors must be exactly
 * these paths. Empty: every entry the deployment needs is in every book.
 */
const knownMissing: Record<string, string[]> = { mainnet: [], base: [], arbitrum: [] };

/** What each real book is known to warn about. */
const knownWarnings: Record<string, string[]> = {
  mainnet: [],
  base: ["uniswap.swapRouter.interface"],
  arbitrum: [],
};

/** A deep copy of `book` to break. */
const copy = (book: AddressBook): AddressBook => structuredClone(book) as AddressBook;
const errorsOf = (book: AddressBook) => validateAddressBook(book).errors;
const pathsOf = (book: AddressBook) => errorsOf(book).map((problem) => problem.path);

describe("address books of real networks", () => {
  it("holds Ethereum mainnet and two L2s (Base, Arbitrum One)", () => {
    expect(Object.keys(addressBooks).sort()).toEqual(["arbitrum", "base", "mainnet"]);
    expect(addressBooks.mainnet!.kind).toBe("l1");
    expect(addressBooks.base!.kind).toBe("l2");
    expect(addressBooks.arbitrum!.kind).toBe("l2");
    expect(addressBooks.arbitrum!.chainId).toBe(42161);
  });

  for (const [name, book] of Object.entries(addressBooks)) {
    describe(name, () => {
      it("passes the validator: checksums, chain id, every entry the deployment needs, sources, pools, market ids", () => {
        expect(pathsOf(book)).toEqual(knownMissing[name]);
        expect(validateAddressBook(book).warnings.map((w) => w.path)).toEqual(knownWarnings[name]);
      });

      it("names the network it is keyed by", () => {
        expect(book.name).toBe(name);
      });

      it("has each Morpho market's id equal keccak256(abi.encode(loanToken, collateralToken, oracle, irm, lltv))", () => {
        for (const market of book.morpho.markets)
          expect(market.id).toBe(morphoMarketId({ ...market, lltv: BigInt(market.lltv) }));
      });

      it("has each pool at the address its factory derives for its tokens and fee (CREATE2)", () => {
        const bySymbol = new Map([book.baseAsset, ...book.riskAssets].map((a) => [a.symbol, a.address]));
        for (const pool of book.uniswap.pools)
          expect(pool.address).toBe(
            uniswapV3PoolAddress({
              factory: book.uniswap.factory.address,
              initCodeHash: book.uniswap.poolInitCodeHash!.hash,
              tokenA: bySymbol.get(pool.tokens[0])!,
              tokenB: bySymbol.get(pool.tokens[1])!,
              fee: pool.fee,
            }),
          );
      });

      it("has the pool init code hash of @uniswap/v3-core's UniswapV3Pool", () => {
        expect(book.uniswap.poolInitCodeHash?.hash).toBe(uniswapV3PoolInitCodeHash());
      });

      it("has one feed with a heartbeat per asset, one pool and one USDC market per risk asset", () => {
        for (const asset of [book.baseAsset, ...book.riskAssets]) expect(asset.feed.heartbeatSec).toBeGreaterThan(0);
        for (const risk of book.riskAssets) {
          expect(book.uniswap.pools.filter((p) => p.tokens.includes(risk.symbol))).toHaveLength(1);
          expect(book.morpho.markets.filter((m) => m.collateral === risk.symbol)).toHaveLength(1);
        }
      });
    });
  }

  it("gives each L2 its sequencer uptime feed with a grace period", () => {
    expect(addressBooks.base!.sequencerUptimeFeed).toMatchObject({
      address: "0xBCF85224fc0756B9Fa45aA7892530B47e10b6433",
      gracePeriodSec: 3_600,
    });
    expect(addressBooks.arbitrum!.sequencerUptimeFeed).toMatchObject({
      address: "0xFdB631F5EE196F0ed6FAa767959853A9F217697D",
      gracePeriodSec: 3_600,
    });
  });

  it("gives Arbitrum One v3-periphery's SwapRouter, the interface the vault calls, so its book warns of nothing", () => {
    const book = addressBooks.arbitrum!;
    expect(book.uniswap.swapRouter).toMatchObject({
      address: "0xE592427A0AEce92De3Edee1F18E0157C05861564",
      interface: "SwapRouter",
    });
    expect(validateAddressBook(book)).toEqual({ errors: [], warnings: [] });
  });

  it("gives Arbitrum One native USDC and its own Morpho Blue, not Ethereum's addresses", () => {
    const book = addressBooks.arbitrum!;
    expect(book.baseAsset.address).toBe("0xaf88d065e77c8cC2239327C5EDb3A432268e5831");
    expect(book.morpho.morpho.address).toBe("0x6c247b1F6182318877311737BaC0844bAa518F5e");
    expect(book.morpho.morpho.address).not.toBe(addressBooks.mainnet!.morpho.morpho.address);
    for (const market of book.morpho.markets) expect(market.loanToken).toBe(book.baseAsset.address);
  });

  it("warns that Base's router is SwapRouter02, which the vault (calling ISwapRouter with deadline) cannot use", () => {
    expect(validateAddressBook(addressBooks.base!).warnings).toEqual([
      {
        path: "uniswap.swapRouter.interface",
        message: expect.stringMatching(/SwapRouter02: the vault calls SwapRouter's exactInputSingle \(with deadline\)/),
      },
    ]);
  });
});

describe("validateAddressBook refuses a broken book, naming each field", () => {
  const mainnet = addressBooks.mainnet!;

  it("an address that is not checksummed", () => {
    const book = copy(mainnet);
    (book.riskAssets[0] as { address: string }).address = book.riskAssets[0]!.address.toLowerCase();
    expect(errorsOf(book)).toContainEqual({
      path: "riskAssets[0].address",
      message: "not checksummed (expected 0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2)",
    });
  });

  it("something that is not an address", () => {
    const book = copy(mainnet);
    (book.uniswap.factory as { address: string }).address = "0x1234";
    expect(pathsOf(book)).toContain("uniswap.factory.address");
  });

  it("a chain id that is not the named network's", () => {
    const book = { ...copy(mainnet), chainId: 8453 };
    expect(errorsOf(book)).toContainEqual({ path: "chainId", message: "8453 is not mainnet's chain id (1)" });
  });

  it("a missing feed, a missing heartbeat on a live network and a missing source", () => {
    const book = copy(mainnet);
    delete (book.riskAssets[1] as Partial<AddressBook["baseAsset"]>).feed;
    delete book.baseAsset.feed.heartbeatSec;
    (book.uniswap.quoterV2 as { source: string }).source = " ";
    expect(pathsOf(book)).toEqual(["baseAsset.feed.heartbeatSec", "riskAssets[1].feed", "uniswap.quoterV2.source"]);
  });

  it("a market id that its parameters do not hash to, and a market on another IRM (whose id then changes too)", () => {
    const book = copy(mainnet);
    const [weth, wbtc] = book.morpho.markets as AddressBook["morpho"]["markets"][number][];
    weth!.id = wbtc!.id;
    wbtc!.irm = zeroAddress;
    expect(pathsOf(book)).toEqual(["morpho.markets[0].id", "morpho.markets[1].irm", "morpho.markets[1].id"]);
  });

  it("a pool address that is not the factory's pool for its tokens and fee", () => {
    const book = copy(mainnet);
    (book.uniswap.pools[0] as { fee: number }).fee = 3_000;
    expect(errorsOf(book)).toEqual([
      {
        path: "uniswap.pools[0].address",
        message: "is not the factory's WETH/USDC 3000 pool (0x8ad599c3A0ff1De082011EFDDc58f1908eb6e6D8)",
      },
    ]);
  });

  it("an L2 book without its sequencer feed, a live book without QuoterV2, init code hash or market ids", () => {
    const book = copy(addressBooks.base!);
    delete book.sequencerUptimeFeed;
    delete book.uniswap.quoterV2;
    delete book.uniswap.poolInitCodeHash;
    for (const market of book.morpho.markets) delete (market as { id?: string }).id;
    expect(pathsOf(book)).toEqual([
      "sequencerUptimeFeed",
      "uniswap.quoterV2",
      "uniswap.poolInitCodeHash",
      "morpho.markets[0].id",
      "morpho.markets[1].id",
    ]);
  });

  it("a risk asset without its pool or its market", () => {
    const book = copy(mainnet);
    book.uniswap.pools = book.uniswap.pools.slice(0, 1);
    book.morpho.markets = book.morpho.markets.slice(0, 1);
    expect(errorsOf(book)).toEqual([
      { path: "uniswap.pools", message: "missing: no WBTC/USDC pool for riskAssets[1]" },
      { path: "morpho.markets", message: "missing: no market lending USDC against riskAssets[1] (WBTC)" },
    ]);
  });

  it("an LLTV that is not a wad", () => {
    const book = copy(mainnet);
    (book.morpho.markets[1] as { lltv: string }).lltv = "0.86";
    expect(pathsOf(book)).toEqual(["morpho.markets[1].lltv"]);
  });
});

describe("the devnet's address book", () => {
  const at = (n: number): Address => getAddress(`0x${n.toString(16).padStart(40, "0")}`);
  const record = {
    network: "localhost",
    chainId: 31337,
    devnet: {
      tokens: {
        USDC: { address: at(0x1001), decimals: 6, feed: at(0x1002) },
        WETH: { address: at(0x1003), decimals: 18, feed: at(0x1004) },
        WBTC: { address: at(0x1005), decimals: 8, feed: at(0x1006) },
      },
      uniswap: {
        factory: at(0x1007),
        swapRouter: at(0x1008),
        positionManager: at(0x1009),
        poolFee: 3_000,
      },
      morpho: {
        morpho: at(0x100a),
        irm: at(0x100b),
        lltv: "860000000000000000",
        oracles: {
          WETH_USDC: at(0x100c),
          WBTC_USDC: at(0x100d),
          USDC_WETH: at(0x100e),
          USDC_WBTC: at(0x100f),
        },
      },
    },
  };

  it("has the shape of a real book and passes the same validator", () => {
    const book = devnetAddressBook(record);
    expect(validateAddressBook(book)).toEqual({ errors: [], warnings: [] });
    const shape = (value: unknown): unknown =>
      typeof value !== "object" || value === null
        ? typeof value
        : Array.isArray(value)
          ? value.slice(0, 1).map(shape)
          : Object.fromEntries(Object.entries(value).map(([key, v]) => [key, shape(v)]));
    // A devnet deploys no QuoterV2; everything else has the shape of mainnet's book.
    const { quoterV2: _quoter, ...uniswap } = addressBooks.mainnet!.uniswap;
    expect(shape(book)).toEqual(shape({ ...addressBooks.mainnet!, uniswap }));
  });

  it("computes market ids, heartbeats and the init code hash the record lacks", () => {
    const book = devnetAddressBook(record);
    expect(book.morpho.markets[0]!.id).toBe(
      morphoMarketId({
        loanToken: record.devnet.tokens.USDC.address,
        collateralToken: record.devnet.tokens.WETH.address,
        oracle: record.devnet.morpho.oracles.WETH_USDC,
        irm: record.devnet.morpho.irm,
        lltv: 860_000_000_000_000_000n,
      }),
    );
    expect(book.riskAssets.map((a) => a.feed.heartbeatSec)).toEqual([3_600, 3_600]);
    expect(book.uniswap.poolInitCodeHash?.hash).toBe(addressBooks.mainnet!.uniswap.poolInitCodeHash?.hash);
  });
});
