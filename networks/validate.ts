/**
 * validateAddressBook: every problem of an address book, each with its field path, found without any network access.
 * It checks what can be checked offline: checksummed addresses, the chain id of a known network, every entry the
 * deployment needs for the book's kind of network (see NetworkKind), each entry's source, the pools' addresses
 * against their factory and init code hash, and the Morpho markets' ids against their parameters.
 */
import { getAddress, isAddress, isHex } from "viem";
import { morphoMarketId, uniswapV3PoolAddress } from "./compute.ts";
import type { AddressBook, AddressBookProblem, AddressBookReport, AssetEntry, SwapRouterInterface } from "./types.ts";

/** The chain id of each network a book may be named after. */
export const knownChainIds: Readonly<Record<string, number>> = {
  mainnet: 1,
  base: 8453,
  arbitrum: 42161,
  sepolia: 11155111,
  localhost: 31337,
  hardhat: 31337,
};

/**
 * The swap router interface Trimtab's contracts call: PortfolioVault, MorphoModule, CollateralManager, HedgeModule and
 * SwapLib import v3-periphery's ISwapRouter and pass `deadline` in ExactInputSingleParams. A book whose router is
 * SwapRouter02 (Base has no SwapRouter) gets a warning: the vault cannot trade through it as it stands.
 */
export const vaultSwapRouterInterface: SwapRouterInterface = "SwapRouter";

/** Uniswap V3 fee tiers the factory enables on every network (in hundredths of a bp). */
const feeTiers = [100, 500, 3_000, 10_000];
const wad = 10n ** 18n;

