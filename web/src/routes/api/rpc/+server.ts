import { json } from "@sveltejs/kit";
import { withSharedChain } from "#lib/server/chainLock.ts";
import { serverConfig } from "#lib/server/config.ts";
import { parseRpcBody } from "#lib/server/rpcProxy.ts";
import type { RequestHandler } from "./$types";

/** The chain's JSON-RPC for the browser (reads and signed transactions only). */
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
  const parsed = parseRpcBody(body);
  if (typeof parsed === "string")
    return json({ jsonrpc: "2.0", id: null, error: { code: -32601, message: parsed } }, { status: 400 });
  try {
    const response = await withSharedChain(() =>
      fetch(serverConfig().rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    );
    return new Response(await response.text(), {
      status: response.status,
      headers: { "content-type": "application/json" },
    });
  } catch (error) {
    const message = `the chain does not answer (${(error as Error).message})`;
    return json({ jsonrpc: "2.0", id: null, error: { code: -32603, message } }, { status: 502 });
  }
};
