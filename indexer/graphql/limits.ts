/**
 * The query API's limits, refused before a query runs (or, for the result's size and the time, while it runs):
 * graph-node's environment variables, with its defaults where it has one and a protective one where graph-node has
 * none, plus caps on the request body and on the fields of a query.
 */
import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  Kind,
  print,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

export type QueryLimits = {
  /** `GRAPH_GRAPHQL_MAX_DEPTH` (graph-node's default, 255): the deepest nesting of selections a query may have. */
  maxDepth: number;
  /**
   * `GRAPH_GRAPHQL_MAX_COMPLEXITY` (1,000,000; graph-node has no default): how many entities a query may
   * potentially return, counted as graph-node counts them (a collection returns `first`, 100 unless given).
   */
  maxComplexity: number;
  /** `GRAPH_GRAPHQL_MAX_FIRST` (graph-node's default, 1000): the largest `first` a collection may ask for. */
  maxFirst: number;
  /** `GRAPH_GRAPHQL_MAX_SKIP` (5000; graph-node has no default): the largest `skip`. */
  maxSkip: number;
  /** `TRIMTAB_GRAPHQL_MAX_FIELDS` (1000): how many field selections (aliases included) a query's text may hold. */
  maxFields: number;
  /** `GRAPH_GRAPHQL_QUERY_TIMEOUT`, in seconds (10; graph-node has no default): how long a query may run. */
  queryTimeoutSec: number;
  /** `GRAPH_GRAPHQL_WARN_RESULT_SIZE`, in bytes (none, as graph-node): a larger result is logged. */
  warnResultBytes: number;
  /** `GRAPH_GRAPHQL_ERROR_RESULT_SIZE`, in bytes (10 MiB; graph-node has no default): a larger result is refused. */
  errorResultBytes: number;
  /** `TRIMTAB_GRAPHQL_MAX_BODY_BYTES` (1 MiB): the largest request body the server reads. */
  maxBodyBytes: number;
};

export const defaultQueryLimits: QueryLimits = {
  maxDepth: 255,
  maxComplexity: 1_000_000,
  maxFirst: 1000,
  maxSkip: 5000,
  maxFields: 1000,
  queryTimeoutSec: 10,
  warnResultBytes: Number.POSITIVE_INFINITY,
  errorResultBytes: 10 * 1_048_576,
  maxBodyBytes: 1_048_576,
};

/** Each limit's environment variable. */
export const queryLimitVariables: { readonly [K in keyof QueryLimits]: string } = {
  maxDepth: "GRAPH_GRAPHQL_MAX_DEPTH",
  maxComplexity: "GRAPH_GRAPHQL_MAX_COMPLEXITY",
  maxFirst: "GRAPH_GRAPHQL_MAX_FIRST",
  maxSkip: "GRAPH_GRAPHQL_MAX_SKIP",
  maxFields: "TRIMTAB_GRAPHQL_MAX_FIELDS",
  queryTimeoutSec: "GRAPH_GRAPHQL_QUERY_TIMEOUT",
  warnResultBytes: "GRAPH_GRAPHQL_WARN_RESULT_SIZE",
  errorResultBytes: "GRAPH_GRAPHQL_ERROR_RESULT_SIZE",
  maxBodyBytes: "TRIMTAB_GRAPHQL_MAX_BODY_BYTES",
};

/**
 * The integer variable `name` of `env`, or `fallback` when it is unset; a value that is not an integer of at least
 * `min` names itself.
 */
export function integerFromEnv(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min = 1,
): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) {
    const kind = min === 1 ? "a positive integer" : `an integer of at least ${min}`;
    throw new Error(`${name} must be ${kind}, got "${text}"`);
  }
  return value;
}

/** The limits from the environment, each variable a positive integer when set (a bad value names itself). */
export function queryLimitsFromEnv(env: Record<string, string | undefined> = process.env): QueryLimits {
  const limits = { ...defaultQueryLimits };
  for (const key of Object.keys(queryLimitVariables) as (keyof QueryLimits)[]) {
    limits[key] = integerFromEnv(env, queryLimitVariables[key], defaultQueryLimits[key]);
  }
  return limits;
}

