import { json } from "@sveltejs/kit";
import { relayRpcBody } from "#lib/server/rpcProxy.ts";
import type { RequestHandler } from "./$types";

/** The chain's JSON-RPC for the browser (reads and signed transactions only): see relayRpcBody. */
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
  return relayRpcBody(body);
};
