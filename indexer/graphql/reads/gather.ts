/**
 * Reads of one turn gathered into one statement: every item of a list asks in the same turn (an id, a parent's
 * children), and the batch is read once the turn is over, as graph-node prefetches a level at once.
 */
import { bytesToHex } from "viem";

/**
 * Reads waiting to be made together, in one statement, by what each asks for (an id, a parent's id as text): the
 * value it was asked with and its waiters.
 */
export type Batch<T> = Map<
  string,
  { id: unknown; waiting: { resolve: (value: T) => void; reject: (error: Error) => void }[] }
>;

/**
 * Asks `batchKey`'s batch in `batches` for `itemKey` (made with `id`): the first ask of a turn starts the batch, and
 * `load` reads all of it once the turn is over, when every item of a list has asked.
 */
export function gather<T>(
  batches: Map<string, Batch<unknown>>,
  batchKey: string,
  itemKey: string,
  id: unknown,
  load: (batch: Batch<T>) => Promise<void>,
): Promise<T> {
  let batch = batches.get(batchKey) as Batch<T> | undefined;
  if (!batch) {
    const created: Batch<T> = new Map();
    batch = created;
    batches.set(batchKey, created as Batch<unknown>);
    setImmediate(() => {
      batches.delete(batchKey);
      void load(created);
    });
  }
  const item = batch.get(itemKey) ?? { id, waiting: [] };
  batch.set(itemKey, item);
  return new Promise((resolve, reject) => item.waiting.push({ resolve, reject }));
}

/** An id as a batch keys it: Bytes as lowercase hex, anything else as text. */
export const keyOf = (raw: unknown): string => (raw instanceof Uint8Array ? bytesToHex(raw) : String(raw));

/** Fails every waiter of `batch` with `error`. */
export function failBatch<T>(batch: Batch<T>, error: Error): void {
  for (const { waiting } of batch.values()) for (const w of waiting) w.reject(error);
}