/** The message of a query deeper than `maxDepth`. */
export function tooDeepMessage(maxDepth: number): string {
  return `query has a depth that exceeds the limit of ${maxDepth} (GRAPH_GRAPHQL_MAX_DEPTH)`;
}

/** graph-node's message for a query that may return more than `maxComplexity` entities. */
export function tooComplexMessage(complexity: number, maxComplexity: number): string {
  const count = Number.isFinite(complexity) ? String(complexity) : "too many";
  return (
    `query potentially returns \`${count}\` entities or more and thereby exceeds the limit of \`${maxComplexity}\` ` +
    "entities (GRAPH_GRAPHQL_MAX_COMPLEXITY). Possible solutions are reducing the depth of the query, querying " +
    "fewer relationships or using `first` to return smaller collections"
  );
}

/** The message of a query with more field selections than `maxFields`. */
export function tooManyFieldsMessage(fields: number, maxFields: number): string {
  return `query has ${fields} field selections, more than the limit of ${maxFields} (TRIMTAB_GRAPHQL_MAX_FIELDS)`;
}

/**
 * Tokens a query's text may hold per field it may select: names, punctuation, arguments and their values (a list of
 * ids in `id_in` included). Parsing stops past them.
 */
export const tokensPerField = 50;

/** The message of a query whose text holds more than `maxTokens` tokens. */
export function tooManyTokensMessage(maxTokens: number, maxFields: number): string {
  return (
    `query has more than ${maxTokens} tokens, ${tokensPerField} for each of the ${maxFields} fields a query may ` +
    "select (TRIMTAB_GRAPHQL_MAX_FIELDS)"
  );
}

/** The message of a result larger than `maxBytes`. */
export function resultTooBigMessage(maxBytes: number): string {
  return `the result is larger than the limit of ${maxBytes} bytes (GRAPH_GRAPHQL_ERROR_RESULT_SIZE)`;
}

/** The message of a query that ran past its time. */
export function timedOutMessage(timeoutSec: number): string {
  return `Query timed out after ${timeoutSec} s (GRAPH_GRAPHQL_QUERY_TIMEOUT)`;
}

/**
 * The deepest nesting of braces and brackets in a query's text, outside strings and comments. It bounds the
 * selection depth from above (input objects and lists nest too), and is known before parsing: a query nested deeper
 * than the parser's recursion can follow is refused first.
 */
export function textNesting(query: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (c === "#") {
      while (i < query.length && query[i] !== "\n") i++;
    } else if (c === '"') {
      const block = query.startsWith('"""', i);
      const end = block ? '"""' : '"';
      for (i += end.length; i < query.length && !query.startsWith(end, i); i++) if (query[i] === "\\") i++;
      i += end.length - 1;
    } else if (c === "{" || c === "[") deepest = Math.max(deepest, ++depth);
    else if (c === "}" || c === "]") depth--;
  }
  return deepest;
}

/** The deepest nesting of field selections in a parsed query, fragments expanded (a fragment cycle counts once). */
export function selectionDepth(document: DocumentNode): number {
  const fragments = new Map<string, SelectionSetNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d.selectionSet);
  const memo = new Map<string, number>();
  const depthOf = (set: SelectionSetNode, expanding: ReadonlySet<string>): number => {
    let deepest = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD)
        deepest = Math.max(deepest, s.selectionSet ? 1 + depthOf(s.selectionSet, expanding) : 1);
      else if (s.kind === Kind.INLINE_FRAGMENT) deepest = Math.max(deepest, depthOf(s.selectionSet, expanding));
      else {
        const name = s.name.value;
        const fragment = fragments.get(name);
        if (!fragment || expanding.has(name)) continue;
        // Each fragment's depth once: a query spreading fragments into fragments cannot make this exponential.
        if (!memo.has(name)) memo.set(name, depthOf(fragment, new Set([...expanding, name])));
        deepest = Math.max(deepest, memo.get(name)!);
      }
    }
    return deepest;
  };
  let deepest = 0;
  for (const d of document.definitions) {
    if (d.kind === Kind.OPERATION_DEFINITION) deepest = Math.max(deepest, depthOf(d.selectionSet, new Set()));
  }
  return deepest;
}

