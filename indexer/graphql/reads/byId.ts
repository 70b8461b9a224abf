/** An entity by id at one block: the lookups of one type at one block made in one turn, read in one statement. */
import { hexToBytes, type Hex } from "viem";
import type { EntitySpec } from "../../schema.ts";
import type { NamespaceTables } from "../../store/layout.ts";
import type { QueryContext, Row } from "../queryContext.ts";
import { charge } from "../queryRun.ts";
import { failBatch, gather, keyOf, type Batch } from "./gather.ts";

/**
 * The entity `id` of `entity` at `block`. Lookups of one type at one block made in the same turn (a list's items
 * each resolving a reference) are batched into one statement, as graph-node prefetches a level at once.
 */
export function byId(
  tables: NamespaceTables,
  ctx: QueryContext,
  entity: EntitySpec,
  id: unknown,
  block: number,
): Promise<Row | null> {
  charge(ctx, 2);
  return gather(ctx.batches, `id ${entity.name}@${block}`, String(id).toLowerCase(), id, (batch) =>
    loadIds(tables, ctx, entity, block, batch),
  );
}

async function loadIds(
  tables: NamespaceTables,
  ctx: QueryContext,
  entity: EntitySpec,
  block: number,
  batch: Batch<Row | null>,
): Promise<void> {
  const table = tables.tableFor(entity.name);
  const bytes = table.entity.idType === "Bytes";
  const ids = [...batch.keys()].map((key) => (bytes ? hexToBytes(key as Hex) : key));
  try {
    const { rows } = await ctx.sql.query(
      `select * from ${tables.qualified(table)} where id = any($1) and block_range @> $2::int4`,
      [ids, block],
    );
    const found = new Map(rows.map((row) => [keyOf(row.id), row]));
    for (const [key, { waiting }] of batch) {
      const row = found.get(key);
      for (const w of waiting) w.resolve(row ? { ...row, __block: block } : null);
    }
  } catch (error) {
    failBatch(batch, error as Error);
  }
}
