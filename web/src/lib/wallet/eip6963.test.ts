import type { EIP1193Provider } from "viem";
import { describe, expect, it } from "vitest";
import { discoverWallets, offerOf, safeIcon, walletOffers, type WalletOffer } from "./eip6963.ts";

const provider = (): EIP1193Provider => ({ request: async () => null }) as unknown as EIP1193Provider;
const svg = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=";
const info = (n: string) => ({ uuid: `uuid-${n}`, name: `Wallet ${n}`, icon: svg, rdns: `org.example.${n}` });

/** A page with wallets that answer eip6963:requestProvider by announcing themselves, as extensions do. */
function pageWith(wallets: { info: ReturnType<typeof info>; provider: EIP1193Provider }[], ethereum?: EIP1193Provider) {
  const target = new EventTarget() as EventTarget & { ethereum?: EIP1193Provider };
  target.ethereum = ethereum;
  target.addEventListener("eip6963:requestProvider", () => {
    for (const detail of wallets)
      target.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze(detail) }));
  });
  return target as unknown as Window;
}

describe("the browser's wallets, found as EIP-6963 describes", () => {
  it("asks the page's wallets to announce themselves and offers each, by name and icon", () => {
    const a = { info: info("a"), provider: provider() };
    const b = { info: info("b"), provider: provider() };
    let offers: WalletOffer[] = [];
    const stop = discoverWallets(pageWith([a, b]), (o) => (offers = o));
    expect(offers.map((o) => [o.name, o.rdns, o.icon])).toEqual([
      ["Wallet a", "org.example.a", svg],
      ["Wallet b", "org.example.b", svg],
    ]);
    expect(offers[1]!.provider).toBe(b.provider);
    stop();
  });

  it("keeps window.ethereum as a fallback, once: not again when a wallet announced that provider", () => {
    const legacy = provider();
    let offers: WalletOffer[] = [];
    discoverWallets(pageWith([], legacy), (o) => (offers = o));
    expect(offers).toEqual([
      { uuid: "injected", name: "Browser wallet", icon: "", rdns: "injected", provider: legacy },
    ]);
    discoverWallets(pageWith([{ info: info("a"), provider: legacy }], legacy), (o) => (offers = o));
    expect(offers.map((o) => o.name)).toEqual(["Wallet a"]);
  });

  it("offers a wallet that announces twice once", () => {
    const a = offerOf({ info: info("a"), provider: provider() })!;
    expect(walletOffers([a, { ...a }], undefined)).toHaveLength(1);
  });

  it("shows an icon only when it is a data URI of an image", () => {
    expect(safeIcon(svg)).toBe(svg);
    expect(safeIcon("data:image/png;base64,iVBORw0KGgo=")).toBe("data:image/png;base64,iVBORw0KGgo=");
    for (const icon of [
      "javascript:alert(1)",
      "https://tracker.example/icon.png",
      "data:text/html;base64,PHNjcmlwdD4=",
      "data:image/svg+xmlfoo,<svg/>",
      42,
    ])
      expect(safeIcon(icon), String(icon)).toBe("");
  });

  it("ignores a malformed announcement: no provider, no name", () => {
    expect(offerOf({ info: info("a") })).toBeUndefined();
    expect(offerOf({ info: { ...info("a"), name: " " }, provider: provider() })).toBeUndefined();
    expect(offerOf(null)).toBeUndefined();
  });
});
