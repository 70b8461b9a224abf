/**
 * What a deployment leaves behind, deployments/<network>.json, read and written one way for every reader (the CLI,
 * the web server, the indexer, the devnet, codegen): checked when read, so that a broken or foreign file is refused
 * with the field it lacks, and written atomically.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { isAddress, type Address } from "viem";

/** What `deployments/<network>.json` holds: where each contract lives on that network. */
export type DeploymentRecord = {
  network: string;
  chainId: number;
  /** The block before the first deployment transaction: indexers start here. */
  startBlock: number;
  deployedAt: string;
  /**
   * The JSON-RPC the stack was deployed through, for tools to default to, without its secrets: credentials, query
   * and key-like path segments are replaced by `redacted` (see {@link redactRpcUrl}).
   */
  rpcUrl?: string;
  contracts: {
    TrimtabToken: Address;
    TimelockController: Address;
    TrimtabGovernor: Address;
    ParameterRegistry: Address;
    PortfolioVault?: Address;
    CollateralManager?: Address;
    HedgeModule?: Address;
    /** The proposal guard (contracts/governance/ProposalGuard.sol); records written before it lack it. */
    ProposalGuard?: Address;
  };
  /** The vault's linked libraries (VaultSettingsLib, ViewPricesLib, RebalancePlanLib, ExitPlanLib), when deployed. */
  libraries?: Record<string, Address>;
  /**
   * The optional contracts this deployment chose not to deploy, each with why (no hedge market on the network):
   * readers treat them as absent rather than the record as incomplete (the subgraph's data source watches nothing).
   */
  omitted?: Partial<Record<(typeof optionalContracts)[number], string>>;
  /** Where each contract's verification input lives, relative to the record (deployments/<network>.verify). */
  verification?: string;
  /** On local chains only: the stand-in tokens, feeds, Uniswap V3 and Morpho Blue deployments. */
  devnet?: DevnetRecord;
};

/** Addresses of the devnet's protocols, as recorded in deployments/<network>.json under `devnet`. */
export type DevnetRecord = {
  tokens: Record<"USDC" | "WETH" | "WBTC", { address: Address; decimals: number; feed: Address }>;
  uniswap: { factory: Address; swapRouter: Address; positionManager: Address; poolFee: number };
  morpho: {
    morpho: Address;
    irm: Address;
    lltv: string;
    oracles: { WETH_USDC: Address; WBTC_USDC: Address; USDC_WETH: Address; USDC_WBTC: Address };
  };
};

/** Where deployment records live by default: deployments/ at the repository's root. */
export const defaultDeploymentsDir = path.resolve(import.meta.dirname, "..", "deployments");

/** The path of a network's deployment record. */
export function deploymentPath(network: string, dir: string = defaultDeploymentsDir): string {
  if (!/^[\w-]+$/.test(network)) throw new Error(`Network name "${network}" may only hold letters, digits, _ and -`);
  return path.join(dir, `${network}.json`);
}

const requiredContracts = ["TrimtabToken", "TimelockController", "TrimtabGovernor", "ParameterRegistry"] as const;
const optionalContracts = ["PortfolioVault", "CollateralManager", "HedgeModule"] as const;
/** Contracts of the governance core that records written before them lack. */
const laterContracts = ["ProposalGuard"] as const;

