/**
 * Builds the subgraph with graph-cli, offline: writes `subgraph/abis/` from the compiled artifacts (run
 * `hardhat build` first), `subgraph/networks.json` from the `deployments/*.json` files (graph-cli's per-network
 * addresses), then runs `graph codegen` and `graph build`.
 *
 *   node scripts/codegen/subgraph.ts                   builds subgraph.yaml as written (placeholder addresses)
 *   node scripts/codegen/subgraph.ts --network devnet  renders subgraph.devnet.yaml from deployments/devnet.json
 *                                                      and builds it into subgraph/build/devnet
 */
import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { newest } from "./newest.ts";
import { parseArgs, promisify } from "node:util";
import { zeroAddress } from "viem";
import { defaultDeploymentsDir, parseDeploymentRecord, type DeploymentRecord } from "../../sdk/deployment.ts";

const require = createRequire(import.meta.url);
const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "..", "..");
export const subgraphDir = path.join(root, "subgraph");

/** The data sources of subgraph.yaml, named as the contracts they index (and as deployments record them). */
export const subgraphContracts = [
  "PortfolioVault",
  "CollateralManager",
  "HedgeModule",
  "TrimtabGovernor",
  "TrimtabToken",
  "TimelockController",
  "ParameterRegistry",
] as const;
export type SubgraphContract = (typeof subgraphContracts)[number];

async function artifactAbi(name: string): Promise<unknown> {
  const dirs = ["contracts", "@openzeppelin"];
  for (const dir of dirs) {
    const found = await findFile(path.join(root, "artifacts", dir), `${name}.json`);
    if (found) return (JSON.parse(await readFile(found, "utf8")) as { abi: unknown }).abi;
  }
  throw new Error(`no artifact for ${name}: run \`npx hardhat build\` first`);
}

async function findFile(dir: string, file: string): Promise<string | undefined> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch {
    return undefined;
  }
  const entry = entries.find((e) => e.isFile() && e.name === file && !e.parentPath.includes("build-info"));
  return entry ? path.join(entry.parentPath, entry.name) : undefined;
}

/** Writes every data source's ABI, and ERC20's (token metadata), into subgraph/abis. */
export async function writeAbis(): Promise<void> {
  const dir = path.join(subgraphDir, "abis");
  await mkdir(dir, { recursive: true });
  for (const name of subgraphContracts) {
    await writeFile(path.join(dir, `${name}.json`), `${JSON.stringify(await artifactAbi(name), null, 2)}\n`);
  }
  const erc20 = require("@openzeppelin/contracts/build/contracts/ERC20.json") as { abi: unknown };
  await writeFile(path.join(dir, "ERC20.json"), `${JSON.stringify(erc20.abi, null, 2)}\n`);
}

/**
 * The name graph-node and Subgraph Studio give a deployment's chain (their `network:`), from its chain id: it differs
 * from the Hardhat network's name on some chains (`arbitrum` is `arbitrum-one`). A chain not listed here (a devnet)
 * keeps the record's name, which the local indexer and a graph-node configured with it use.
 */
export function graphNetwork(record: Pick<DeploymentRecord, "network" | "chainId">): string {
  return graphNetworks[record.chainId] ?? record.network;
}

/** graph-node's names of the chains networks/ has address books for. */
const graphNetworks: Readonly<Record<number, string>> = { 1: "mainnet", 8453: "base", 42161: "arbitrum-one" };

/** graph-cli's networks.json: each deployment's addresses and start block per data source, by graph-node's name. */
export function networksJson(records: DeploymentRecord[]): Record<string, Record<string, object>> {
  const networks: Record<string, Record<string, object>> = {};
  for (const record of records) {
    const sources: Record<string, object> = {};
    for (const name of subgraphContracts) {
      const address = sourceAddress(record, name);
      if (address) sources[name] = { address, startBlock: record.startBlock };
    }
    networks[graphNetwork(record)] = sources;
  }
  return networks;
}

/**
 * The address of data source `name` on `record`'s network: the contract's, or the zero address (which emits no
 * event) when the deployment omitted it on purpose (`omitted`, e.g. no hedge market); undefined when it lacks it.
 */
