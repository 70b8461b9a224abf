/**
 * The query API over HTTP, at graph-node's paths: `/subgraphs/name/<name>` and `/subgraphs/id/<deployment>`, with
 * `{ query, variables, operationName }` as JSON (POST) or query parameters (GET). GraphQL errors come back as
 * graph-node returns them: HTTP 200 with `{ "errors": [{ "message", "locations"? }] }`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { execute, GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema } from "graphql";
import type { Sql } from "../store/database.ts";
import type { DatabaseStore } from "../store/databaseStore.ts";
import {
  defaultQueryLimits,
  fieldCount,
  queryComplexity,
  selectionDepth,
  textNesting,
  timedOutMessage,
  tooComplexMessage,
  tooDeepMessage,
  tooManyFieldsMessage,
  withoutRepeatedSelections,
  type QueryLimits,
} from "./limits.ts";
import { startRun, type QueryContext } from "./resolvers.ts";

export type QueryServerOptions = {
  schema: GraphQLSchema;
  sql: Sql;
  store: Pick<DatabaseStore, "status">;
  name: string;
  deployment: string;
  /** The limits queries are held to (`defaultQueryLimits` when not given). */
  limits?: QueryLimits;
  /** Where a warning goes (a result past `GRAPH_GRAPHQL_WARN_RESULT_SIZE`); console.warn when not given. */
  warn?: (message: string) => void;
};

type Request = { query?: unknown; variables?: unknown; operationName?: unknown };

/** The request's body, read up to `maxBytes`: undefined as soon as it passes the limit (the rest is not read). */
async function body(request: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of request) {
    bytes += (chunk as Buffer).length;
    if (bytes > maxBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** What is wrong with the request's shape (the client's mistake), or undefined when nothing is. */
function requestMistake(request: unknown): string | undefined {
  if (!isObject(request)) return "The request must be a JSON object with a `query`";
  if (typeof request.query !== "string") return "The `query` field must be a string";
  if (request.variables !== undefined && request.variables !== null && !isObject(request.variables)) {
    return "The `variables` field must be a JSON object";
  }
  return undefined;
}

/**
 * The query parsed and held to the limits that need no execution, or the GraphQL errors that refuse it: a syntax
 * error; a depth past the limit (checked on the text before parsing, so that no nesting can exhaust the parser's
 * stack, and exactly after); too many fields; or too many entities potentially returned. A selection repeated in one
 * selection set is kept once (see `withoutRepeatedSelections`).
 */
function parseWithin(
  query: string,
  variables: Readonly<Record<string, unknown>>,
  schema: GraphQLSchema,
  limits: QueryLimits,
): DocumentNode | { errors: object[] } {
  const refuse = (message: string) => ({ errors: [{ message }] });
  // Input objects and lists nest in the text too: the text may nest twice the limit before it is refused unparsed.
  if (textNesting(query) > 2 * limits.maxDepth) return refuse(tooDeepMessage(limits.maxDepth));
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    if (error instanceof GraphQLError) return { errors: [error.toJSON()] };
    throw error;
  }
  if (selectionDepth(document) > limits.maxDepth) return refuse(tooDeepMessage(limits.maxDepth));
  const fields = fieldCount(document);
  if (fields > limits.maxFields) return refuse(tooManyFieldsMessage(fields, limits.maxFields));
  document = withoutRepeatedSelections(document);
  const complexity = queryComplexity(document, schema, variables);
  if (complexity > limits.maxComplexity) return refuse(tooComplexMessage(complexity, limits.maxComplexity));
  return document;
}

/** graph-node's validation names the problem without graphql-js's "Did you mean …?" suggestions. */
const withoutSuggestion = (error: GraphQLError) => {
  const json = error.toJSON();
  return { ...json, message: json.message.replace(/ Did you mean .*\?$/, "") };
};

/**
 * Runs one GraphQL request against the store's current state, held to `options.limits`: refused before it runs when
 * it is too deep, too wide or too complex, and stopped (with no partial data) when its result grows past the size
 * limit or it runs past its time.
 */
