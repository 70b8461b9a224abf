/**
 * A derived field's page of each parent: the rows that refer to the parent through one column, the same field of
 * every parent a list holds read in one statement.
 */
import type { EntitySpec } from "../../schema.ts";
import { quote, type Column, type NamespaceTables } from "../../store/layout.ts";
import type { QueryContext, Row } from "../queryContext.ts";
import { charge } from "../queryRun.ts";
import { filterSql } from "../sql/filter.ts";
import { orderSql } from "../sql/order.ts";
import { failBatch, gather, keyOf, type Batch } from "./gather.ts";
import { page, type ListArgs } from "./page.ts";

/**
 * The entities of `entity` whose `via` column points at `parentId` (a derived field), a page of them. The same
 * field asked with the same arguments of several parents in one turn (each item of a list) is one statement: each
 * parent's page taken with `row_number()` over its own rows.
 */
export function children(
  tables: NamespaceTables,
  ctx: QueryContext,
  entity: EntitySpec,
  block: number,
  args: ListArgs,
  via: Column,
  parentId: unknown,
): Promise<Row[]> {
  const { first, skip } = page(ctx, args);
  const batchKey = `children ${entity.name}@${block}:${via.name}:${JSON.stringify(args)}`;
  return gather(ctx.batches, batchKey, keyOf(parentId), parentId, (batch) =>
    loadChildren(tables, ctx, entity, block, { ...args, first, skip }, via, batch),
  );
}

async function loadChildren(
  tables: NamespaceTables,
  ctx: QueryContext,
  entity: EntitySpec,
  block: number,
  args: ListArgs & { first: number; skip: number },
  via: Column,
  batch: Batch<Row[]>,
): Promise<void> {
  try {
    const { first, skip } = args;
    const params: unknown[] = [block, [...batch.values()].map((p) => p.id)];
    const conditions = ["t.block_range @> $1::int4", `t.${quote(via.name)} = any($2)`];
    if (args.where) conditions.push(filterSql(tables, entity, args.where, "t", params));
    const order = orderSql(tables, entity, args.orderBy, args.orderDirection, "t");
    params.push(skip, first);
    const { rows } = await ctx.sql.query(
      `select * from (
          select t.*, row_number() over (partition by t.${quote(via.name)} order by ${order}) as "__rank"
          from ${tables.qualified(tables.tableFor(entity.name))} t where ${conditions.join(" and ")}
        ) ranked where "__rank" > $${params.length - 1}::int8 and "__rank" <= $${params.length - 1}::int8 + $${params.length}::int8
        order by "__rank"`,
      params,
    );
    const byParent = new Map<string, Row[]>();
    for (const row of rows) {
      const key = keyOf(row[via.name]);
      const list = byParent.get(key) ?? [];
      list.push({ ...row, __block: block });
      byParent.set(key, list);
    }
    for (const [key, parent] of batch) {
      const list = byParent.get(key) ?? [];
      charge(ctx, 2 * list.length);
      for (const w of parent.waiting) w.resolve(list);
    }
  } catch (error) {
    failBatch(batch, error as Error);
  }
}
