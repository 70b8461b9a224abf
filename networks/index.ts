/**
 * Address books: per network, every external contract a Trimtab deployment needs, each naming its source.
 * `addressBooks` holds the real networks' books by network name; `devnetAddressBook` builds the devnet's from its
 * deployment record; `validateAddressBook` checks any of them.
 */
import { arbitrum } from "./arbitrum.ts";
import { base } from "./base.ts";
import { mainnet } from "./mainnet.ts";
import type { AddressBook } from "./types.ts";

export type * from "./types.ts";
export { devnetAddressBook } from "./devnet.ts";
export { knownChainIds, validateAddressBook, vaultSwapRouterInterface } from "./validate.ts";
export { morphoMarketId, uniswapV3PoolAddress, uniswapV3PoolInitCodeHash } from "./compute.ts";
export { arbitrum, base, mainnet };

/** The real networks' address books, by network name (as in deployments/<name>.json). */
export const addressBooks: Readonly<Record<string, AddressBook>> = { mainnet, base, arbitrum };
