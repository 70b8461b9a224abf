/**
 * The GraphQL query schema graph-node generates for a subgraph: for each entity type `T`, a field `t(id, block)`
 * and a collection `ts(skip, first, orderBy, orderDirection, where, block)`, a `T_filter` input with graph-node's
 * operators (`_not`, `_gt`, `_gte`, `_lt`, `_lte`, `_in`, `_not_in`, `_contains`, `_starts_with`, `_ends_with` and
 * their `_nocase`/`_not_` forms, nested `field_` filters, `and`/`or`, `_change_block`), a `T_orderBy` enum with
 * nested `field__subfield` values, and `_meta`.
 */
import type { EntitySpec, FieldSpec, SubgraphSchema } from "../schema.ts";
import { storedScalar } from "../store/layout.ts";

/** graph-node's plural field names (the `Inflector` crate's common rules). */
export function plural(name: string): string {
  if (/[^aeiou]y$/.test(name)) return `${name.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(name)) return `${name}es`;
  return `${name}s`;
}

export const singular = (type: string) => type[0]!.toLowerCase() + type.slice(1);
export const collection = (type: string) => plural(singular(type));

const ordered = new Set(["String", "Int", "BigInt", "BigDecimal", "Bytes", "Int8", "Timestamp"]);
const textual = new Set(["String"]);

/** The GraphQL scalar of a stored scalar (ID fields are `ID`, Booleans `Boolean`). */
function graphqlScalar(field: FieldSpec, schema: SubgraphSchema): string {
  if (field.name === "id") return "ID";
  if (schema.enums.has(field.type)) return field.type;
  return storedScalar(schema, field) === "String" && field.type === "ID" ? "ID" : storedScalar(schema, field);
}

function filterFields(entity: EntitySpec, schema: SubgraphSchema): string[] {
  const out: string[] = [];
  for (const field of entity.fields) {
    const target = schema.entities.get(field.type);
    if (field.derivedFrom) {
      if (target) out.push(`${field.name}_: ${target.name}_filter`);
      continue;
    }
    const scalar =
      field.name === "id"
        ? "ID"
        : target
          ? target.idType === "String"
            ? "String"
            : target.idType
          : graphqlScalar(field, schema);
    const base = field.name === "id" ? "ID" : schema.enums.has(field.type) ? field.type : scalar;
    const f = field.name;
    if (field.list) {
      out.push(
        `${f}: [${base}!]`,
        `${f}_not: [${base}!]`,
        `${f}_contains: [${base}!]`,
        `${f}_not_contains: [${base}!]`,
      );
      if (base === "String") out.push(`${f}_contains_nocase: [${base}!]`, `${f}_not_contains_nocase: [${base}!]`);
    } else {
      out.push(`${f}: ${base}`, `${f}_not: ${base}`, `${f}_in: [${base}!]`, `${f}_not_in: [${base}!]`);
      const storedType = target ? target.idType : storedScalar(schema, field);
      if (ordered.has(storedType) || field.name === "id") {
        out.push(`${f}_gt: ${base}`, `${f}_lt: ${base}`, `${f}_gte: ${base}`, `${f}_lte: ${base}`);
      }
      if (textual.has(storedType) && field.name !== "id") {
        for (const op of ["contains", "starts_with", "ends_with"]) {
          out.push(
            `${f}_${op}: ${base}`,
            `${f}_${op}_nocase: ${base}`,
            `${f}_not_${op}: ${base}`,
            `${f}_not_${op}_nocase: ${base}`,
          );
        }
      }
      if (storedType === "Bytes") out.push(`${f}_contains: ${base}`, `${f}_not_contains: ${base}`);
    }
    if (target) out.push(`${f}_: ${target.name}_filter`);
  }
  out.push("_change_block: BlockChangedFilter", `and: [${entity.name}_filter]`, `or: [${entity.name}_filter]`);
  return out;
}

/** The `T_orderBy` values: stored fields, and `field__subfield` for a single reference's scalar fields. */
export function orderByValues(entity: EntitySpec, schema: SubgraphSchema): string[] {
  const values: string[] = [];
  for (const field of entity.fields) {
    values.push(field.name);
    const target = schema.entities.get(field.type);
    if (target && !field.list && !field.derivedFrom) {
      for (const sub of target.fields) {
        if (!sub.list && !sub.derivedFrom && !schema.entities.has(sub.type)) values.push(`${field.name}__${sub.name}`);
      }
    }
  }
  return values;
}

function objectField(field: FieldSpec, schema: SubgraphSchema): string {
  const target = schema.entities.get(field.type);
  if (target && (field.list || field.derivedFrom)) {
    const args = `(skip: Int = 0, first: Int = 100, orderBy: ${target.name}_orderBy, orderDirection: OrderDirection, where: ${target.name}_filter)`;
    return `${field.name}${args}: [${target.name}!]${field.nonNull || field.derivedFrom ? "!" : ""}`;
  }
  const base = target ? target.name : graphqlScalar(field, schema);
  const type = field.list ? `[${base}!]` : base;
  return `${field.name}: ${type}${field.nonNull ? "!" : ""}`;
}

/** The query API's SDL. */
export function querySchemaSdl(schema: SubgraphSchema): string {
  const parts: string[] = [
    "scalar BigInt",
    "scalar BigDecimal",
    "scalar Bytes",
    "scalar Int8",
    "scalar Timestamp",
    "enum OrderDirection { asc desc }",
    "enum _SubgraphErrorPolicy_ { allow deny }",
    "input Block_height { hash: Bytes number: Int number_gte: Int }",
    "input BlockChangedFilter { number_gte: Int! }",
    "type _Block_ { hash: Bytes number: Int! timestamp: Int parentHash: Bytes }",
    "type _Meta_ { block: _Block_! deployment: String! hasIndexingErrors: Boolean! }",
  ];
  for (const [name, values] of schema.enums) parts.push(`enum ${name} { ${values.join(" ")} }`);
  const query: string[] = [];
  for (const entity of schema.entities.values()) {
    parts.push(`type ${entity.name} { ${entity.fields.map((f) => objectField(f, schema)).join(" ")} }`);
    parts.push(`input ${entity.name}_filter { ${filterFields(entity, schema).join(" ")} }`);
    parts.push(`enum ${entity.name}_orderBy { ${orderByValues(entity, schema).join(" ")} }`);
    const common = "block: Block_height, subgraphError: _SubgraphErrorPolicy_! = deny";
    query.push(
      `${singular(entity.name)}(id: ID!, ${common}): ${entity.name}`,
      `${collection(entity.name)}(skip: Int = 0, first: Int = 100, orderBy: ${entity.name}_orderBy, orderDirection: OrderDirection, where: ${entity.name}_filter, ${common}): [${entity.name}!]!`,
    );
  }
  query.push("_meta(block: Block_height): _Meta_");
  parts.push(`type Query { ${query.join(" ")} }`);
  return parts.join("\n");
}
