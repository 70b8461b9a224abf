/**
 * A collection's `where` (`T_filter`) as a SQL condition: a field's operators (`_not`, `_gt`, `_in`, `_contains`,
 * `_starts_with_nocase`, …), `and`/`or`, `_change_block`, and nested filters on related entities (`field_`), each
 * read at the query's block (`$1`).
 */
import { GraphQLError } from "graphql";
import { hexToBytes, type Hex } from "viem";
import type { EntitySpec, FieldSpec } from "../../schema.ts";
import { quote, type Column, type NamespaceTables } from "../../store/layout.ts";

/** A filter's operator suffixes, longest first where one ends another (a key matches the first that fits). */
const filterOps = [
  "_not_contains_nocase",
  "_not_starts_with_nocase",
  "_not_ends_with_nocase",
  "_contains_nocase",
  "_starts_with_nocase",
  "_ends_with_nocase",
  "_not_contains",
  "_not_starts_with",
  "_not_ends_with",
  "_contains",
  "_starts_with",
  "_ends_with",
  "_not_in",
  "_in",
  "_not",
  "_gte",
  "_lte",
  "_gt",
  "_lt",
  "",
];

const cast = (column: Column) => `::${column.sqlType.replace("[]", "")}${column.field.list ? "[]" : ""}`;

/** A filter's value as a SQL parameter of `column` (Bytes from their hex). */
const param = (value: unknown, column: Column): unknown => {
  const one = (v: unknown): unknown => (column.scalar === "Bytes" ? hexToBytes(v as Hex) : v);
  return Array.isArray(value) ? value.map(one) : one(value);
};

/**
 * SQL condition for a `T_filter` on rows aliased `alias`, at block `$1`; its values are pushed onto `params` and
 * named by their place.
 */
export function filterSql(
  tables: NamespaceTables,
  entity: EntitySpec,
  where: Record<string, unknown>,
  alias: string,
  params: unknown[],
): string {
  const table = tables.tableFor(entity.name);
  const conditions: string[] = [];
  const add = (value: unknown, castTo = "") => {
    params.push(value);
    return `$${params.length}${castTo}`;
  };
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    if (key === "and" || key === "or") {
      const parts = (value as Record<string, unknown>[]).map((w) => `(${filterSql(tables, entity, w, alias, params)})`);
      conditions.push(parts.length ? `(${parts.join(key === "and" ? " and " : " or ")})` : "true");
      continue;
    }
    if (key === "_change_block") {
      conditions.push(`lower(${alias}.block_range) >= ${add((value as { number_gte: number }).number_gte)}`);
      continue;
    }
    if (key.endsWith("_") && entity.fields.some((f) => f.name === key.slice(0, -1))) {
      conditions.push(
        nestedFilter(
          tables,
          entity,
          entity.fields.find((f) => f.name === key.slice(0, -1))!,
          value,
          alias,
          params,
        ),
      );
      continue;
    }
    const op = filterOps.find(
      (o) => key.endsWith(o) && table.columns.some((c) => c.field.name === key.slice(0, key.length - o.length)),
    )!;
    const column = table.columns.find((c) => c.field.name === key.slice(0, key.length - op.length));
    if (op === undefined || !column) throw new GraphQLError(`Unknown filter \`${key}\` on ${entity.name}`);
    const col = `${alias}.${quote(column.name)}`;
    const c = cast(column);
    const like = (pattern: (p: string) => string, nocase: boolean) =>
      `${col} ${nocase ? "ilike" : "like"} ${pattern(add(escapeLike(String(value))))}`;
    switch (op) {
      case "":
        conditions.push(value === null ? `${col} is null` : `${col} = ${add(param(value, column), c)}`);
        break;
      case "_not":
        conditions.push(
          value === null ? `${col} is not null` : `${col} is distinct from ${add(param(value, column), c)}`,
        );
        break;
      case "_gt":
      case "_lt":
      case "_gte":
      case "_lte": {
        const sqlOp = { _gt: ">", _lt: "<", _gte: ">=", _lte: "<=" }[op];
        conditions.push(`${col} ${sqlOp} ${add(param(value, column), c)}`);
        break;
      }
      case "_in":
        conditions.push(`${col} = any(${add(param(value, column), `${c}[]`)})`);
        break;
      case "_not_in":
        conditions.push(`not (${col} = any(${add(param(value, column), `${c}[]`)}))`);
        break;
      default: {
        const negate = op.startsWith("_not_");
        const nocase = op.endsWith("_nocase");
        const kind = op.replace("_not_", "_").replace("_nocase", "");
        let condition: string;
        if (column.field.list) {
          const list = add(param(value, column), c);
          condition = nocase
            ? `(select array_agg(lower(x)) from unnest(${col}) x) @> (select array_agg(lower(y)) from unnest(${list}) y)`
            : `${col} @> ${list}`;
        } else if (column.scalar === "Bytes") {
          condition = `position(${add(param(value, column), c)} in ${col}) > 0`;
        } else if (kind === "_contains") condition = like((p) => `'%' || ${p} || '%'`, nocase);
        else if (kind === "_starts_with") condition = like((p) => `${p} || '%'`, nocase);
        else condition = like((p) => `'%' || ${p}`, nocase);
        conditions.push(negate ? `not (${condition})` : condition);
      }
    }
  }
  return conditions.length ? conditions.join(" and ") : "true";
}

/** A nested filter (`field_: { … }`): some entity `field` refers to (or that refers back to it) at `$1` matches. */
function nestedFilter(
  tables: NamespaceTables,
  entity: EntitySpec,
  field: FieldSpec,
  value: unknown,
  alias: string,
  params: unknown[],
): string {
  const target = tables.schema.entities.get(field.type)!;
  const targetTable = tables.tableFor(target.name);
  const child = `${alias}_${field.name.toLowerCase()}`;
  const inner = filterSql(tables, target, value as Record<string, unknown>, child, params);
  const at = `${child}.block_range @> $1::int4`;
  let link: string;
  if (field.derivedFrom) {
    const via = targetTable.columns.find((c) => c.field.name === field.derivedFrom)!;
    link = via.field.list
      ? `${alias}.id = any(${child}.${quote(via.name)})`
      : `${child}.${quote(via.name)} = ${alias}.id`;
  } else {
    const column = tables.tableFor(entity.name).columns.find((c) => c.field.name === field.name)!;
    link = field.list
      ? `${child}.id = any(${alias}.${quote(column.name)})`
      : `${child}.id = ${alias}.${quote(column.name)}`;
  }
  return `exists (select 1 from ${tables.qualified(targetTable)} ${child} where ${link} and ${at} and ${inner})`;
}

/** `value` matched literally by `like`: its wildcards and escape character escaped. */
function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
