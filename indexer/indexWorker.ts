/**
 * The indexer's indexing thread: owns the database, follows the chain, and (on PGlite, which only its owner can
 * query) answers the query worker's reads between its own writes. It tells the main thread when it is ready and,
 * after each step, the indexed head (for `GET /health`); `{ type: "stop" }` stops it cleanly.
 */
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { openIndexing, type IndexingArgs } from "./indexing.ts";
import { serveSql } from "./store/sqlPort.ts";
import { follow } from "./sync.ts";

/** What the indexing thread tells the main thread. */
export type IndexingMessage =
  { type: "ready"; namespace: string } | { type: "status"; head: string | null; failed: boolean };
/** What the main thread tells it. */
export type IndexingCommand = { type: "sqlPort"; port: MessagePort } | { type: "stop" };

const { sql, store, sync } = await openIndexing(workerData as IndexingArgs);
const post = (message: IndexingMessage) => parentPort!.postMessage(message);
const controller = new AbortController();
parentPort!.on("message", (command: IndexingCommand) => {
  if (command.type === "sqlPort") serveSql(command.port, sql);
  else controller.abort();
});
const postStatus = () =>
  store.status().then(
    (status) => post({ type: "status", head: status.head?.number.toString() ?? null, failed: status.failed }),
    () => {}, // the database is busy or closing: the next step reports
  );
post({ type: "ready", namespace: store.namespace });
await postStatus();
await follow({
  ...sync,
  log: (message) => {
    sync.log(message);
    void postStatus();
  },
  signal: controller.signal,
});
await postStatus();
// A failed deployment still answers queries (`subgraphError: allow`): the database stays open until told to stop.
if (!controller.signal.aborted) await new Promise((resolve) => controller.signal.addEventListener("abort", resolve));
await sql.close();
process.exit(0); // in a worker, this ends the thread (and the ports it serves), not the process
