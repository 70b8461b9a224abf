/**
 * The subgraph's query schema for the console: read by introspection through the app's relay (as GraphiQL does), and
 * as the plain model the schema explorer shows (types, their fields and arguments). This module loads graphql-js: only
 * the console's editor chunk imports it, on the analytics page; the explorer component imports its types alone.
 */
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type GraphQLType,
  type IntrospectionQuery,
} from "graphql";
import { postQuery } from "./request.ts";

/** An argument or an input field: its name, its type as written (`[Vault!]!`), its named type, its description. */
export type ExplorerInput = { name: string; type: string; typeName: string; description: string };

/** A field of an object type, with its arguments. */
export type ExplorerField = ExplorerInput & { args: ExplorerInput[] };

/** A named type as the explorer shows it: fields for objects and inputs, values for enums, nothing for scalars. */
export type ExplorerType = {
  name: string;
  kind: "object" | "input" | "enum" | "scalar";
  description: string;
  fields: ExplorerField[];
  values: string[];
};

/** The schema as the explorer shows it: the query type's name and every named type but introspection's own. */
export type SchemaModel = { queryType: string; types: Record<string, ExplorerType> };

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** A field, an argument or an input field as the explorer shows it. */
function input(value: { name: string; type: GraphQLType; description?: string | null | undefined }): ExplorerInput {
  return {
    name: value.name,
    type: String(value.type),
    typeName: getNamedType(value.type).name,
    description: value.description ?? "",
  };
}

function explorerType(type: GraphQLNamedType): ExplorerType {
  const base = { name: type.name, description: type.description ?? "", fields: [], values: [] };
  if (isObjectType(type) || isInterfaceType(type)) {
    const fields = Object.values(type.getFields()).map((field) => ({ ...input(field), args: field.args.map(input) }));
    return { ...base, kind: "object", fields };
  }
  if (isInputObjectType(type)) {
    return { ...base, kind: "input", fields: Object.values(type.getFields()).map((f) => ({ ...input(f), args: [] })) };
  }
  if (isEnumType(type)) return { ...base, kind: "enum", values: type.getValues().map((v) => v.name) };
  return { ...base, kind: "scalar" };
}

/** The explorer's model of `schema`: each named type but `__Schema` and its kin. */
export function schemaModel(schema: GraphQLSchema): SchemaModel {
  const queryType = schema.getQueryType();
  if (!queryType) throw new Error("The subgraph's schema has no query type.");
  const types = Object.values(schema.getTypeMap())
    .filter((type) => !type.name.startsWith("__"))
    .map(explorerType);
  return { queryType: queryType.name, types: Object.fromEntries(types.map((type) => [type.name, type])) };
}

/**
 * The subgraph's query schema, by introspection through the relay at `url`; throws an error saying why when the
 * subgraph does not answer with one.
 */
export async function loadSchema(fetchFn: Fetch, url?: string): Promise<GraphQLSchema> {
  const outcome = await postQuery(fetchFn, getIntrospectionQuery(), {}, url === undefined ? {} : { url });
  if (!outcome.data || outcome.errors.length > 0) {
    throw new Error(`The subgraph's schema could not be read: ${outcome.errors.join("; ") || "no data"}`);
  }
  try {
    return buildClientSchema(outcome.data as unknown as IntrospectionQuery);
  } catch (error) {
    throw new Error(`The subgraph's schema could not be read: ${(error as Error).message}`);
  }
}
