/**
 * One query from the console, posted to the app's GraphQL relay: the answer's data and every error message as the
 * subgraph (or the relay, or the network) states it. Never throws, so that the console can show whatever happened.
 */
import { postGraphql } from "../../../../sdk/graphql.ts";
import { isJsonObject, type Json, type JsonObject } from "./table.ts";

/** Where in the query an error is: 1-based, as GraphQL states it. */
export type ErrorLocation = { line: number; column: number };

/** What a query came back with: `data` (possibly partial) and `errors` may both be present. */
export type QueryOutcome = {
  /** The HTTP status, or undefined when no answer came. */
  status: number | undefined;
  data: JsonObject | null;
  errors: string[];
  /** Where in the query each error is (`errorLocations`), when the subgraph placed any. */
  locations?: (ErrorLocation | undefined)[];
  /** The answer's body, indented when it is JSON. */
  raw: string;
};

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** The app's relay to the subgraph's GraphQL. */
export const graphqlRelayUrl = "/api/graphql";

/** The messages of a GraphQL `errors` array, each as the server wrote it (an item with no message as JSON). */
export function errorMessages(errors: Json | undefined): string[] {
  if (errors === undefined || errors === null) return [];
  const items = Array.isArray(errors) ? errors : [errors];
  return items.map((item) =>
    isJsonObject(item) && typeof item.message === "string"
      ? item.message
      : typeof item === "string"
        ? item
        : JSON.stringify(item),
  );
}

/** The first location of each item of a GraphQL `errors` array (undefined for an item that has none). */
export function errorLocations(errors: Json | undefined): (ErrorLocation | undefined)[] {
  if (errors === undefined || errors === null) return [];
  return (Array.isArray(errors) ? errors : [errors]).map((item) => {
    const first = isJsonObject(item) && Array.isArray(item.locations) ? item.locations[0] : undefined;
    if (!isJsonObject(first) || typeof first.line !== "number" || typeof first.column !== "number") return undefined;
    return { line: first.line, column: first.column };
  });
}

/** Reads a GraphQL answer: its data and errors, with an error for an HTTP failure that names no error itself. */
export function readAnswer(status: number, text: string): QueryOutcome {
  let body: Json;
  try {
    body = JSON.parse(text) as Json;
  } catch {
    const excerpt = text.trim().slice(0, 300);
    return {
      status,
      data: null,
      errors: [`The subgraph answered HTTP ${status} with no JSON${excerpt ? `: ${excerpt}` : "."}`],
      raw: text,
    };
  }
  const raw = JSON.stringify(body, null, 2);
  if (!isJsonObject(body))
    return { status, data: null, errors: [`The subgraph answered HTTP ${status} with no GraphQL object.`], raw };
  const data = isJsonObject(body.data) ? body.data : null;
  const errors = errorMessages(body.errors);
  if (errors.length === 0 && (status < 200 || status > 299)) errors.push(`The subgraph answered HTTP ${status}.`);
  if (errors.length === 0 && data === null) errors.push("The subgraph answered with neither data nor errors.");
  const locations = errorLocations(body.errors);
  return { status, data, errors, ...(locations.some(Boolean) ? { locations } : {}), raw };
}

/** Posts `{query, variables}` to the relay and reads the answer; a network failure comes back as an error. */
export async function postQuery(
  fetchFn: Fetch,
  query: string,
  variables: JsonObject,
  { url = graphqlRelayUrl, signal }: { url?: string; signal?: AbortSignal } = {},
): Promise<QueryOutcome> {
  try {
    const response = await postGraphql(url, query, variables, { fetch: fetchFn, signal });
    return readAnswer(response.status, await response.text());
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { status: undefined, data: null, errors: [`No answer from ${url}: ${message}`], raw: "" };
  }
}
