/**
 * graph-node's rules for immutable entities, checked over a batch of committed blocks before it is written: an
 * immutable entity is only ever inserted, once; with `skipDuplicates` a repeat is dropped instead of failing.
 */
import { bytesToHex } from "viem";
import type { BlockChanges, Change } from "../blockChanges.ts";
import type { Sql } from "../database.ts";
import { idToSql, type NamespaceTables } from "../layout.ts";
import { StoreError } from "../types.ts";

/**
 * graph-node's rules for immutable entities over a batch: only ever inserted, once (a block may overwrite its
 * own insert); with skipDuplicates a later insert (or a removal) is dropped instead. The batch up to the first
 * block that breaks them is writable; that block fails.
 */
export async function checkImmutable(
  sql: Pick<Sql, "query">,
  tables: NamespaceTables,
  batch: BlockChanges[],
): Promise<{ writable: BlockChanges[]; failure: StoreError | null }> {
  let failure: StoreError | null = null;
  const fail = (message: string, number: number) => {
    if (!failure || BigInt(number) < failure.block) failure = new StoreError(message, BigInt(number));
  };
  const skipped = new Set<Change>();
  for (const table of tables.tables.values()) {
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
      `select id, lower(block_range) as block from ${tables.qualified(table)} where id = any($1)`,
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

/** An id column's value as the store's id text (Bytes ids as lowercase hex). */
function idText(value: unknown): string {
  return value instanceof Uint8Array ? bytesToHex(value) : String(value);
}

function alreadyInserted(type: string, id: string, number: number, first: number): string {
  return `entity ${type}[${id}] is immutable; inserting it at block ${number} is not possible as it was already inserted at block ${first}`;
}
