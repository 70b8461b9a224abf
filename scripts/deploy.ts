/**
 * `npm run deploy -- --network <name> [--parameters <file.json>] [--dry-run] [--deployments-dir <dir>]`: deploys the
 * whole platform (token or an existing votes token, timelock, governor, registry with every parameter, the vault and
 * its libraries, the collateral manager, the hedge module when the parameters name its market) to a network of
 * hardhat.config.ts, from its address book (networks/: `mainnet`, `base`, `arbitrum`; a devnet's from its deployments record).
 *
 * First it prints the plan: every address used with its source, every registry parameter, each transaction's gas
 * and the total. `--dry-run` stops there and sends nothing. A book with errors stops there too (exit 1). Then Ignition
 * deploys (journalled under ignition/deployments/: an interrupted run resumes, a finished one re-run sends nothing),
 * and deployments/<name>.json gets the chain id, start block, RPC URL (without secrets) and every address, with the
 * verification input of each contract in deployments/<name>.verify/. The parameters file: ignition/parametersFile.ts.
 */
import { parseArgs } from "node:util";
import hre from "hardhat";
import type { ChainType, NetworkConnection } from "hardhat/types/network";
import { formatEther, type Address } from "viem";
import { addressBooks, devnetAddressBook, type AddressBook } from "../networks/index.ts";
import { formatPlan } from "../ignition/formatPlan.ts";
import { readDeployParameters } from "../ignition/parametersFile.ts";
import { planPlatform, type DeployParameters, type PlatformPlan } from "../ignition/plan.ts";
import { estimatePlanGas, type GasEstimate, type PlanArtifact } from "../ignition/planGas.ts";
import { deployPlatform } from "../ignition/platform.ts";
import {
  defaultDeploymentsDir,
  findDeploymentRecord,
  writeDeploymentRecord,
  type DeploymentRecord,
  type DevnetRecord,
} from "../sdk/deployment.ts";

export { readDeployParameters } from "../ignition/parametersFile.ts";

/**
 * The address book of `network`: a real network's from networks/, or a devnet's from its deployment record's
 * `devnet` part (returned too, to be kept in the new record).
 */
export async function findAddressBook(
  network: string,
  chainId: number,
  deploymentsDir: string = defaultDeploymentsDir,
): Promise<{ book: AddressBook; devnet?: DevnetRecord }> {
  const book = addressBooks[network];
  if (book) return { book };
  const record = await findDeploymentRecord(network, deploymentsDir);
  if (record?.devnet)
    return { book: devnetAddressBook({ network, chainId, devnet: record.devnet }), devnet: record.devnet };
  throw new Error(
    `no address book for "${network}": real networks have one in networks/ (${Object.keys(addressBooks).join(", ")}), a devnet has one in its deployments/${network}.json`,
  );
}

export type RunDeployOptions = {
  network: string;
  book: AddressBook;
  parameters?: DeployParameters;
  /** The parameters file, named in errors. */
  parametersSource?: string;
  dryRun?: boolean;
  deploymentsDir?: string;
  deploymentId?: string;
  rpcUrl?: string;
  /** Kept in the record: the devnet's protocols, when the book is a devnet's. */
  devnet?: DevnetRecord;
  log?: (line: string) => void;
};

/**
 * Plans, prints and (unless `dryRun`, or the plan has errors) deploys; writes the record and the verification
 * inputs. Returns the plan, its gas estimate and, once deployed, the record and its file.
 */
export async function runDeploy<ChainTypeT extends ChainType | string>(
  connection: NetworkConnection<ChainTypeT>,
  options: RunDeployOptions,
): Promise<{ plan: PlatformPlan; gas: GasEstimate[]; record?: DeploymentRecord; file?: string }> {
  const log = options.log ?? console.log;
  const plan = planPlatform(options.book, options.parameters, options.parametersSource);
  const publicClient = await connection.viem.getPublicClient();
  const chainId = await publicClient.getChainId();
  if (chainId !== plan.chainId)
    plan.errors.push(`the node at ${options.network} is chain ${chainId}, not the address book's ${plan.chainId}`);
  const [deployer] = await connection.viem.getWalletClients();
  if (!deployer) throw new Error(`no deployer account on ${options.network}: configure its accounts`);
  const account: Address = deployer.account.address;
  const readArtifact = (name: string) => hre.artifacts.readArtifact(name) as Promise<PlanArtifact>;
  const gas = await estimatePlanGas(publicClient, plan, account, readArtifact);
  const gasPriceWei = await publicClient.getGasPrice().catch(() => undefined);
  if (gasPriceWei !== undefined) {
    const costWei = gas.reduce((sum, g) => sum + g.gas, 0n) * gasPriceWei;
    const balanceWei = await publicClient.getBalance({ address: account });
    if (balanceWei < costWei)
      plan.warnings.push(
        `the deployer holds ${formatEther(balanceWei)} ETH, less than the estimate's ${formatEther(costWei)} at the current gas price`,
      );
  }
  log(formatPlan(plan, { deployer: account, gas, gasPriceWei }));
  if (plan.errors.length) throw new Error(`${plan.errors.length} error(s) in the plan: nothing was sent`);
  if (options.dryRun) {
    log("\nDry run: nothing was sent.");
    return { plan, gas };
  }
  const deploymentsDir = options.deploymentsDir ?? defaultDeploymentsDir;
  const deployed = await deployPlatform(connection, plan, {
    deploymentsDir,
    deploymentId: options.deploymentId,
    rpcUrl: options.rpcUrl,
    artifacts: hre.artifacts,
  });
  const record: DeploymentRecord = { ...deployed.record, ...(options.devnet ? { devnet: options.devnet } : {}) };
  const file = await writeDeploymentRecord(record, deploymentsDir);
  log(`\nDeployed to ${options.network} (chain ${record.chainId}, from block ${record.startBlock}); record: ${file}`);
  for (const [name, address] of Object.entries({ ...record.contracts, ...record.libraries }))
    log(`  ${name.padEnd(19)}${address}`);
  if (record.verification) log(`Verification input: ${record.verification}/<Contract>.json beside the record`);
  if (!plan.hedge) log("No hedge module: the parameters named no hedge market.");
  log("Next: governance enables the modules (a proposal setting module.collateral and module.hedge).");
  return { plan, gas, record, file };
}

async function main() {
  const { values } = parseArgs({
    options: {
      network: { type: "string" },
      parameters: { type: "string" },
      "dry-run": { type: "boolean", default: false },
      "deployments-dir": { type: "string" },
    },
  });
  if (!values.network) throw new Error("--network is required (a network of hardhat.config.ts)");
  const parameters = values.parameters ? await readDeployParameters(values.parameters) : {};
  const connection = await hre.network.create(values.network);
  const chainId = await (await connection.viem.getPublicClient()).getChainId();
  const deploymentsDir = values["deployments-dir"] ?? defaultDeploymentsDir;
  const { book, devnet } = await findAddressBook(values.network, chainId, deploymentsDir);
  const config = connection.networkConfig;
  const rpcUrl = config.type === "http" ? await config.url.get() : undefined;
  await runDeploy(connection, {
    network: values.network,
    book,
    parameters,
    parametersSource: values.parameters,
    dryRun: values["dry-run"],
    deploymentsDir,
    rpcUrl,
    devnet,
  });
}

if (import.meta.main) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`deploy failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
