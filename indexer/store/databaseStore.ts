/**
 * The indexer's persistent entity store on PGlite or PostgreSQL (see `layout.ts` for the tables). A block's writes
 * and the new head commit in one transaction, so a process killed at any moment resumes from its last committed
 * block with nothing lost or duplicated. Reads of the latest state go through a cache; a miss makes the handler
 * fetch the entity and start over (`NeedsFetch`), since host functions are synchronous. This module holds the
 * store's state in memory (the block being processed, committed blocks not yet written, the cache); the SQL is in
 * `sql/`.
 */
import type { Hex } from "viem";
import type { SubgraphSchema } from "../schema.ts";
import { NeedsFetch } from "../runtime/mapping.ts";
import type { Entity } from "../runtime/values.ts";
import { changeKey as key, withChanges, type BlockChanges, type Change } from "./blockChanges.ts";
import type { Sql } from "./database.ts";
import { remember } from "./entityCache.ts";
import { createTables, namespaceTables, quote, type Table } from "./layout.ts";
import * as records from "./sql/blockRecords.ts";
import { readAllLatest, readLatest, readReferring } from "./sql/entityReads.ts";
import { checkImmutable } from "./sql/immutable.ts";
import { rewindTables } from "./sql/rewind.ts";
import { writeBlocks } from "./sql/writeBlocks.ts";
import type { BlockPointer, BlockStore } from "./types.ts";

export { readStatus, type IndexingStatus } from "./sql/blockRecords.ts";
export { StoreError } from "./types.ts";

export type DatabaseStore = BlockStore & {
  /** Writes the committed blocks still held in memory (see `commitBlock`); throws {@link StoreError}. */
  flush(): Promise<void>;
  status(): Promise<records.IndexingStatus>;
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

/** Committed blocks are written together once this many are held, or this many entity changes. */
const batchBlocks = 100;
const batchChanges = 10_000;

export async function databaseStore(sql: Sql, schema: SubgraphSchema, namespace = "subgraph"): Promise<DatabaseStore> {
  const tables = namespaceTables(schema, namespace);
  await sql.transaction(async (tx) => {
    await tx.query(`create schema if not exists ${quote(namespace)}`);
    await records.createBlockRecords(tx, namespace);
    for (const statement of createTables(schema, namespace)) await tx.query(statement);
  });
  const { tableFor } = tables;

  const cache = new Map<string, Entity | null>();
  const related = new Map<string, Entity[]>();
  let writes = new Map<string, Change>();
  // Blocks committed but not yet written, oldest first, and the latest change of each entity among them.
  let pending: BlockChanges[] = [];
  let pendingChanges = 0;
  const pendingLatest = new Map<string, Entity | null>();

  const store: DatabaseStore = {
    tables: tables.tables,
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
      throw new NeedsFetch(`${type}[${id}]`, async () =>
        remember(cache, key(type, id), await readLatest(sql, tables, type, id)),
      );
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
      const via = tableFor(spec.type).columns.find((c) => c.field.name === spec.derivedFrom);
      if (!via) throw new Error(`${spec.type}.${spec.derivedFrom} is not a stored field`);
      const relatedKey = `${type}\u0000${id}\u0000${field}`;
      const stored = related.get(relatedKey);
      if (!stored) {
        throw new NeedsFetch(`${type}[${id}].${field}`, async () => {
          related.set(relatedKey, await readReferring(sql, tables, spec.type, via, type, id));
        });
      }
      // Committed blocks not yet written, then this block's writes, override what the database holds.
      return withChanges(stored, [...pending.map((b) => b.changes), writes], spec.type, spec.derivedFrom, id);
    },
    async commitBlock(block) {
      // Held in memory and written with the next blocks (statements per table, not per block, are what a block
      // costs); reads see it at once. A block is still all or nothing: a batch is written in one transaction.
      pending.push({
        number: Number(block.number),
        hash: block.hash,
        timestamp: block.timestamp ?? null,
        parentHash: block.parentHash ?? null,
        changes: writes,
      });
      pendingChanges += writes.size;
      for (const [k, w] of writes) {
        pendingLatest.set(k, w.entity);
        // Immutable entities are written once and rarely read back: they leave the cache (a miss may be cached).
        if (tableFor(w.type).entity.immutable) cache.delete(k);
        else remember(cache, k, w.entity);
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
      const { writable, failure } = await checkImmutable(sql, tables, batch);
      if (writable.length) await sql.transaction((tx) => writeBlocks(tx, tables, writable));
      if (failure) {
        for (const b of batch) for (const k of b.changes.keys()) cache.delete(k);
        throw failure;
      }
    },
    async setHead(head) {
      await store.flush();
      await sql.transaction((tx) =>
        records.recordBlocks(tx, namespace, [
          {
            number: Number(head.number),
            hash: head.hash,
            timestamp: head.timestamp ?? null,
            parentHash: head.parentHash ?? null,
          },
        ]),
      );
    },
    status: () => records.readStatus(sql, namespace),
    hashAt: (number) => records.hashAt(sql, namespace, number),
    recordedBlocks: (min) => records.recordedBlocks(sql, namespace, min),
    async rewind(to) {
      await sql.transaction((tx) => rewindTables(tx, tables, to));
      cache.clear();
      related.clear();
      writes = new Map();
      pending = [];
      pendingChanges = 0;
      pendingLatest.clear();
    },
    async latest(type) {
      await store.flush();
      return readAllLatest(sql, tables, type);
    },
    markFailed: (error, block) => records.markFailed(sql, namespace, error, block),
  };
  return store;
}
