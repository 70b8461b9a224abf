import type { ChainType, NetworkConnection } from "hardhat/types/network";
import { parseEther, type Address } from "viem";

/** TRIM handed to dev accounts 1-4 on the devnet; each delegates to itself so that it can vote at once. */
export const devnetVoterBalances = [
  parseEther("1500000"),
  parseEther("1000000"),
  parseEther("500000"),
  parseEther("20000"),
] as const;

/** Hands dev accounts 1-4 voting tokens from the deployer (account 0) and self-delegates them. */
export async function seedVoters<ChainTypeT extends ChainType | string>(
  connection: NetworkConnection<ChainTypeT>,
  token: { address: Address },
): Promise<void> {
  const wallets = await connection.viem.getWalletClients();
  const [deployer, ...voters] = wallets;
  if (!deployer) throw new Error("no deployer account");
  const trim = await connection.viem.getContractAt("TrimtabToken", token.address);
  const publicClient = await connection.viem.getPublicClient();
  for (const [i, balance] of devnetVoterBalances.entries()) {
    const voter = voters[i];
    if (!voter) throw new Error(`the devnet needs at least ${devnetVoterBalances.length + 1} accounts`);
    const held = await trim.read.balanceOf([voter.account.address]);
    if (held < balance) {
      const hash = await trim.write.transfer([voter.account.address, balance - held], { account: deployer.account });
      await publicClient.waitForTransactionReceipt({ hash });
    }
    const hash = await trim.write.delegate([voter.account.address], { account: voter.account });
    await publicClient.waitForTransactionReceipt({ hash });
  }
  const hash = await trim.write.delegate([deployer.account.address], { account: deployer.account });
  await publicClient.waitForTransactionReceipt({ hash });
}