/** How many field selections a query's text holds (each alias counts; a fragment counts once, where it is written). */
export function fieldCount(document: DocumentNode): number {
  let count = 0;
  const walk = (set: SelectionSetNode | undefined) => {
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.FIELD) count++;
      if (s.kind !== Kind.FRAGMENT_SPREAD) walk(s.selectionSet);
    }
  };
  for (const d of document.definitions) {
    if (d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION) walk(d.selectionSet);
  }
  return count;
}

/**
 * The query with each selection written twice in one selection set kept once. GraphQL merges such repeats into one
 * field, so the answer is the same; but validation compares every pair of fields that share a name, and a query of
 * the same field repeated thousands of times would hold the server for minutes.
 */
export function withoutRepeatedSelections(document: DocumentNode): DocumentNode {
  const dedupe = (set: SelectionSetNode): SelectionSetNode => {
    const seen = new Set<string>();
    const selections: SelectionNode[] = [];
    for (const s of set.selections) {
      const kept =
        s.kind === Kind.FRAGMENT_SPREAD || !s.selectionSet ? s : { ...s, selectionSet: dedupe(s.selectionSet) };
      const text = print(kept);
      if (seen.has(text)) continue;
      seen.add(text);
      selections.push(kept);
    }
    return selections.length === set.selections.length ? set : { ...set, selections };
  };
  return {
    ...document,
    definitions: document.definitions.map((d) =>
      d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION
        ? { ...d, selectionSet: dedupe(d.selectionSet) }
        : d,
    ),
  };
}

/**
 * How many entities a query may return, as graph-node counts it: a field of scalars counts nothing, a single entity
 * what its selection counts, and a collection `first` (100 unless given) plus `first` times what its selection
 * counts. Introspection counts nothing; a fragment counts where it is spread (a cycle is left to validation).
 */
export function queryComplexity(
  document: DocumentNode,
  schema: GraphQLSchema,
  variables: Readonly<Record<string, unknown>> = {},
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const firstOf = (field: FieldNode): number => {
    const value: ValueNode | undefined = field.arguments?.find((a) => a.name.value === "first")?.value;
    if (value?.kind === Kind.INT) return Number(value.value);
    if (value?.kind === Kind.VARIABLE) {
      const given = variables[value.name.value];
      if (typeof given === "number" && Number.isFinite(given)) return given;
    }
    return 100;
  };
  const memo = new Map<string, number>();
  const ofSet = (type: GraphQLObjectType, set: SelectionSetNode, expanding: ReadonlySet<string>): number => {
    let total = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (!s.selectionSet || s.name.value.startsWith("__")) continue;
        const definition = type.getFields()[s.name.value];
        if (!definition) continue;
        const named = getNamedType(definition.type);
        if (!isObjectType(named)) continue;
        const inner = ofSet(named, s.selectionSet, expanding);
        if (isListType(getNullableType(definition.type))) {
          const first = Math.max(0, firstOf(s));
          total += first + first * inner;
        } else total += inner;
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        const on = s.typeCondition ? schema.getType(s.typeCondition.name.value) : type;
        if (isObjectType(on)) total += ofSet(on, s.selectionSet, expanding);
      } else {
        const name = s.name.value;
        const fragment = fragments.get(name);
        const on = fragment && schema.getType(fragment.typeCondition.name.value);
        if (!fragment || !isObjectType(on) || expanding.has(name)) continue;
        if (!memo.has(name)) memo.set(name, ofSet(on, fragment.selectionSet, new Set([...expanding, name])));
        total += memo.get(name)!;
      }
    }
    return total;
  };
  const query = schema.getQueryType();
  let total = 0;
  for (const d of document.definitions) {
    if (d.kind === Kind.OPERATION_DEFINITION && query) total += ofSet(query, d.selectionSet, new Set());
  }
  return total;
}
