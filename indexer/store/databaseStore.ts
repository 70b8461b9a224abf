/**
 * The indexer's persistent entity store on PGlite or PostgreSQL (see `layout.ts` for the tables). A block's writes
 * and the new head commit in one transaction, so a process killed at any moment resumes from its last committed
 * block with nothing lost or duplicated. Reads of the latest state go through a cache; a miss makes the handler
 * fetch the entity and start over (`NeedsFetch`), since host functions are synchronous.
 */
import { bytesToHex, hexToBytes, type Hex } from "viem";
import type { SubgraphSchema } from "../schema.ts";
import { NeedsFetch } from "../runtime/mapping.ts";
import type { Entity } from "../runtime/values.ts";
import type { Sql } from "./database.ts";
import { createTables, idToSql, quote, rowToEntity, tableOf, toSql, type Table } from "./layout.ts";
import { DeploymentFailure, idOf, refersTo, type BlockPointer, type BlockStore } from "./types.ts";

export type IndexingStatus = {
  head: BlockPointer | null;
  failed: boolean;
  error: string | null;
  errorBlock: bigint | null;
};

/**
 * A write the database refused for a reason of the subgraph's making (an immutable entity inserted twice): the
 * deployment fails at `block`, as graph-node fails it; the blocks before it are committed.
 */
export class StoreError extends DeploymentFailure {
  override name = "StoreError";
}

export type DatabaseStore = BlockStore & {
  /** Writes the committed blocks still held in memory (see `commitBlock`); throws {@link StoreError}. */
  flush(): Promise<void>;
  status(): Promise<IndexingStatus>;
  /** Records the head after a range of blocks without triggers. */
  setHead(head: BlockPointer): Promise<void>;
  /** The hash recorded for an indexed block, if any. */
  hashAt(number: bigint): Promise<Hex | null>;
  /** Recorded block numbers, newest first, down to `min`. */
  recordedBlocks(min: bigint): Promise<BlockPointer[]>;
  /** Undoes every change of blocks after `number` (a chain reorganisation). */
  rewind(to: BlockPointer | null): Promise<void>;
  markFailed(error: string, block: bigint): Promise<void>;
  /** Every current entity of a type, by id. */
  latest(type: string): Promise<Entity[]>;
  tables: Map<string, Table>;
  namespace: string;
};

/** The indexing status recorded in `namespace`: what queries read, from any connection. */
export async function readStatus(sql: Pick<Sql, "query">, namespace: string): Promise<IndexingStatus> {
  const { rows } = await sql.query<{
    head_number: string | number | bigint | null;
    head_hash: Uint8Array | null;
    failed: boolean;
    error: string | null;
    error_block: string | number | bigint | null;
  }>(`select head_number, head_hash, failed, error, error_block from ${quote(namespace)}.meta where id = 1`);
  const row = rows[0]!;
  return {
    head:
      row.head_number === null || !row.head_hash
        ? null
        : { number: BigInt(row.head_number), hash: bytesToHex(row.head_hash) },
    failed: row.failed,
    error: row.error,
    errorBlock: row.error_block === null ? null : BigInt(row.error_block),
  };
}

/** Entities the cache holds; past it the least recently stored tenth is dropped. */
const cacheLimit = 50_000;
/** Committed blocks are written together once this many are held, or this many entity changes. */
const batchBlocks = 100;
const batchChanges = 10_000;

/**
 * Parameters per insert statement: PostgreSQL allows 65,535, but PGlite's memory grows to the largest statement it
 * parses and never shrinks, so inserts go in chunks.
 */
const maxParameters = 6_000;

type Change = { type: string; id: string; entity: Entity | null };
type BlockChanges = { number: number; hash: Hex; changes: Map<string, Change> };