function sourceAddress(record: DeploymentRecord, name: SubgraphContract): string | undefined {
  const address = (record.contracts as Partial<Record<string, string>>)[name];
  if (address) return address;
  return name in (record.omitted ?? {}) ? zeroAddress : undefined;
}

/**
 * subgraph.yaml with every data source pointed at `record`'s network, addresses and start block (a contract the
 * deployment omitted on purpose at the zero address: its data source stays, and sees nothing).
 */
export function renderManifest(manifest: string, record: DeploymentRecord): string {
  let rendered = manifest;
  for (const name of subgraphContracts) {
    const address = sourceAddress(record, name);
    if (!address) throw new Error(`deployments/${record.network}.json has no ${name}: deploy the whole stack first`);
    const source = new RegExp(
      `(name: ${name}\\n\\s+network: )\\S+(\\n\\s+source:\\n\\s+address: )"0x[0-9a-fA-F]{40}"(\\n\\s+abi: ${name}\\n\\s+startBlock: )\\d+`,
    );
    if (!source.test(rendered)) throw new Error(`subgraph.yaml has no data source ${name} in the expected form`);
    rendered = rendered.replace(source, `$1${graphNetwork(record)}$2"${address}"$3${record.startBlock}`);
  }
  return rendered;
}

async function readDeployments(dir: string): Promise<DeploymentRecord[]> {
  let files: string[] = [];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith(".json"));
  } catch {
    return [];
  }
  return Promise.all(
    files.map(async (f) => parseDeploymentRecord(path.join(dir, f), await readFile(path.join(dir, f), "utf8"))),
  );
}

/** Runs graph-cli (on this script's Node) in `cwd`. */
export async function graph(args: string[], cwd: string = subgraphDir): Promise<void> {
  const cli = require.resolve("@graphprotocol/graph-cli/bin/run.js");
  await run(process.execPath, [cli, ...args], { cwd, maxBuffer: 64 * 1024 * 1024 });
}

/**
 * Builds the subgraph; with `network`, for that deployment (from `deploymentsDir`). Returns the manifest built and
 * the output directory (holding subgraph.yaml, schema.graphql and each data source's wasm).
 */
export async function buildSubgraph(
  options: { network?: string; deploymentsDir?: string } = {},
): Promise<{ manifest: string; outputDir: string }> {
  const deploymentsDir = options.deploymentsDir ?? defaultDeploymentsDir;
  await writeAbis();
  const records = await readDeployments(deploymentsDir);
  await writeFile(path.join(subgraphDir, "networks.json"), `${JSON.stringify(networksJson(records), null, 2)}\n`);

  let manifest = path.join(subgraphDir, "subgraph.yaml");
  let outputDir = path.join(subgraphDir, "build", "default");
  if (options.network) {
    const record = records.find((r) => r.network === options.network);
    if (!record) throw new Error(`no deployments/${options.network}.json in ${deploymentsDir}`);
    manifest = path.join(subgraphDir, `subgraph.${options.network}.yaml`);
    await writeFile(manifest, renderManifest(await readFile(path.join(subgraphDir, "subgraph.yaml"), "utf8"), record));
    outputDir = path.join(subgraphDir, "build", options.network);
  }
  await graph(["codegen", path.basename(manifest), "--output-dir", "generated"]);
  await graph(["build", path.basename(manifest), "--output-dir", outputDir]);
  return { manifest, outputDir };
}

/** The newest modification time of the files under `dir` (0 when it does not exist). */
/** Builds the default subgraph when its sources (mappings, schema, manifest) are newer than its build. */
export async function ensureSubgraphBuilt(): Promise<string> {
  const outputDir = path.join(subgraphDir, "build", "default");
  const sources = Math.max(
    await newest(path.join(subgraphDir, "src")),
    (await stat(path.join(subgraphDir, "schema.graphql"))).mtimeMs,
    (await stat(path.join(subgraphDir, "subgraph.yaml"))).mtimeMs,
  );
  if ((await newest(outputDir)) < sources) await buildSubgraph();
  return outputDir;
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { network: { type: "string" }, "deployments-dir": { type: "string" } } });
  const { outputDir } = await buildSubgraph({ network: values.network, deploymentsDir: values["deployments-dir"] });
  console.log(`subgraph built into ${path.relative(root, outputDir)}`);
}
