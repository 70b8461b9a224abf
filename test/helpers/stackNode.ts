import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import hre from "hardhat";
import { http, parseUnits } from "viem";
import { startHardhatNode } from "../../devnet/hardhatNode.ts";
import { connectStack, type Stack } from "../../sdk/proposal/deployed.ts";
import { daySeconds } from "./governance.ts";
import { deployVault, type VaultStack } from "./vault.ts";

const root = path.resolve(import.meta.dirname, "../..");

/** A `hardhat node` running the whole stack, for the tests that fork it (dry runs), and how to stop it. */
export type StackNode = { rpcUrl: string; v: VaultStack; stack: Stack; stop: () => Promise<void> };

/**
 * Starts `hardhat node` on `port` and deploys the whole stack on it (deployVault: vault, modules, Uniswap V3, Morpho
 * Blue); with `deposit`, alice's 1,000,000 USDC in the vault; then two days on (past the weights' min interval since
 * the deployment set them) with the feeds fresh; with `rebalance`, one rebalance (the vault then holds its risk
 * assets).
 */
export async function startStackNode(
  port: number,
  options: { name: string; deposit?: boolean; rebalance?: boolean },
): Promise<StackNode> {
  const dir = await mkdtemp(path.join(tmpdir(), `trimtab-${options.name}-`));
  const deploymentId = `${options.name}-${port}`;
  const deployments = path.join(root, "ignition", "deployments", deploymentId);
  let node: ChildProcess | undefined;
  const stop = async () => {
    node?.kill("SIGTERM");
    await rm(deployments, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  };
  try {
    node = await startHardhatNode(port, path.join(dir, "node.log"));
    const rpcUrl = `http://127.0.0.1:${port}`;
    const connection = await hre.network.create({ network: "localhost", override: { url: rpcUrl } });
    await rm(deployments, { recursive: true, force: true });
    const v = await deployVault(connection, { deploymentId });
    if (options.deposit)
      await v.vault.write.deposit([parseUnits("1000000", 6), v.accounts.alice.account.address], {
        account: v.accounts.alice.account,
      });
    await connection.networkHelpers.time.increase(2 * daySeconds);
    await v.setPrices();
    if (options.rebalance) await v.vault.write.rebalance({ account: v.accounts.eve.account });
    const stack = await connectStack(http(rpcUrl), v.record.contracts, "the test's stack");
    return { rpcUrl, v, stack, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
