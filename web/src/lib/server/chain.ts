/** The chain from the web server: a viem public client whose every request shares the chain lock. */
import { createPublicClient, custom, http, type PublicClient } from "viem";
import { withSharedChain } from "./chainLock.ts";
import { serverConfig } from "./config.ts";

let client: { url: string; client: PublicClient } | undefined;

export function publicClient(): PublicClient {
  const { rpcUrl } = serverConfig();
  if (client?.url === rpcUrl) return client.client;
  const transport = http(rpcUrl, { retryCount: 0 })({});
  const shared = createPublicClient({
    transport: custom({ request: (args) => withSharedChain(() => transport.request(args)) }),
  }) as PublicClient;
  client = { url: rpcUrl, client: shared };
  return shared;
}
