/**
 * The deployment's records beside its entity tables: the `meta` row (the head with its timestamp and parent hash,
 * and the failure that stopped indexing) and `block_hashes` (each indexed block's hash, for the reorganisation
 * checks, with its timestamp and parent hash).
 */
import { bytesToHex, hexToBytes, type Hex } from "viem";
import type { Sql } from "../database.ts";
import { quote } from "../layout.ts";
import type { BlockPointer } from "../types.ts";

export type IndexingStatus = {
  head: BlockPointer | null;
  failed: boolean;
  error: string | null;
  errorBlock: bigint | null;
};

/**
 * Creates the records of `namespace` (whose schema exists) when absent: the meta row, nothing indexed. Records of an
 * older layout are migrated in place, their rows kept: the block timestamp and parent hash columns (added to `meta`
 * and `block_hashes`) are null for the blocks indexed before.
 */
export async function createBlockRecords(tx: Pick<Sql, "query">, namespace: string): Promise<void> {
  const ns = quote(namespace);
  await tx.query(
    `create table if not exists ${ns}.meta (id int primary key default 1, head_number int8, head_hash bytea,
        failed boolean not null default false, error text, error_block int8)`,
  );
  await tx.query(`insert into ${ns}.meta (id) values (1) on conflict (id) do nothing`);
  await tx.query(`create table if not exists ${ns}.block_hashes (number int8 primary key, hash bytea not null)`);
  // Added after the first layout: a database made before gets them on its next start.
  await tx.query(
    `alter table ${ns}.meta add column if not exists head_timestamp int8, add column if not exists head_parent_hash bytea`,
  );
  await tx.query(
    `alter table ${ns}.block_hashes add column if not exists timestamp int8, add column if not exists parent_hash bytea`,
  );
}

type Int8 = string | number | bigint;
const int8OrNull = (value: Int8 | null): bigint | null => (value === null ? null : BigInt(value));
const hexOrNull = (value: Uint8Array | null): Hex | null => (value ? bytesToHex(value) : null);

/** The indexing status recorded in `namespace`: what queries read, from any connection. */
export async function readStatus(sql: Pick<Sql, "query">, namespace: string): Promise<IndexingStatus> {
  const { rows } = await sql.query<{
    head_number: Int8 | null;
    head_hash: Uint8Array | null;
    head_timestamp: Int8 | null;
    head_parent_hash: Uint8Array | null;
    failed: boolean;
    error: string | null;
    error_block: Int8 | null;
  }>(
    `select head_number, head_hash, head_timestamp, head_parent_hash, failed, error, error_block
        from ${quote(namespace)}.meta where id = 1`,
  );
  const row = rows[0]!;
  return {
    head:
      row.head_number === null || !row.head_hash
        ? null
        : {
            number: BigInt(row.head_number),
            hash: bytesToHex(row.head_hash),
            timestamp: int8OrNull(row.head_timestamp),
            parentHash: hexOrNull(row.head_parent_hash),
          },
    failed: row.failed,
    error: row.error,
    errorBlock: row.error_block === null ? null : BigInt(row.error_block),
  };
}

/** A block as the records keep it: number, hash, timestamp (seconds) and parent hash (null when not known). */
export type RecordedBlock = { number: number; hash: Hex; timestamp: bigint | null; parentHash: Hex | null };

/** Records the blocks' hashes (for reorganisation checks), timestamps and parents, and the last as the head. */
export async function recordBlocks(tx: Pick<Sql, "query">, namespace: string, blocks: RecordedBlock[]): Promise<void> {
  const params: unknown[] = [];
  const tuples = blocks.map(({ number, hash, timestamp, parentHash }) => {
    params.push(number, hexToBytes(hash), timestamp?.toString() ?? null, parentHash ? hexToBytes(parentHash) : null);
    const n = params.length;
    return `($${n - 3}::int8, $${n - 2}::bytea, $${n - 1}::int8, $${n}::bytea)`;
  });
  await tx.query(
    `insert into ${quote(namespace)}.block_hashes (number, hash, timestamp, parent_hash) values ${tuples.join(", ")}
        on conflict (number) do update
        set hash = excluded.hash, timestamp = excluded.timestamp, parent_hash = excluded.parent_hash`,
    params,
  );
  await writeHead(tx, namespace, blocks.at(-1)!);
}

/** Records `head` as the head (none: nothing indexed). */
export async function writeHead(tx: Pick<Sql, "query">, namespace: string, head: RecordedBlock | null): Promise<void> {
  await tx.query(
    `update ${quote(namespace)}.meta
        set head_number = $1, head_hash = $2, head_timestamp = $3, head_parent_hash = $4 where id = 1`,
    [
      head === null ? null : head.number,
      head === null ? null : hexToBytes(head.hash),
      head?.timestamp?.toString() ?? null,
      head?.parentHash ? hexToBytes(head.parentHash) : null,
    ],
  );
}

/** Forgets the hashes of the blocks after `number`. */
export async function forgetBlocksAfter(tx: Pick<Sql, "query">, namespace: string, number: number): Promise<void> {
  await tx.query(`delete from ${quote(namespace)}.block_hashes where number > $1`, [number]);
}

/** The hash recorded for an indexed block, if any. */
export async function hashAt(sql: Pick<Sql, "query">, namespace: string, number: bigint): Promise<Hex | null> {
  const { rows } = await sql.query<{ hash: Uint8Array }>(
    `select hash from ${quote(namespace)}.block_hashes where number = $1`,
    [number.toString()],
  );
  return rows[0] ? bytesToHex(rows[0].hash) : null;
}

/** Recorded blocks, newest first, down to `min` (from `max`, when given). */
export async function recordedBlocks(
  sql: Pick<Sql, "query">,
  namespace: string,
  min: bigint,
  max?: bigint,
): Promise<BlockPointer[]> {
  const { rows } = await sql.query<{
    number: Int8;
    hash: Uint8Array;
    timestamp: Int8 | null;
    parent_hash: Uint8Array | null;
  }>(
    `select number, hash, timestamp, parent_hash from ${quote(namespace)}.block_hashes
        where number >= $1 and ($2::int8 is null or number <= $2) order by number desc`,
    [min.toString(), max?.toString() ?? null],
  );
  return rows.map((r) => ({
    number: BigInt(r.number),
    hash: bytesToHex(r.hash),
    timestamp: int8OrNull(r.timestamp),
    parentHash: hexOrNull(r.parent_hash),
  }));
}

/** Records that indexing failed at `block` with `error`. */
export async function markFailed(
  sql: Pick<Sql, "query">,
  namespace: string,
  error: string,
  block: bigint,
): Promise<void> {
  await sql.query(`update ${quote(namespace)}.meta set failed = true, error = $1, error_block = $2 where id = 1`, [
    error,
    block.toString(),
  ]);
}
