/**
 * One GraphQL request against the store, as graph-node runs it: the request's shape checked, the query parsed and
 * held to its limits (see `limits.ts`), validated, executed at one head, and its errors in graph-node's form (HTTP
 * 200 with `{ "errors": [{ "message", "locations"? }] }`). The HTTP server, the query worker and the tests call it.
 */
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
  tokensPerField,
  tooManyTokensMessage,
  tooComplexMessage,
  tooDeepMessage,
  tooManyFieldsMessage,
  withoutRepeatedSelections,
  type QueryLimits,
} from "./limits.ts";
import { startRun, type QueryContext } from "./resolvers.ts";

/** What a request runs against. */
export type QueryApi = {
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

/** A GraphQL request as it arrives: its fields are checked by `requestMistake`. */
export type GraphQLRequest = { query?: unknown; variables?: unknown; operationName?: unknown };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** What is wrong with the request's shape (the client's mistake), or undefined when nothing is. */
export function requestMistake(request: unknown): string | undefined {
  if (!isObject(request)) return "The request must be a JSON object with a `query`";
  if (typeof request.query !== "string") return "The `query` field must be a string";
  if (request.variables !== undefined && request.variables !== null && !isObject(request.variables)) {
    return "The `variables` field must be a JSON object";
  }
  return undefined;
}

/** graph-node's validation names the problem without graphql-js's "Did you mean …?" suggestions. */
const withoutSuggestion = (error: GraphQLError) => {
  const json = error.toJSON();
  return { ...json, message: json.message.replace(/ Did you mean .*\?$/, "") };
};

/**
 * The query parsed, held to the limits its text alone decides, and validated; or the GraphQL errors that refuse it: a
 * syntax error; a depth past the limit (checked on the text before parsing, so that no nesting can exhaust the
 * parser's stack, and exactly after); too many tokens or fields; or what validation finds. A selection repeated in
 * one selection set is kept once (see `withoutRepeatedSelections`).
 */
function checkedDocument(query: string, schema: GraphQLSchema, limits: QueryLimits): Checked {
  const refuse = (message: string) => ({ errors: [{ message }] });
  // Input objects and lists nest in the text too: the text may nest twice the limit before it is refused unparsed.
  if (textNesting(query) > 2 * limits.maxDepth) return refuse(tooDeepMessage(limits.maxDepth));
  let document: DocumentNode;
  // Parsing stops early on a text far too long for the field limit: a megabyte of fields takes a second to parse.
  const maxTokens = tokensPerField * limits.maxFields;
  try {
    document = parse(query, { maxTokens });
  } catch (error) {
    if (error instanceof GraphQLError && /Document contains more th(?:an|at) \d+ tokens/.test(error.message)) {
      return refuse(tooManyTokensMessage(maxTokens, limits.maxFields));
    }
    if (error instanceof GraphQLError) return { errors: [error.toJSON()] };
    throw error;
  }
  if (selectionDepth(document) > limits.maxDepth) return refuse(tooDeepMessage(limits.maxDepth));
  const fields = fieldCount(document);
  if (fields > limits.maxFields) return refuse(tooManyFieldsMessage(fields, limits.maxFields));
  document = withoutRepeatedSelections(document);
  const validationErrors = validate(schema, document);
  if (validationErrors.length > 0) return { errors: validationErrors.map(withoutSuggestion) };
  return document;
}

type Checked = DocumentNode | { errors: object[] };

/** Checked queries by their text, per schema: a crowd sends the same few queries, parsed and validated once. */
const checkedCache = new WeakMap<GraphQLSchema, Map<string, Checked>>();
const checkedCacheEntries = 500;
const checkedCacheMaxText = 65_536;

/** `checkedDocument`, from the cache when this text was checked under the same limits (least recently used out). */
function cachedCheck(query: string, schema: GraphQLSchema, limits: QueryLimits): Checked {
  if (query.length > checkedCacheMaxText) return checkedDocument(query, schema, limits);
  let cache = checkedCache.get(schema);
  if (!cache) checkedCache.set(schema, (cache = new Map()));
  const key = `${limits.maxDepth}:${limits.maxFields}:${query}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const checked = checkedDocument(query, schema, limits);
  cache.set(key, checked);
  if (cache.size > checkedCacheEntries) cache.delete(cache.keys().next().value!);
  return checked;
}

/**
 * Runs one GraphQL request against the store's current state, held to `options.limits`: refused before it runs when
 * it is too deep, too wide or too complex, and stopped (with no partial data) when its result grows past the size
 * limit or it runs past its time.
 */
export async function executeQuery(options: QueryApi, request: GraphQLRequest): Promise<object> {
  const mistake = requestMistake(request);
  if (mistake !== undefined || typeof request.query !== "string") return { errors: [{ message: mistake }] };
  const limits = options.limits ?? defaultQueryLimits;
  const variables = (request.variables as Record<string, unknown> | null | undefined) ?? {};
  const document = cachedCheck(request.query, options.schema, limits);
  if ("errors" in document) return document;
  const complexity = queryComplexity(document, options.schema, variables);
  if (complexity > limits.maxComplexity) {
    return { errors: [{ message: tooComplexMessage(complexity, limits.maxComplexity) }] };
  }
  const run = startRun(limits);
  const contextValue: QueryContext = {
    sql: options.sql,
    deployment: options.deployment,
    status: await options.store.status(),
    limits,
    run,
    batches: new Map(),
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
