/**
 * An entity store held in memory: the latest version of every entity, the writes of the block being processed,
 * and derived-field lookups. The processor and the mapping tests use it; the database store keeps the same
 * contract with history.
 */
import type { SubgraphSchema } from "../schema.ts";
import type { Entity } from "../runtime/values.ts";
import { refersTo, type BlockStore } from "./types.ts";

export type MemoryStore = BlockStore & {
  /** Every entity of a type, latest versions. */
  all(type: string): Entity[];
};

export function memoryStore(schema: SubgraphSchema): MemoryStore {
  const latest = new Map<string, Map<string, Entity>>();
  let block = new Map<string, Map<string, Entity | null>>();
  const table = <V>(maps: Map<string, Map<string, V>>, type: string) => {
    let map = maps.get(type);
    if (!map) {
      map = new Map();
      maps.set(type, map);
    }
    return map;
  };
  const current = (type: string, id: string): Entity | null => {
    const written = block.get(type)?.get(id);
    if (written !== undefined) return written;
    return latest.get(type)?.get(id) ?? null;
  };
  const all = (type: string): Entity[] => {
    const ids = new Set([...(latest.get(type)?.keys() ?? []), ...(block.get(type)?.keys() ?? [])]);
    return [...ids].map((id) => current(type, id)).filter((e): e is Entity => e !== null);
  };
  return {
    beginBlock() {
      block = new Map();
    },
    async commitBlock() {
      for (const [type, writes] of block) {
        const map = table(latest, type);
        for (const [id, entity] of writes) {
          if (entity) map.set(id, entity);
          else map.delete(id);
        }
      }
      block = new Map();
    },
    get: current,
    getInBlock: (type, id) => block.get(type)?.get(id) ?? null,
    set(type, id, entity) {
      table(block, type).set(id, entity);
    },
    remove(type, id) {
      table(block, type).set(id, null);
    },
    loadRelated(type, id, field) {
      const spec = schema.entities.get(type)?.fields.find((f) => f.name === field);
      if (!spec?.derivedFrom) throw new Error(`${type}.${field} is not a derived field`);
      const via = spec.derivedFrom;
      return all(spec.type).filter((e) => refersTo(e.get(via), id));
    },
    all,
  };
}
