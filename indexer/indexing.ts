/**
 * What indexing needs, opened from the command line's arguments: the subgraph (pointed at a deployment), the
 * database and its store, the chain's client and the logs. `cli.ts --once` indexes with it in its own thread; the
 * server does so in its indexing worker (`indexWorker.ts`).
 */
import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { createPublicClient, http, type PublicClient } from "viem";
import { loadSubgraph, withDeployment, type Subgraph } from "./manifest.ts";
import { readDeploymentRecord } from "../sdk/deployment.ts";
import { base58 } from "./runtime/host.ts";
import { openDatabase, type Sql } from "./store/database.ts";
import { databaseStore, type DatabaseStore } from "./store/databaseStore.ts";
import type { SyncOptions } from "./sync.ts";

export type IndexingArgs = {
  rpc: string;
  subgraphDir: string;
  /** A deployments/<network>.json to point the data sources at. */
  deploymentFile?: string;
  /** PGlite's data directory (created when new), unless `databaseUrl` names PostgreSQL. */
  dataDir: string;
  databaseUrl?: string;
  rangeBlocks: number;
};

/** The subgraph at `subgraphDir`, pointed at `deploymentFile`'s addresses when one is given. */
export async function indexedSubgraph(args: Pick<IndexingArgs, "subgraphDir" | "deploymentFile">): Promise<Subgraph> {
  const subgraph = await loadSubgraph(args.subgraphDir);
  if (!args.deploymentFile) return subgraph;
  return withDeployment(
    subgraph,
    await readDeploymentRecord(args.deploymentFile, { missing: "deploy first, or start the stack with npm start" }),
  );
}

/** A local deployment id in IPFS's form (Qm…): base58 of the sha256 multihash of the manifest and addresses. */
export function deploymentId(subgraph: Subgraph): string {
  const hash = createHash("sha256");
  for (const ds of subgraph.dataSources) hash.update(`${ds.name}:${ds.network}:${ds.address}:${ds.startBlock};`);
  hash.update(subgraph.schemaSource);
  return base58(Uint8Array.from([0x12, 0x20, ...hash.digest()]));
}

export const log = (message: string) => console.log(`[indexer] ${message}`);

const mappingLog = (level: number, message: string, where: { dataSource: string; block: bigint }) =>
  console.log(
    `[mapping ${["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"][level]}] ${where.dataSource}@${where.block}: ${message}`,
  );

/** Opens the database and the store, and the options `syncOnce` and `follow` take. */
export async function openIndexing(
  args: IndexingArgs,
): Promise<{ sql: Sql; store: DatabaseStore; sync: SyncOptions & { log: (message: string) => void } }> {
  const subgraph = await indexedSubgraph(args);
  if (!args.databaseUrl) await mkdir(args.dataDir, { recursive: true });
  const sql = await openDatabase(args.databaseUrl ? { url: args.databaseUrl } : { dataDir: args.dataDir });
  const store = await databaseStore(sql, subgraph.schema);
  const client = createPublicClient({ transport: http(args.rpc) }) as PublicClient;
  return { sql, store, sync: { client, subgraph, store, log, mappingLog, rangeBlocks: args.rangeBlocks } };
}
