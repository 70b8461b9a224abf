/**
 * GraphQL over HTTP against the subgraph (graph-node's API or the local indexer's): one POST, its `errors` turned
 * into one Error naming each message, its `data` typed by the caller.
 */
export type GraphqlResponse<T> = { data?: T; errors?: { message: string }[] };

export class GraphqlError extends Error {
  override name = "GraphqlError";
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export async function graphqlRequest<T>(
  fetchFn: Fetch,
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetchFn(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
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
