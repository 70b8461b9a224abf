import type { ChainType, NetworkConnection } from "hardhat/types/network";
import { custom, type Address } from "viem";
import { parameterKey } from "../parameters/index.ts";
import type { deployGovernanceCore, GovernanceParameters } from "../ignition/deploy.ts";
import { planPlatform, type DeployParameters } from "../ignition/plan.ts";
import { deployPlatform } from "../ignition/platform.ts";
import { devnetAddressBook } from "../networks/devnet.ts";
import { writeDeploymentRecord, type DeploymentRecord, type DevnetRecord } from "../sdk/deployment.ts";
import { devnetAnswerBoundsWad, devnetWeights } from "./constants.ts";
import { deployDevnet } from "./protocols.ts";
import { repostDevnetFeeds } from "./time.ts";
import { passProposal } from "./passProposal.ts";
import { action } from "../sdk/proposalArgs.ts";

/**
 * What the devnet deploys the platform with, beyond its address book: its weights, and the hedge on WETH against
 * USDC (a market the book, like a real network's, does not list).
 */
export function devnetDeployParameters(devnet: DevnetRecord, governance?: GovernanceParameters): DeployParameters {
  const { parameterDefinitions: _ignored, ...rest } = governance ?? {};
  return {
    governance: rest,
    parameters: Object.fromEntries([
      ...Object.entries(devnetWeights).map(([symbol, bps]) => [`weight.${symbol}`, bps]),
      ...Object.entries(devnetAnswerBoundsWad).flatMap(([symbol, { min, max }]) => [
        [`oracle.minAnswer.${symbol}`, min],
        [`oracle.maxAnswer.${symbol}`, max],
      ]),
    ]),
    collateralAsset: "WETH",
    hedge: {
      asset: "WETH",
      market: {
        loanToken: devnet.tokens.WETH.address,
        collateralToken: devnet.tokens.USDC.address,
        oracle: devnet.morpho.oracles.USDC_WETH,
        irm: devnet.morpho.irm,
        lltv: BigInt(devnet.morpho.lltv),
      },
      source: "devnet record: morpho.oracles.USDC_WETH",
    },
  };
}

/**
 * The whole Trimtab stack on a local chain: the devnet protocols, then the platform deployed from the devnet's
 * address book as on any network (ignition/platform.ts), then the modules enabled by a proposal. Writes
 * deployments/<network>.json when `deploymentsDir` is given, with `rpcUrl` (the node's JSON-RPC) when given.
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
  const chainId = await (await connection.viem.getPublicClient()).getChainId();
  const book = devnetAddressBook({ network: options.network, chainId, devnet: devnet.record });
  const plan = planPlatform(book, devnetDeployParameters(devnet.record, options.governance), "devnet");
  const platform = await deployPlatform(connection, plan, {
    deploymentsDir: options.deploymentsDir,
    deploymentId: options.deploymentId,
  });
  const { collateralManager, hedgeModule } = platform;
  if (!hedgeModule) throw new Error("the devnet's plan has no hedge module");
  await enableModules(connection, platform, collateralManager.address, hedgeModule.address);
  await repostDevnetFeeds(custom(connection.provider), devnet.record);

  const record: DeploymentRecord = {
    ...platform.record,
    // The devnet's node is local: its URL holds no secret, and tools default to it as it is.
    ...(options.rpcUrl ? { rpcUrl: options.rpcUrl } : {}),
    devnet: devnet.record,
  };
  const file = options.deploymentsDir ? await writeDeploymentRecord(record, options.deploymentsDir) : undefined;
  return { ...platform, hedgeModule, devnet, record, file };
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
