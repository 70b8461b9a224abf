/** The subgraph's GraphQL from the web server. */
import { graphqlRequest } from "../../../../sdk/graphql.ts";
import { serverConfig } from "./config.ts";

export function querySubgraph<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  return graphqlRequest<T>(fetch, serverConfig().graphqlUrl, query, variables);
}

/** The indexed head, as every page shows it. */
export type Meta = { block: { number: number; timestamp: number | null }; hasIndexingErrors: boolean };
export const metaFields = "_meta { block { number timestamp } hasIndexingErrors }";