export async function executeQuery(options: QueryServerOptions, request: Request): Promise<object> {
  const mistake = requestMistake(request);
  if (mistake !== undefined || typeof request.query !== "string") return { errors: [{ message: mistake }] };
  const limits = options.limits ?? defaultQueryLimits;
  const variables = (request.variables as Record<string, unknown> | null | undefined) ?? {};
  const document = parseWithin(request.query, variables, options.schema, limits);
  if ("errors" in document) return document;
  const validationErrors = validate(options.schema, document);
  if (validationErrors.length > 0) return { errors: validationErrors.map(withoutSuggestion) };
  const run = startRun(limits);
  const contextValue: QueryContext = {
    sql: options.sql,
    deployment: options.deployment,
    status: await options.store.status(),
    limits,
    run,
  };
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), Math.max(0, run.deadlineMs - performance.now()));
  });
  const result = await Promise.race([
    Promise.resolve(
      execute({
        schema: options.schema,
        document,
        variableValues: variables,
        operationName: typeof request.operationName === "string" ? request.operationName : undefined,
        contextValue,
      }),
    ),
    timedOut,
  ]).finally(() => clearTimeout(timer));
  if (result === "timeout" || run.failure) {
    // Resolvers still running stop at their next step (the failure is theirs too); the answer does not wait.
    run.failure ??= new GraphQLError(timedOutMessage(limits.queryTimeoutSec));
    return { errors: [{ message: run.failure.message }] };
  }
  if (run.resultBytes > limits.warnResultBytes) {
    (options.warn ?? console.warn)(
      `[graphql] a result of about ${run.resultBytes} bytes is larger than GRAPH_GRAPHQL_WARN_RESULT_SIZE ` +
        `(${limits.warnResultBytes}): ${request.query.slice(0, 200)}`,
    );
  }
  const errors = result.errors?.map(withoutSuggestion);
  return errors ? { ...(result.data ? { data: result.data } : {}), errors } : { data: result.data };
}

/** Answers `payload` as JSON: serialised before any header is written, so that a failure leaves nothing half-sent. */
function send(res: ServerResponse, status: number, payload: object): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { "content-type": "application/json", "access-control-allow-origin": "*" });
  res.end(text);
}

export function startQueryServer(options: QueryServerOptions & { port: number; host?: string }): Promise<Server> {
  const paths = new Set([`/subgraphs/name/${options.name}`, `/subgraphs/id/${options.deployment}`]);
  const limits = options.limits ?? defaultQueryLimits;
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Whatever went wrong, the process goes on: answer if nothing was sent yet, else drop the connection.
      if (res.headersSent) res.destroy();
      else send(res, 500, { errors: [{ message: error instanceof Error ? error.message : String(error) }] });
    });
  });
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
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
      send(res, 404, {
        errors: [{ message: `No subgraph at ${url.pathname}: query /subgraphs/name/${options.name}` }],
      });
      return;
    }
    let request: unknown;
    try {
      if (req.method === "GET") {
        const variables = url.searchParams.get("variables");
        request = {
          query: url.searchParams.get("query") ?? undefined,
          variables: variables ? JSON.parse(variables) : undefined,
          operationName: url.searchParams.get("operationName") ?? undefined,
        };
      } else if (req.method === "POST") {
        const text = await body(req, limits.maxBodyBytes);
        if (text === undefined) {
          // The rest of the body is not read: the connection closes after the answer.
          res.setHeader("connection", "close");
          const message = `The request body is larger than ${limits.maxBodyBytes} bytes (TRIMTAB_GRAPHQL_MAX_BODY_BYTES)`;
          send(res, 413, { errors: [{ message }] });
          return;
        }
        request = JSON.parse(text);
      } else {
        send(res, 405, { errors: [{ message: `Method ${req.method} is not allowed: use POST or GET` }] });
        return;
      }
    } catch (error) {
      send(res, 400, { errors: [{ message: `The request body is not valid JSON: ${(error as Error).message}` }] });
      return;
    }
    const mistake = requestMistake(request);
    if (mistake !== undefined) {
      send(res, 400, { errors: [{ message: mistake }] });
      return;
    }
    send(res, 200, await executeQuery({ ...options, limits }, request as Request));
  };
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => resolve(server));
  });
}
