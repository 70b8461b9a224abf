/**
 * Verification input of a deployment: per deployed contract, the Solidity standard JSON input it was compiled from
 * (Hardhat's build info: compiler version, settings, sources), its fully qualified name, its linked libraries and
 * its ABI-encoded constructor arguments, written to deployments/<network>.verify/<Contract>.json, so that Etherscan
 * (`verifysourcecode` with codeformat solidity-standard-json-input) or Sourcify (`/v2/verify`) can verify it.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { encodeAbiParameters, type Abi, type AbiParameter, type Address, type Hex } from "viem";

/** The Solidity compiler's standard JSON input. */
export type StandardJsonInput = {
  language: string;
  sources: Record<string, { content: string }>;
  settings: Record<string, unknown> & { libraries?: Record<string, Record<string, Address>> };
};

/** What one contract's verification file holds. */
export type VerificationInput = {
  /** `<source name>:<contract name>`, the source name as in `input.sources`. */
  contractName: string;
  address: Address;
  /** solc's long version, with the `v` Etherscan expects (`v0.8.34+commit.80d5c536`). */
  compilerVersion: string;
  /** The constructor's arguments, ABI-encoded (Etherscan's `constructorArguements`, without the `0x`). */
  constructorArguments: Hex;
  /** The linked libraries, by fully qualified name (also in `input.settings.libraries`). */
  libraries: Record<string, Address>;
  input: StandardJsonInput;
};

/** What verification needs of an artifact and its build info (Hardhat 3's ArtifactManager reads both). */
export type VerificationArtifacts = {
  readArtifact(name: string): Promise<{
    contractName: string;
    abi: Abi;
    inputSourceName?: string;
    buildInfoId?: string;
    linkReferences: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  }>;
  getBuildInfoPath(buildInfoId: string): Promise<string | undefined>;
};

/** A deployed contract to verify: its artifact's name, address, constructor arguments and linked libraries. */
export type DeployedContract = {
  name: string;
  artifact: string;
  address: Address;
  args: readonly unknown[];
  libraries?: Readonly<Record<string, Address>>;
};

/** The verification input of one deployed contract. */
export async function verificationInput(
  artifacts: VerificationArtifacts,
  contract: DeployedContract,
): Promise<VerificationInput> {
  const artifact = await artifacts.readArtifact(contract.artifact);
  const buildInfoPath = artifact.buildInfoId ? await artifacts.getBuildInfoPath(artifact.buildInfoId) : undefined;
  if (!buildInfoPath || !artifact.inputSourceName)
    throw new Error(`${contract.artifact}: no build info (run \`hardhat build\`)`);
  const buildInfo = JSON.parse(await readFile(buildInfoPath, "utf8")) as {
    solcLongVersion: string;
    input: StandardJsonInput;
  };
  const libraries: Record<string, Address> = {};
  const settingsLibraries: Record<string, Record<string, Address>> = {};
  for (const [source, libs] of Object.entries(artifact.linkReferences))
    for (const name of Object.keys(libs)) {
      const address = contract.libraries?.[name];
      if (!address) throw new Error(`${contract.name} links ${name}, which has no address`);
      libraries[`${source}:${name}`] = address;
      (settingsLibraries[source] ??= {})[name] = address;
    }
  const constructor = artifact.abi.find((item) => item.type === "constructor") as
    { inputs: readonly AbiParameter[] } | undefined;
  return {
    contractName: `${artifact.inputSourceName}:${artifact.contractName}`,
    address: contract.address,
    compilerVersion: `v${buildInfo.solcLongVersion}`,
    constructorArguments: constructor ? encodeAbiParameters(constructor.inputs, contract.args as unknown[]) : "0x",
    libraries,
    input: {
      ...buildInfo.input,
      settings: {
        ...buildInfo.input.settings,
        ...(Object.keys(settingsLibraries).length ? { libraries: settingsLibraries } : {}),
      },
    },
  };
}

/** Writes `<dir>/<name>.json` for each contract; returns the files written. */
export async function writeVerificationInputs(
  artifacts: VerificationArtifacts,
  dir: string,
  contracts: readonly DeployedContract[],
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const contract of contracts) {
    const file = path.join(dir, `${contract.name}.json`);
    await writeFile(file, `${JSON.stringify(await verificationInput(artifacts, contract), null, 2)}\n`);
    files.push(file);
  }
  return files;
}
