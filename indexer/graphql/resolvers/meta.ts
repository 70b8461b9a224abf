/**
 * `_meta`: the block a query would read at, the deployment and its health. As graph-node: at the head, the block's
 * hash, timestamp and parent hash; at a block given by number, its hash is null (and so its parent's), its
 * timestamp the one recorded for it (null for a block the store recorded none for).
 */
import type { GraphQLFieldResolver } from "graphql";
import { recordedBlocks } from "../../store/sql/blockRecords.ts";
import type { QueryContext } from "../queryContext.ts";
import { blockOf } from "./block.ts";

/** `_meta`'s resolver for the deployment whose records are in schema `namespace`. */
export function metaResolver(namespace: string): GraphQLFieldResolver<unknown, QueryContext> {
  return async (_, args, ctx) => {
    const number = blockOf(args, ctx);
    const head = ctx.status.head;
    const atHead = head !== null && Number(head.number) === number;
    const timestamp = atHead
      ? (head.timestamp ?? null)
      : number < 0
        ? null
        : ((await recordedBlocks(ctx.sql, namespace, BigInt(number), BigInt(number)))[0]?.timestamp ?? null);
    return {
      block: {
        number,
        hash: atHead ? head.hash : null,
        // graph-node's `Int`: seconds fit it until 2038.
        timestamp: timestamp === null ? null : Number(timestamp),
        parentHash: atHead ? (head.parentHash ?? null) : null,
      },
      deployment: ctx.deployment,
      hasIndexingErrors: ctx.status.failed,
    };
  };
}
