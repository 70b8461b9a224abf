/**
 * GraphQL over HTTP against the subgraph (graph-node's API or the local indexer's), written once for the web app,
 * the devnet, the scripts and the tests: where a subgraph answers (graph-node's `/subgraphs/name/<name>`), one
 * POST of `{ query, variables }`, and a request whose `errors` become one `GraphqlError` naming each message and
 * whose `data` the caller types.
 */
export type GraphqlResponse<T> = { data?: T; errors?: { message: string }[] };

export class GraphqlError extends Error {
  override name = "GraphqlError";
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** The subgraph's name in Trimtab's deployments. */
export const subgraphName = "trimtab";

/** graph-node's path of a subgraph by name: `/subgraphs/name/trimtab`. */
export const subgraphPath = (name: string = subgraphName) => `/subgraphs/name/${name}`;

/** The GraphQL URL of subgraph `name` at `origin` (`http://127.0.0.1:8000`). */
export const subgraphUrl = (origin: string, name: string = subgraphName) => `${origin}${subgraphPath(name)}`;

/** POSTs a query as graph-node takes it (JSON `{ query, variables }`); the response, whatever its status. */
export function postGraphql(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  { fetch: fetchFn = fetch, signal }: { fetch?: Fetch; signal?: AbortSignal | undefined } = {},
): Promise<Response> {
  return fetchFn(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ query, variables }),
    ...(signal ? { signal } : {}),
  });
}

/** The `data` of a query; a `GraphqlError` when the subgraph does not answer, answers no JSON, or errors. */
export async function graphqlRequest<T>(
  fetchFn: Fetch,
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  let response: Response;
  try {
    response = await postGraphql(url, query, variables, { fetch: fetchFn });
  } catch (error) {
    throw new GraphqlError(`the subgraph at ${url} does not answer (${(error as Error).message})`);
  }
  const text = await response.text();
  let body: GraphqlResponse<T>;
  try {
    body = JSON.parse(text) as GraphqlResponse<T>;
  } catch {
    throw new GraphqlError(`the subgraph answered HTTP ${response.status} with no JSON: ${text.slice(0, 200)}`);
  }
  if (body.errors?.length) throw new GraphqlError(body.errors.map((e) => e.message).join("; "));
  if (!body.data) throw new GraphqlError(`the subgraph answered HTTP ${response.status} with no data`);
  return body.data;
}
