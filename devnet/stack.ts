import type { ChainType, NetworkConnection } from "hardhat/types/network";
import { custom, getAddress, type Address } from "viem";
import { encodeDefinition, parameterCatalog, parameterKey, vaultAssetParameters } from "../parameters/index.ts";
import { deployGovernanceCore, type GovernanceParameters } from "../ignition/deploy.ts";
import { writeDeploymentRecord, type DeploymentRecord } from "../sdk/deployment.ts";
import { devnetAnswerBoundsWad, devnetHeartbeats, devnetWeights } from "./constants.ts";
import { deployDevnet } from "./protocols.ts";
import { repostDevnetFeeds } from "./time.ts";
import { passProposal } from "./passProposal.ts";
import { action } from "../sdk/proposalArgs.ts";
import CollateralManagerModule from "../ignition/modules/CollateralManager.ts";
import HedgeModuleModule from "../ignition/modules/HedgeModule.ts";
import VaultModule from "../ignition/modules/Vault.ts";

/**
 * The whole Trimtab stack on a local chain: the devnet protocols, the governance core whose registry holds the
 * vault's asset parameters, and the vault. Writes deployments/<network>.json when `deploymentsDir` is given, with
 * `rpcUrl` (the node's JSON-RPC) when given.
 */
export async function deployStack<ChainTypeT extends ChainType | string>(
  connection: NetworkConnection<ChainTypeT>,
  options: {
    network: string;
    governance?: GovernanceParameters;
    deploymentsDir?: string;
    deploymentId?: string;
    rpcUrl?: string;
  },
) {
  const devnet = await deployDevnet(connection, { deploymentId: options.deploymentId });
  const { tokens, uniswap } = devnet.record;
  const oracle = (symbol: "USDC" | "WETH" | "WBTC") => ({
    feed: tokens[symbol].feed,
    heartbeatSec: devnetHeartbeats[symbol],
    minAnswerWad: devnetAnswerBoundsWad[symbol].min,
    maxAnswerWad: devnetAnswerBoundsWad[symbol].max,
  });
  const assets = vaultAssetParameters([
    { symbol: "USDC", ...oracle("USDC"), weightBps: devnetWeights.USDC },
    ...(["WETH", "WBTC"] as const).map((symbol) => ({
      symbol,
      ...oracle(symbol),
      weightBps: devnetWeights[symbol],
      poolFee: uniswap.poolFee,
    })),
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
  const { morpho } = devnet.record;
  const { collateralManager } = await connection.ignition.deploy(CollateralManagerModule, {
    displayUi: false,
    deploymentId: options.deploymentId,
    parameters: {
      CollateralManager: {
        vault: vault.address,
        morpho: morpho.morpho,
        loanToken: tokens.USDC.address,
        collateralToken: tokens.WETH.address,
        oracle: morpho.oracles.WETH_USDC,
        irm: morpho.irm,
        lltv: BigInt(morpho.lltv),
        swapRouter: uniswap.swapRouter,
        uniswapFactory: uniswap.factory,
      },
    },
  });
  const { hedgeModule } = await connection.ignition.deploy(HedgeModuleModule, {
    displayUi: false,
    deploymentId: options.deploymentId,
    parameters: {
      HedgeModule: {
        vault: vault.address,
        morpho: morpho.morpho,
        loanToken: tokens.WETH.address,
        collateralToken: tokens.USDC.address,
        oracle: morpho.oracles.USDC_WETH,
        irm: morpho.irm,
        lltv: BigInt(morpho.lltv),
        swapRouter: uniswap.swapRouter,
        uniswapFactory: uniswap.factory,
      },
    },
  });
  await enableModules(connection, governance, collateralManager.address, hedgeModule.address);
  await repostDevnetFeeds(custom(connection.provider), devnet.record);

  const record: DeploymentRecord = {
    ...governance.record,
    ...(options.rpcUrl ? { rpcUrl: options.rpcUrl } : {}),
    contracts: {
      ...governance.record.contracts,
      PortfolioVault: getAddress(vault.address) as Address,
      CollateralManager: getAddress(collateralManager.address) as Address,
      HedgeModule: getAddress(hedgeModule.address) as Address,
    },
    devnet: devnet.record,
  };
  const file = options.deploymentsDir ? await writeDeploymentRecord(record, options.deploymentsDir) : undefined;
  return { ...governance, vault, collateralManager, hedgeModule, devnet, record, file };
}

/**
 * Plugs the collateral manager and the hedge into the vault the way any chain would: a governance proposal setting
 * the registry's `module.collateral` and `module.hedge`, voted by the deployer's (self-delegated) tokens. The
 * devnet's clock moves on by the proposal's delays, so every feed is posted again afterwards, unchanged but fresh.
 */
async function enableModules<ChainTypeT extends ChainType | string>(
  connection: NetworkConnection<ChainTypeT>,
  governance: Awaited<ReturnType<typeof deployGovernanceCore<ChainTypeT>>>,
  manager: Address,
  hedge: Address,
) {
  const [deployer] = await connection.viem.getWalletClients();
  if (!deployer) throw new Error("no deployer account");
  const publicClient = await connection.viem.getPublicClient();
  await publicClient.waitForTransactionReceipt({
    hash: await governance.token.write.delegate([deployer.account.address], { account: deployer.account }),
  });
  await connection.networkHelpers.mine();
  await passProposal(
    connection,
    governance.governor.address,
    [deployer],
    [
      action(governance.registry, "setParameters", [
        [
          { key: parameterKey("module.collateral"), value: BigInt(manager) },
          { key: parameterKey("module.hedge"), value: BigInt(hedge) },
        ],
      ]),
    ],
    "# Enable the collateral manager and the hedge\n\nLets the vault post WETH on Morpho Blue and borrow USDC " +
      "against it, and short WETH against USDC to hedge its exposure.",
  );
}
