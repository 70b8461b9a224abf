/**
 * The Hardhat node's dev accounts as a signer built into the app, for the devnet only (chain 31337): the keys
 * come from Hardhat's public test mnemonic, so they are worthless anywhere else, and the app never offers them on
 * another chain.
 */
import type { LocalAccount } from "viem";

export const devnetChainId = 31_337;
const hardhatMnemonic = "test test test test test test test test test test test junk";

export async function devAccount(index: number, chainId: number): Promise<LocalAccount> {
  if (chainId !== devnetChainId)
    throw new Error(`dev accounts exist only on the devnet (chain ${devnetChainId}), not on chain ${chainId}`);
  if (!Number.isInteger(index) || index < 0 || index > 19) throw new Error(`dev account ${index}: pick 0 to 19`);
  const { mnemonicToAccount } = await import("viem/accounts");
  return mnemonicToAccount(hardhatMnemonic, { addressIndex: index });
}
