/**
 * `npm run deploy -- --network <name> [--parameters <file.json>]`: deploys the governance core to a configured
 * network (see hardhat.config.ts) and writes deployments/<name>.json.
 *
 * The parameters file holds the Governance module's parameters (see ignition/modules/Governance.ts); amounts and
 * durations are decimal strings, e.g. {"registryGuardian": "0x…", "registryGuardianExpiresAt": "1798761600"}.
 * Ignition journals the deployment under ignition/deployments/, so an interrupted run resumes where it stopped.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import hre from "hardhat";
import { isAddress } from "viem";
import { deployGovernanceCore, type GovernanceParameters } from "../ignition/deploy.ts";
import { writeDeploymentRecord } from "../sdk/deployment.ts";

const addressKeys = new Set(["tokenRecipient", "proposalGuardian", "registryGuardian"]);
const numberKeys = new Set([
  "tokenSupply",
  "timelockMinDelaySeconds",
  "votingDelaySeconds",
  "votingPeriodSeconds",
  "proposalThreshold",
  "quorumNumerator",
  "lateQuorumExtensionSeconds",
  "proposalGuardianTermSeconds",
  "registryGuardianExpiresAt",
]);

/** Reads and checks a parameters file; every error names the file and the key. */
export async function readGovernanceParameters(file: string): Promise<GovernanceParameters> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Error(`${file}: expected a JSON object`);
  const parameters: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (addressKeys.has(key)) {
      if (typeof value !== "string" || !isAddress(value)) throw new Error(`${file}: ${key} must be an address`);
      parameters[key] = value;
    } else if (numberKeys.has(key)) {
      if (typeof value !== "string" || !/^\d+$/.test(value)) {
        throw new Error(`${file}: ${key} must be a whole number written as a string, e.g. "86400"`);
      }
      parameters[key] = BigInt(value);
    } else {
      throw new Error(`${file}: unknown parameter "${key}"; known: ${[...addressKeys, ...numberKeys].join(", ")}`);
    }
  }
  return parameters as GovernanceParameters;
}

async function main() {
  const { values } = parseArgs({ options: { network: { type: "string" }, parameters: { type: "string" } } });
  if (!values.network) throw new Error("--network is required (a network of hardhat.config.ts)");
  const parameters = values.parameters ? await readGovernanceParameters(values.parameters) : {};
  const connection = await hre.network.create(values.network);
  const { record } = await deployGovernanceCore(connection, { network: values.network, parameters });
  const file = await writeDeploymentRecord(record);
  console.log(`Deployed to ${values.network} (chain ${record.chainId}); addresses in ${file}`);
  for (const [name, address] of Object.entries(record.contracts)) console.log(`  ${name.padEnd(19)}${address}`);
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    console.error(`deploy failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
