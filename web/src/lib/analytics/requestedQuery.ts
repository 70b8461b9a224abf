/**
 * What the console opens with, from its address: `?query=…&variables=…` (what its form sends when the page runs
 * without JavaScript, and a link to share), `?example=<name>`, or else the first example. The server runs it, so that
 * the page shows its result before (or without) its script.
 */
import type { ExampleQuery } from "./exampleQueries.ts";

/** The query the console opens with, its variables' text, the example it is (if one), and what was wrong if anything. */
export type RequestedQuery = { query: string; variablesText: string; example: string | undefined; problem: string };

/** What the console shows when there is no example: the indexed head. */
export const headQuery = "{\n  _meta {\n    block {\n      number\n    }\n    hasIndexingErrors\n  }\n}";

/** The query asked for by `params`, falling back to the first example (and saying so when an example is unknown). */
export function requestedQuery(params: URLSearchParams, examples: readonly ExampleQuery[]): RequestedQuery {
  const query = params.get("query") ?? "";
  if (query.trim() !== "") {
    const example = examples.find((e) => e.query === query.replace(/\r\n?/g, "\n").trim())?.name;
    return { query, variablesText: params.get("variables") ?? "", example, problem: "" };
  }
  const name = params.get("example");
  const named = name === null ? undefined : examples.find((e) => e.name === name);
  const chosen = named ?? examples[0];
  const problem =
    name !== null && !named
      ? `There is no example "${name}"; the examples are ${examples.map((e) => e.name).join(", ") || "none"}.`
      : "";
  return { query: chosen?.query ?? headQuery, variablesText: "", example: chosen?.name, problem };
}
