/**
 * Executes the query API against the versioned tables: every read is made at one block (the head, or the
 * `block` argument), `block_range @> block`, as graph-node's time travel does. Filters, orders and nested fields
 * become SQL on the entity tables; values come back in graph-node's JSON forms (BigInt, BigDecimal, Int8 and
 * Timestamp as strings, Bytes as 0x-hex).
 */
import {
  buildSchema,
  type GraphQLObjectType,
  GraphQLError,
  GraphQLScalarType,
  Kind,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  type ValueNode,
} from "graphql";
import { bytesToHex, hexToBytes, isHex, type Hex } from "viem";
import type { EntitySpec, FieldSpec, SubgraphSchema } from "../schema.ts";
import { fromString as decimalFromString, toString as decimalToString } from "../runtime/bigDecimal.ts";
import type { Sql } from "../store/database.ts";
import type { IndexingStatus } from "../store/databaseStore.ts";
import { quote, tableOf, type Column, type Table } from "../store/layout.ts";
import { resultTooBigMessage, timedOutMessage, type QueryLimits } from "./limits.ts";
import { collection, querySchemaSdl, singular } from "./querySchema.ts";

export type QueryContext = {
  sql: Sql;
  deployment: string;
  /** Read once per request: every field of a request sees the same head. */
  status: IndexingStatus;
  limits: QueryLimits;
  run: QueryRun;
  /** Reads gathered in this turn, to be made together (see `gather`). */
  batches: Map<string, Batch<unknown>>;
};

/**
 * Reads waiting to be made together, in one statement, by what each asks for (an id, a parent's id as text): the
 * value it was asked with and its waiters.
 */
type Batch<T> = Map<
  string,
  { id: unknown; waiting: { resolve: (value: T) => void; reject: (error: Error) => void }[] }
>;

/** What a query has spent so far, and what stopped it: a result past its size limit, or its time. */
export type QueryRun = { resultBytes: number; deadlineMs: number; failure?: GraphQLError };

/** A new query's run, its deadline `limits.queryTimeoutSec` from now (`performance.now()` milliseconds). */
export function startRun(limits: QueryLimits): QueryRun {
  return { resultBytes: 0, deadlineMs: performance.now() + limits.queryTimeoutSec * 1000 };
}

/**
 * Asks `batchKey`'s batch for `itemKey` (made with `id`): the first ask of a turn starts the batch, and `load` reads
 * all of it once the turn is over, when every item of a list has asked.
 */
function gather<T>(
  ctx: QueryContext,
  batchKey: string,
  itemKey: string,
  id: unknown,
  load: (batch: Batch<T>) => Promise<void>,
): Promise<T> {
  let batch = ctx.batches.get(batchKey) as Batch<T> | undefined;
  if (!batch) {
    const created: Batch<T> = new Map();
    batch = created;
    ctx.batches.set(batchKey, created as Batch<unknown>);
    setImmediate(() => {
      ctx.batches.delete(batchKey);
      void load(created);
    });
  }
  const item = batch.get(itemKey) ?? { id, waiting: [] };
  batch.set(itemKey, item);
  return new Promise((resolve, reject) => item.waiting.push({ resolve, reject }));
}

/** An id as a batch keys it: Bytes as lowercase hex, anything else as text. */
const keyOf = (raw: unknown): string => (raw instanceof Uint8Array ? bytesToHex(raw) : String(raw));

/** Fails every waiter of `batch` with `error`. */
function fail<T>(batch: Batch<T>, error: Error): void {
  for (const { waiting } of batch.values()) for (const w of waiting) w.reject(error);
}

/**
 * Counts `bytes` more of the result, and stops the query (every resolver after throws the same error) once the
 * result passes `GRAPH_GRAPHQL_ERROR_RESULT_SIZE` or the query its time: checked while the result is built, so no
 * query holds more than the limit in memory.
 */
