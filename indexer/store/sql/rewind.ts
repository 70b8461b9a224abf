/**
 * A chain reorganisation undone in the database: every version begun after the block deleted, every version it
 * closed after the block reopened, the later blocks' hashes forgotten and the block made the head.
 */
import type { Sql } from "../database.ts";
import type { NamespaceTables } from "../layout.ts";
import type { BlockPointer } from "../types.ts";
import { forgetBlocksAfter, writeHead } from "./blockRecords.ts";

/** Undoes (in the caller's transaction `tx`) every change of the blocks after `to` (none: of every block). */
export async function rewindTables(
  tx: Pick<Sql, "query">,
  tables: NamespaceTables,
  to: BlockPointer | null,
): Promise<void> {
  const n = to === null ? -1 : Number(to.number);
  for (const table of tables.tables.values()) {
    await tx.query(`delete from ${tables.qualified(table)} where lower(block_range) > $1`, [n]);
    await tx.query(
      `update ${tables.qualified(table)} set block_range = int4range(lower(block_range), null)
              where not upper_inf(block_range) and upper(block_range) > $1`,
      [n],
    );
  }
  await forgetBlocksAfter(tx, tables.namespace, n);
  await writeHead(
    tx,
    tables.namespace,
    to === null
      ? null
      : { number: n, hash: to.hash, timestamp: to.timestamp ?? null, parentHash: to.parentHash ?? null },
  );
}
