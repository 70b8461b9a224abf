import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { getAddress, type Address } from "viem";
import type { ChainType, NetworkConnection } from "hardhat/types/network";
import type { ParameterDefinitionTuple } from "../parameters/index.ts";
import type { DeploymentRecord } from "./record.ts";
import GovernanceModule from "./modules/Governance.ts";

export type { DeploymentRecord } from "./record.ts";

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

export const defaultDeploymentsDir = path.resolve(import.meta.dirname, "..", "deployments");

/** The path of a network's deployment record. */
export function deploymentPath(network: string, dir: string = defaultDeploymentsDir): string {
  if (!/^[\w-]+$/.test(network)) throw new Error(`Network name "${network}" may only hold letters, digits, _ and -`);
  return path.join(dir, `${network}.json`);
}

/** Reads a network's deployment record, or undefined when there is none. */
export async function readDeployment(
  network: string,
  dir: string = defaultDeploymentsDir,
): Promise<DeploymentRecord | undefined> {
  const file = deploymentPath(network, dir);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as DeploymentRecord;
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Writes a deployment record atomically: a reader sees the old file or the new one, never half of one. */
export async function writeDeployment(record: DeploymentRecord, dir: string = defaultDeploymentsDir): Promise<string> {
  const file = deploymentPath(record.network, dir);
  await mkdir(dir, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`);
  await rename(temporary, file);
  return file;
}

/**
 * Deploys the governance core with Ignition on `connection` and returns its deployment record (write it with
 * {@link writeDeployment}). Ignition keeps its own journal, so a re-run on the same chain resumes or is a no-op
 * instead of deploying twice; the record then keeps the first run's start block, read from `deploymentsDir`.
 */
export async function deployGovernanceCore<ChainTypeT extends ChainType | string>(
  connection: NetworkConnection<ChainTypeT>,
  options: { network: string; parameters?: GovernanceParameters; deploymentsDir?: string; deploymentId?: string },
) {
  const publicClient = await connection.viem.getPublicClient();
  const startBlock = Number(await publicClient.getBlockNumber());
  const deployed = await connection.ignition.deploy(GovernanceModule, {
    parameters: { Governance: options.parameters ?? {} },
    deploymentId: options.deploymentId,
    displayUi: false,
  });
  const chainId = await publicClient.getChainId();
  const previous = await readDeployment(options.network, options.deploymentsDir);
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
    },
  };
  return { ...deployed, record };
}
