/**
 * Connecting, signing and sending: one of the browser's EIP-1193 wallets (MetaMask and friends, found as EIP-6963
 * describes: eip6963.ts) through viem, or on the devnet one of the Hardhat dev accounts signing in the page and
 * sending through the app's RPC relay.
 */
import {
  createPublicClient,
  createWalletClient,
  custom,
  defineChain,
  http,
  type Address,
  type Chain,
  type EIP1193Provider,
  type PublicClient,
} from "viem";
import type { SigningClient } from "../../../../sdk/governance/actions.ts";
import { devAccount, devnetChainId } from "./devAccounts.ts";
import type { WalletOffer } from "./eip6963.ts";
import { browserWallets, disconnect, networkProblem, storageKey, wallet, type Network } from "./state.svelte.ts";

function appChain(network: Network): Chain {
  const rpc = `${location.origin}/api/rpc`;
  return defineChain({
    id: network.chainId,
    name: network.name,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpc] } },
  });
}

/** Reads of the chain from the browser, through the app's relay. */
export function browserPublicClient(network: Network): PublicClient {
  return createPublicClient({ chain: appChain(network), transport: http(`${location.origin}/api/rpc`) });
}

/** The injected providers whose account and chain changes are followed (once each, however often one connects). */
const listening = new WeakSet<EIP1193Provider>();

/** Connects the browser wallet `offer` (the only one when the browser has one). */
export async function connectInjected(offer: WalletOffer | undefined = browserWallets.offers[0]): Promise<void> {
  if (!offer) throw new Error("No browser wallet found: install one (MetaMask, Rabby…) or use a dev account.");
  const { provider, name, rdns } = offer;
  const client = createWalletClient({ transport: custom(provider) });
  const [account] = await client.requestAddresses();
  if (!account) throw new Error(`${name} shared no account.`);
  const chainId = await client.getChainId();
  wallet.connection = { kind: "injected", account, chainId, provider, name, rdns };
  wallet.error = undefined;
  localStorage.setItem(storageKey, JSON.stringify({ kind: "injected", rdns }));
  if (listening.has(provider)) return;
  listening.add(provider);
  provider.on?.("accountsChanged", (accounts: Address[]) => {
    if (wallet.connection?.kind !== "injected" || wallet.connection.provider !== provider) return;
    if (accounts[0]) wallet.connection = { ...wallet.connection, account: accounts[0] };
    else disconnect();
  });
  provider.on?.("chainChanged", (id: string) => {
    if (wallet.connection?.kind === "injected" && wallet.connection.provider === provider)
      wallet.connection = { ...wallet.connection, chainId: Number(id) };
  });
}

export async function connectDev(index: number, network: Network): Promise<void> {
  const account = await devAccount(index, network.chainId);
  // The chain the relay serves must be the devnet too, whatever the deployment record says.
  const served = await browserPublicClient(network).getChainId();
  if (served !== devnetChainId) throw new Error(`the chain here is ${served}: dev accounts are for the devnet only`);
  wallet.connection = { kind: "dev", account: account.address, chainId: served, index };
  wallet.error = undefined;
  localStorage.setItem(storageKey, JSON.stringify({ kind: "dev", index }));
}

/** Reconnects the wallet of the previous visit, without prompting (an injected wallet only if already allowed). */
export async function restore(network: Network): Promise<void> {
  const saved = localStorage.getItem(storageKey);
  if (!saved || wallet.connection) return;
  try {
    const choice = JSON.parse(saved) as { kind: string; index?: number; rdns?: string };
    if (choice.kind === "dev" && network.chainId === devnetChainId) await connectDev(choice.index ?? 0, network);
    if (choice.kind === "injected") {
      const offer = browserWallets.offers.find((o) => o.rdns === (choice.rdns ?? "injected"));
      const accounts = (await offer?.provider.request({ method: "eth_accounts" })) as Address[] | undefined;
      if (accounts?.[0]) await connectInjected(offer);
    }
  } catch {
    localStorage.removeItem(storageKey);
  }
}

/** A client that signs as the connected account on `network`, or throws with what is wrong. */
export async function signer(network: Network): Promise<SigningClient> {
  const problem = networkProblem(network);
  if (problem) throw new Error(problem);
  const c = wallet.connection!;
  const chain = appChain(network);
  if (c.kind === "dev") {
    const account = await devAccount(c.index, network.chainId);
    return createWalletClient({ account, chain, transport: http(chain.rpcUrls.default.http[0]) });
  }
  return createWalletClient({ account: c.account, chain, transport: custom(c.provider) });
}

/** Asks the injected wallet to switch to `network`. */
export async function switchNetwork(network: Network): Promise<void> {
  const c = wallet.connection;
  if (c?.kind !== "injected") return;
  const client = createWalletClient({ transport: custom(c.provider) });
  await client.switchChain({ id: network.chainId });
  wallet.connection = { ...c, chainId: network.chainId };
}
