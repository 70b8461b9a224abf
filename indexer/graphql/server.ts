/**
 * The query API over HTTP, at graph-node's paths: `/subgraphs/name/<name>` and `/subgraphs/id/<deployment>`, with
 * `{ query, variables, operationName }` as JSON (POST) or query parameters (GET). GraphQL errors come back as
 * graph-node returns them: HTTP 200 with `{ "errors": [{ "message", "locations"? }] }`.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { graphql, type GraphQLSchema } from "graphql";
import type { Sql } from "../store/database.ts";
import type { DatabaseStore } from "../store/databaseStore.ts";
import type { QueryContext } from "./resolvers.ts";

export type QueryServerOptions = {
  schema: GraphQLSchema;
  sql: Sql;
  store: Pick<DatabaseStore, "status">;
  name: string;
  deployment: string;
};

type Request = { query?: unknown; variables?: unknown; operationName?: unknown };

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Runs one GraphQL request against the store's current state. */
export async function executeQuery(options: QueryServerOptions, request: Request): Promise<object> {
  if (typeof request.query !== "string") return { errors: [{ message: "The `query` field must be a string" }] };
  const contextValue: QueryContext = {
    sql: options.sql,
    deployment: options.deployment,
    status: await options.store.status(),
  };
  const result = await graphql({
    schema: options.schema,
    source: request.query,
    variableValues: (request.variables as Record<string, unknown> | null | undefined) ?? undefined,
    operationName: typeof request.operationName === "string" ? request.operationName : undefined,
    contextValue,
  });
  // graph-node's validation names the problem without graphql-js's "Did you mean …?" suggestions.
  const errors = result.errors?.map((e) => {
    const json = e.toJSON();
    return { ...json, message: json.message.replace(/ Did you mean .*\?$/, "") };
  });
  return errors ? { ...(result.data ? { data: result.data } : {}), errors } : { data: result.data };
}

export function startQueryServer(options: QueryServerOptions & { port: number; host?: string }): Promise<Server> {
  const paths = new Set([`/subgraphs/name/${options.name}`, `/subgraphs/id/${options.deployment}`]);
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const send = (status: number, payload: object) => {
      res.writeHead(status, { "content-type": "application/json", "access-control-allow-origin": "*" });
      res.end(JSON.stringify(payload));
    };
    if (req.method === "OPTIONS") {
      res.writeHead(204, {
        "access-control-allow-origin": "*",
        "access-control-allow-headers": "content-type",
        "access-control-allow-methods": "GET, POST, OPTIONS",
      });
      res.end();
      return;
    }
    if (!paths.has(url.pathname.replace(/\/$/, ""))) {
      send(404, { errors: [{ message: `No subgraph at ${url.pathname}: query /subgraphs/name/${options.name}` }] });
      return;
    }
    let request: Request;
    try {
      if (req.method === "GET") {
        const variables = url.searchParams.get("variables");
        request = {
          query: url.searchParams.get("query") ?? undefined,
          variables: variables ? JSON.parse(variables) : undefined,
          operationName: url.searchParams.get("operationName") ?? undefined,
        };
      } else if (req.method === "POST") {
        request = JSON.parse(await body(req)) as Request;
      } else {
        send(405, { errors: [{ message: `Method ${req.method} is not allowed: use POST or GET` }] });
        return;
      }
    } catch (error) {
      send(400, { errors: [{ message: `The request body is not valid JSON: ${(error as Error).message}` }] });
      return;
    }
    try {
      send(200, await executeQuery(options, request ?? {}));
    } catch (error) {
      send(500, { errors: [{ message: (error as Error).message }] });
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => resolve(server));
  });
}
