/**
 * A subgraph's `schema.graphql` as the indexer uses it: entity types, their fields and how each is stored, and the
 * validation graph-node applies to an entity a mapping saves.
 */
import {
  Kind,
  parse,
  type ConstDirectiveNode,
  type FieldDefinitionNode,
  type ObjectTypeDefinitionNode,
  print,
  type TypeNode,
} from "graphql";
import type { Entity, StoreValue } from "./runtime/values.ts";

/** The scalar types of graph-node's schema language. */
export const scalars = [
  "ID",
  "String",
  "Int",
  "BigInt",
  "BigDecimal",
  "Bytes",
  "Boolean",
  "Int8",
  "Timestamp",
] as const;
export type Scalar = (typeof scalars)[number];

export type FieldSpec = {
  name: string;
  /** A scalar, an enum's name (stored as a string) or an entity type's name (stored as the referenced id). */
  type: string;
  nonNull: boolean;
  list: boolean;
  /** The declared type as written, e.g. `[Bytes!]!` (in error messages, as graph-node prints it). */
  declared: string;
  /** For a `@derivedFrom(field: ...)` field: the field of the other type that points here. Never stored. */
  derivedFrom?: string;
};

export type EntitySpec = {
  name: string;
  immutable: boolean;
  /** `@entity(immutable: true, skipDuplicates: true)`: a later insert of an existing id is ignored, not an error. */
  skipDuplicates: boolean;
  fields: FieldSpec[];
  /** `Bytes`, `String` (ID) or `Int8`: the id field's type. */
  idType: string;
};

export type SubgraphSchema = {
  entities: Map<string, EntitySpec>;
  enums: Map<string, string[]>;
};

function unwrap(type: TypeNode): { name: string; nonNull: boolean; list: boolean } {
  let nonNull = false;
  let list = false;
  let node = type;
  if (node.kind === Kind.NON_NULL_TYPE) {
    nonNull = true;
    node = node.type;
  }
  if (node.kind === Kind.LIST_TYPE) {
    list = true;
    node = node.type;
    if (node.kind === Kind.NON_NULL_TYPE) node = node.type;
  }
  if (node.kind !== Kind.NAMED_TYPE) throw new Error("nested lists are not supported by graph-node");
  return { name: node.name.value, nonNull, list };
}

function directiveArgument(directives: readonly ConstDirectiveNode[] | undefined, directive: string, arg: string) {
  const node = directives?.find((d) => d.name.value === directive)?.arguments?.find((a) => a.name.value === arg);
  if (!node) return undefined;
  if (node.value.kind === Kind.STRING) return node.value.value;
  if (node.value.kind === Kind.BOOLEAN) return node.value.value;
  return undefined;
}

function fieldSpec(field: FieldDefinitionNode): FieldSpec {
  const { name, nonNull, list } = unwrap(field.type);
  const derivedFrom = directiveArgument(field.directives, "derivedFrom", "field");
  return {
    name: field.name.value,
    type: name,
    nonNull,
    list,
    declared: print(field.type),
    ...(typeof derivedFrom === "string" ? { derivedFrom } : {}),
  };
}

/** Parses a subgraph schema; throws naming the type or field that graph-node would refuse. */
export function parseSchema(source: string): SubgraphSchema {
  const document = parse(source);
  const entities = new Map<string, EntitySpec>();
  const enums = new Map<string, string[]>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION) {
      enums.set(
        definition.name.value,
        (definition.values ?? []).map((v) => v.name.value),
      );
    }
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    const type = definition as ObjectTypeDefinitionNode;
    if (!type.directives?.some((d) => d.name.value === "entity")) continue;
    const fields = (type.fields ?? []).map(fieldSpec);
    const id = fields.find((f) => f.name === "id");
    if (!id || !id.nonNull || id.list) throw new Error(`entity ${type.name.value} needs a non-null id field`);
    entities.set(type.name.value, {
      name: type.name.value,
      immutable: directiveArgument(type.directives, "entity", "immutable") === true,
      skipDuplicates: directiveArgument(type.directives, "entity", "skipDuplicates") === true,
      fields,
      idType: id.type === "ID" ? "String" : id.type,
    });
  }
  for (const entity of entities.values()) {
    for (const field of entity.fields) {
      const known = (scalars as readonly string[]).includes(field.type) || enums.has(field.type);
      if (!known && !entities.has(field.type)) {
        throw new Error(`${entity.name}.${field.name} has unknown type ${field.type}`);
      }
    }
  }
  return { entities, enums };
}

/** The store value kinds a field of `type` accepts (an entity reference takes the referenced type's id kind). */
function acceptedKinds(schema: SubgraphSchema, type: string): StoreValue["kind"][] {
  const referenced = schema.entities.get(type);
  const scalar = referenced ? referenced.idType : type;
  switch (scalar) {
    case "ID":
    case "String":
      return ["String"];
    case "Int":
      return ["Int"];
    case "BigInt":
      return ["BigInt"];
    case "BigDecimal":
      return ["BigDecimal"];
    case "Bytes":
      return ["Bytes"];
    case "Boolean":
      return ["Bool"];
    case "Int8":
      return ["Int8", "Int"];
    case "Timestamp":
      return ["Timestamp"];
    default:
      return ["String"]; // an enum
  }
}

