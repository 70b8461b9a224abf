/**
 * The root query's fields of an entity type: `entity(id)` and `entities(…)`, read at the `block` argument, and
 * refused while the deployment has failed unless `subgraphError: allow` is given.
 */
import { GraphQLError, type GraphQLFieldResolver } from "graphql";
import type { EntitySpec } from "../../schema.ts";
import type { NamespaceTables } from "../../store/layout.ts";
import type { QueryContext } from "../queryContext.ts";
import { byId } from "../reads/byId.ts";
import { list } from "../reads/list.ts";
import type { ListArgs } from "../reads/page.ts";
import { blockOf } from "./block.ts";

/** `entity(id, block)`: one entity of `entity`'s type, or null. */
export function singleResolver(
  tables: NamespaceTables,
  entity: EntitySpec,
): GraphQLFieldResolver<unknown, QueryContext> {
  return async (_, args, ctx) => {
    checkPolicy(ctx, args as { subgraphError?: string });
    return byId(tables, ctx, entity, (args as { id: string }).id, blockOf(args, ctx));
  };
}

/** `entities(first, skip, orderBy, orderDirection, where, block)`: a page of `entity`'s type. */
export function collectionResolver(
  tables: NamespaceTables,
  entity: EntitySpec,
): GraphQLFieldResolver<unknown, QueryContext> {
  return async (_, args, ctx) => {
    checkPolicy(ctx, args as { subgraphError?: string });
    return list(tables, ctx, entity, blockOf(args, ctx), args as ListArgs);
  };
}

/** Refuses a query of a failed deployment unless it allows the error (`subgraphError: allow`). */
function checkPolicy(ctx: QueryContext, args: { subgraphError?: string }) {
  if (ctx.status.failed && args.subgraphError !== "allow") throw new GraphQLError("indexing_error");
}
