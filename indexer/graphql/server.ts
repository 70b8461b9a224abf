/**
 * The query API over HTTP, at graph-node's paths: `/subgraphs/name/<name>` and `/subgraphs/id/<deployment>`, with
 * `{ query, variables, operationName }` as JSON (POST) or query parameters (GET), and `GET /health`.
 *
 * The server only reads, checks, admits and answers: the queries run elsewhere (`execute`, in the indexer a worker
 * thread), so that its own event loop stays free to answer the health endpoint, shed load and refuse bad requests
 * at once whatever the queries are doing. A client's mistake answers 4xx with a GraphQL error naming it; an
 * overload answers 503 with `Retry-After`; no request can crash the server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { abandoned, admission, defaultLoadLimits, shed, type LoadLimits, type LoadStats } from "./admission.ts";
import { requestMistake, type GraphQLRequest } from "./execute.ts";
import { defaultQueryLimits, type QueryLimits } from "./limits.ts";
import { subgraphPath } from "../../sdk/graphql.ts";

export type QueryServerOptions = {
  name: string;
  deployment: string;
  /** Runs a well-formed request: its GraphQL response, as an object or as JSON text. Throws when it could not run. */
  execute: (request: GraphQLRequest) => Promise<object | string>;
  /** The limits queries are held to (`defaultQueryLimits` when not given): the server reads the body's. */
  limits?: QueryLimits;
  /** When to shed load (`defaultLoadLimits` when not given). */
  load?: LoadLimits;
  /** What `GET /health` reports besides the queries' load; `ok: false` answers 503. */
  health?: () => { ok: boolean } & Record<string, unknown>;
  port: number;
  host?: string;
};

export type QueryServer = Server & { load: () => LoadStats };

/** How long the server goes on reading (and dropping) a refused body before it hangs up. */
const drainMs = 5_000;

/**
 * The request's body, read up to `maxBytes`; undefined as soon as it passes the limit. The rest is then read and
 * dropped, for at most `drainMs`: a server that hangs up on a client still sending makes the client's system reset
 * the connection, and the client would lose the answer that says why.
 */
function body(request: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      request.off("data", onData);
      chunks.length = 0;
      request.resume();
      const hangUp = setTimeout(() => request.socket.destroy(), drainMs).unref();
      request.once("end", () => clearTimeout(hangUp)); // drained: the connection may carry the client's next request
      resolve(undefined);
    };
    request.on("data", onData);
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/**
 * A POST body is read as JSON whatever its content type says, as graph-node reads it: `fetch` sends a string as
 * `text/plain` and `curl -d` as `application/x-www-form-urlencoded`. Only `application/graphql` is a bare query.
 */
const mediaType = (req: IncomingMessage) => (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();

/** Answers `payload` as JSON (text is sent as is): serialised before any header is written, so nothing is half-sent. */
function send(res: ServerResponse, status: number, payload: object | string, headers: Record<string, string> = {}) {
  const text = typeof payload === "string" ? payload : JSON.stringify(payload);
  res.writeHead(status, { "content-type": "application/json", "access-control-allow-origin": "*", ...headers });
  res.end(text);
}
const error = (message: string) => ({ errors: [{ message }] });

export function startQueryServer(options: QueryServerOptions): Promise<QueryServer> {
  const paths = new Set([subgraphPath(options.name), `/subgraphs/id/${options.deployment}`]);
  const limits = options.limits ?? defaultQueryLimits;
  const load = options.load ?? defaultLoadLimits;
  const queries = admission(load);
  const server = createServer((req, res) => {
    handle(req, res).catch((failure: unknown) => {
      // Whatever went wrong, the process goes on: answer if nothing was sent yet, else drop the connection.
      if (res.headersSent) res.destroy();
      else send(res, 500, error(failure instanceof Error ? failure.message : String(failure)));
    });
  });

  /** What the client sent (not yet checked), or the status and message that refuse it. */
  const readRequest = async (
    req: IncomingMessage,
    url: URL,
  ): Promise<{ sent: unknown } | { status: number; message: string; headers?: Record<string, string> }> => {
    if (req.method === "GET") {
      const variables = url.searchParams.get("variables");
      try {
        const sent: GraphQLRequest = {
          query: url.searchParams.get("query") ?? undefined,
          variables: variables ? JSON.parse(variables) : undefined,
          operationName: url.searchParams.get("operationName") ?? undefined,
        };
        return { sent };
      } catch (failure) {
        return { status: 400, message: `The \`variables\` parameter is not valid JSON: ${(failure as Error).message}` };
      }
    }
    if (req.method !== "POST") {
      return {
        status: 405,
        message: `Method ${req.method} is not allowed: use POST or GET`,
        headers: { allow: "GET, POST, OPTIONS" },
      };
    }
    const type = mediaType(req);
    const text = await body(req, limits.maxBodyBytes);
    if (text === undefined) {
      return {
        status: 413,
        message: `The request body is larger than ${limits.maxBodyBytes} bytes (TRIMTAB_GRAPHQL_MAX_BODY_BYTES)`,
      };
    }
    if (type === "application/graphql") return { sent: { query: text } };
    try {
      return { sent: JSON.parse(text) as unknown };
    } catch (failure) {
      const sent = ["", "application/json", "text/plain"].includes(type) ? "" : ` (it was sent as ${type})`;
      return {
        status: 400,
        message: `The request body is not valid JSON${sent}: ${(failure as Error).message}. Send {"query": "…"} as application/json`,
      };
    }
  };

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
    const path = url.pathname.replace(/\/$/, "");
    if (path === "/health") {
      const health = options.health?.() ?? { ok: true };
      send(res, health.ok ? 200 : 503, { ...health, queries: queries.stats() });
      return;
    }
    if (!paths.has(path)) {
      send(res, 404, error(`No subgraph at ${url.pathname}: query ${subgraphPath(options.name)}`));
      return;
    }
    const read = await readRequest(req, url);
    if ("status" in read) {
      send(res, read.status, error(read.message), read.headers);
      return;
    }
    const request = read.sent as GraphQLRequest;
    const mistake = requestMistake(request);
    if (mistake !== undefined) {
      send(res, 400, error(mistake));
      return;
    }
    // A client that hangs up while its request waits in line takes the request out of the line.
    const left = new AbortController();
    res.once("close", () => left.abort());
    let answer: object | string | typeof shed | typeof abandoned;
    try {
      answer = await queries.run(() => options.execute(request), left.signal);
    } catch (failure) {
      // The query could not run (its worker stopped): a moment later it can.
      send(res, 503, error(failure instanceof Error ? failure.message : String(failure)), { "retry-after": "1" });
      return;
    }
    if (answer === shed) {
      const message =
        `The query API is overloaded: this request would wait more than ${load.thresholdMs} ms ` +
        "(GRAPH_LOAD_THRESHOLD). Retry in a second";
      send(res, 503, error(message), { "retry-after": "1" });
      return;
    }
    if (answer === abandoned || res.destroyed) return; // the client left before or while the query ran
    send(res, 200, answer);
  };
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () =>
      resolve(Object.assign(server, { load: queries.stats })),
    );
  });
}
