/**
 * Executes the query API against the versioned tables: every read is made at one block (the head, or the
 * `block` argument), `block_range @> block`, as graph-node's time travel does. Filters, orders and nested fields
 * become SQL on the entity tables (`sql/`), read a level at once (`reads/`); values come back in graph-node's JSON
 * forms (`scalars.ts`: BigInt, BigDecimal, Int8 and Timestamp as strings, Bytes as 0x-hex). This module builds the
 * executable schema from the resolvers of `resolvers/`.
 */
import { buildSchema, type GraphQLFieldResolver, type GraphQLObjectType, type GraphQLSchema } from "graphql";
import type { SubgraphSchema } from "../schema.ts";
import { namespaceTables } from "../store/layout.ts";
import { collection, querySchemaSdl, singular } from "./querySchema.ts";
import { fieldResolver } from "./resolvers/entityFields.ts";
import { metaResolver } from "./resolvers/meta.ts";
import { collectionResolver, singleResolver } from "./resolvers/rootFields.ts";
import { setScalars } from "./scalars.ts";

export type { QueryContext } from "./queryContext.ts";
export { charge, startRun, type QueryRun } from "./queryRun.ts";

/** Builds the executable query schema of a subgraph over its tables in `namespace`. */
export function executableSchema(schema: SubgraphSchema, namespace: string): GraphQLSchema {
  const tables = namespaceTables(schema, namespace);
  const graphql = buildSchema(querySchemaSdl(schema));
  setScalars(graphql);
  const queryFields = graphql.getQueryType()!.getFields();
  for (const entity of schema.entities.values()) {
    queryFields[singular(entity.name)]!.resolve = singleResolver(tables, entity);
    queryFields[collection(entity.name)]!.resolve = collectionResolver(tables, entity);
    const objectFields = (graphql.getType(entity.name) as GraphQLObjectType).getFields();
    for (const field of entity.fields) {
      objectFields[field.name]!.resolve = fieldResolver(tables, entity, field) as GraphQLFieldResolver<
        unknown,
        unknown
      >;
    }
  }
  queryFields._meta!.resolve = metaResolver(namespace);
  return graphql;
}
