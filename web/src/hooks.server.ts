import type { HandleServerError } from "@sveltejs/kit/hooks";
import { publicMessage } from "./lib/server/publicMessage.ts";

/**
 * What a visitor reads when a page cannot load for a reason of ours (the subgraph does not answer, no deployment
 * record…): the reason, without the configured endpoints' URLs or paths, which may hold API keys. The full error
 * goes to the server's log. Errors raised with `error()` and SvelteKit's own (404s) keep their messages.
 */
export const handleError: HandleServerError = (caught) => {
  if (caught.kind !== "unknown") return;
  console.error(caught.error);
  const message = caught.error instanceof Error ? caught.error.message : String(caught.error);
  return { message: publicMessage(message) };
};
