/** `_meta`: the block a query would read at (its hash when that is the head), the deployment and its health. */
import type { GraphQLFieldResolver } from "graphql";
import type { QueryContext } from "../queryContext.ts";
import { blockOf } from "./block.ts";

export const metaResolver: GraphQLFieldResolver<unknown, QueryContext> = (_, args, ctx) => {
  const number = blockOf(args, ctx);
  const head = ctx.status.head;
  return {
    block: {
      number,
      hash: head && Number(head.number) === number ? head.hash : null,
      timestamp: null,
      parentHash: null,
    },
    deployment: ctx.deployment,
    hasIndexingErrors: ctx.status.failed,
  };
};
