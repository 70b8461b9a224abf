/**
 * Reads over a `MessagePort`: PGlite is one embedded database that only the thread owning it can query, so the
 * query worker sends its SQL to the indexing thread, which runs it between its own writes and answers the rows
 * (structured clones: byte arrays and bigints arrive as they left).
 */
import type { MessagePort } from "node:worker_threads";
import type { Sql } from "./database.ts";

type SqlRequest = { id: number; text: string; params?: unknown[] };
type SqlAnswer = { id: number; rows?: Record<string, unknown>[]; error?: string };

/**
 * Answers the reads that arrive on `port` with `sql` (in the thread that owns the database), one at a time and each
 * in a turn of the event loop of its own. PGlite runs one statement at a time anyway, its queue is first come, first
 * served, and it works through that queue without yielding: reads handed over all at once would hold indexing's
 * writes, and even its chain requests and timers, until every one was answered. One per turn, indexing waits for one
 * read at most.
 */
export function serveSql(port: MessagePort, sql: Pick<Sql, "query">): void {
  let previous: Promise<unknown> = Promise.resolve();
  port.on("message", (request: SqlRequest) => {
    previous = previous.then(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return sql.query(request.text, request.params).then(
        ({ rows }) => port.postMessage({ id: request.id, rows } satisfies SqlAnswer),
        (error: unknown) =>
          port.postMessage({
            id: request.id,
            error: error instanceof Error ? error.message : String(error),
          } satisfies SqlAnswer),
      );
    });
  });
}

/** A read-only `Sql` whose queries run in the thread at the other end of `port` (see `serveSql`). */
export function sqlOverPort(port: MessagePort, kind: Sql["kind"]): Sql {
  const pending = new Map<number, { resolve: (rows: Record<string, unknown>[]) => void; reject: (e: Error) => void }>();
  let next = 0;
  port.on("message", (answer: SqlAnswer) => {
    const waiting = pending.get(answer.id);
    pending.delete(answer.id);
    if (answer.error !== undefined) waiting?.reject(new Error(answer.error));
    else waiting?.resolve(answer.rows ?? []);
  });
  return {
    kind,
    query: <T>(text: string, params?: unknown[]) =>
      new Promise<{ rows: T[] }>((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve: (rows) => resolve({ rows: rows as T[] }), reject });
        port.postMessage({ id, text, params } satisfies SqlRequest);
      }),
    transaction: () => Promise.reject(new Error("the query API reads only: no transaction over a port")),
    close: async () => {
      port.close();
      for (const waiting of pending.values()) waiting.reject(new Error("the database connection closed"));
      pending.clear();
    },
  };
}
