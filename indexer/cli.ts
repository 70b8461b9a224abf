/**
 * `npm run indexer -- [options]`: runs a built subgraph against a JSON-RPC node and serves its GraphQL API, as a
 * graph-node would, with PGlite (or PostgreSQL) as its store.
 *
 *   --rpc <url>            the chain's JSON-RPC (default http://127.0.0.1:8545)
 *   --subgraph <dir>       a graph-cli build directory (default subgraph/build/default)
 *   --deployment <file>    a deployments/<network>.json to point the data sources at, without rebuilding
 *   --data-dir <dir>       PGlite's data directory (default .trimtab/indexer/<network>)
 *   --database-url <url>   PostgreSQL instead of PGlite (or DATABASE_URL)
 *   --name <name>          the subgraph's name in /subgraphs/name/<name> (default trimtab)
 *   --port <port>          the GraphQL port on 127.0.0.1 (default 8000)
 *   --range-blocks <n>     blocks per eth_getLogs range (default 2000)
 *   --once                 index to the chain's head, print a JSON summary (head, events, seconds, peak RSS) and
 *                          exit (no server)
 */
import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { createPublicClient, http, type PublicClient } from "viem";
import { executableSchema } from "./graphql/resolvers.ts";
import { queryLimitsFromEnv } from "./graphql/limits.ts";
import { startQueryServer } from "./graphql/server.ts";
import { loadSubgraph, withDeployment, type Subgraph } from "./manifest.ts";
import { base58 } from "./runtime/host.ts";
import { openDatabase } from "./store/database.ts";
import { databaseStore } from "./store/databaseStore.ts";
import { follow, syncOnce } from "./sync.ts";

const root = path.resolve(import.meta.dirname, "..");

/** A local deployment id in IPFS's form (Qm…): base58 of the sha256 multihash of the manifest and addresses. */
export function deploymentId(subgraph: Subgraph): string {
  const hash = createHash("sha256");
  for (const ds of subgraph.dataSources) hash.update(`${ds.name}:${ds.network}:${ds.address}:${ds.startBlock};`);
  hash.update(subgraph.schemaSource);
  return base58(Uint8Array.from([0x12, 0x20, ...hash.digest()]));
}

const { values } = parseArgs({
  options: {
    rpc: { type: "string", default: "http://127.0.0.1:8545" },
    subgraph: { type: "string", default: path.join(root, "subgraph", "build", "default") },
    deployment: { type: "string" },
    "data-dir": { type: "string" },
    "database-url": { type: "string", default: process.env.DATABASE_URL },
    name: { type: "string", default: "trimtab" },
    port: { type: "string", default: "8000" },
    "range-blocks": { type: "string", default: "2000" },
    once: { type: "boolean", default: false },
  },
});

let subgraph = await loadSubgraph(path.resolve(values.subgraph));
if (values.deployment) {
  subgraph = withDeployment(subgraph, JSON.parse(await readFile(values.deployment, "utf8")));
}
const network = subgraph.dataSources[0]?.network ?? "default";
const dataDir = values["data-dir"] ?? path.join(root, ".trimtab", "indexer", network);
if (!values["database-url"]) await mkdir(dataDir, { recursive: true });
const sql = await openDatabase(values["database-url"] ? { url: values["database-url"] } : { dataDir });
const store = await databaseStore(sql, subgraph.schema);
const client = createPublicClient({ transport: http(values.rpc) }) as PublicClient;
const log = (message: string) => console.log(`[indexer] ${message}`);
const rangeBlocks = Number(values["range-blocks"]);
if (!Number.isInteger(rangeBlocks) || rangeBlocks < 1) {
  console.error(`--range-blocks must be a positive integer, got "${values["range-blocks"]}"`);
  process.exit(2);
}
const mappingLog = (level: number, message: string, where: { dataSource: string; block: bigint }) =>
  console.log(
    `[mapping ${["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"][level]}] ${where.dataSource}@${where.block}: ${message}`,
  );

if (values.once) {
  const started = performance.now();
  const result = await syncOnce({ client, subgraph, store, log, mappingLog, rangeBlocks });
  const seconds = (performance.now() - started) / 1000;
  const summary = {
    head: result.head?.number.toString() ?? null,
    failed: result.failed ?? null,
    events: result.events,
    seconds: Number(seconds.toFixed(2)),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  console.log(JSON.stringify(summary));
  await sql.close();
  process.exit(result.failed ? 1 : 0);
}

const deployment = deploymentId(subgraph);
const server = await startQueryServer({
  schema: executableSchema(subgraph.schema, store.namespace),
  sql,
  store,
  name: values.name,
  deployment,
  limits: queryLimitsFromEnv(),
  port: Number(values.port),
});
log(`GraphQL at http://127.0.0.1:${values.port}/subgraphs/name/${values.name} (deployment ${deployment})`);
const controller = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    controller.abort();
    server.close();
  });
}
await follow({ client, subgraph, store, log, mappingLog, rangeBlocks, signal: controller.signal });
await sql.close();