export async function databaseStore(sql: Sql, schema: SubgraphSchema, namespace = "subgraph"): Promise<DatabaseStore> {
  const ns = quote(namespace);
  const tables = new Map([...schema.entities.values()].map((e) => [e.name, tableOf(schema, e)]));
  await sql.transaction(async (tx) => {
    await tx.query(`create schema if not exists ${ns}`);
    await tx.query(
      `create table if not exists ${ns}.meta (id int primary key default 1, head_number int8, head_hash bytea,
        failed boolean not null default false, error text, error_block int8)`,
    );
    await tx.query(`insert into ${ns}.meta (id) values (1) on conflict (id) do nothing`);
    await tx.query(`create table if not exists ${ns}.block_hashes (number int8 primary key, hash bytea not null)`);
    for (const statement of createTables(schema, namespace)) await tx.query(statement);
  });

  const tableFor = (type: string): Table => {
    const table = tables.get(type);
    if (!table) throw new Error(`Entity type ${type} is not defined in the schema`);
    return table;
  };
  const qualified = (table: Table) => `${ns}.${quote(table.name)}`;

  const cache = new Map<string, Entity | null>();
  const related = new Map<string, Entity[]>();
  let writes = new Map<string, Change>();
  // Blocks committed but not yet written, oldest first, and the latest change of each entity among them.
  let pending: BlockChanges[] = [];
  let pendingChanges = 0;
  const pendingLatest = new Map<string, Entity | null>();
  const key = (type: string, id: string) => `${type}\u0000${id}`;

  async function load(type: string, id: string): Promise<void> {
    const table = tableFor(type);
    const { rows } = await sql.query(`select * from ${qualified(table)} where id = $1 and upper_inf(block_range)`, [
      idToSql(id, table),
    ]);
    remember(key(type, id), rows[0] ? rowToEntity(rows[0], table) : null);
  }

  function remember(k: string, entity: Entity | null): void {
    cache.delete(k);
    cache.set(k, entity);
    if (cache.size <= cacheLimit) return;
    let drop = cacheLimit / 10;
    for (const old of cache.keys()) {
      if (drop-- === 0) break;
      cache.delete(old);
    }
  }

  /**
   * graph-node's rules for immutable entities over a batch: only ever inserted, once (a block may overwrite its
   * own insert); with skipDuplicates a later insert (or a removal) is dropped instead. The batch up to the first
   * block that breaks them is writable; that block fails.
   */
  async function checkImmutable(
    batch: BlockChanges[],
  ): Promise<{ writable: BlockChanges[]; failure: StoreError | null }> {
    let failure: StoreError | null = null;
    const fail = (message: string, number: number) => {
      if (!failure || BigInt(number) < failure.block) failure = new StoreError(message, BigInt(number));
    };
    const skipped = new Set<Change>();
    for (const table of tables.values()) {
      if (!table.entity.immutable) continue;
      const type = table.entity.name;
      const inserted = new Map<string, number>(); // id → the block of its first insert in the batch
      const inserts: { change: Change; number: number }[] = [];
      for (const { number, changes } of batch) {
        for (const change of changes.values()) {
          if (change.type !== type) continue;
          if (!change.entity) {
            if (table.entity.skipDuplicates) skipped.add(change);
            else fail(`immutable entity type ${type} only allows inserts, not removing ${type}[${change.id}]`, number);
            continue;
          }
          const first = inserted.get(change.id);
          if (first === undefined) {
            inserted.set(change.id, number);
            inserts.push({ change, number });
          } else if (table.entity.skipDuplicates) skipped.add(change);
          else fail(alreadyInserted(type, change.id, number, first), number);
        }
      }
      if (!inserts.length) continue;
      const existing = await sql.query<{ id: unknown; block: number }>(
        `select id, lower(block_range) as block from ${qualified(table)} where id = any($1)`,
        [inserts.map(({ change }) => idToSql(change.id, table))],
      );
      const taken = new Map(existing.rows.map((r) => [idText(r.id), Number(r.block)]));
      for (const { change, number } of inserts) {
        const block = taken.get(table.entity.idType === "Bytes" ? change.id.toLowerCase() : change.id);
        if (block === undefined) continue;
        if (table.entity.skipDuplicates) skipped.add(change);
        else fail(alreadyInserted(type, change.id, number, block), number);
      }
    }
    const failed = failure as StoreError | null;
    const writable = batch
      .filter((b) => !failed || BigInt(b.number) < failed.block)
      .map((b) => ({ ...b, changes: new Map([...b.changes].filter(([, change]) => !skipped.has(change))) }));
    return { writable, failure: failed };
  }

  /**
   * Writes committed blocks in one transaction. Per table: one statement closes the versions current before the
   * batch of every entity it changes (at the block of its first change), and inserts write each new version with
   * its block range (up to its entity's next change in the batch, open when none).
   */
  async function writeBlocks(tx: Pick<Sql, "query">, blocks: BlockChanges[]): Promise<void> {
    const byType = new Map<string, Map<string, { number: number; entity: Entity | null }[]>>();
    for (const { number, changes } of blocks) {
      for (const change of changes.values()) {
        let ids = byType.get(change.type);
        if (!ids) byType.set(change.type, (ids = new Map()));
        let versions = ids.get(change.id);
        if (!versions) ids.set(change.id, (versions = []));
        versions.push({ number, entity: change.entity });
      }
    }
    for (const [type, ids] of byType) {
      const table = tableFor(type);
      if (!table.entity.immutable) {
        const idColumn = table.columns.find((c) => c.field.name === "id")!;
        const list = [...ids];
        await tx.query(
          `update ${qualified(table)} as t set block_range = int4range(lower(t.block_range), v.block)
            from unnest($1::${idColumn.sqlType}[], $2::int4[]) as v(id, block)
            where t.id = v.id and upper_inf(t.block_range)`,
          [list.map(([id]) => idToSql(id, table)), list.map(([, versions]) => versions[0]!.number)],
        );
      }
      const rows: { entity: Entity; from: number; to: number | null }[] = [];
      for (const versions of ids.values()) {
        versions.forEach(({ number, entity }, i) => {
          if (entity) rows.push({ entity, from: number, to: versions[i + 1]?.number ?? null });
        });
      }
      const perRow = table.columns.length + 2;
      const chunk = Math.max(1, Math.floor(maxParameters / perRow));
      for (let start = 0; start < rows.length; start += chunk) {
        const params: unknown[] = [];
        const tuples = rows.slice(start, start + chunk).map(({ entity, from, to }) => {
          const values = table.columns.map((c) => {
            params.push(toSql(entity.get(c.field.name), c));
            return `$${params.length}::${c.sqlType}`;
          });
          params.push(from, to);
          return `(${values.join(", ")}, int4range($${params.length - 1}::int4, $${params.length}::int4))`;
        });
        await tx.query(
          `insert into ${qualified(table)} (${table.columns.map((c) => quote(c.name)).join(", ")}, block_range)
            values ${tuples.join(", ")}`,
          params,
        );
      }
    }
    await recordBlocks(tx, blocks);
  }

  /** Records the blocks' hashes (for reorganisation checks) and the last of them as the head. */
  async function recordBlocks(tx: Pick<Sql, "query">, blocks: { number: number; hash: Hex }[]): Promise<void> {
    const params: unknown[] = [];
    const tuples = blocks.map(({ number, hash }) => {
      params.push(number, hexToBytes(hash));
      return `($${params.length - 1}::int8, $${params.length}::bytea)`;
    });
    await tx.query(
      `insert into ${ns}.block_hashes (number, hash) values ${tuples.join(", ")}
        on conflict (number) do update set hash = excluded.hash`,
      params,
    );
    const head = blocks.at(-1)!;
    await tx.query(`update ${ns}.meta set head_number = $1, head_hash = $2 where id = 1`, [
      head.number,
      hexToBytes(head.hash),
    ]);
  }

  const store: DatabaseStore = {
    tables,
    namespace,
    beginBlock() {
      writes = new Map();
      related.clear();
    },
    get(type, id) {
      const written = writes.get(key(type, id));
      if (written) return written.entity;
      const held = pendingLatest.get(key(type, id));
      if (held !== undefined) return held;
      const cached = cache.get(key(type, id));
      if (cached !== undefined) return cached;
      throw new NeedsFetch(`${type}[${id}]`, () => load(type, id));
    },
    getInBlock: (type, id) => writes.get(key(type, id))?.entity ?? null,
    set(type, id, entity) {
      writes.set(key(type, id), { type, id, entity });
    },
    remove(type, id) {
      writes.set(key(type, id), { type, id, entity: null });
    },
    loadRelated(type, id, field) {
      const spec = schema.entities.get(type)?.fields.find((f) => f.name === field);
      if (!spec?.derivedFrom) throw new Error(`${type}.${field} is not a derived field`);
      const target = tableFor(spec.type);
      const via = target.columns.find((c) => c.field.name === spec.derivedFrom);
      if (!via) throw new Error(`${spec.type}.${spec.derivedFrom} is not a stored field`);
      const relatedKey = `${type}\u0000${id}\u0000${field}`;
      const stored = related.get(relatedKey);
      if (!stored) {
        throw new NeedsFetch(`${type}[${id}].${field}`, async () => {
          const condition = via.field.list ? `$1 = any(${quote(via.name)})` : `${quote(via.name)} = $1`;
          const { rows } = await sql.query(
            `select * from ${qualified(target)} where ${condition} and upper_inf(block_range)`,
            [idToSql(id, tableFor(type))],
          );
          related.set(
            relatedKey,
            rows.map((r) => rowToEntity(r, target)),
          );
        });
      }
      // Committed blocks not yet written, then this block's writes, override what the database holds.
      const byId = new Map(stored.map((e) => [idOf(e), e]));
      for (const changes of [...pending.map((b) => b.changes), writes]) {
        for (const w of changes.values()) {
          if (w.type !== spec.type) continue;
          if (w.entity && refersTo(w.entity.get(spec.derivedFrom), id)) byId.set(w.id, w.entity);
          else byId.delete(w.id);
        }
      }
      return [...byId.values()];
    },
    async commitBlock(block) {
      // Held in memory and written with the next blocks (statements per table, not per block, are what a block
      // costs); reads see it at once. A block is still all or nothing: a batch is written in one transaction.
      pending.push({ number: Number(block.number), hash: block.hash, changes: writes });
      pendingChanges += writes.size;
      for (const [k, w] of writes) {
        pendingLatest.set(k, w.entity);
        // Immutable entities are written once and rarely read back: they leave the cache (a miss may be cached).
        if (tableFor(w.type).entity.immutable) cache.delete(k);
        else remember(k, w.entity);
      }
      writes = new Map();
      if (pending.length >= batchBlocks || pendingChanges >= batchChanges) await store.flush();
    },
    async flush() {
      if (!pending.length) return;
      const batch = pending;
      pending = [];
      pendingChanges = 0;
      pendingLatest.clear();
      const { writable, failure } = await checkImmutable(batch);
      if (writable.length) await sql.transaction((tx) => writeBlocks(tx, writable));
      if (failure) {
        for (const b of batch) for (const k of b.changes.keys()) cache.delete(k);
        throw failure;
      }
    },
    async setHead(head) {
      await store.flush();
      await sql.transaction((tx) => recordBlocks(tx, [{ number: Number(head.number), hash: head.hash }]));
    },
    status: () => readStatus(sql, namespace),
    async hashAt(number) {
      const { rows } = await sql.query<{ hash: Uint8Array }>(`select hash from ${ns}.block_hashes where number = $1`, [
        number.toString(),
      ]);
      return rows[0] ? bytesToHex(rows[0].hash) : null;
    },
    async recordedBlocks(min) {
      const { rows } = await sql.query<{ number: string | number | bigint; hash: Uint8Array }>(
        `select number, hash from ${ns}.block_hashes where number >= $1 order by number desc`,
        [min.toString()],
      );
      return rows.map((r) => ({ number: BigInt(r.number), hash: bytesToHex(r.hash) }));
    },
    async rewind(to) {
      const n = to === null ? -1 : Number(to.number);
      await sql.transaction(async (tx) => {
        for (const table of tables.values()) {
          await tx.query(`delete from ${qualified(table)} where lower(block_range) > $1`, [n]);
          await tx.query(
            `update ${qualified(table)} set block_range = int4range(lower(block_range), null)
              where not upper_inf(block_range) and upper(block_range) > $1`,
            [n],
          );
        }
        await tx.query(`delete from ${ns}.block_hashes where number > $1`, [n]);
        await tx.query(`update ${ns}.meta set head_number = $1, head_hash = $2 where id = 1`, [
          to === null ? null : n,
          to === null ? null : hexToBytes(to.hash),
        ]);
      });
      cache.clear();
      related.clear();
      writes = new Map();
      pending = [];
      pendingChanges = 0;
      pendingLatest.clear();
    },
    async latest(type) {
      await store.flush();
      const table = tableFor(type);
      const { rows } = await sql.query(`select * from ${qualified(table)} where upper_inf(block_range) order by id`);
      return rows.map((r) => rowToEntity(r, table));
    },
    async markFailed(error, block) {
      await sql.query(`update ${ns}.meta set failed = true, error = $1, error_block = $2 where id = 1`, [
        error,
        block.toString(),
      ]);
    },
  };
  return store;
}

/** An id column's value as the store's id text (Bytes ids as lowercase hex). */
function idText(value: unknown): string {
  return value instanceof Uint8Array ? bytesToHex(value) : String(value);
}

function alreadyInserted(type: string, id: string, number: number, first: number): string {
  return `entity ${type}[${id}] is immutable; inserting it at block ${number} is not possible as it was already inserted at block ${first}`;
}
