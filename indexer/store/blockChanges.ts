/**
 * A block's entity changes as the database store holds them until they are written: the latest change of each
 * entity (keyed by type and id), and how changes not yet written alter a derived field's entities.
 */
import type { Hex } from "viem";
import type { Entity } from "../runtime/values.ts";
import { idOf, refersTo } from "./types.ts";

/** An entity set (`entity`) or removed (null) by a block. */
export type Change = { type: string; id: string; entity: Entity | null };

/** A committed block (its number, hash, timestamp and parent's hash) and its changes, by `changeKey`. */
export type BlockChanges = {
  number: number;
  hash: Hex;
  timestamp: bigint | null;
  parentHash: Hex | null;
  changes: Map<string, Change>;
};

/** The key of entity `type`'s `id` among changes and cached entities. */
export const changeKey = (type: string, id: string) => `${type}\u0000${id}`;

/**
 * The entities of type `type` whose `via` field refers to `id`: those `stored` (the database's), with `changeSets`
 * applied in order (each entity's change overrides what came before; a removed entity, or one that no longer
 * refers to `id`, drops out).
 */
export function withChanges(
  stored: Entity[],
  changeSets: Map<string, Change>[],
  type: string,
  via: string,
  id: string,
): Entity[] {
  const byId = new Map(stored.map((e) => [idOf(e), e]));
  for (const changes of changeSets) {
    for (const w of changes.values()) {
      if (w.type !== type) continue;
      if (w.entity && refersTo(w.entity.get(via), id)) byId.set(w.id, w.entity);
      else byId.delete(w.id);
    }
  }
  return [...byId.values()];
}
