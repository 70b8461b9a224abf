/**
 * A GraphQL answer's `data` as tables, one per top-level field: a list of entities gives a row each, a single entity
 * one row, and the columns are the leaves' dotted paths (`token.symbol`). Lists nested in an entity stay in one cell
 * as compact JSON (for CSV), and the console shows them as nested tables (`resultTable`); nulls are empty cells.
 */

/** A JSON value, as a GraphQL answer holds it. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A JSON object: an entity, or the answer's `data`. */
export type JsonObject = { [key: string]: Json };

/** One top-level field of `data` as a table: its leaf paths as columns, one row of cell texts per entity. */
export type DataTable = { field: string; columns: string[]; rows: string[][] };

/** A leaf found while flattening: its dotted path and its value (a scalar, null or a list). */
type Leaf = { path: string; value: Json };

/** Whether `value` is a JSON object (neither null nor a list). */
export function isJsonObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A leaf's text in a cell: strings as they are, numbers and booleans as JSON, null as "", lists as compact JSON. */
export function cellText(value: Json): string {
  if (value === null) return "";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/** The leaves of `value` under `prefix`, depth first in the answer's order; a nested null is a leaf at its path. */
export function flattenLeaves(value: Json, prefix = ""): Leaf[] {
  if (!isJsonObject(value) || (prefix !== "" && Object.keys(value).length === 0)) return [{ path: prefix, value }];
  return Object.entries(value).flatMap(([key, child]) => flattenLeaves(child, prefix ? `${prefix}.${key}` : key));
}

/**
 * The columns of rows of leaves: every path in first-seen order, a path first seen in a later row placed after the
 * path before it in that row. A path that is null in every row and has deeper paths in others (`delegatingTo` null
 * here, `delegatingTo.id` there) is left out: its rows show empty cells under the deeper paths.
 */
export function mergeColumns(rows: Leaf[][]): string[] {
  const columns: string[] = [];
  for (const row of rows) {
    let previous = -1;
    for (const { path } of row) {
      const index = columns.indexOf(path);
      if (index >= 0) previous = index;
      else columns.splice(++previous, 0, path);
    }
  }
  const alwaysNull = (path: string) =>
    rows.every((row) => row.every((leaf) => leaf.path !== path || leaf.value === null));
  return columns.filter((path) => !(alwaysNull(path) && columns.some((other) => other.startsWith(`${path}.`))));
}

/** The rows a top-level field's value stands for: each item of a list, an object alone, none for null. */
function entities(value: Json): Json[] {
  if (Array.isArray(value)) return value;
  return value === null ? [] : [value];
}

/** A field's columns and, for each row, each column's value (null where the row has none). */
function leafGrid(field: string, value: Json): { columns: string[]; values: Json[][] } {
  const leafRows = entities(value).map((entity) =>
    isJsonObject(entity) ? flattenLeaves(entity) : [{ path: field, value: entity }],
  );
  const columns = mergeColumns(leafRows);
  const values = leafRows.map((leaves) => {
    const byPath = new Map(leaves.map((leaf) => [leaf.path, leaf.value]));
    return columns.map((column) => byPath.get(column) ?? null);
  });
  return { columns, values };
}

/** One top-level field as a table; a scalar (or a list of scalars) fills a column named after the field. */
export function fieldTable(field: string, value: Json): DataTable {
  const { columns, values } = leafGrid(field, value);
  return { field, columns, rows: values.map((row) => row.map(cellText)) };
}

/**
 * A table as the console shows it: a `DataTable` (its cells' texts, as the CSV has them) whose cells holding a
 * non-empty list also hold that list as a table of its own, nested to any depth; `nested[r][c]` is undefined for
 * every other cell.
 */
export type ResultTable = DataTable & { nested: (ResultTable | undefined)[][] };

/** `fieldTable` with each non-empty nested list as a table named after its column (its last path segment). */
export function resultTable(field: string, value: Json): ResultTable {
  const { columns, values } = leafGrid(field, value);
  return {
    field,
    columns,
    rows: values.map((row) => row.map(cellText)),
    nested: values.map((row) =>
      row.map((cell, c) =>
        Array.isArray(cell) && cell.length > 0 ? resultTable(columns[c]!.split(".").pop()!, cell) : undefined,
      ),
    ),
  };
}

/** Every top-level field of a GraphQL answer's `data` as a table, in the answer's order. */
export function dataTables(data: JsonObject): DataTable[] {
  return Object.entries(data).map(([field, value]) => fieldTable(field, value));
}

/** Every top-level field of a GraphQL answer's `data` as the console shows it, nested lists as tables. */
export function resultTables(data: JsonObject): ResultTable[] {
  return Object.entries(data).map(([field, value]) => resultTable(field, value));
}

const numeric = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/** For each column, whether its cells are all numbers (empty cells aside, at least one): to align them right. */
export function numericColumns(table: DataTable): boolean[] {
  return table.columns.map((_, c) => {
    const cells = table.rows.map((row) => row[c]!).filter((cell) => cell !== "");
    return cells.length > 0 && cells.every((cell) => numeric.test(cell));
  });
}
