/**
 * A collection's `orderBy` and `orderDirection` as a SQL `order by`: by a field, or by a field of the entity a
 * field refers to (`field__sub`, read at the query's block `$1`), ties broken by id.
 */
import { GraphQLError } from "graphql";
import type { EntitySpec } from "../../schema.ts";
import { quote, type NamespaceTables } from "../../store/layout.ts";

/** The order of rows aliased `alias` of `entity` (by id when no `orderBy` is given). */
export function orderSql(
  tables: NamespaceTables,
  entity: EntitySpec,
  orderBy: string | undefined,
  direction: string | undefined,
  alias: string,
): string {
  const dir = direction === "desc" ? "desc" : "asc";
  if (!orderBy) return `${alias}.id ${dir}`;
  const [name, sub] = orderBy.split("__");
  const field = entity.fields.find((f) => f.name === name)!;
  if (sub) {
    const targetTable = tables.tableFor(field.type);
    const column = tables.tableFor(entity.name).columns.find((c) => c.field.name === name)!;
    const subColumn = targetTable.columns.find((c) => c.field.name === sub)!;
    return `(select o.${quote(subColumn.name)} from ${tables.qualified(targetTable)} o where o.id = ${alias}.${quote(column.name)} and o.block_range @> $1::int4) ${dir}, ${alias}.id asc`;
  }
  if (field.derivedFrom || (tables.schema.entities.has(field.type) && field.list)) {
    throw new GraphQLError(`Ordering by \`${orderBy}\` is not supported by the local indexer`);
  }
  const column = tables.tableFor(entity.name).columns.find((c) => c.field.name === name)!;
  return `${alias}.${quote(column.name)} ${dir}${column.name === "id" ? "" : `, ${alias}.id asc`}`;
}
