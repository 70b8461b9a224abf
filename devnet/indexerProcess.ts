/** The local indexer in a child process, serving GraphQL, and what its `_meta` reports. */
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { ensureSubgraphBuilt } from "../scripts/codegen/subgraph.ts";
import { indexerNodeOptions } from "../indexer/nodeOptions.ts";
import { graphqlRequest, subgraphUrl } from "../sdk/graphql.ts";
import { startLoggedProcess } from "./loggedProcess.ts";

const root = path.resolve(import.meta.dirname, "..");

/** The indexed head the GraphQL API at `url` reports, or undefined while it does not answer. */
export async function indexedHead(url: string): Promise<{ number: number; failed: boolean } | undefined> {
  try {
    const { _meta } = await graphqlRequest<{ _meta: { block: { number: number }; hasIndexingErrors: boolean } }>(
      fetch,
      url,
      "{ _meta { block { number } hasIndexingErrors } }",
    );
    return { number: _meta.block.number, failed: _meta.hasIndexingErrors };
  } catch {
    return undefined;
  }
}

export type IndexerProcessOptions = {
  rpcUrl: string;
  deploymentFile: string;
  dataDir: string;
  /** PostgreSQL instead of PGlite. */
  databaseUrl?: string;
  port: number;
  logFile: string;
};

/** Starts `indexer/cli.ts` (building the subgraph first if stale) and waits until it has indexed `head`. */
export async function startIndexerProcess(
  options: IndexerProcessOptions,
  head: bigint,
  timeoutMs: number,
): Promise<ChildProcess> {
  const url = subgraphUrl(`http://127.0.0.1:${options.port}`);
  return startLoggedProcess({
    args: [
      ...indexerNodeOptions,
      path.join(root, "indexer", "cli.ts"),
      ...["--rpc", options.rpcUrl, "--subgraph", await ensureSubgraphBuilt()],
      ...["--deployment", options.deploymentFile, "--data-dir", options.dataDir, "--port", String(options.port)],
      ...(options.databaseUrl ? ["--database-url", options.databaseUrl] : []),
    ],
    logFile: options.logFile,
    what: "the indexer",
    ready: async () => {
      const indexed = await indexedHead(url);
      if (indexed?.failed) throw new Error(`the indexer failed: see ${path.relative(root, options.logFile)}`);
      return indexed !== undefined && BigInt(indexed.number) >= head;
    },
    pollMs: 500,
    timeoutMs,
    timeoutMessage: `the indexer did not reach block ${head} within ${timeoutMs / 1000} s`,
  });
}
