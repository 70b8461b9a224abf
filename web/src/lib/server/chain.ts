/** The chain from the web server: a viem transport to the configured JSON-RPC, and a client on it. */
import { createPublicClient, http, type HttpTransport, type PublicClient } from "viem";
import { serverConfig } from "./config.ts";

let shared: { url: string; transport: HttpTransport; client: PublicClient } | undefined;

function sharedChain() {
  const { rpcUrl } = serverConfig();
  if (shared?.url !== rpcUrl) {
    const transport = http(rpcUrl, { retryCount: 0 });
    shared = { url: rpcUrl, transport, client: createPublicClient({ transport }) as PublicClient };
  }
  return shared;
}

/** The transport to the configured chain. */
export function sharedTransport(): HttpTransport {
  return sharedChain().transport;
}

export function publicClient(): PublicClient {
  return sharedChain().client;
}
