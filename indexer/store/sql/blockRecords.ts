/**
 * The deployment's records beside its entity tables: the `meta` row (the head, and the failure that stopped
 * indexing) and `block_hashes` (each indexed block's hash, for the reorganisation checks).
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

/** Creates the records of `namespace` (whose schema exists) when absent: the meta row, nothing indexed. */
export async function createBlockRecords(tx: Pick<Sql, "query">, namespace: string): Promise<void> {
  const ns = quote(namespace);
  await tx.query(
    `create table if not exists ${ns}.meta (id int primary key default 1, head_number int8, head_hash bytea,
        failed boolean not null default false, error text, error_block int8)`,
  );
  await tx.query(`insert into ${ns}.meta (id) values (1) on conflict (id) do nothing`);
  await tx.query(`create table if not exists ${ns}.block_hashes (number int8 primary key, hash bytea not null)`);
}

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

/** Records the blocks' hashes (for reorganisation checks) and the last of them as the head. */
export async function recordBlocks(
  tx: Pick<Sql, "query">,
  namespace: string,
  blocks: { number: number; hash: Hex }[],
): Promise<void> {
  const params: unknown[] = [];
  const tuples = blocks.map(({ number, hash }) => {
    params.push(number, hexToBytes(hash));
    return `($${params.length - 1}::int8, $${params.length}::bytea)`;
  });
  await tx.query(
    `insert into ${quote(namespace)}.block_hashes (number, hash) values ${tuples.join(", ")}
        on conflict (number) do update set hash = excluded.hash`,
    params,
  );
  await writeHead(tx, namespace, blocks.at(-1)!);
}

/** Records `head` as the head (none: nothing indexed). */
export async function writeHead(
  tx: Pick<Sql, "query">,
  namespace: string,
  head: { number: number; hash: Hex } | null,
): Promise<void> {
  await tx.query(`update ${quote(namespace)}.meta set head_number = $1, head_hash = $2 where id = 1`, [
    head === null ? null : head.number,
    head === null ? null : hexToBytes(head.hash),
  ]);
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

/** Recorded blocks, newest first, down to `min`. */
export async function recordedBlocks(sql: Pick<Sql, "query">, namespace: string, min: bigint): Promise<BlockPointer[]> {
  const { rows } = await sql.query<{ number: string | number | bigint; hash: Uint8Array }>(
    `select number, hash from ${quote(namespace)}.block_hashes where number >= $1 order by number desc`,
    [min.toString()],
  );
  return rows.map((r) => ({ number: BigInt(r.number), hash: bytesToHex(r.hash) }));
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
