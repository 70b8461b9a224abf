/**
 * The connected wallet, shared by every page (no viem here: the layout's button must stay light; what signs and
 * sends lives in connect.ts, loaded by the pages that act and on demand by the button).
 */
import type { Address, EIP1193Provider } from "viem";
import type { WalletOffer } from "./eip6963.ts";
import { connectionProblem, type Network } from "./network.ts";

export type { Network } from "./network.ts";

export type Connection =
  | { kind: "injected"; account: Address; chainId: number; provider: EIP1193Provider; name: string; rdns: string }
  | { kind: "dev"; account: Address; chainId: number; index: number };

export const wallet = $state<{ connection: Connection | undefined; error: string | undefined }>({
  connection: undefined,
  error: undefined,
});

/** Where the choice of wallet is kept between visits. */
export const storageKey = "trimtab.wallet";

export function disconnect(): void {
  wallet.connection = undefined;
  localStorage.removeItem(storageKey);
}

/** Why the connected wallet cannot act on `network` now, or undefined when it can. */
export function networkProblem(network: Network): string | undefined {
  return connectionProblem(wallet.connection, network);
}

/** The browser's wallets (EIP-6963 announcements, `window.ethereum` as a fallback), found by the wallet button. */
export const browserWallets = $state<{ offers: WalletOffer[] }>({ offers: [] });
