/** A collection's arguments, and its page (`first`, `skip`) held to the query API's limits. */
import { GraphQLError } from "graphql";
import type { QueryContext } from "../queryContext.ts";
import { charge } from "../queryRun.ts";

/** What a collection (a root collection, or a list field) is asked with. */
export type ListArgs = {
  skip?: number;
  first?: number;
  orderBy?: string;
  orderDirection?: string;
  where?: Record<string, unknown>;
};

/** A collection's `first` and `skip`, within their limits. */
export function page(ctx: QueryContext, args: ListArgs): { first: number; skip: number } {
  const first = args.first ?? 100;
  const skip = args.skip ?? 0;
  const { maxFirst, maxSkip } = ctx.limits;
  if (first < 0 || first > maxFirst) {
    throw new GraphQLError(`The \`first\` argument must be between 0 and ${maxFirst}, but is ${first}`);
  }
  if (skip < 0 || skip > maxSkip) {
    throw new GraphQLError(`The \`skip\` argument must be between 0 and ${maxSkip}, but is ${skip}`);
  }
  charge(ctx, 2);
  return { first, skip };
}
