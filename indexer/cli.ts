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
 *
 * Serving, the process runs three threads: this one answers HTTP (the health endpoint, limits, load shedding), an
 * indexing worker owns the database and follows the chain, and a query worker runs the queries. Neither kind of work
 * can stall the other, and a query that exhausts its worker's memory costs only that worker, which is replaced.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import { loadLimitsFromEnv } from "./graphql/admission.ts";
import { integerFromEnv, queryLimitsFromEnv } from "./graphql/limits.ts";
import { startQueryWorkers } from "./graphql/queryWorkers.ts";
import { startQueryServer } from "./graphql/server.ts";
import { deploymentId, indexedSubgraph, log, openIndexing, type IndexingArgs } from "./indexing.ts";
import type { IndexingCommand, IndexingMessage } from "./indexWorker.ts";
import { syncOnce } from "./sync.ts";
import { subgraphUrl } from "../sdk/graphql.ts";

const root = path.resolve(import.meta.dirname, "..");
/** Each worker's heap, in megabytes: the cap the main thread has (see `nodeOptions.ts`). */
const workerHeapMb = 256;

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

const rangeBlocks = Number(values["range-blocks"]);
if (!Number.isInteger(rangeBlocks) || rangeBlocks < 1) {
  console.error(`--range-blocks must be a positive integer, got "${values["range-blocks"]}"`);
  process.exit(2);
}
let limits: ReturnType<typeof queryLimitsFromEnv>;
let load: ReturnType<typeof loadLimitsFromEnv>;
/**
 * Query workers: `TRIMTAB_GRAPHQL_QUERY_WORKERS` (1). On two cores a second gains nothing (bench:graphql, 31 days,
 * PostgreSQL: 1,484 requests/s with one, 1,502 with two; with the older `fetch` load generator 622 and 553): its
 * thread competes with the database's processes. A machine with more cores serving PostgreSQL can use more.
 */
let workerCount: number;
try {
  limits = queryLimitsFromEnv();
  load = loadLimitsFromEnv();
  workerCount = integerFromEnv(process.env, "TRIMTAB_GRAPHQL_QUERY_WORKERS", 1);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const subgraphDir = path.resolve(values.subgraph);
const deploymentFile = values.deployment ? path.resolve(values.deployment) : undefined;
const subgraph = await indexedSubgraph({ subgraphDir, deploymentFile });
const network = subgraph.dataSources[0]?.network ?? "default";
const databaseUrl = values["database-url"] || undefined;
const args: IndexingArgs = {
  rpc: values.rpc,
  subgraphDir,
  ...(deploymentFile ? { deploymentFile } : {}),
  dataDir: path.resolve(values["data-dir"] ?? path.join(root, ".trimtab", "indexer", network)),
  ...(databaseUrl ? { databaseUrl } : {}),
  rangeBlocks,
};

if (values.once) {
  const { sql, sync } = await openIndexing(args);
  const started = performance.now();
  const result = await syncOnce(sync);
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

const indexing = new Worker(new URL("./indexWorker.ts", import.meta.url), {
  workerData: args,
  resourceLimits: { maxOldGenerationSizeMb: workerHeapMb },
});
const command = (message: IndexingCommand, transfer: MessagePort[] = []) => indexing.postMessage(message, transfer);
let status: { head: string | null; failed: boolean } = { head: null, failed: false };
let stopping = false;
indexing.on("error", (error) => {
  console.error(`[indexer] indexing stopped: ${error.stack ?? error.message}`);
  process.exit(1);
});
indexing.on("exit", (code) => {
  if (!stopping) {
    console.error(`[indexer] the indexing thread exited (code ${code})`);
    process.exit(1);
  }
});
const namespace = await new Promise<string>((resolve) => {
  indexing.on("message", (message: IndexingMessage) => {
    if (message.type === "ready") resolve(message.namespace);
    else status = { head: message.head, failed: message.failed };
  });
});

const deployment = deploymentId(subgraph);
const queries = await startQueryWorkers(
  {
    data: { subgraphDir, namespace, name: values.name, deployment, limits, ...(databaseUrl ? { databaseUrl } : {}) },
    ...(databaseUrl
      ? {}
      : {
          connectSql: () => {
            const { port1, port2 } = new MessageChannel();
            command({ type: "sqlPort", port: port1 }, [port1]);
            return port2;
          },
        }),
    heapMb: workerHeapMb,
    log,
  },
  workerCount,
);
const server = await startQueryServer({
  name: values.name,
  deployment,
  limits,
  load,
  execute: queries.execute,
  health: () => ({
    ok: queries.ready(),
    indexing: { head: status.head === null ? null : Number(status.head), failed: status.failed },
    queryWorker: { ready: queries.ready(), restarts: queries.restarts() },
  }),
  port: Number(values.port),
});
log(`GraphQL at ${subgraphUrl(`http://127.0.0.1:${values.port}`, values.name)} (deployment ${deployment})`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close();
    void queries.close();
    command({ type: "stop" });
    indexing.once("exit", () => process.exit(0));
  });
}
