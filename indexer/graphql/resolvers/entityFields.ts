/**
 * An entity's fields, on a row read at a block: a scalar from its column (synchronously, so that an object of
 * scalars completes without a promise per field), a reference by id, a list of references or a derived field as a
 * collection, each read at the row's block.
 */
import type { GraphQLFieldResolver } from "graphql";
import { bytesToHex } from "viem";
import type { EntitySpec, FieldSpec } from "../../schema.ts";
import { quote, type NamespaceTables } from "../../store/layout.ts";
import type { QueryContext, Row } from "../queryContext.ts";
import { charge, jsonBytes } from "../queryRun.ts";
import { byId } from "../reads/byId.ts";
import { children } from "../reads/children.ts";
import { list } from "../reads/list.ts";
import type { ListArgs } from "../reads/page.ts";
import { outputValue } from "../scalars.ts";

/** The resolver of `entity`'s `field`, made once per field when the schema is built. */
export function fieldResolver(
  tables: NamespaceTables,
  entity: EntitySpec,
  field: FieldSpec,
): GraphQLFieldResolver<Row, QueryContext> {
  const table = tables.tableFor(entity.name);
  const target = tables.schema.entities.get(field.type);
  const column = table.columns.find((c) => c.field.name === field.name);
  // Not async: a scalar answers synchronously, so that an object of scalars completes without a promise per field.
  return (row, args, ctx) => {
    if (!target) {
      const value = outputValue(row[column!.name], column!);
      charge(ctx, jsonBytes(value, field.name.length));
      return value;
    }
    if (field.derivedFrom) {
      const via = tables.tableFor(target.name).columns.find((c) => c.field.name === field.derivedFrom)!;
      const id = table.entity.idType === "Bytes" ? row.id : String(row.id);
      if (!via.field.list) return children(tables, ctx, target, row.__block, args as ListArgs, via, id);
      return list(tables, ctx, target, row.__block, args as ListArgs, (params) => {
        params.push(id);
        return via.field.list
          ? `$${params.length} = any(t.${quote(via.name)})`
          : `t.${quote(via.name)} = $${params.length}`;
      });
    }
    const raw = row[column!.name];
    if (raw === null || raw === undefined) return null;
    if (field.list) {
      return list(tables, ctx, target, row.__block, args as ListArgs, (params) => {
        params.push(raw);
        return `t.id = any($${params.length})`;
      });
    }
    const id = target.idType === "Bytes" ? bytesToHex(raw as Uint8Array) : raw;
    return byId(tables, ctx, target, id, row.__block);
  };
}
