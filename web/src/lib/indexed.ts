/** Waiting for the subgraph to index what a transaction did, from the browser (through the app's relay). */
import { graphqlRequest } from "../../../sdk/graphql.ts";

/**
 * Polls `query` until `done` accepts its data (the indexer has caught up), or `timeoutMs` passes; returns whether
 * it caught up.
 */
export async function waitForIndexed<T>(
  query: string,
  variables: Record<string, unknown>,
  done: (data: T) => boolean,
  timeoutMs = 30_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // A subgraph that does not answer (yet) is waited for; a query it refuses is a mistake to report.
    const data = await graphqlRequest<T>(fetch, "/api/graphql", query, variables).catch((error: unknown) => {
      if (error instanceof Error && /does not answer|HTTP 5\d\d/.test(error.message)) return undefined;
      throw error;
    });
    if (data && done(data)) return true;
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  return false;
}
