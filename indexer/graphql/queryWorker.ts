/**
 * The query API's worker thread: runs GraphQL requests off the indexing thread and off the HTTP thread, so that a
 * query's work never stalls indexing or the server's other answers, and a query that runs away (memory, time) takes
 * down only this worker, which the server replaces (see `queryWorkers.ts`). On PostgreSQL it reads through a pool of
 * its own; on PGlite through the indexing thread (see `sqlPort.ts`).
 */
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { loadSubgraph } from "../manifest.ts";
import { openDatabase } from "../store/database.ts";
import { readStatus } from "../store/databaseStore.ts";
import { sqlOverPort } from "../store/sqlPort.ts";
import type { QueryLimits } from "./limits.ts";
import { executableSchema } from "./resolvers.ts";
import { executeQuery, type GraphQLRequest } from "./execute.ts";

export type QueryWorkerData = {
  subgraphDir: string;
  namespace: string;
  name: string;
  deployment: string;
  limits: QueryLimits;
  /** PostgreSQL's URL; without it, reads go over `sqlPort` to the thread that owns PGlite. */
  databaseUrl?: string;
  sqlPort?: MessagePort;
};

/** A request to the worker, and its answer: the JSON text of the GraphQL response, or what failed. */
export type QueryJob = { id: number; request: GraphQLRequest };
export type QueryJobAnswer = { id: number; body?: string; error?: string };

const data = workerData as QueryWorkerData;
const subgraph = await loadSubgraph(data.subgraphDir);
const sql = data.databaseUrl
  ? await openDatabase({ url: data.databaseUrl, poolSize: 8, preparedStatements: 200 })
  : sqlOverPort(data.sqlPort!, "pglite");
/**
 * The indexing status, read at most every `statusMaxAgeMs` and shared by the requests meanwhile: a crowd's requests
 * then cost the database their own reads only. Each request still reads every entity at the one head it was given.
 */
const statusMaxAgeMs = 100;
let status: { at: number; read: ReturnType<typeof readStatus> } | undefined;
const currentStatus = () => {
  if (!status || performance.now() - status.at > statusMaxAgeMs) {
    const read = readStatus(sql, data.namespace);
    read.catch(() => (status = undefined)); // a failed read is not kept
    status = { at: performance.now(), read };
  }
  return status.read;
};
const options = {
  schema: executableSchema(subgraph.schema, data.namespace),
  sql,
  store: { status: currentStatus },
  name: data.name,
  deployment: data.deployment,
  limits: data.limits,
};
parentPort!.on("message", (job: QueryJob) => {
  executeQuery(options, job.request).then(
    (result) => parentPort!.postMessage({ id: job.id, body: JSON.stringify(result) } satisfies QueryJobAnswer),
    (error: unknown) =>
      parentPort!.postMessage({
        id: job.id,
        error: error instanceof Error ? error.message : String(error),
      } satisfies QueryJobAnswer),
  );
});
parentPort!.postMessage({ ready: true });