export function charge(ctx: QueryContext, bytes: number): void {
  const run = ctx.run;
  if (run.failure === undefined) {
    run.resultBytes += bytes;
    if (run.resultBytes > ctx.limits.errorResultBytes) {
      run.failure = new GraphQLError(resultTooBigMessage(ctx.limits.errorResultBytes));
    } else if (performance.now() > run.deadlineMs) {
      run.failure = new GraphQLError(timedOutMessage(ctx.limits.queryTimeoutSec));
    }
  }
  if (run.failure) throw run.failure;
}

/** About how many bytes `value` adds to the result's JSON under a key of `keyLength` characters. */
function jsonBytes(value: unknown, keyLength: number): number {
  const size = (v: unknown): number =>
    v === null || v === undefined
      ? 4
      : typeof v === "string"
        ? v.length + 2
        : Array.isArray(v)
          ? v.reduce((sum: number, x) => sum + size(x) + 1, 2)
          : String(v).length;
  return keyLength + 4 + size(value);
}

type Row = Record<string, unknown> & { __block: number };

const stringScalar = (name: string, parse: (v: string) => unknown = (v) => v) =>
  new GraphQLScalarType({
    name,
    serialize: (v) => String(v),
    parseValue: (v) => {
      if (typeof v !== "string" && typeof v !== "number") throw new GraphQLError(`${name} must be a string`);
      return parse(String(v));
    },
    parseLiteral: (node: ValueNode) => {
      if (node.kind !== Kind.STRING && node.kind !== Kind.INT) throw new GraphQLError(`${name} must be a string`);
      return parse(node.value);
    },
  });

const integer = (name: string) => (v: string) => {
  if (!/^-?\d+$/.test(v)) throw new GraphQLError(`Invalid ${name} value: ${v}`);
  return v;
};

const scalars = {
  BigInt: stringScalar("BigInt", integer("BigInt")),
  Int8: stringScalar("Int8", integer("Int8")),
  Timestamp: stringScalar("Timestamp", integer("Timestamp")),
  BigDecimal: stringScalar("BigDecimal", (v) => decimalToString(decimalFromString(v))),
  Bytes: stringScalar("Bytes", (v) => {
    const hex = v.startsWith("0x") ? v : `0x${v}`;
    if (!isHex(hex) || hex.length % 2 !== 0) throw new GraphQLError(`Invalid Bytes value: ${v}`);
    return hex.toLowerCase();
  }),
};

const filterOps = [
  "_not_contains_nocase",
  "_not_starts_with_nocase",
  "_not_ends_with_nocase",
  "_contains_nocase",
  "_starts_with_nocase",
  "_ends_with_nocase",
  "_not_contains",
  "_not_starts_with",
  "_not_ends_with",
  "_contains",
  "_starts_with",
  "_ends_with",
  "_not_in",
  "_in",
  "_not",
  "_gte",
  "_lte",
  "_gt",
  "_lt",
  "",
];

