/** A page of a collection at one block: the rows of an entity type that match, in order, in one statement. */
import type { EntitySpec } from "../../schema.ts";
import type { NamespaceTables } from "../../store/layout.ts";
import type { QueryContext, Row } from "../queryContext.ts";
import { charge } from "../queryRun.ts";
import { filterSql } from "../sql/filter.ts";
import { orderSql } from "../sql/order.ts";
import { page, type ListArgs } from "./page.ts";

/**
 * The page `args` asks for of `entity`'s rows at `block`; `link`, when given, adds a condition (pushing its values
 * onto the statement's parameters), as a list field's rows are those its parent refers to.
 */
export async function list(
  tables: NamespaceTables,
  ctx: QueryContext,
  entity: EntitySpec,
  block: number,
  args: ListArgs,
  link?: (params: unknown[]) => string,
): Promise<Row[]> {
  const { first, skip } = page(ctx, args);
  const table = tables.tableFor(entity.name);
  const params: unknown[] = [block];
  const conditions = ["t.block_range @> $1::int4"];
  if (link) conditions.push(link(params));
  if (args.where) conditions.push(filterSql(tables, entity, args.where, "t", params));
  const order = orderSql(tables, entity, args.orderBy, args.orderDirection, "t");
  params.push(first, skip);
  const { rows } = await ctx.sql.query(
    `select t.* from ${tables.qualified(table)} t where ${conditions.join(" and ")} order by ${order}
        limit $${params.length - 1} offset $${params.length}`,
    params,
  );
  charge(ctx, 2 * rows.length);
  return rows.map((r) => ({ ...r, __block: block }));
}
