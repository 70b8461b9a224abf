import { exampleQueries } from "#lib/analytics/exampleQueries.ts";
import { postQuery } from "#lib/analytics/request.ts";
import { requestedQuery } from "#lib/analytics/requestedQuery.ts";
import { parseVariables } from "#lib/analytics/variables.ts";
import type { PageServerLoad } from "./$types";

// The examples' texts are compiled into the server build (Vite's `?raw`): the server needs no repository beside it.
const files = import.meta.glob<string>("../../../../docs/queries/*.graphql", {
  query: "?raw",
  import: "default",
  eager: true,
});
const examples = exampleQueries(files);

/**
 * The example queries for analysts (docs/queries/, read once when the server starts), and the query the address asks
 * for (the first example by default) run here through the app's relay: the page shows a result before its script
 * runs, and its form works without JavaScript.
 */
export const load: PageServerLoad = async ({ url, fetch }) => {
  const requested = requestedQuery(url.searchParams, examples);
  const variables = parseVariables(requested.variablesText);
  const started = performance.now();
  const outcome = variables.ok ? await postQuery(fetch, requested.query, variables.variables) : undefined;
  return {
    examples,
    requested,
    variablesError: variables.ok ? "" : variables.error,
    outcome,
    elapsedMs: performance.now() - started,
  };
};
