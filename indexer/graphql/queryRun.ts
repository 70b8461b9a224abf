/**
 * What a query spends while its result is built (bytes of the result, time) and what stops it: a result past
 * `GRAPH_GRAPHQL_ERROR_RESULT_SIZE`, or the query past `GRAPH_GRAPHQL_QUERY_TIMEOUT`.
 */
import { GraphQLError } from "graphql";
import { resultTooBigMessage, timedOutMessage, type QueryLimits } from "./limits.ts";

/** What a query has spent so far, and what stopped it: a result past its size limit, or its time. */
export type QueryRun = { resultBytes: number; deadlineMs: number; failure?: GraphQLError };

/** A new query's run, its deadline `limits.queryTimeoutSec` from now (`performance.now()` milliseconds). */
export function startRun(limits: QueryLimits): QueryRun {
  return { resultBytes: 0, deadlineMs: performance.now() + limits.queryTimeoutSec * 1000 };
}

/**
 * Counts `bytes` more of the result, and stops the query (every resolver after throws the same error) once the
 * result passes `GRAPH_GRAPHQL_ERROR_RESULT_SIZE` or the query its time: checked while the result is built, so no
 * query holds more than the limit in memory.
 */
export function charge(ctx: { run: QueryRun; limits: QueryLimits }, bytes: number): void {
  const run = ctx.run;
  if (run.failure === undefined) {
    run.resultBytes += bytes;
    if (run.resultBytes > ctx.limits.errorResultBytes) {
      run.failure = new GraphQLError(resultTooBigMessage(ctx.limits.errorResultBytes));
    } else if (performance.now() > run.deadlineMs) {
      run.failure = new GraphQLError(timedOutMessage(ctx.limits.queryTimeoutSec));
    }
  }
  if (run.failure) throw run.failure;
}

/** About how many bytes `value` adds to the result's JSON under a key of `keyLength` characters. */
export function jsonBytes(value: unknown, keyLength: number): number {
  const size = (v: unknown): number =>
    v === null || v === undefined
      ? 4
      : typeof v === "string"
        ? v.length + 2
        : Array.isArray(v)
          ? v.reduce((sum: number, x) => sum + size(x) + 1, 2)
          : String(v).length;
  return keyLength + 4 + size(value);
}
