/** The entity tables a query reads: each entity type's table, and its qualified name in the subgraph's namespace. */
import type { SubgraphSchema } from "../../schema.ts";
import { quote, tableOf, type Table } from "../../store/layout.ts";

export type QueryTables = {
  schema: SubgraphSchema;
  /** The table of entity type `name` (a type of the schema). */
  tableFor: (name: string) => Table;
  /** The table's name in SQL: `"namespace"."table"`. */
  quotedTable: (table: Table) => string;
};

/** The tables of `schema`'s entities in `namespace`. */
export function queryTables(schema: SubgraphSchema, namespace: string): QueryTables {
  const tables = new Map([...schema.entities.values()].map((e) => [e.name, tableOf(schema, e)]));
  return {
    schema,
    tableFor: (name) => tables.get(name)!,
    quotedTable: (table) => `${quote(namespace)}.${quote(table.name)}`,
  };
}
