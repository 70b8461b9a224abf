/**
 * The database store's cache of latest entities (null: known absent), by `changeKey`: a map kept in the order
 * entities were stored, the least recently stored tenth dropped once it holds more than `cacheLimit`.
 */
import type { Entity } from "../runtime/values.ts";

/** Entities the cache holds; past it the least recently stored tenth is dropped. */
const cacheLimit = 50_000;

/** Stores `entity` under `key` in `cache` as its most recent entry, dropping the oldest tenth past the limit. */
export function remember(cache: Map<string, Entity | null>, key: string, entity: Entity | null): void {
  cache.delete(key);
  cache.set(key, entity);
  if (cache.size <= cacheLimit) return;
  let drop = cacheLimit / 10;
  for (const old of cache.keys()) {
    if (drop-- === 0) break;
    cache.delete(old);
  }
}
