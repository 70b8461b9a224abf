/** Reads of the latest version of entities (the rows whose block range is open), as the indexing side needs them. */
import type { Entity } from "../../runtime/values.ts";
import type { Sql } from "../database.ts";
import { idToSql, quote, rowToEntity, type Column, type NamespaceTables } from "../layout.ts";

/** The latest version of entity `type`'s `id`, or null when there is none. */
export async function readLatest(
  sql: Pick<Sql, "query">,
  tables: NamespaceTables,
  type: string,
  id: string,
): Promise<Entity | null> {
  const table = tables.tableFor(type);
  const { rows } = await sql.query(
    `select * from ${tables.qualified(table)} where id = $1 and upper_inf(block_range)`,
    [idToSql(id, table)],
  );
  return rows[0] ? rowToEntity(rows[0], table) : null;
}

/** The latest entities of type `target` whose column `via` refers to entity `type`'s `id` (a derived field). */
export async function readReferring(
  sql: Pick<Sql, "query">,
  tables: NamespaceTables,
  target: string,
  via: Column,
  type: string,
  id: string,
): Promise<Entity[]> {
  const table = tables.tableFor(target);
  const condition = via.field.list ? `$1 = any(${quote(via.name)})` : `${quote(via.name)} = $1`;
  const { rows } = await sql.query(
    `select * from ${tables.qualified(table)} where ${condition} and upper_inf(block_range)`,
    [idToSql(id, tables.tableFor(type))],
  );
  return rows.map((r) => rowToEntity(r, table));
}

/** Every latest entity of `type`, by id. */
export async function readAllLatest(sql: Pick<Sql, "query">, tables: NamespaceTables, type: string): Promise<Entity[]> {
  const table = tables.tableFor(type);
  const { rows } = await sql.query(`select * from ${tables.qualified(table)} where upper_inf(block_range) order by id`);
  return rows.map((r) => rowToEntity(r, table));
}
