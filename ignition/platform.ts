/**
 * Deploys the whole platform from a plan (ignition/plan.ts) through Ignition: the governance core (with the token,
 * or over an existing votes token), the vault with its libraries, the collateral manager and, when the plan has a
 * market for it, the hedge module. Ignition journals every step under one deployment id, so a re-run resumes where
 * an interrupted one stopped, and a finished one re-run sends nothing. The devnet (devnet/stack.ts) and
 * `npm run deploy` (scripts/deploy.ts) both deploy through here.
 */
import { getAddress, type Address } from "viem";
import type { ChainType, NetworkConnection } from "hardhat/types/network";
import { redactRpcUrl, verificationDir, type DeploymentRecord } from "../sdk/deployment.ts";
import CollateralManagerModule from "./modules/CollateralManager.ts";
import HedgeModuleModule from "./modules/HedgeModule.ts";
import VaultModule from "./modules/Vault.ts";
import { deployGovernanceCore } from "./deploy.ts";
import { resolveArgs, type ContractRef, type PlatformContractName, type PlatformPlan } from "./plan.ts";
import { writeVerificationInputs, type DeployedContract, type VerificationArtifacts } from "./verification.ts";

export type DeployPlatformOptions = {
  /** The deployments directory: the record is not written without it, the verification inputs are written beside it. */
  deploymentsDir?: string;
  deploymentId?: string;
  /** The RPC the deployment goes through, recorded without its secrets. */
  rpcUrl?: string;
  /** Reads artifacts and build info for the verification inputs (hre.artifacts); without it none are written. */
  artifacts?: VerificationArtifacts;
};

/**
 * Deploys `plan` on `connection` and returns the contracts and the deployment record (not yet written: the caller
 * adds what it knows, e.g. the devnet's part, and writes it with writeDeploymentRecord). Refuses a plan with errors
 * and a chain that is not the plan's.
 */
export async function deployPlatform<ChainTypeT extends ChainType | string>(
  connection: NetworkConnection<ChainTypeT>,
  plan: PlatformPlan,
  options: DeployPlatformOptions = {},
) {
  if (plan.errors.length) throw new Error(`the plan has errors:\n  ${plan.errors.join("\n  ")}`);
  const publicClient = await connection.viem.getPublicClient();
  const chainId = await publicClient.getChainId();
  if (chainId !== plan.chainId) throw new Error(`the chain is ${chainId}, the address book's ${plan.chainId}`);
  const [deployer] = await connection.viem.getWalletClients();
  if (!deployer) throw new Error("no deployer account: configure the network's accounts");
  const common = { displayUi: false, deploymentId: options.deploymentId };

  const governance = await deployGovernanceCore(connection, {
    network: plan.network,
    parameters: plan.governance,
    token: plan.token,
    deploymentsDir: options.deploymentsDir,
    deploymentId: options.deploymentId,
  });
  const vaultDeployment = await connection.ignition.deploy(VaultModule, {
    ...common,
    parameters: {
      Vault: {
        ...plan.vault,
        registry: governance.registry.address,
        treasury: governance.timelock.address,
      },
    },
  });
  const vault = vaultDeployment.vault;
  const moduleParameters = (market: PlatformPlan["collateral"]["market"]) => ({
    vault: vault.address,
    morpho: plan.morpho,
    ...market,
    swapRouter: plan.vault.swapRouter,
    uniswapFactory: plan.vault.uniswapFactory,
  });
  const { collateralManager } = await connection.ignition.deploy(CollateralManagerModule, {
    ...common,
    parameters: {
      CollateralManager: {
        ...moduleParameters(plan.collateral.market),
        collateralSymbol: plan.collateral.symbol,
        loanSymbol: plan.collateral.loanSymbol,
      },
    },
  });
  const hedgeModule = plan.hedge
    ? (
        await connection.ignition.deploy(HedgeModuleModule, {
          ...common,
          parameters: {
            HedgeModule: {
              ...moduleParameters(plan.hedge.market),
              riskSymbol: plan.hedge.riskSymbol,
              baseSymbol: plan.hedge.baseSymbol,
            },
          },
        })
      ).hedgeModule
    : undefined;

  const addresses: Partial<Record<ContractRef["ref"], Address>> = {
    deployer: getAddress(deployer.account.address),
    TrimtabToken: getAddress(governance.token.address),
    TimelockController: getAddress(governance.timelock.address),
    TrimtabGovernor: getAddress(governance.governor.address),
    ParameterRegistry: getAddress(governance.registry.address),
    ProposalGuard: getAddress(governance.proposalGuard.address),
    VaultSettingsLib: getAddress(vaultDeployment.settingsLib.address),
    ViewPricesLib: getAddress(vaultDeployment.viewPricesLib.address),
    RebalancePlanLib: getAddress(vaultDeployment.rebalancePlanLib.address),
    ExitPlanLib: getAddress(vaultDeployment.exitPlanLib.address),
    PortfolioVault: getAddress(vault.address),
    CollateralManager: getAddress(collateralManager.address),
    ...(hedgeModule ? { HedgeModule: getAddress(hedgeModule.address) } : {}),
  };
  const at = (name: PlatformContractName) => addresses[name]!;
  const verifyDir = options.deploymentsDir ? verificationDir(plan.network, options.deploymentsDir) : undefined;
  if (verifyDir && options.artifacts) {
    const deployed: DeployedContract[] = plan.contracts.map((contract) => ({
      name: contract.name,
      artifact: contract.artifact,
      address: at(contract.name),
      args: resolveArgs(contract.args, addresses),
      libraries: Object.fromEntries(Object.entries(contract.libraries ?? {}).map(([lib, name]) => [lib, at(name)])),
    }));
    await writeVerificationInputs(options.artifacts, verifyDir, deployed);
  }

  const record: DeploymentRecord = {
    ...governance.record,
    ...(options.rpcUrl ? { rpcUrl: redactRpcUrl(options.rpcUrl) } : {}),
    contracts: {
      ...governance.record.contracts,
      PortfolioVault: at("PortfolioVault"),
      CollateralManager: at("CollateralManager"),
      ...(hedgeModule ? { HedgeModule: at("HedgeModule") } : {}),
    },
    libraries: {
      VaultSettingsLib: at("VaultSettingsLib"),
      ViewPricesLib: at("ViewPricesLib"),
      RebalancePlanLib: at("RebalancePlanLib"),
      ExitPlanLib: at("ExitPlanLib"),
    },
    ...(hedgeModule ? {} : { omitted: { HedgeModule: "no hedge market: the parameters named none" } }),
    ...(verifyDir && options.artifacts ? { verification: `${plan.network}.verify` } : {}),
  };
  return { ...governance, vault, collateralManager, hedgeModule, addresses, record };
}
