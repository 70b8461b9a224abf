/**
 * Reaching the chain a deployment record names: the JSON-RPC URL to use (the one given, else the record's, else a
 * local node's), and a check that it answers and is the record's chain, failing with one line that names the URL
 * and how to set another.
 */
import { createPublicClient, http } from "viem";
import type { DeploymentRecord } from "./deployment.ts";

/** Where a local node listens when nothing says otherwise (`npm start`'s default). */
export const localRpcUrl = "http://127.0.0.1:8545";

/** The URL to use: `given` (a flag), else the record's, else a local node's. */
export function rpcUrlFor(record: Pick<DeploymentRecord, "rpcUrl">, given?: string): string {
  return given ?? record.rpcUrl ?? localRpcUrl;
}

/**
 * Checks that the chain at `rpcUrl` answers within `timeoutMs` and has the record's chain id. `source` (the record's
 * file) and `flag` (how the caller sets another URL, e.g. "--rpc <url>") are named in the error.
 */
export async function checkChain(
  rpcUrl: string,
  record: Pick<DeploymentRecord, "chainId">,
  source: string,
  flag: string,
  timeoutMs = 5_000,
): Promise<void> {
  const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 0, timeout: timeoutMs }) });
  let chainId: number;
  try {
    chainId = await client.getChainId();
  } catch {
    throw new Error(
      `cannot reach a chain at ${rpcUrl} (the chain of ${source}): is it running? Set another with ${flag}`,
    );
  }
  if (chainId !== record.chainId)
    throw new Error(
      `the chain at ${rpcUrl} has chain id ${chainId}, but ${source} is a deployment on chain ${record.chainId}: ` +
        `set its chain with ${flag}`,
    );
}
