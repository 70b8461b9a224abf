import { getAddress, type Address } from "viem";
import type { ChainType, NetworkConnection } from "hardhat/types/network";
import type { ParameterDefinitionTuple } from "../parameters/index.ts";
import { defaultDeploymentsDir, findDeploymentRecord, type DeploymentRecord } from "../sdk/deployment.ts";
import GovernanceModule from "./modules/Governance.ts";
import GovernanceOnTokenModule from "./modules/GovernanceOnToken.ts";

/** Ignition parameters of the Governance module; durations in seconds, amounts in token wei. */
export type GovernanceParameters = Partial<{
  tokenRecipient: Address;
  tokenSupply: bigint;
  timelockMinDelaySeconds: bigint;
  votingDelaySeconds: bigint;
  votingPeriodSeconds: bigint;
  proposalThreshold: bigint;
  quorumNumerator: bigint;
  lateQuorumExtensionSeconds: bigint;
  proposalGuardian: Address;
  proposalGuardianTermSeconds: bigint;
  registryGuardian: Address;
  registryGuardianExpiresAt: bigint;
  parameterDefinitions: ParameterDefinitionTuple[];
}>;

/**
 * Deploys the governance core with Ignition on `connection` and returns its deployment record (write it with
 * {@link writeDeploymentRecord}). Ignition keeps its own journal, so a re-run on the same chain resumes or is a no-op
 * instead of deploying twice; the record then keeps the first run's start block, read from `deploymentsDir`.
 * With `token` (an existing ERC20Votes token's address), governs with it instead of deploying TRIM.
 */
export async function deployGovernanceCore<ChainTypeT extends ChainType | string>(
  connection: NetworkConnection<ChainTypeT>,
  options: {
    network: string;
    parameters?: GovernanceParameters;
    token?: Address;
    deploymentsDir?: string;
    deploymentId?: string;
  },
) {
  const publicClient = await connection.viem.getPublicClient();
  const startBlock = Number(await publicClient.getBlockNumber());
  const common = { deploymentId: options.deploymentId, displayUi: false };
  const deployed = options.token
    ? await connection.ignition.deploy(GovernanceOnTokenModule, {
        ...common,
        parameters: { GovernanceOnToken: { ...options.parameters, token: options.token } },
      })
    : await connection.ignition.deploy(GovernanceModule, {
        ...common,
        parameters: { Governance: options.parameters ?? {} },
      });
  const chainId = await publicClient.getChainId();
  const previous = await findDeploymentRecord(options.network, options.deploymentsDir);
  // A resumed deployment keeps the block and time of the first one.
  const resumed =
    previous?.chainId === chainId && previous.contracts.TrimtabGovernor === getAddress(deployed.governor.address);
  const record: DeploymentRecord = {
    network: options.network,
    chainId,
    startBlock: resumed ? previous.startBlock : startBlock,
    deployedAt: resumed ? previous.deployedAt : new Date().toISOString(),
    contracts: {
      TrimtabToken: getAddress(deployed.token.address),
      TimelockController: getAddress(deployed.timelock.address),
      TrimtabGovernor: getAddress(deployed.governor.address),
      ParameterRegistry: getAddress(deployed.registry.address),
      ProposalGuard: getAddress(deployed.proposalGuard.address),
    },
  };
  return { ...deployed, record };
}