/** A deployment record from its JSON text; `source` (its file) names it in errors, with the field at fault. */
export function parseDeploymentRecord(source: string, text: string): DeploymentRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not a deployment record (${(error as Error).message})`);
  }
  const record = value as Partial<DeploymentRecord> | null;
  const refuse = (field: string, expected: string) => {
    throw new Error(`${source}: not a deployment record (${field} must be ${expected})`);
  };
  if (typeof record !== "object" || record === null || Array.isArray(record)) refuse("the document", "an object");
  if (typeof record!.network !== "string") refuse("network", "a name");
  if (!Number.isSafeInteger(record!.chainId) || record!.chainId! <= 0) refuse("chainId", "a positive integer");
  if (!Number.isSafeInteger(record!.startBlock) || record!.startBlock! < 0) refuse("startBlock", "a block number");
  if (record!.rpcUrl !== undefined && !(typeof record!.rpcUrl === "string" && /^https?:\/\/\S+$/.test(record!.rpcUrl)))
    refuse("rpcUrl", "an http(s) URL when present");
  const contracts = record!.contracts as Record<string, unknown> | undefined;
  if (typeof contracts !== "object" || contracts === null) refuse("contracts", "an object of addresses");
  for (const name of requiredContracts)
    if (typeof contracts![name] !== "string" || !isAddress(contracts![name])) refuse(`contracts.${name}`, "an address");
  for (const name of [...optionalContracts, ...laterContracts])
    if (contracts![name] !== undefined && (typeof contracts![name] !== "string" || !isAddress(contracts![name])))
      refuse(`contracts.${name}`, "an address when present");
  const omitted = record!.omitted as Record<string, unknown> | undefined;
  if (omitted !== undefined) {
    if (typeof omitted !== "object" || omitted === null) refuse("omitted", "an object of reasons when present");
    for (const [name, reason] of Object.entries(omitted!)) {
      if (!(optionalContracts as readonly string[]).includes(name))
        refuse(`omitted.${name}`, `one of ${optionalContracts.join(", ")}`);
      if (typeof reason !== "string") refuse(`omitted.${name}`, "a reason");
      if (contracts![name] !== undefined) refuse(`omitted.${name}`, "absent from contracts");
    }
  }
  const libraries = record!.libraries as Record<string, unknown> | undefined;
  if (libraries !== undefined) {
    if (typeof libraries !== "object" || libraries === null) refuse("libraries", "an object of addresses when present");
    for (const [name, address] of Object.entries(libraries!))
      if (typeof address !== "string" || !isAddress(address)) refuse(`libraries.${name}`, "an address");
  }
  return record as DeploymentRecord;
}

/** What stands in for a secret in a recorded RPC URL. */
export const redactedSecret = "redacted";

/**
 * An RPC URL without its secrets, fit for a record: the user and password, the query, and every path segment that
 * looks like a key (16 or more letters, digits, `-` or `_`, holding a digit: Infura's `/v3/<id>`, Alchemy's
 * `/v2/<key>`, QuickNode's token) become `redacted`. A URL without secrets comes back as it was.
 * @example redactRpcUrl("https://eth-mainnet.g.alchemy.com/v2/abcd1234abcd1234abcd") // "https://eth-mainnet.g.alchemy.com/v2/redacted"
 */
export function redactRpcUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`RPC URL "${url}" is not a URL`);
  }
  if (parsed.username || parsed.password) {
    parsed.username = redactedSecret;
    parsed.password = "";
  }
  if (parsed.search) parsed.search = "";
  parsed.hash = "";
  parsed.pathname = parsed.pathname
    .split("/")
    .map((segment) => (/^[\w-]{16,}$/.test(segment) && /\d/.test(segment) ? redactedSecret : segment))
    .join("/");
  return parsed.toString().replace(/\/$/, url.endsWith("/") ? "/" : "");
}

/** The directory of a network's verification inputs: deployments/<network>.verify. */
export function verificationDir(network: string, dir: string = defaultDeploymentsDir): string {
  return deploymentPath(network, dir).replace(/\.json$/, ".verify");
}

/**
 * Reads and checks the deployment record in `file`. A missing file is an error saying so, with `missing` (what to
 * do about it: "start the stack with npm start").
 */
export async function readDeploymentRecord(file: string, options: { missing: string }): Promise<DeploymentRecord> {
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new Error(
      error.code === "ENOENT" ? `${file}: no deployment record (${options.missing})` : `${file}: ${error.message}`,
    );
  });
  return parseDeploymentRecord(file, text);
}

/** A network's deployment record in `dir`, or undefined when it has none. */
export async function findDeploymentRecord(
  network: string,
  dir: string = defaultDeploymentsDir,
): Promise<DeploymentRecord | undefined> {
  const file = deploymentPath(network, dir);
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  return text === undefined ? undefined : parseDeploymentRecord(file, text);
}

/** Writes a deployment record atomically: a reader sees the old file or the new one, never half of one. */
export async function writeDeploymentRecord(
  record: DeploymentRecord,
  dir: string = defaultDeploymentsDir,
): Promise<string> {
  const file = deploymentPath(record.network, dir);
  await mkdir(dir, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`);
  await rename(temporary, file);
  return file;
}
