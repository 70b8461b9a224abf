/**
 * The block a query reads at: the head, or its `block` argument (`number`, or `number_gte` for the head when it is
 * that far), refused past the head as graph-node refuses it. Block hashes are not supported.
 */
import { GraphQLError } from "graphql";
import type { QueryContext } from "../queryContext.ts";

/** A root field's `block` argument. */
export type BlockArgs = { block?: { number?: number; number_gte?: number; hash?: string } };

/** The number of the block `args` asks for (the head's when none; -1 before the first block is indexed). */
export function blockOf(args: BlockArgs, ctx: Pick<QueryContext, "status" | "deployment">): number {
  const head = ctx.status.head ? Number(ctx.status.head.number) : -1;
  const block = args.block;
  if (!block) return head;
  if (block.number !== undefined && block.number !== null) {
    if (block.number > head) {
      throw new GraphQLError(
        `Failed to decode \`block.number\` value: \`subgraph ${ctx.deployment} has only indexed up to block number ${head} and data for block number ${block.number} is therefore not yet available\``,
      );
    }
    return block.number;
  }
  if (block.number_gte !== undefined && block.number_gte !== null) {
    if (block.number_gte > head) {
      throw new GraphQLError(
        `subgraph ${ctx.deployment} has only indexed up to block number ${head} and data for block number ${block.number_gte} is therefore not yet available`,
      );
    }
    return head;
  }
  throw new GraphQLError("Block hashes are not supported by the local indexer's query API: use block { number }");
}