/** A store value as graph-node's `Value` displays it in messages. */
function shown(value: StoreValue): string {
  if (value.kind === "Null") return "null";
  if (value.kind === "Array") return `[${value.value.map(shown).join(", ")}]`;
  return String(value.value);
}

/** graph-node's `Value::type_name`. */
function valueTypeName(value: StoreValue): string {
  if (value.kind === "Bool") return "Boolean";
  if (value.kind === "Array") return value.value[0] ? `[${valueTypeName(value.value[0])}]` : "[Any]";
  return value.kind;
}

/**
 * Checks an entity a mapping saves against its type, as graph-node does before it accepts the write, with its
 * messages: the type exists, every field is declared and not derived, values have the declared type (lists of it
 * for list fields), non-null fields are present. Stricter than graph-node in two ways, both of which graph-node only
 * reports later when PostgreSQL refuses the row: a null for a non-null field and an undeclared enum value.
 */
export function validateEntity(schema: SubgraphSchema, typeName: string, id: string, entity: Entity): void {
  const type = schema.entities.get(typeName);
  const where = `Entity ${typeName}[${id}]`;
  if (!type) throw new Error(`${where}: unknown entity type \`${typeName}\``);
  const undefinedFields = [...entity.keys()].filter((name) => !type.fields.some((f) => f.name === name)).sort();
  if (undefinedFields.length) {
    throw new Error(
      `Attempted to set undefined fields [${undefinedFields.join(", ")}] for the entity type \`${typeName}\`. Make sure those fields are defined in the schema.`,
    );
  }
  for (const field of type.fields) {
    const value = entity.get(field.name);
    if (field.derivedFrom) {
      if (value) throw new Error(`${where}: field \`${field.name}\` is derived and cannot be set`);
      continue;
    }
    if (!value || value.kind === "Null") {
      if (field.nonNull) throw new Error(`${where}: missing value for non-nullable field \`${field.name}\``);
      continue;
    }
    const kinds = acceptedKinds(schema, field.type);
    const mismatch = () =>
      new Error(
        `${where}: the value \`${shown(value)}\` for field \`${field.name}\` must have type ${field.declared} but has type ${valueTypeName(value)}`,
      );
    if (field.list !== (value.kind === "Array")) throw mismatch();
    const items = value.kind === "Array" ? value.value : [value];
    items.forEach((item, index) => {
      if (!kinds.includes(item.kind)) {
        if (!field.list) throw mismatch();
        throw new Error(
          `${where}: field \`${field.name}\` is of type ${field.declared}, but the value \`${shown(value)}\` contains a ${valueTypeName(item)} at index ${index}`,
        );
      }
      const values = schema.enums.get(field.type);
      if (values && item.kind === "String" && !values.includes(item.value)) {
        throw new Error(`${where}: value \`${item.value}\` is not a value of enum ${field.type}`);
      }
    });
  }
}

/**
 * The entity a mapping saves under `id`, as graph-node stores it: with its id field (added when the mapping left it
 * out; an id field that differs from the id saved under is refused), merged into the entity's current version for
 * mutable types (`existing`: a save updates the fields it sets, a null removes one; immutable entities are always
 * new, as graph-node assumes), checked ({@link validateEntity}).
 */
export function entityToStore(
  schema: SubgraphSchema,
  typeName: string,
  id: string,
  entity: Entity,
  existing: () => Entity | null = () => null,
): Entity {
  const type = schema.entities.get(typeName);
  if (!type) throw new Error(`Entity ${typeName}[${id}]: unknown entity type \`${typeName}\``);
  const expected: StoreValue =
    type.idType === "Bytes"
      ? { kind: "Bytes", value: id.toLowerCase() as `0x${string}` }
      : type.idType === "Int8"
        ? { kind: "Int8", value: BigInt(id) }
        : { kind: "String", value: id };
  const actual = entity.get("id");
  let stored = entity;
  if (!actual) stored = new Map([["id", expected], ...entity]);
  else if (actual.kind !== expected.kind || String(actual.value) !== String(expected.value)) {
    const shownId = "value" in actual ? String(actual.value) : "null";
    throw new Error(`Entity ${typeName}[${id}]: the id field (${shownId}) differs from the id it is saved under`);
  }
  const prior = type.immutable ? null : existing();
  if (prior) {
    const merged = new Map(prior);
    for (const [name, value] of stored) {
      if (value.kind === "Null") merged.delete(name);
      else merged.set(name, value);
    }
    stored = merged;
  }
  validateEntity(schema, typeName, id, stored);
  // A field set to null is stored as no value: a version is a whole row, so the field is cleared.
  return new Map([...stored].filter(([, value]) => value.kind !== "Null"));
}
