/**
 * `node indexer/store/initPglite.ts <dataDir>`: creates a PGlite data directory and exits. PGlite's initdb runs a
 * second PostgreSQL next to the first and touches some 600 MB once; run here, in a short-lived process, it leaves
 * the indexer's own memory at what indexing needs.
 *
 * The work runs in a worker thread so that this process's main thread stays free to notice its parent's end: the
 * parent holds the write end of this process's stdin, and when the parent dies (even by `kill -9`) stdin ends and
 * this process exits at once, instead of running on beside a restarted parent.
 */
import { isMainThread, Worker, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { pgliteOptions } from "./database.ts";

if (isMainThread) {
  const dataDir = process.argv[2];
  if (!dataDir) {
    console.error("usage: node indexer/store/initPglite.ts <dataDir>");
    process.exit(2);
  }
  const parentGone = () => process.exit(1);
  process.stdin.on("end", parentGone).on("error", parentGone).resume();
  const worker = new Worker(new URL(import.meta.url), { workerData: dataDir });
  worker.on("error", (error) => {
    console.error(error);
    process.exit(1);
  });
  worker.on("exit", (code) => process.exit(code));
} else {
  const db = new PGlite(workerData as string, pgliteOptions);
  await db.waitReady;
  await db.close();
}
