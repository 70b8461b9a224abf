/**
 * Runs a mapping's handler on one trigger, as graph-node does: a fresh instance of the compiled module per trigger
 * (`_start` first), the trigger written into its memory, the handler called with its pointer.
 *
 * Host functions are synchronous but `eth_call` is not: when a handler asks for a call the host has not fetched
 * yet (or an entity the store must read from its database), the attempt stops ({@link NeedsFetch}), its store writes
 * are dropped, the value is fetched, and the handler runs again from the start. Handlers are deterministic, so the final run is the run graph-node would make.
 */
import { ascMemory, type MappingExports } from "./asc.ts";
import { writeEvent, type EventData } from "./event.ts";
import { HandlerError, hostImports, type CallRequest, type HostContext, type HostStore } from "./host.ts";
import type { Entity, EthValue } from "./values.ts";
import { wasm, type WasmModule } from "./wasm.ts";

/**
 * Something the handler needs that the host must fetch first (an eth_call result, an entity from the database):
 * the attempt stops, `fetch` runs, and the handler starts over.
 */
export class NeedsFetch extends Error {
  override name = "NeedsFetch";
  readonly fetch: () => Promise<void>;
  constructor(what: string, fetch: () => Promise<void>) {
    super(`${what} not fetched yet`);
    this.fetch = fetch;
  }
}

const modules = new Map<Uint8Array, WasmModule>();

/** The compiled module for a mapping's bytes (compiled once per process). */
export function compileMapping(bytes: Uint8Array): WasmModule {
  let module = modules.get(bytes);
  if (!module) {
    module = new wasm.Module(bytes);
    modules.set(bytes, module);
  }
  return module;
}

/** Store writes of one attempt, applied to the block's store only when the handler succeeds. */
function stagedStore(base: HostStore, validate: (type: string, id: string, entity: Entity) => Entity) {
  const writes = new Map<string, { type: string; id: string; entity: Entity | null }>();
  const key = (type: string, id: string) => `${type}\u0000${id}`;
  const store: HostStore = {
    get(type, id) {
      const staged = writes.get(key(type, id));
      return staged ? staged.entity : base.get(type, id);
    },
    getInBlock(type, id) {
      const staged = writes.get(key(type, id));
      return staged ? staged.entity : base.getInBlock(type, id);
    },
    set(type, id, entity) {
      writes.set(key(type, id), { type, id, entity: validate(type, id, entity) });
    },
    remove(type, id) {
      writes.set(key(type, id), { type, id, entity: null });
    },
    loadRelated(type, id, field) {
      if (writes.size > 0) {
        // Writes of this attempt are not visible to loadRelated yet: graph-node sees them. Refuse rather than differ.
        throw new Error("loadRelated after a store.set in the same handler is not supported by the local indexer");
      }
      return base.loadRelated(type, id, field);
    },
  };
  const commit = () => {
    for (const { type, id, entity } of writes.values()) {
      if (entity) base.set(type, id, entity);
      else base.remove(type, id);
    }
  };
  return { store, commit };
}

export type CallResolver = {
  /** The cached result: outputs, null for a revert, undefined when not fetched yet. */
  cached(request: CallRequest): EthValue[] | null | undefined;
  fetch(request: CallRequest): Promise<void>;
};

export type HandlerRun = {
  module: WasmModule;
  handler: string;
  event: EventData;
  store: HostStore;
  calls: CallResolver;
  dataSource: HostContext["dataSource"];
  log: HostContext["log"];
  /** Checks an entity the mapping saves and returns it as stored (with its id); throws {@link HandlerError}. */
  validate: (type: string, id: string, entity: Entity) => Entity;
  /** Also answered from the resolver's cache by the caller; zero and false until then. */
  getBalance?: (address: `0x${string}`) => bigint;
  hasCode?: (address: `0x${string}`) => boolean;
};

/** Runs `handler` on `event`; throws {@link HandlerError} when the mapping fails. */
export async function runEventHandler(run: HandlerRun): Promise<{ attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    const { store, commit } = stagedStore(run.store, run.validate);
    const logs: [number, string][] = [];
    const context: HostContext = {
      store,
      ethereum: {
        call(request) {
          const result = run.calls.cached(request);
          if (result === undefined) {
            throw new NeedsFetch(`eth_call ${request.contractName}.${request.functionName}`, () =>
              run.calls.fetch(request),
            );
          }
          return result;
        },
        getBalance: run.getBalance ?? (() => 0n),
        hasCode: run.hasCode ?? (() => false),
      },
      dataSource: run.dataSource,
      // Logs of an attempt that stops for a call are dropped: only the final run's logs are emitted.
      log: (level, message) => logs.push([level, message]),
    };
    const holder: { asc?: ReturnType<typeof ascMemory>; exports?: MappingExports } = {};
    const instance = new wasm.Instance(run.module, hostImports(context, holder));
    const exports = instance.exports as MappingExports;
    holder.exports = exports;
    holder.asc = ascMemory(exports);
    const handler = exports[run.handler];
    if (typeof handler !== "function") throw new HandlerError(`the mapping exports no handler ${run.handler}`);
    try {
      exports._start?.();
      (handler as (ptr: number) => void)(writeEvent(holder.asc, run.event));
    } catch (error) {
      if (error instanceof NeedsFetch) {
        await error.fetch();
        continue;
      }
      if (error instanceof HandlerError) {
        for (const [level, message] of logs) run.log(level, message);
        throw error;
      }
      // A trap (unreachable, out of bounds...) is the mapping's failure too.
      throw new HandlerError(`${run.handler} trapped: ${(error as Error).message}`);
    }
    commit();
    for (const [level, message] of logs) run.log(level, message);
    return { attempts: attempt };
  }
}
