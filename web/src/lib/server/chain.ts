/** The chain from the web server: a viem transport whose every request shares the chain lock, and a client on it. */
import { createPublicClient, custom, http, type CustomTransport, type PublicClient } from "viem";
import { withSharedChain } from "./chainLock.ts";
import { serverConfig } from "./config.ts";

let shared: { url: string; transport: CustomTransport; client: PublicClient } | undefined;

function sharedChain() {
  const { rpcUrl } = serverConfig();
  if (shared?.url !== rpcUrl) {
    const direct = http(rpcUrl, { retryCount: 0 })({});
    const transport = custom({ request: (args) => withSharedChain(() => direct.request(args)) });
    shared = { url: rpcUrl, transport, client: createPublicClient({ transport }) as PublicClient };
  }
  return shared;
}

/** The transport to the configured chain, over the shared chain lock. */
export function sharedTransport(): CustomTransport {
  return sharedChain().transport;
}

export function publicClient(): PublicClient {
  return sharedChain().client;
}
