/**
 * graph-node's relational layout, simplified: one table per entity type (snake_case), one column per stored field
 * (snake_case), a `vid` and a `block_range int4range` per row. A row is one version of an entity, valid for the
 * blocks in its range; the current version's range is open (`[n,)`). Updating an entity closes its current row at
 * the block and inserts the new version; removing it only closes the row. Time travel reads the row whose range
 * contains the block. Differences from graph-node: immutable entities also use `block_range` (graph-node keeps a
 * `block$` column), and `Timestamp` is stored as int8 microseconds (graph-node: timestamptz).
 */
import { bytesToHex, hexToBytes, type Hex } from "viem";
import type { EntitySpec, FieldSpec, SubgraphSchema } from "../schema.ts";
import { fromString as decimalFromString, toString as decimalToString } from "../runtime/bigDecimal.ts";
import type { Entity, StoreValue } from "../runtime/values.ts";

export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

export const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

/** The scalar a field stores: entity references store the referenced type's id. */
export function storedScalar(schema: SubgraphSchema, field: FieldSpec): string {
  const referenced = schema.entities.get(field.type);
  if (referenced) return referenced.idType;
  return schema.enums.has(field.type) ? "String" : field.type === "ID" ? "String" : field.type;
}

const sqlTypes: Record<string, string> = {
  String: "text",
  Int: "int4",
  Int8: "int8",
  BigInt: "numeric",
  BigDecimal: "numeric",
  Bytes: "bytea",
  Boolean: "boolean",
  Timestamp: "int8",
};

export type Column = { field: FieldSpec; name: string; sqlType: string; scalar: string };

export type Table = { entity: EntitySpec; name: string; columns: Column[] };

export function tableOf(schema: SubgraphSchema, entity: EntitySpec): Table {
  const columns = entity.fields
    .filter((f) => !f.derivedFrom)
    .map((field) => {
      const scalar = storedScalar(schema, field);
      const base = sqlTypes[scalar];
      if (!base) throw new Error(`${entity.name}.${field.name}: no column type for ${scalar}`);
      return { field, name: snakeCase(field.name), sqlType: field.list ? `${base}[]` : base, scalar };
    });
  return { entity, name: snakeCase(entity.name), columns };
}

/** A subgraph's entity tables in schema `namespace`. */
export type NamespaceTables = {
  schema: SubgraphSchema;
  namespace: string;
  /** Each entity type's table, by the type's name. */
  tables: Map<string, Table>;
  /** The table of entity type `type`; throws for a type the schema does not define. */
  tableFor(type: string): Table;
  /** The table's name in SQL: `"namespace"."table"`. */
  qualified(table: Table): string;
};

export function namespaceTables(schema: SubgraphSchema, namespace: string): NamespaceTables {
  const tables = new Map([...schema.entities.values()].map((e) => [e.name, tableOf(schema, e)]));
  const ns = quote(namespace);
  return {
    schema,
    namespace,
    tables,
    tableFor(type) {
      const table = tables.get(type);
      if (!table) throw new Error(`Entity type ${type} is not defined in the schema`);
      return table;
    },
    qualified: (table) => `${ns}.${quote(table.name)}`,
  };
}

/** DDL for every entity table (in schema `namespace`) with the indexes reads need. */
export function createTables(schema: SubgraphSchema, namespace: string): string[] {
  const statements: string[] = [];
  for (const entity of schema.entities.values()) {
    const table = tableOf(schema, entity);
    const name = `${quote(namespace)}.${quote(table.name)}`;
    const columns = table.columns.map((c) => `${quote(c.name)} ${c.sqlType}${c.field.nonNull ? " not null" : ""}`);
    statements.push(
      `create table if not exists ${name} (vid bigserial primary key, ${columns.join(", ")}, block_range int4range not null)`,
      `create index if not exists ${quote(`${table.name}_id`)} on ${name} (id)`,
      `create unique index if not exists ${quote(`${table.name}_current`)} on ${name} (id) where upper_inf(block_range)`,
    );
    for (const column of table.columns) {
      if (column.name === "id" || column.field.list) continue;
      if (schema.entities.has(column.field.type)) {
        statements.push(
          `create index if not exists ${quote(`${table.name}_${column.name}`)} on ${name} (${quote(column.name)})`,
        );
      }
    }
  }
  return statements;
}

/** A stored value as a SQL parameter. */
export function toSql(value: StoreValue | undefined, column: Column): unknown {
  if (!value || value.kind === "Null") return null;
  const one = (v: StoreValue): unknown => {
    switch (v.kind) {
      case "Bytes":
        return hexToBytes(v.value);
      case "BigInt":
      case "Int8":
      case "Timestamp":
        return v.value.toString();
      case "BigDecimal":
        return decimalToString(v.value);
      case "Array":
        return v.value.map(one);
      case "Null":
        return null;
      default:
        return v.value;
    }
  };
  return one(value);
}

/** A SQL value of `column` as a stored value. */
export function fromSql(raw: unknown, column: Column): StoreValue {
  if (raw === null || raw === undefined) return { kind: "Null" };
  const one = (v: unknown): StoreValue => {
    switch (column.scalar) {
      case "String":
        return { kind: "String", value: String(v) };
      case "Int":
        return { kind: "Int", value: Number(v) };
      case "Int8":
        return { kind: "Int8", value: BigInt(v as string | number | bigint) };
      case "Timestamp":
        return { kind: "Timestamp", value: BigInt(v as string | number | bigint) };
      case "BigInt":
        return { kind: "BigInt", value: BigInt(String(v)) };
      case "BigDecimal":
        return { kind: "BigDecimal", value: decimalFromString(String(v)) };
      case "Bytes":
        return { kind: "Bytes", value: bytesToHex(v as Uint8Array) as Hex };
      case "Boolean":
        return { kind: "Bool", value: Boolean(v) };
      default:
        throw new Error(`no conversion for ${column.scalar}`);
    }
  };
  if (column.field.list) return { kind: "Array", value: (raw as unknown[]).map(one) };
  return one(raw);
}

export function rowToEntity(row: Record<string, unknown>, table: Table): Entity {
  const entity: Entity = new Map();
  for (const column of table.columns) {
    const value = fromSql(row[column.name], column);
    if (value.kind !== "Null") entity.set(column.field.name, value);
  }
  return entity;
}

/** The SQL parameter for an entity id (`Bytes` ids are stored as bytea). */
export function idToSql(id: string, table: Table): unknown {
  return table.entity.idType === "Bytes" ? hexToBytes(id as Hex) : id;
}