/** Every problem of `book`: errors (unusable or incomplete) and warnings (facts the deployment must handle). */
export function validateAddressBook(book: AddressBook): AddressBookReport {
  const errors: AddressBookProblem[] = [];
  const warnings: AddressBookProblem[] = [];
  const error = (path: string, message: string): false => {
    errors.push({ path, message });
    return false;
  };
  const live = book.kind === "l1" || book.kind === "l2";

  /** An address field: present, an address, checksummed. False when it is unusable. */
  const address = (path: string, value: unknown): value is string => {
    if (value === undefined || value === null) return error(path, "missing");
    if (typeof value !== "string" || !isAddress(value, { strict: false }))
      return error(path, `not an address (${String(value)})`);
    if (value !== getAddress(value)) return error(path, `not checksummed (expected ${getAddress(value)})`);
    return true;
  };
  const source = (path: string, entry: { source?: unknown }) => {
    if (typeof entry.source !== "string" || entry.source.trim() === "")
      error(`${path}.source`, "missing: every entry names where it is published");
  };
  const positiveInteger = (path: string, value: unknown, what: string) => {
    if (value === undefined) return error(path, "missing");
    if (!Number.isSafeInteger(value) || (value as number) <= 0) error(path, `must be ${what} (a positive integer)`);
  };
  const contract = (path: string, entry: { address?: unknown; source?: unknown } | undefined) => {
    if (!entry) return error(path, "missing");
    source(path, entry);
    return address(`${path}.address`, entry.address);
  };

  // The network.
  if (!Number.isSafeInteger(book.chainId) || book.chainId <= 0) error("chainId", "must be a positive integer");
  else if (book.name in knownChainIds && knownChainIds[book.name] !== book.chainId)
    error("chainId", `${book.chainId} is not ${book.name}'s chain id (${knownChainIds[book.name]})`);
  if (typeof book.name !== "string" || !/^[\w-]+$/.test(book.name)) error("name", "must be a network name");
  if (!["l1", "l2", "devnet"].includes(book.kind)) error("kind", `must be l1, l2 or devnet (got ${String(book.kind)})`);

  // The assets and their feeds.
  const asset = (path: string, entry: AssetEntry | undefined) => {
    if (!entry) return error(path, "missing");
    if (typeof entry.symbol !== "string" || entry.symbol === "") error(`${path}.symbol`, "missing");
    address(`${path}.address`, entry.address);
    source(path, entry);
    if (!Number.isSafeInteger(entry.decimals) || entry.decimals < 0 || entry.decimals > 36)
      error(`${path}.decimals`, "must be an integer from 0 to 36");
    const feed = entry.feed;
    if (!feed) return error(`${path}.feed`, "missing: every asset needs a USD price feed");
    contract(`${path}.feed`, feed);
    if (typeof feed.pair !== "string" || !feed.pair.includes("/"))
      error(`${path}.feed.pair`, "must name the pair (X / USD)");
    positiveInteger(`${path}.feed.decimals`, feed.decimals, "the feed's decimals");
    if (feed.heartbeatSec !== undefined || live)
      positiveInteger(`${path}.feed.heartbeatSec`, feed.heartbeatSec, "seconds");
    if (feed.deviationBps !== undefined) positiveInteger(`${path}.feed.deviationBps`, feed.deviationBps, "bps");
  };
  asset("baseAsset", book.baseAsset);
  const riskAssets = book.riskAssets ?? [];
  if (riskAssets.length === 0) error("riskAssets", "missing: the vault needs at least one risk asset");
  riskAssets.forEach((entry, i) => asset(`riskAssets[${i}]`, entry));
  const symbols = [book.baseAsset, ...riskAssets].map((a) => a?.symbol);
  symbols.forEach((symbol, i) => {
    if (symbol !== undefined && symbols.indexOf(symbol) !== i) error(`riskAssets[${i - 1}].symbol`, `${symbol} twice`);
  });
  const bySymbol = new Map([book.baseAsset, ...riskAssets].filter(Boolean).map((a) => [a.symbol, a]));

  // The L2 sequencer.
  if (book.kind === "l2") {
    if (contract("sequencerUptimeFeed", book.sequencerUptimeFeed))
      positiveInteger("sequencerUptimeFeed.gracePeriodSec", book.sequencerUptimeFeed?.gracePeriodSec, "seconds");
  } else if (book.sequencerUptimeFeed) error("sequencerUptimeFeed", `only L2 books have one (this is ${book.kind})`);

  // Uniswap V3.
  const uniswap = book.uniswap;
  if (!uniswap) error("uniswap", "missing");
  else {
    const factoryOk = contract("uniswap.factory", uniswap.factory);
    if (contract("uniswap.swapRouter", uniswap.swapRouter)) {
      const kind = uniswap.swapRouter.interface;
      if (kind !== "SwapRouter" && kind !== "SwapRouter02")
        error("uniswap.swapRouter.interface", "must be SwapRouter or SwapRouter02");
      else if (kind !== vaultSwapRouterInterface)
        warnings.push({
          path: "uniswap.swapRouter.interface",
          message: `${kind}: the vault calls ${vaultSwapRouterInterface}'s exactInputSingle (with deadline), whose selector ${kind} lacks`,
        });
    }
    if (uniswap.quoterV2 || live) contract("uniswap.quoterV2", uniswap.quoterV2);
    contract("uniswap.positionManager", uniswap.positionManager);
    const hash = uniswap.poolInitCodeHash;
    let hashOk = false;
    if (hash || live) {
      if (!hash) error("uniswap.poolInitCodeHash", "missing");
      else {
        source("uniswap.poolInitCodeHash", hash);
        hashOk = isHex(hash.hash) && hash.hash.length === 66;
        if (!hashOk) error("uniswap.poolInitCodeHash.hash", "must be 32 bytes of hex");
      }
    }
    const pools = uniswap.pools ?? [];
    pools.forEach((pool, i) => {
      const path = `uniswap.pools[${i}]`;
      source(path, pool);
      const addressOk = address(`${path}.address`, pool.address);
      if (!feeTiers.includes(pool.fee)) error(`${path}.fee`, `must be a fee tier (${feeTiers.join(", ")})`);
      const tokens = (pool.tokens ?? []).map((symbol) => bySymbol.get(symbol));
      if (pool.tokens?.length !== 2 || tokens.some((t) => !t))
        return error(`${path}.tokens`, `must name two of the book's assets (${[...bySymbol.keys()].join(", ")})`);
      if (addressOk && factoryOk && hashOk && hash) {
        const expected = uniswapV3PoolAddress({
          factory: uniswap.factory.address,
          initCodeHash: hash.hash,
          tokenA: tokens[0]!.address,
          tokenB: tokens[1]!.address,
          fee: pool.fee,
        });
        if (expected !== pool.address)
          error(`${path}.address`, `is not the factory's ${pool.tokens.join("/")} ${pool.fee} pool (${expected})`);
      }
    });
    riskAssets.forEach((risk, i) => {
      const base = book.baseAsset?.symbol;
      if (risk && !pools.some((p) => p.tokens?.includes(risk.symbol) && p.tokens?.includes(base)))
        error("uniswap.pools", `missing: no ${risk.symbol}/${base} pool for riskAssets[${i}]`);
    });
  }

  // Morpho Blue.
  const morpho = book.morpho;
  if (!morpho) error("morpho", "missing");
  else {
    contract("morpho.morpho", morpho.morpho);
    const irmOk = contract("morpho.irm", morpho.irm);
    const markets = morpho.markets ?? [];
    markets.forEach((market, i) => {
      const path = `morpho.markets[${i}]`;
      source(path, market);
      const collateral = bySymbol.get(market.collateral);
      if (!collateral || collateral === book.baseAsset) error(`${path}.collateral`, "must name one of the risk assets");
      const ok = [
        address(`${path}.loanToken`, market.loanToken),
        address(`${path}.collateralToken`, market.collateralToken),
        address(`${path}.oracle`, market.oracle),
        address(`${path}.irm`, market.irm),
      ].every(Boolean);
      if (book.baseAsset && market.loanToken !== book.baseAsset.address)
        error(`${path}.loanToken`, `must be the base asset ${book.baseAsset.symbol} (${book.baseAsset.address})`);
      if (collateral && market.collateralToken !== collateral.address)
        error(`${path}.collateralToken`, `must be ${collateral.symbol}'s address (${collateral.address})`);
      if (irmOk && market.irm !== morpho.irm.address)
        error(`${path}.irm`, `must be morpho.irm (${morpho.irm.address})`);
      const lltv = typeof market.lltv === "string" && /^\d+$/.test(market.lltv) ? BigInt(market.lltv) : undefined;
      if (lltv === undefined || lltv <= 0n || lltv >= wad)
        error(`${path}.lltv`, "must be a wad as a decimal string, between 0 and 1e18");
      if (market.id === undefined) {
        if (live) error(`${path}.id`, "missing");
      } else if (!(isHex(market.id) && market.id.length === 66)) error(`${path}.id`, "must be 32 bytes of hex");
      else if (ok && lltv !== undefined) {
        const expected = morphoMarketId({ ...market, lltv });
        if (expected !== market.id.toLowerCase())
          error(`${path}.id`, `does not match its parameters (keccak256 of them is ${expected})`);
      }
    });
    riskAssets.forEach((risk, i) => {
      if (risk && !markets.some((m) => m.collateral === risk.symbol))
        error(
          "morpho.markets",
          `missing: no market lending ${book.baseAsset?.symbol} against riskAssets[${i}] (${risk.symbol})`,
        );
    });
  }

  return { errors, warnings };
}
