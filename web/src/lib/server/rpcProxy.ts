/**
 * What the browser may ask of the chain through the web server: reads, gas estimates and signed transactions.
 * Never `eth_sendTransaction` or `eth_sign*` (the devnet node holds unlocked accounts), nor the node's
 * `hardhat_*` / `evm_*` controls.
 */
export const allowedRpcMethods: ReadonlySet<string> = new Set([
  "eth_chainId",
  "net_version",
  "eth_blockNumber",
  "eth_getBlockByNumber",
  "eth_getBlockByHash",
  "eth_call",
  "eth_estimateGas",
  "eth_gasPrice",
  "eth_maxPriorityFeePerGas",
  "eth_feeHistory",
  "eth_getBalance",
  "eth_getCode",
  "eth_getStorageAt",
  "eth_getLogs",
  "eth_getTransactionCount",
  "eth_getTransactionByHash",
  "eth_getTransactionReceipt",
  "eth_sendRawTransaction",
]);

export type RpcRequest = { jsonrpc: "2.0"; id: number | string | null; method: string; params?: unknown[] };

/** The requests of a JSON-RPC body (one or a batch), or an error message naming what is wrong. */
export function parseRpcBody(body: unknown): RpcRequest[] | string {
  const requests = Array.isArray(body) ? body : [body];
  if (requests.length === 0 || requests.length > 100) return "a batch holds 1 to 100 requests";
  for (const request of requests) {
    if (typeof request !== "object" || request === null || typeof (request as RpcRequest).method !== "string")
      return "each request needs a method";
    const { method } = request as RpcRequest;
    if (!allowedRpcMethods.has(method)) return `method ${method} is not available through this server`;
  }
  return requests as RpcRequest[];
}
