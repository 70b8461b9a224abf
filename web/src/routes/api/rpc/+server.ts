import { json } from "@sveltejs/kit";
import { withSharedChain } from "#lib/server/chainLock.ts";
import { serverConfig } from "#lib/server/config.ts";
import { routeRpcBody } from "#lib/server/rpcProxy.ts";
import type { RequestHandler } from "./$types";

/**
 * The chain's JSON-RPC for the browser (reads and signed transactions only). A method it does not offer is answered
 * as a node answers one it lacks: a JSON-RPC error in a 200 response, alongside the node's answers in a batch.
 */
export const POST: RequestHandler = async ({ request }) => {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return json(
      { jsonrpc: "2.0", id: null, error: { code: -32700, message: "the body is not JSON" } },
      { status: 400 },
    );
  }
  const routed = routeRpcBody(body);
  if (typeof routed === "string")
    return json({ jsonrpc: "2.0", id: null, error: { code: -32600, message: routed } }, { status: 400 });
  const { batch, forward, refused } = routed;
  if (forward.length === 0) return json(batch ? refused : refused[0]);
  try {
    const response = await withSharedChain(() =>
      fetch(serverConfig().rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(batch ? forward : forward[0]),
      }),
    );
    const text = await response.text();
    if (refused.length === 0 || !response.ok)
      return new Response(text, { status: response.status, headers: { "content-type": "application/json" } });
    const answers = JSON.parse(text) as unknown;
    return json([...(Array.isArray(answers) ? answers : [answers]), ...refused]);
  } catch (error) {
    const message = `the chain does not answer (${(error as Error).message})`;
    return json({ jsonrpc: "2.0", id: null, error: { code: -32603, message } }, { status: 502 });
  }
};
