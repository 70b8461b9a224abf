/**
 * What the browser may ask of the chain through the web server: reads, gas estimates and signed transactions.
 * Never `eth_sendTransaction` or `eth_sign*` (the devnet node holds unlocked accounts), nor the node's
 * `hardhat_*` / `evm_*` controls. And the relay itself (`POST /api/rpc`).
 */
import { serverConfig } from "./config.ts";

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

/** A JSON-RPC error answer. */
export type RpcErrorResponse = {
  jsonrpc: "2.0";
  id: number | string | null;
  error: { code: number; message: string };
};

/** JSON-RPC's code for a method the server does not offer (a node answers it so; viem reads it as "not supported"). */
export const methodNotFoundCode = -32601;

/**
 * What the relay does with a body (one request or a batch): the requests it forwards to the node, and its own
 * answers to those whose method it does not offer, each a JSON-RPC error as a node gives for a method it lacks (not an
 * HTTP error: viem then falls back as with any node, e.g. from `eth_fillTransaction` to separate estimates). A
 * malformed body gives the message naming what is wrong.
 */
export function routeRpcBody(
  body: unknown,
): { batch: boolean; forward: RpcRequest[]; refused: RpcErrorResponse[] } | string {
  const batch = Array.isArray(body);
  const requests: unknown[] = batch ? body : [body];
  if (requests.length === 0 || requests.length > 100) return "a batch holds 1 to 100 requests";
  const forward: RpcRequest[] = [];
  const refused: RpcErrorResponse[] = [];
  for (const request of requests) {
    if (typeof request !== "object" || request === null || typeof (request as RpcRequest).method !== "string")
      return "each request needs a method";
    const { method, id } = request as RpcRequest;
    if (allowedRpcMethods.has(method)) forward.push(request as RpcRequest);
    else
      refused.push({
        jsonrpc: "2.0",
        id: id ?? null,
        error: { code: methodNotFoundCode, message: `method ${method} is not available through this server` },
      });
  }
  return { batch, forward, refused };
}

/** The requests of a JSON-RPC body (one or a batch), or an error message naming what is wrong or refused. */
export function parseRpcBody(body: unknown): RpcRequest[] | string {
  const routed = routeRpcBody(body);
  if (typeof routed === "string") return routed;
  return routed.refused[0]?.error.message ?? routed.forward;
}

/**
 * The relay's answer to a parsed body: the node's answers to the requests it forwards, with its own refusals beside
 * them in a batch. A method it does not offer is answered as a node answers one it lacks: a JSON-RPC error in a 200
 * response.
 */
export async function relayRpcBody(body: unknown, rpcUrl: string = serverConfig().rpcUrl): Promise<Response> {
  const routed = routeRpcBody(body);
  if (typeof routed === "string")
    return Response.json({ jsonrpc: "2.0", id: null, error: { code: -32600, message: routed } }, { status: 400 });
  const { batch, forward, refused } = routed;
  if (forward.length === 0) return Response.json(batch ? refused : refused[0]);
  try {
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(batch ? forward : forward[0]),
    });
    const text = await response.text();
    if (refused.length === 0 || !response.ok)
      return new Response(text, { status: response.status, headers: { "content-type": "application/json" } });
    const answers = JSON.parse(text) as unknown;
    return Response.json([...(Array.isArray(answers) ? answers : [answers]), ...refused]);
  } catch (error) {
    const message = `the chain does not answer (${(error as Error).message})`;
    return Response.json({ jsonrpc: "2.0", id: null, error: { code: -32603, message } }, { status: 502 });
  }
}
