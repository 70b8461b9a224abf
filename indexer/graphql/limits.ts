/**
 * The query API's limits, refused before a query runs: graph-node's environment variables and defaults where it has
 * them, and a cap on the request body.
 */
import { Kind, type DocumentNode, type SelectionSetNode } from "graphql";

export type QueryLimits = {
  /** `GRAPH_GRAPHQL_MAX_DEPTH` (graph-node's default, 255): the deepest nesting of selections a query may have. */
  maxDepth: number;
  /** `TRIMTAB_GRAPHQL_MAX_BODY_BYTES` (1 MiB): the largest request body the server reads. */
  maxBodyBytes: number;
};

export const defaultQueryLimits: QueryLimits = { maxDepth: 255, maxBodyBytes: 1_048_576 };

/** The limits from the environment, each variable a positive integer when set (a bad value names itself). */
export function queryLimitsFromEnv(env: Record<string, string | undefined> = process.env): QueryLimits {
  const positive = (name: string, fallback: number) => {
    const text = env[name];
    if (text === undefined || text === "") return fallback;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value <= 0)
      throw new Error(`${name} must be a positive integer, got "${text}"`);
    return value;
  };
  return {
    maxDepth: positive("GRAPH_GRAPHQL_MAX_DEPTH", defaultQueryLimits.maxDepth),
    maxBodyBytes: positive("TRIMTAB_GRAPHQL_MAX_BODY_BYTES", defaultQueryLimits.maxBodyBytes),
  };
}

/** The message of a query deeper than `maxDepth`. */
export function tooDeepMessage(maxDepth: number): string {
  return `query has a depth that exceeds the limit of ${maxDepth} (GRAPH_GRAPHQL_MAX_DEPTH)`;
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
