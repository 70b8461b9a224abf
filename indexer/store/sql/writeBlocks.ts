/**
 * Committed blocks written to the versioned entity tables: the versions they replace closed, the new versions
 * inserted with their block ranges, and the blocks recorded (hashes and head).
 */
import type { Entity } from "../../runtime/values.ts";
import type { BlockChanges } from "../blockChanges.ts";
import type { Sql } from "../database.ts";
import { idToSql, quote, toSql, type NamespaceTables } from "../layout.ts";
import { recordBlocks } from "./blockRecords.ts";

/**
 * Parameters per insert statement: PostgreSQL allows 65,535, but PGlite's memory grows to the largest statement it
 * parses and never shrinks, so inserts go in chunks.
 */
const maxParameters = 6_000;

/**
 * Writes committed blocks (in the caller's transaction `tx`). Per table: one statement closes the versions current
 * before the batch of every entity it changes (at the block of its first change), and inserts write each new
 * version with its block range (up to its entity's next change in the batch, open when none).
 */
export async function writeBlocks(
  tx: Pick<Sql, "query">,
  tables: NamespaceTables,
  blocks: BlockChanges[],
): Promise<void> {
  const byType = new Map<string, Map<string, { number: number; entity: Entity | null }[]>>();
  for (const { number, changes } of blocks) {
    for (const change of changes.values()) {
      let ids = byType.get(change.type);
      if (!ids) byType.set(change.type, (ids = new Map()));
      let versions = ids.get(change.id);
      if (!versions) ids.set(change.id, (versions = []));
      versions.push({ number, entity: change.entity });
    }
  }
  for (const [type, ids] of byType) {
    const table = tables.tableFor(type);
    if (!table.entity.immutable) {
      const idColumn = table.columns.find((c) => c.field.name === "id")!;
      const list = [...ids];
      await tx.query(
        `update ${tables.qualified(table)} as t set block_range = int4range(lower(t.block_range), v.block)
            from unnest($1::${idColumn.sqlType}[], $2::int4[]) as v(id, block)
            where t.id = v.id and upper_inf(t.block_range)`,
        [list.map(([id]) => idToSql(id, table)), list.map(([, versions]) => versions[0]!.number)],
      );
    }
    const rows: { entity: Entity; from: number; to: number | null }[] = [];
    for (const versions of ids.values()) {
      versions.forEach(({ number, entity }, i) => {
        if (entity) rows.push({ entity, from: number, to: versions[i + 1]?.number ?? null });
      });
    }
    const perRow = table.columns.length + 2;
    const chunk = Math.max(1, Math.floor(maxParameters / perRow));
    for (let start = 0; start < rows.length; start += chunk) {
      const params: unknown[] = [];
      const tuples = rows.slice(start, start + chunk).map(({ entity, from, to }) => {
        const values = table.columns.map((c) => {
          params.push(toSql(entity.get(c.field.name), c));
          return `$${params.length}::${c.sqlType}`;
        });
        params.push(from, to);
        return `(${values.join(", ")}, int4range($${params.length - 1}::int4, $${params.length}::int4))`;
      });
      await tx.query(
        `insert into ${tables.qualified(table)} (${table.columns.map((c) => quote(c.name)).join(", ")}, block_range)
            values ${tuples.join(", ")}`,
        params,
      );
    }
  }
  await recordBlocks(tx, tables.namespace, blocks);
}
