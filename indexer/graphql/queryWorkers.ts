/**
 * The query worker seen from the server: `execute` sends a request to the worker thread and resolves with its
 * answer. A worker that dies (out of memory) or holds a query well past `GRAPH_GRAPHQL_QUERY_TIMEOUT` (stuck in its
 * own work, which no timer inside it can interrupt) is replaced at once; the requests it held are refused, to be
 * retried, and the process and its indexing go on.
 */
import { Worker, type MessagePort } from "node:worker_threads";
import type { GraphQLRequest } from "./execute.ts";
import type { QueryJob, QueryJobAnswer, QueryWorkerData } from "./queryWorker.ts";

export type QueryWorkerOptions = {
  data: Omit<QueryWorkerData, "sqlPort">;
  /** A new connection to the database's thread for each worker (PGlite); none on PostgreSQL. */
  connectSql?: () => MessagePort;
  /** The worker's heap, in megabytes (past it the worker alone dies and is replaced). */
  heapMb: number;
  log: (message: string) => void;
  /** The worker's module: the query worker (`queryWorker.ts`) unless a test gives one that misbehaves on request. */
  script?: URL;
};

export type QueryWorker = {
  execute(request: GraphQLRequest): Promise<string>;
  /** Requests sent and not answered yet. */
  inFlight(): number;
  /** Whether a worker is up and ready for requests. */
  ready(): boolean;
  /** How many workers were replaced. */
  restarts(): number;
  close(): Promise<void>;
};

const workerPath = new URL("./queryWorker.ts", import.meta.url);
/** How long past its own timeout a query may hold the worker before the worker is replaced. */
const graceMs = 5_000;

export async function startQueryWorker(options: QueryWorkerOptions): Promise<QueryWorker> {
  type Pending = { resolve: (body: string) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };
  let worker: Worker;
  let up = false;
  let closing = false;
  let restarted = 0;
  let next = 0;
  const pending = new Map<number, Pending>();
  const hardTimeoutMs = options.data.limits.queryTimeoutSec * 1000 + graceMs;

  const spawn = () =>
    new Promise<void>((resolve, reject) => {
      const sqlPort = options.connectSql?.();
      worker = new Worker(options.script ?? workerPath, {
        workerData: { ...options.data, ...(sqlPort ? { sqlPort } : {}) } satisfies QueryWorkerData,
        transferList: sqlPort ? [sqlPort] : [],
        resourceLimits: { maxOldGenerationSizeMb: options.heapMb },
      });
      const current = worker;
      current.on("message", (message: QueryJobAnswer | { ready: true }) => {
        if ("ready" in message) {
          up = true;
          resolve();
          return;
        }
        const job = pending.get(message.id);
        if (!job) return;
        pending.delete(message.id);
        clearTimeout(job.timer);
        if (message.error !== undefined) job.reject(new Error(message.error));
        else job.resolve(message.body!);
      });
      current.on("error", (error) => {
        options.log(`the query worker failed: ${error.message}`);
        if (!up) reject(error);
      });
      current.on("exit", (code) => {
        up = false;
        if (current !== worker) return;
        for (const job of pending.values()) {
          clearTimeout(job.timer);
          job.reject(new Error("The query worker stopped while running this query: retry"));
        }
        pending.clear();
        if (closing) return;
        restarted++;
        options.log(`the query worker stopped (exit code ${code}); starting a new one`);
        spawn().catch((error: unknown) => options.log(`a new query worker failed to start: ${String(error)}`));
      });
    });

  await spawn();
  return {
    execute(request) {
      if (!up) return Promise.reject(new Error("The query worker is restarting: retry in a second"));
      return new Promise((resolve, reject) => {
        const id = next++;
        const timer = setTimeout(() => {
          options.log(`a query held the query worker ${hardTimeoutMs} ms; replacing the worker`);
          void worker.terminate();
        }, hardTimeoutMs);
        pending.set(id, { resolve, reject, timer });
        worker.postMessage({ id, request } satisfies QueryJob);
      });
    },
    inFlight: () => pending.size,
    ready: () => up,
    restarts: () => restarted,
    async close() {
      closing = true;
      await worker.terminate();
    },
  };
}

/**
 * `count` query workers behind one `execute`, each request sent to the ready worker with the fewest in flight: on
 * PostgreSQL, whose pool serves several at once, more than one core runs queries.
 */
export async function startQueryWorkers(options: QueryWorkerOptions, count: number): Promise<QueryWorker> {
  const workers = await Promise.all(Array.from({ length: count }, () => startQueryWorker(options)));
  return {
    execute(request) {
      const ready = workers.filter((w) => w.ready());
      if (ready.length === 0) return workers[0]!.execute(request); // refused: every worker is restarting
      return ready.reduce((least, w) => (w.inFlight() < least.inFlight() ? w : least)).execute(request);
    },
    inFlight: () => workers.reduce((sum, w) => sum + w.inFlight(), 0),
    ready: () => workers.some((w) => w.ready()),
    restarts: () => workers.reduce((sum, w) => sum + w.restarts(), 0),
    close: async () => void (await Promise.all(workers.map((w) => w.close()))),
  };
}
