/** Promises the server shares between page views, by key. */

/**
 * `map`'s promise under `key`, made by `make` when missing; the map is emptied when it holds `limit`, and a promise
 * that fails is forgotten, so that the next view tries again.
 */
export function once<T>(map: Map<string, Promise<T>>, key: string, make: () => Promise<T>, limit: number): Promise<T> {
  let value = map.get(key);
  if (!value) {
    if (map.size >= limit) map.clear();
    value = make();
    map.set(key, value);
    value.catch(() => map.delete(key));
  }
  return value;
}
