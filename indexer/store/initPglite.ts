/**
 * `node indexer/store/initPglite.ts <dataDir>`: creates a PGlite data directory and exits. PGlite's initdb runs a
 * second PostgreSQL next to the first and touches some 600 MB once; run here, in a short-lived process, it leaves
 * the indexer's own memory at what indexing needs.
 */
import { PGlite } from "@electric-sql/pglite";
import { pgliteOptions } from "./database.ts";

const dataDir = process.argv[2];
if (!dataDir) {
  console.error("usage: node indexer/store/initPglite.ts <dataDir>");
  process.exit(2);
}
const db = new PGlite(dataDir, pgliteOptions);
await db.waitReady;
await db.close();