/** Builds the executable query schema of a subgraph over its tables in `namespace`. */
export function executableSchema(schema: SubgraphSchema, namespace: string): GraphQLSchema {
  const tables = new Map([...schema.entities.values()].map((e) => [e.name, tableOf(schema, e)]));
  const tableFor = (name: string) => tables.get(name)!;
  const graphql = buildSchema(querySchemaSdl(schema));
  for (const [name, scalar] of Object.entries(scalars)) {
    const type = graphql.getType(name) as GraphQLScalarType;
    Object.assign(type, {
      serialize: scalar.serialize,
      parseValue: scalar.parseValue,
      parseLiteral: scalar.parseLiteral,
    });
  }

  const cast = (column: Column) => `::${column.sqlType.replace("[]", "")}${column.field.list ? "[]" : ""}`;
  const param = (value: unknown, column: Column): unknown => {
    const one = (v: unknown): unknown => (column.scalar === "Bytes" ? hexToBytes(v as Hex) : v);
    return Array.isArray(value) ? value.map(one) : one(value);
  };

  function blockOf(args: { block?: { number?: number; number_gte?: number; hash?: string } }, ctx: QueryContext) {
    const head = ctx.status.head ? Number(ctx.status.head.number) : -1;
    const block = args.block;
    if (!block) return head;
    if (block.number !== undefined && block.number !== null) {
      if (block.number > head) {
        throw new GraphQLError(
          `Failed to decode \`block.number\` value: \`subgraph ${ctx.deployment} has only indexed up to block number ${head} and data for block number ${block.number} is therefore not yet available\``,
        );
      }
      return block.number;
    }
    if (block.number_gte !== undefined && block.number_gte !== null) {
      if (block.number_gte > head) {
        throw new GraphQLError(
          `subgraph ${ctx.deployment} has only indexed up to block number ${head} and data for block number ${block.number_gte} is therefore not yet available`,
        );
      }
      return head;
    }
    throw new GraphQLError("Block hashes are not supported by the local indexer's query API: use block { number }");
  }

  /** SQL condition for a `T_filter` on rows aliased `alias`, at block `$block`. */
  function filterSql(entity: EntitySpec, where: Record<string, unknown>, alias: string, params: unknown[]): string {
    const table = tableFor(entity.name);
    const conditions: string[] = [];
    const add = (value: unknown, castTo = "") => {
      params.push(value);
      return `$${params.length}${castTo}`;
    };
    for (const [key, value] of Object.entries(where)) {
      if (value === undefined) continue;
      if (key === "and" || key === "or") {
        const parts = (value as Record<string, unknown>[]).map((w) => `(${filterSql(entity, w, alias, params)})`);
        conditions.push(parts.length ? `(${parts.join(key === "and" ? " and " : " or ")})` : "true");
        continue;
      }
      if (key === "_change_block") {
        conditions.push(`lower(${alias}.block_range) >= ${add((value as { number_gte: number }).number_gte)}`);
        continue;
      }
      if (key.endsWith("_") && entity.fields.some((f) => f.name === key.slice(0, -1))) {
        conditions.push(
          nestedFilter(
            entity,
            entity.fields.find((f) => f.name === key.slice(0, -1))!,
            value,
            alias,
            params,
          ),
        );
        continue;
      }
      const op = filterOps.find(
        (o) => key.endsWith(o) && table.columns.some((c) => c.field.name === key.slice(0, key.length - o.length)),
      )!;
      const column = table.columns.find((c) => c.field.name === key.slice(0, key.length - op.length));
      if (op === undefined || !column) throw new GraphQLError(`Unknown filter \`${key}\` on ${entity.name}`);
      const col = `${alias}.${quote(column.name)}`;
      const c = cast(column);
      const like = (pattern: (p: string) => string, nocase: boolean) =>
        `${col} ${nocase ? "ilike" : "like"} ${pattern(add(escapeLike(String(value))))}`;
      switch (op) {
        case "":
          conditions.push(value === null ? `${col} is null` : `${col} = ${add(param(value, column), c)}`);
          break;
        case "_not":
          conditions.push(
            value === null ? `${col} is not null` : `${col} is distinct from ${add(param(value, column), c)}`,
          );
          break;
        case "_gt":
        case "_lt":
        case "_gte":
        case "_lte": {
          const sqlOp = { _gt: ">", _lt: "<", _gte: ">=", _lte: "<=" }[op];
          conditions.push(`${col} ${sqlOp} ${add(param(value, column), c)}`);
          break;
        }
        case "_in":
          conditions.push(`${col} = any(${add(param(value, column), `${c}[]`)})`);
          break;
        case "_not_in":
          conditions.push(`not (${col} = any(${add(param(value, column), `${c}[]`)}))`);
          break;
        default: {
          const negate = op.startsWith("_not_");
          const nocase = op.endsWith("_nocase");
          const kind = op.replace("_not_", "_").replace("_nocase", "");
          let condition: string;
          if (column.field.list) {
            const list = add(param(value, column), c);
            condition = nocase
              ? `(select array_agg(lower(x)) from unnest(${col}) x) @> (select array_agg(lower(y)) from unnest(${list}) y)`
              : `${col} @> ${list}`;
          } else if (column.scalar === "Bytes") {
            condition = `position(${add(param(value, column), c)} in ${col}) > 0`;
          } else if (kind === "_contains") condition = like((p) => `'%' || ${p} || '%'`, nocase);
          else if (kind === "_starts_with") condition = like((p) => `${p} || '%'`, nocase);
          else condition = like((p) => `'%' || ${p}`, nocase);
          conditions.push(negate ? `not (${condition})` : condition);
        }
      }
    }
    return conditions.length ? conditions.join(" and ") : "true";
  }

  function nestedFilter(
    entity: EntitySpec,
    field: FieldSpec,
    value: unknown,
    alias: string,
    params: unknown[],
  ): string {
    const target = schema.entities.get(field.type)!;
    const targetTable = tableFor(target.name);
    const child = `${alias}_${field.name.toLowerCase()}`;
    const inner = filterSql(target, value as Record<string, unknown>, child, params);
    const at = `${child}.block_range @> $1::int4`;
    let link: string;
    if (field.derivedFrom) {
      const via = targetTable.columns.find((c) => c.field.name === field.derivedFrom)!;
      link = via.field.list
        ? `${alias}.id = any(${child}.${quote(via.name)})`
        : `${child}.${quote(via.name)} = ${alias}.id`;
    } else {
      const column = tableFor(entity.name).columns.find((c) => c.field.name === field.name)!;
      link = field.list
        ? `${child}.id = any(${alias}.${quote(column.name)})`
        : `${child}.id = ${alias}.${quote(column.name)}`;
    }
    return `exists (select 1 from ${quotedTable(targetTable)} ${child} where ${link} and ${at} and ${inner})`;
  }

  const quotedTable = (table: Table) => `${quote(namespace)}.${quote(table.name)}`;

  function orderSql(entity: EntitySpec, orderBy: string | undefined, direction: string | undefined, alias: string) {
    const dir = direction === "desc" ? "desc" : "asc";
    if (!orderBy) return `${alias}.id ${dir}`;
    const [name, sub] = orderBy.split("__");
    const field = entity.fields.find((f) => f.name === name)!;
    if (sub) {
      const targetTable = tableFor(field.type);
      const column = tableFor(entity.name).columns.find((c) => c.field.name === name)!;
      const subColumn = targetTable.columns.find((c) => c.field.name === sub)!;
      return `(select o.${quote(subColumn.name)} from ${quotedTable(targetTable)} o where o.id = ${alias}.${quote(column.name)} and o.block_range @> $1::int4) ${dir}, ${alias}.id asc`;
    }
    if (field.derivedFrom || (schema.entities.has(field.type) && field.list)) {
      throw new GraphQLError(`Ordering by \`${orderBy}\` is not supported by the local indexer`);
    }
    const column = tableFor(entity.name).columns.find((c) => c.field.name === name)!;
    return `${alias}.${quote(column.name)} ${dir}${column.name === "id" ? "" : `, ${alias}.id asc`}`;
  }

  type ListArgs = {
    skip?: number;
    first?: number;
    orderBy?: string;
    orderDirection?: string;
    where?: Record<string, unknown>;
  };

  /** A collection's `first` and `skip`, within their limits. */
  function page(ctx: QueryContext, args: ListArgs): { first: number; skip: number } {
    const first = args.first ?? 100;
    const skip = args.skip ?? 0;
    const { maxFirst, maxSkip } = ctx.limits;
    if (first < 0 || first > maxFirst) {
      throw new GraphQLError(`The \`first\` argument must be between 0 and ${maxFirst}, but is ${first}`);
    }
    if (skip < 0 || skip > maxSkip) {
      throw new GraphQLError(`The \`skip\` argument must be between 0 and ${maxSkip}, but is ${skip}`);
    }
    charge(ctx, 2);
    return { first, skip };
  }

  /**
   * The entities of `entity` whose `via` column points at `parentId` (a derived field), a page of them. The same
   * field asked with the same arguments of several parents in one turn (each item of a list) is one statement: each
   * parent's page taken with `row_number()` over its own rows.
   */
  function children(
    ctx: QueryContext,
    entity: EntitySpec,
    block: number,
    args: ListArgs,
    via: Column,
    parentId: unknown,
  ): Promise<Row[]> {
    const { first, skip } = page(ctx, args);
    const batchKey = `children ${entity.name}@${block}:${via.name}:${JSON.stringify(args)}`;
    return gather(ctx, batchKey, keyOf(parentId), parentId, (batch) =>
      loadChildren(ctx, entity, block, { ...args, first, skip }, via, batch),
    );
  }

  async function loadChildren(
    ctx: QueryContext,
    entity: EntitySpec,
    block: number,
    args: ListArgs & { first: number; skip: number },
    via: Column,
    batch: Batch<Row[]>,
  ): Promise<void> {
    try {
      const { first, skip } = args;
      const params: unknown[] = [block, [...batch.values()].map((p) => p.id)];
      const conditions = ["t.block_range @> $1::int4", `t.${quote(via.name)} = any($2)`];
      if (args.where) conditions.push(filterSql(entity, args.where, "t", params));
      const order = orderSql(entity, args.orderBy, args.orderDirection, "t");
      params.push(skip, first);
      const { rows } = await ctx.sql.query(
        `select * from (
          select t.*, row_number() over (partition by t.${quote(via.name)} order by ${order}) as "__rank"
          from ${quotedTable(tableFor(entity.name))} t where ${conditions.join(" and ")}
        ) ranked where "__rank" > $${params.length - 1}::int8 and "__rank" <= $${params.length - 1}::int8 + $${params.length}::int8
        order by "__rank"`,
        params,
      );
      const byParent = new Map<string, Row[]>();
      for (const row of rows) {
        const key = keyOf(row[via.name]);
        const list = byParent.get(key) ?? [];
        list.push({ ...row, __block: block });
        byParent.set(key, list);
      }
      for (const [key, parent] of batch) {
        const list = byParent.get(key) ?? [];
        charge(ctx, 2 * list.length);
        for (const w of parent.waiting) w.resolve(list);
      }
    } catch (error) {
      fail(batch, error as Error);
    }
  }

  async function list(
    ctx: QueryContext,
    entity: EntitySpec,
    block: number,
    args: ListArgs,
    link?: (params: unknown[]) => string,
  ): Promise<Row[]> {
    const { first, skip } = page(ctx, args);
    const table = tableFor(entity.name);
    const params: unknown[] = [block];
    const conditions = ["t.block_range @> $1::int4"];
    if (link) conditions.push(link(params));
    if (args.where) conditions.push(filterSql(entity, args.where, "t", params));
    const order = orderSql(entity, args.orderBy, args.orderDirection, "t");
    params.push(first, skip);
    const { rows } = await ctx.sql.query(
      `select t.* from ${quotedTable(table)} t where ${conditions.join(" and ")} order by ${order}
        limit $${params.length - 1} offset $${params.length}`,
      params,
    );
    charge(ctx, 2 * rows.length);
    return rows.map((r) => ({ ...r, __block: block }));
  }

  /**
   * The entity `id` of `entity` at `block`. Lookups of one type at one block made in the same turn (a list's items
   * each resolving a reference) are batched into one statement, as graph-node prefetches a level at once.
   */
  function byId(ctx: QueryContext, entity: EntitySpec, id: unknown, block: number): Promise<Row | null> {
    charge(ctx, 2);
    return gather(ctx, `id ${entity.name}@${block}`, String(id).toLowerCase(), id, (batch) =>
      loadBatch(ctx, entity, block, batch),
    );
  }

  async function loadBatch(ctx: QueryContext, entity: EntitySpec, block: number, batch: Batch<Row | null>) {
    const table = tableFor(entity.name);
    const bytes = table.entity.idType === "Bytes";
    const ids = [...batch.keys()].map((key) => (bytes ? hexToBytes(key as Hex) : key));
    try {
      const { rows } = await ctx.sql.query(
        `select * from ${quotedTable(table)} where id = any($1) and block_range @> $2::int4`,
        [ids, block],
      );
      const found = new Map(rows.map((row) => [keyOf(row.id), row]));
      for (const [key, { waiting }] of batch) {
        const row = found.get(key);
        for (const w of waiting) w.resolve(row ? { ...row, __block: block } : null);
      }
    } catch (error) {
      fail(batch, error as Error);
    }
  }

  const output = (raw: unknown, column: Column): unknown => {
    if (raw === null || raw === undefined) return null;
    const one = (v: unknown): unknown => {
      switch (column.scalar) {
        case "Bytes":
          return bytesToHex(v as Uint8Array);
        case "BigDecimal":
          return decimalToString(decimalFromString(String(v)));
        case "BigInt":
        case "Int8":
        case "Timestamp":
          return String(v);
        case "Int":
          return Number(v);
        default:
          return v;
      }
    };
    return column.field.list ? (raw as unknown[]).map(one) : one(raw);
  };

  const query = graphql.getQueryType()!;
  const queryFields = query.getFields();
  for (const entity of schema.entities.values()) {
    const table = tableFor(entity.name);
    const single: GraphQLFieldResolver<unknown, QueryContext> = async (_, args, ctx) => {
      checkPolicy(ctx, args as { subgraphError?: string });
      return byId(ctx, entity, (args as { id: string }).id, blockOf(args, ctx));
    };
    const many: GraphQLFieldResolver<unknown, QueryContext> = async (_, args, ctx) => {
      checkPolicy(ctx, args as { subgraphError?: string });
      return list(ctx, entity, blockOf(args, ctx), args as ListArgs);
    };
    queryFields[singular(entity.name)]!.resolve = single;
    queryFields[collection(entity.name)]!.resolve = many;

    const objectType = graphql.getType(entity.name) as GraphQLObjectType;
    const objectFields = objectType.getFields();
    for (const field of entity.fields) {
      const target = schema.entities.get(field.type);
      const column = table.columns.find((c) => c.field.name === field.name);
      // Not async: a scalar answers synchronously, so that an object of scalars completes without a promise per field.
      const resolver: GraphQLFieldResolver<Row, QueryContext> = (row, args, ctx) => {
        if (!target) {
          const value = output(row[column!.name], column!);
          charge(ctx, jsonBytes(value, field.name.length));
          return value;
        }
        if (field.derivedFrom) {
          const via = tableFor(target.name).columns.find((c) => c.field.name === field.derivedFrom)!;
          const id = table.entity.idType === "Bytes" ? row.id : String(row.id);
          if (!via.field.list) return children(ctx, target, row.__block, args as ListArgs, via, id);
          return list(ctx, target, row.__block, args as ListArgs, (params) => {
            params.push(id);
            return via.field.list
              ? `$${params.length} = any(t.${quote(via.name)})`
              : `t.${quote(via.name)} = $${params.length}`;
          });
        }
        const raw = row[column!.name];
        if (raw === null || raw === undefined) return null;
        if (field.list) {
          return list(ctx, target, row.__block, args as ListArgs, (params) => {
            params.push(raw);
            return `t.id = any($${params.length})`;
          });
        }
        const id = target.idType === "Bytes" ? bytesToHex(raw as Uint8Array) : raw;
        return byId(ctx, target, id, row.__block);
      };
      objectFields[field.name]!.resolve = resolver as GraphQLFieldResolver<unknown, unknown>;
    }
  }
  queryFields._meta!.resolve = (_, args, ctx: QueryContext) => {
    const number = blockOf(args, ctx);
    const head = ctx.status.head;
    return {
      block: {
        number,
        hash: head && Number(head.number) === number ? head.hash : null,
        timestamp: null,
        parentHash: null,
      },
      deployment: ctx.deployment,
      hasIndexingErrors: ctx.status.failed,
    };
  };
  return graphql;
}

function checkPolicy(ctx: QueryContext, args: { subgraphError?: string }) {
  if (ctx.status.failed && args.subgraphError !== "allow") throw new GraphQLError("indexing_error");
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
