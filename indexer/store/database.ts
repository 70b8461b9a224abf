/**
 * The indexer's database: PGlite in a data directory by default (embedded PostgreSQL: nothing to install), or a
 * PostgreSQL server when a connection URL is given (`DATABASE_URL`).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { rename, rm, rmdir } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";

const run = promisify(execFile);

export type Sql = {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  /** Runs `fn` in one transaction: committed if it returns, rolled back if it throws. */
  transaction<T>(fn: (tx: Pick<Sql, "query">) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  kind: "pglite" | "postgres";
};

/**
 * PGlite's settings: shared buffers of 32 MB instead of 128 MB, which PGlite touches at start and would be most of
 * its memory; the operating system caches the data directory's files anyway, so a smaller pool costs little speed.
 */
export const pgliteOptions = { postgresqlconf: ["shared_buffers = 32MB"] };

/**
 * Creates PGlite's data directory at `dataDir` (absent or empty) in a child process (see `initPglite.ts`): built in
 * a staging directory beside it and renamed into place when complete, so that an interrupted start leaves no
 * half-made database behind.
 */
async function initDataDir(dataDir: string): Promise<void> {
  const staging = `${dataDir}.initdb`;
  await rm(staging, { recursive: true, force: true });
  await run(process.execPath, [path.join(import.meta.dirname, "initPglite.ts"), staging]);
  if (existsSync(dataDir)) {
    try {
      await rmdir(dataDir);
    } catch {
      await rm(staging, { recursive: true, force: true });
      throw new Error(`${dataDir} is not empty and holds no PGlite database: give an empty or new --data-dir`);
    }
  }
  await rename(staging, dataDir);
}

/**
 * Opens PGlite at `dataDir` (in memory when omitted; created when new), or PostgreSQL at `url` with a pool of
 * `poolSize` connections (4 by default), the first `preparedStatements` distinct texts (none by default) prepared.
 */
export async function openDatabase(options: {
  dataDir?: string;
  url?: string;
  poolSize?: number;
  preparedStatements?: number;
}): Promise<Sql> {
  if (options.url) return openPostgres(options.url, options.poolSize ?? 4, options.preparedStatements ?? 0);
  if (options.dataDir && !existsSync(path.join(options.dataDir, "PG_VERSION"))) await initDataDir(options.dataDir);
  const db = new PGlite(options.dataDir, pgliteOptions);
  await db.waitReady;
  return {
    kind: "pglite",
    query: async <T>(text: string, params?: unknown[]) => {
      const result = await db.query<T>(text, params);
      return { rows: result.rows };
    },
    transaction: (fn) =>
      db.transaction(async (tx) =>
        fn({
          query: async <T>(text: string, params?: unknown[]) => ({ rows: (await tx.query<T>(text, params)).rows }),
        }),
      ),
    close: () => db.close(),
  };
}

/**
 * The driver's parsers, but `numeric[]` as strings: pg parses it as floats, which rounds a BigInt or BigDecimal list
 * past 2^53 (and a mapping that loaded and saved such an entity would write the rounded value back). Scalars of
 * `numeric` and `int8` (and `int8[]`) already come back as strings. A one-dimensional array of numbers needs no
 * quoting: `{1,-2.5,NULL}`.
 */
const numericArrayOid = 1231;
const parseNumericArray = (text: string): (string | null)[] =>
  text === "{}"
    ? []
    : text
        .slice(1, -1)
        .split(",")
        .map((item) => (item === "NULL" ? null : item));
const exactTypes = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === numericArrayOid && format !== "binary"
      ? parseNumericArray
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

async function openPostgres(url: string, poolSize: number, preparedStatements: number): Promise<Sql> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types: exactTypes });
  await pool.query("select 1");
  // The first `preparedStatements` texts are prepared (once per connection) and then only bound and run: the server
  // parses and plans them once. Past the cap, texts run unprepared, so no connection holds more than the cap.
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (name === undefined && names.size < preparedStatements) names.set(text, (name = `trimtab_${names.size}`));
    return name;
  };
  const query = async <T>(client: pg.Pool | pg.PoolClient, text: string, params?: unknown[]) => {
    const name = nameOf(text);
    const result = await client.query({ text, values: params as unknown[], ...(name ? { name } : {}) });
    return { rows: result.rows as T[] };
  };
  return {
    kind: "postgres",
    query: (text, params) => query(pool, text, params),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query("begin");
        const result = await fn({ query: (text, params) => query(client, text, params) });
        await client.query("commit");
        return result;
      } catch (error) {
        await client.query("rollback");
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
