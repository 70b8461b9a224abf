/**
 * Finding the browser's wallets as EIP-6963 describes (https://eips.ethereum.org/EIPS/eip-6963): the page dispatches
 * `eip6963:requestProvider`, each installed wallet answers with an `eip6963:announceProvider` event carrying its
 * name, icon, reverse-DNS id and EIP-1193 provider. A lone `window.ethereum` (a wallet from before EIP-6963) is kept
 * as a fallback. No viem here: the layout's wallet button loads this with every page.
 */
import type { EIP1193Provider } from "viem";

/** An installed wallet the user may pick. */
export type WalletOffer = {
  /** EIP-6963's per-session id of the announcement; "injected" for the `window.ethereum` fallback. */
  uuid: string;
  name: string;
  /** A data URI of an image (EIP-6963 requires one), or "" when there is none safe to show. */
  icon: string;
  /** The wallet's reverse-DNS id (io.metamask…): what the choice is remembered by between visits. */
  rdns: string;
  provider: EIP1193Provider;
};

/** The images a wallet's icon may be, as a data URI shown with <img src> (which never runs a script, svg included). */
const safeIconUri = /^data:image\/(svg\+xml|png|jpeg|gif|webp)(;[a-z0-9=.+-]*)*,/i;

/** The icon as given when it is a data URI of an image, else "" (a remote URL would tell its host who visits). */
export function safeIcon(icon: unknown): string {
  return typeof icon === "string" && icon.length <= 200_000 && safeIconUri.test(icon) ? icon : "";
}

/** A wallet's announcement (an `eip6963:announceProvider` event's detail) as an offer, or undefined when malformed. */
export function offerOf(detail: unknown): WalletOffer | undefined {
  const d = detail as { info?: Record<string, unknown>; provider?: { request?: unknown } } | null | undefined;
  const info = d?.info;
  if (!info || typeof d.provider?.request !== "function") return undefined;
  const { uuid, name, rdns } = info;
  if (typeof uuid !== "string" || typeof name !== "string" || !name.trim() || typeof rdns !== "string")
    return undefined;
  return {
    uuid,
    name: name.trim().slice(0, 60),
    icon: safeIcon(info.icon),
    rdns,
    provider: d.provider as EIP1193Provider,
  };
}

/**
 * The wallets to offer: each announced one once (a wallet announcing again replaces itself), then `window.ethereum`
 * when no announced wallet is that provider.
 */
export function walletOffers(announced: readonly WalletOffer[], injected: EIP1193Provider | undefined): WalletOffer[] {
  const byUuid = new Map<string, WalletOffer>();
  for (const offer of announced) byUuid.set(offer.uuid, offer);
  const offers = [...byUuid.values()];
  if (injected && !offers.some((o) => o.provider === injected))
    offers.push({ uuid: "injected", name: "Browser wallet", icon: "", rdns: "injected", provider: injected });
  return offers;
}

/**
 * Asks the page's wallets to announce themselves and calls `onChange` with every offer so far, now and at each
 * announcement (wallets answer the request at once, or announce when they load later). Returns a function that stops
 * listening.
 */
export function discoverWallets(target: Window, onChange: (offers: WalletOffer[]) => void): () => void {
  const announced: WalletOffer[] = [];
  const injected = () => (target as unknown as { ethereum?: EIP1193Provider }).ethereum;
  const announce = (event: Event) => {
    const offer = offerOf((event as CustomEvent).detail);
    if (!offer) return;
    announced.push(offer);
    onChange(walletOffers(announced, injected()));
  };
  target.addEventListener("eip6963:announceProvider", announce);
  target.dispatchEvent(new Event("eip6963:requestProvider"));
  onChange(walletOffers(announced, injected()));
  return () => target.removeEventListener("eip6963:announceProvider", announce);
}
