import { json } from "@sveltejs/kit";
import { serverConfig } from "#lib/server/config.ts";
import type { RequestHandler } from "./$types";

/** The subgraph's GraphQL for the browser (the console, the vote's tally), relayed as is. */
export const POST: RequestHandler = async ({ request }) => {
  const body = await request.text();
  if (body.length > 100_000)
    return json({ errors: [{ message: "the query is over 100,000 characters" }] }, { status: 413 });
  try {
    const response = await fetch(serverConfig().graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    return new Response(await response.text(), {
      status: response.status,
      headers: { "content-type": "application/json" },
    });
  } catch (error) {
    return json(
      { errors: [{ message: `the subgraph does not answer: ${(error as Error).message}` }] },
      { status: 502 },
    );
  }
};
