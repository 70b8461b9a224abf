import type { ChainType, NetworkConnection } from "hardhat/types/network";
import { getAddress, type Address } from "viem";
import { encodeDefinition, parameterCatalog, vaultAssetParameters } from "../parameters/index.ts";
import { deployGovernanceCore, writeDeployment, type DeploymentRecord, type GovernanceParameters } from "./deploy.ts";
import { deployDevnet } from "./devnet.ts";
import VaultModule from "./modules/Vault.ts";

/** The devnet portfolio's target weights, in bps of NAV. */
export const devnetWeights = { USDC: 4_000n, WETH: 4_000n, WBTC: 2_000n } as const;

/**
 * The whole Trimtab stack on a local chain: the devnet protocols, the governance core whose registry holds the
 * vault's asset parameters, and the vault. Writes deployments/<network>.json when `deploymentsDir` is given.
 */
export async function deployStack<ChainTypeT extends ChainType | string>(
  connection: NetworkConnection<ChainTypeT>,
  options: {
    network: string;
    governance?: GovernanceParameters;
    deploymentsDir?: string;
    deploymentId?: string;
  },
) {
  const devnet = await deployDevnet(connection, { deploymentId: options.deploymentId });
  const { tokens, uniswap } = devnet.record;
  const assets = vaultAssetParameters([
    { symbol: "USDC", feed: tokens.USDC.feed, weightBps: devnetWeights.USDC },
    { symbol: "WETH", feed: tokens.WETH.feed, weightBps: devnetWeights.WETH, poolFee: uniswap.poolFee },
    { symbol: "WBTC", feed: tokens.WBTC.feed, weightBps: devnetWeights.WBTC, poolFee: uniswap.poolFee },
  ]);
  const governance = await deployGovernanceCore(connection, {
    network: options.network,
    deploymentId: options.deploymentId,
    parameters: {
      ...options.governance,
      parameterDefinitions: [...parameterCatalog, ...assets].map(encodeDefinition),
    },
  });
  const { vault } = await connection.ignition.deploy(VaultModule, {
    displayUi: false,
    deploymentId: options.deploymentId,
    parameters: {
      Vault: {
        baseToken: tokens.USDC.address,
        riskTokens: [tokens.WETH.address, tokens.WBTC.address],
        registry: governance.registry.address,
        treasury: governance.timelock.address,
        swapRouter: uniswap.swapRouter,
        uniswapFactory: uniswap.factory,
      },
    },
  });
  const record: DeploymentRecord = {
    ...governance.record,
    contracts: { ...governance.record.contracts, PortfolioVault: getAddress(vault.address) as Address },
    devnet: devnet.record,
  };
  const file = options.deploymentsDir ? await writeDeployment(record, options.deploymentsDir) : undefined;
  return { ...governance, vault, devnet, record, file };
}
