/** The local indexer in a child process, serving GraphQL, and what its `_meta` reports. */
import { spawn, type ChildProcess } from "node:child_process";
import { open } from "node:fs/promises";
import path from "node:path";
import { ensureSubgraphBuilt } from "../codegen/subgraph.ts";
import { indexerNodeOptions } from "../../indexer/nodeOptions.ts";

const root = path.resolve(import.meta.dirname, "..", "..");

/** The indexed head the GraphQL API at `url` reports, or undefined while it does not answer. */
export async function indexedHead(url: string): Promise<{ number: number; failed: boolean } | undefined> {
  try {
    const response = await fetch(url, {
      method: "POST",
      body: JSON.stringify({ query: "{ _meta { block { number } hasIndexingErrors } }" }),
    });
    const body = (await response.json()) as {
      data?: { _meta: { block: { number: number }; hasIndexingErrors: boolean } };
    };
    if (!body.data) return undefined;
    return { number: body.data._meta.block.number, failed: body.data._meta.hasIndexingErrors };
  } catch {
    return undefined;
  }
}

export type IndexerProcessOptions = {
  rpcUrl: string;
  deploymentFile: string;
  dataDir: string;
  port: number;
  logFile: string;
};

/** Starts `indexer/cli.ts` (building the subgraph first if stale) and waits until it has indexed `head`. */
export async function startIndexerProcess(
  options: IndexerProcessOptions,
  head: bigint,
  timeoutMs: number,
): Promise<ChildProcess> {
  const log = await open(options.logFile, "w");
  const indexer = spawn(
    process.execPath,
    [
      ...indexerNodeOptions,
      path.join(root, "indexer", "cli.ts"),
      ...["--rpc", options.rpcUrl, "--subgraph", await ensureSubgraphBuilt()],
      ...["--deployment", options.deploymentFile, "--data-dir", options.dataDir, "--port", String(options.port)],
    ],
    { cwd: root, stdio: ["ignore", log.fd, log.fd] },
  );
  await log.close(); // the child holds its own copy of the descriptor
  const url = `http://127.0.0.1:${options.port}/subgraphs/name/trimtab`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (indexer.exitCode !== null) throw new Error(`the indexer exited with code ${indexer.exitCode}`);
    const indexed = await indexedHead(url);
    if (indexed?.failed) {
      indexer.kill("SIGTERM");
      throw new Error(`the indexer failed: see ${path.relative(root, options.logFile)}`);
    }
    if (indexed && BigInt(indexed.number) >= head) return indexer;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  indexer.kill("SIGTERM");
  throw new Error(`the indexer did not reach block ${head} within ${timeoutMs / 1000} s`);
}
