import type { Hex } from "viem";
import type { HostStore } from "../runtime/host.ts";
import type { Entity, StoreValue } from "../runtime/values.ts";

/**
 * An indexed block: its number and hash, and (as graph-node keeps them for `_meta`) its timestamp in seconds and its
 * parent's hash; those two are null for a block recorded before the store kept them.
 */
export type BlockPointer = { number: bigint; hash: Hex; timestamp?: bigint | null; parentHash?: Hex | null };

/** A deterministic failure of the subgraph at `block`: the deployment is failed there, as graph-node fails it. */
export class DeploymentFailure extends Error {
  override name = "DeploymentFailure";
  readonly block: bigint;
  constructor(message: string, block: bigint) {
    super(message);
    this.block = block;
  }
}

/**
 * A write the database refused for a reason of the subgraph's making (an immutable entity inserted twice): the
 * deployment fails at `block`, as graph-node fails it; the blocks before it are committed.
 */
export class StoreError extends DeploymentFailure {
  override name = "StoreError";
}

/** A store the processor writes a block at a time into. */
export type BlockStore = HostStore & {
  /** Starts collecting the writes of block `number`. */
  beginBlock(number: bigint): void;
  /** Makes the block's writes the latest state, with the block as the new head. */
  commitBlock(block: BlockPointer): Promise<void>;
};

/** An entity's id as the store keys it (Bytes ids as lowercase hex). */
export function idOf(entity: Entity): string {
  const id = entity.get("id");
  if (!id || !("value" in id)) throw new Error("entity without an id");
  return String(id.value);
}

/** Whether a stored reference (or list of references) points at `id`. */
export function refersTo(value: StoreValue | undefined, id: string): boolean {
  if (!value) return false;
  if (value.kind === "String" || value.kind === "Bytes") return value.value === id;
  if (value.kind === "Array") return value.value.some((v) => refersTo(v, id));
  return false;
}
