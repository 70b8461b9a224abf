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
import { idOf, refersTo, type BlockPointer, type BlockStore } from "./types.ts";

export type IndexingStatus = {
  head: BlockPointer | null;
  failed: boolean;
  error: string | null;
  errorBlock: bigint | null;
};

export type DatabaseStore = BlockStore & {
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

const cacheLimit = 200_000;

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

  let cache = new Map<string, Entity | null>();
  const related = new Map<string, Entity[]>();
  let writes = new Map<string, { type: string; id: string; entity: Entity | null }>();
  const key = (type: string, id: string) => `${type}\u0000${id}`;

  async function load(type: string, id: string): Promise<void> {
    const table = tableFor(type);
    const { rows } = await sql.query(`select * from ${qualified(table)} where id = $1 and upper_inf(block_range)`, [
      idToSql(id, table),
    ]);
    if (cache.size > cacheLimit) cache = new Map();
    cache.set(key(type, id), rows[0] ? rowToEntity(rows[0], table) : null);
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
      // This block's writes of the related type override what the database holds.
      const byId = new Map(stored.map((e) => [idOf(e), e]));
      for (const w of writes.values()) {
        if (w.type !== spec.type) continue;
        if (w.entity && refersTo(w.entity.get(spec.derivedFrom), id)) byId.set(w.id, w.entity);
        else byId.delete(w.id);
      }
      return [...byId.values()];
    },
    async commitBlock(block) {
      const number = Number(block.number);
      const committed = writes;
      // Per table, one statement closes the current versions of every entity the block changed, and one inserts
      // the new versions. Immutable entities are never closed: a second version of one breaks the unique index
      // of current rows, and the block fails.
      const byType = new Map<string, { id: string; entity: Entity | null }[]>();
      for (const w of committed.values()) {
        const list = byType.get(w.type) ?? [];
        list.push({ id: w.id, entity: w.entity });
        byType.set(w.type, list);
      }
      await sql.transaction(async (tx) => {
        for (const [type, changes] of byType) {
          const table = tableFor(type);
          if (table.entity.immutable) {
            const removed = changes.find((c) => !c.entity);
            if (removed)
              throw new Error(`Immutable entity ${type}[${removed.id}] can not be removed (block ${number})`);
          } else {
            await tx.query(
              `update ${qualified(table)} set block_range = int4range(lower(block_range), $2)
                where upper_inf(block_range) and id = any($1)`,
              [changes.map((c) => idToSql(c.id, table)), number],
            );
          }
          const rows = changes.filter((c) => c.entity);
          const perRow = table.columns.length + 1;
          const chunk = Math.max(1, Math.floor(60_000 / perRow));
          for (let start = 0; start < rows.length; start += chunk) {
            const params: unknown[] = [];
            const tuples = rows.slice(start, start + chunk).map(({ entity }) => {
              const values = table.columns.map((c) => {
                params.push(toSql(entity!.get(c.field.name), c));
                return `$${params.length}::${c.sqlType}`;
              });
              params.push(number);
              return `(${values.join(", ")}, int4range($${params.length}, null))`;
            });
            try {
              await tx.query(
                `insert into ${qualified(table)} (${table.columns.map((c) => quote(c.name)).join(", ")}, block_range)
                  values ${tuples.join(", ")}`,
                params,
              );
            } catch (error) {
              if (table.entity.immutable && /unique|duplicate/i.test((error as Error).message)) {
                throw new Error(`Immutable entity ${type} can not be updated: an id written at block ${number} exists`);
              }
              throw error;
            }
          }
        }
        await tx.query(
          `insert into ${ns}.block_hashes (number, hash) values ($1, $2)
            on conflict (number) do update set hash = excluded.hash`,
          [number, hexToBytes(block.hash)],
        );
        await tx.query(`update ${ns}.meta set head_number = $1, head_hash = $2 where id = 1`, [
          number,
          hexToBytes(block.hash),
        ]);
      });
      for (const [k, w] of committed) cache.set(k, w.entity);
      writes = new Map();
    },
    async setHead(head) {
      await sql.transaction(async (tx) => {
        await tx.query(
          `insert into ${ns}.block_hashes (number, hash) values ($1, $2)
            on conflict (number) do update set hash = excluded.hash`,
          [head.number.toString(), hexToBytes(head.hash)],
        );
        await tx.query(`update ${ns}.meta set head_number = $1, head_hash = $2 where id = 1`, [
          head.number.toString(),
          hexToBytes(head.hash),
        ]);
      });
    },
    async status() {
      const { rows } = await sql.query<{
        head_number: string | number | bigint | null;
        head_hash: Uint8Array | null;
        failed: boolean;
        error: string | null;
        error_block: string | number | bigint | null;
      }>(`select head_number, head_hash, failed, error, error_block from ${ns}.meta where id = 1`);
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
    },
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
      cache = new Map();
      related.clear();
      writes = new Map();
    },
    async latest(type) {
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
