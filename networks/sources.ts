/**
 * Entries and sources every real network's book shares: Uniswap V3's pool init code hash (the same v3-core 1.0.0 pool
 * on every chain the books cover) and how pool addresses are derived from it.
 */
import type { AddressBook } from "./types.ts";

/** The canonical UniswapV3Pool init code hash, as v3-periphery publishes it. */
export const canonicalPoolInitCodeHash: NonNullable<AddressBook["uniswap"]["poolInitCodeHash"]> = {
  hash: "0xe34f199b19b2b4f47f68442619d555527d244f78a3297ea89325f843f87b8b54",
  source:
    "@uniswap/v3-periphery contracts/libraries/PoolAddress.sol POOL_INIT_CODE_HASH (= keccak256 of @uniswap/v3-core's UniswapV3Pool bytecode)",
};

/** The source of a pool address: derived, then checked by validateAddressBook against the factory and hash. */
export const derivedPoolSource =
  "PoolAddress.computeAddress(factory, tokens, fee) with POOL_INIT_CODE_HASH (@uniswap/v3-periphery contracts/libraries/PoolAddress.sol)";
