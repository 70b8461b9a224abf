/**
 * Runs a mapping's handler on one trigger (an event or a block), as graph-node does: a fresh instance of the compiled module per trigger
 * (`_start` first), the trigger written into its memory, the handler called with its pointer. "Fresh" is a reused
 * instance put back into its instantiated state (memory and mutable globals), which costs far less than a new one.
 *
 * Host functions are synchronous but `eth_call` is not: when a handler asks for a call the host has not fetched
 * yet (or an entity the store must read from its database, {@link NeedsFetch}), the attempt goes on with a stand-in
 * (a reverted call, no entity) to find whatever else it needs; then its store writes and logs are dropped, all of it
 * is fetched at once, and the handler runs again from the start. Handlers are deterministic, so the final run, the
 * one that needed nothing unfetched, is the run graph-node would make.
 */
import { ascMemory, type Asc, type MappingExports, type TypeIdName } from "./asc.ts";
import { writeTrigger, type TriggerData } from "./event.ts";
import { HandlerError, hostImports, type CallRequest, type HostContext, type HostStore } from "./host.ts";
import type { Entity, EthValue } from "./values.ts";
import { wasm, type WasmGlobal, type WasmModule } from "./wasm.ts";
import { exportMutableGlobals } from "./wasmGlobals.ts";

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
const mutableGlobals = new WeakMap<WasmModule, string[]>();
const typeIds = new WeakMap<WasmModule, Map<TypeIdName, number>>();

/** The compiled module for a mapping's bytes (compiled once per process, its mutable globals exported). */
export function compileMapping(bytes: Uint8Array): WasmModule {
  let module = modules.get(bytes);
  if (!module) {
    const rewritten = exportMutableGlobals(bytes);
    module = new wasm.Module(rewritten.bytes);
    modules.set(bytes, module);
    mutableGlobals.set(module, rewritten.globals);
  }
  return module;
}

/** The runtime type ids a module's instances share. */
function typeIdsOf(module: WasmModule): Map<TypeIdName, number> {
  let ids = typeIds.get(module);
  if (!ids) typeIds.set(module, (ids = new Map()));
  return ids;
}

/**
 * An instance kept for reuse, with what a fresh instantiation holds: its memory's bytes and its mutable globals'
 * values. `context` is the object the host functions read, pointed at each attempt's context in turn.
 */
type PooledInstance = {
  exports: MappingExports;
  asc: Asc;
  context: HostContext;
  memory: Uint8Array;
  globals: { global: WasmGlobal; value: unknown }[];
  busy: boolean;
};
const pool = new WeakMap<WasmModule, PooledInstance>();

function instantiate(module: WasmModule): PooledInstance {
  const context = {} as HostContext;
  const holder: { asc?: Asc; exports?: MappingExports } = {};
  const instance = new wasm.Instance(module, hostImports(context, holder));
  const exports = instance.exports as MappingExports;
  holder.exports = exports;
  holder.asc = ascMemory(exports, typeIdsOf(module));
  const globals = (mutableGlobals.get(module) ?? []).map((name) => {
    const global = exports[name] as WasmGlobal;
    return { global, value: global.value };
  });
  return {
    exports,
    asc: holder.asc,
    context,
    memory: new Uint8Array(exports.memory.buffer).slice(),
    globals,
    busy: false,
  };
}

/**
 * An instance in the state of a fresh one, as graph-node gives every trigger: the pooled instance with its memory
 * and mutable globals put back (memory it grew is zeroed: a fresh instance's is), or a new one.
 */
function freshInstance(module: WasmModule): PooledInstance {
  const pooled = pool.get(module);
  if (!pooled || pooled.busy) {
    const created = instantiate(module);
    if (!pooled) pool.set(module, created);
    created.busy = true;
    return created;
  }
  const memory = new Uint8Array(pooled.exports.memory.buffer);
  memory.set(pooled.memory);
  if (memory.length > pooled.memory.length) memory.fill(0, pooled.memory.length);
  for (const { global, value } of pooled.globals) global.value = value;
  pooled.busy = true;
  return pooled;
}

/** Store writes of one attempt, applied to the block's store only when the handler succeeds. */
function stagedStore(
  base: HostStore,
  validate: HandlerRun["validate"],
  speculate: <T>(read: () => T, standIn: T) => T,
) {
  const writes = new Map<string, { type: string; id: string; entity: Entity | null }>();
  const key = (type: string, id: string) => `${type}\u0000${id}`;
  const store: HostStore = {
    get(type, id) {
      const staged = writes.get(key(type, id));
      return staged ? staged.entity : speculate(() => base.get(type, id), null);
    },
    getInBlock(type, id) {
      const staged = writes.get(key(type, id));
      return staged ? staged.entity : base.getInBlock(type, id);
    },
    set(type, id, entity) {
      writes.set(key(type, id), { type, id, entity: validate(type, id, entity, () => store.get(type, id)) });
    },
    remove(type, id) {
      writes.set(key(type, id), { type, id, entity: null });
    },
    loadRelated(type, id, field) {
      if (writes.size > 0) {
        // Writes of this attempt are not visible to loadRelated yet: graph-node sees them. Refuse rather than differ.
        throw new Error("loadRelated after a store.set in the same handler is not supported by the local indexer");
      }
      return speculate(() => base.loadRelated(type, id, field), []);
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
  trigger: TriggerData;
  store: HostStore;
  calls: CallResolver;
  dataSource: HostContext["dataSource"];
  log: HostContext["log"];
  /**
   * Checks an entity the mapping saves and returns it as stored (with its id, merged into `existing`, the entity's
   * current version); throws {@link HandlerError}.
   */
  validate: (type: string, id: string, entity: Entity, existing: () => Entity | null) => Entity;
  /** Also answered from the resolver's cache by the caller; zero and false until then. */
  getBalance?: (address: `0x${string}`) => bigint;
  hasCode?: (address: `0x${string}`) => boolean;
};

/** Runs `handler` on `trigger`; throws {@link HandlerError} when the mapping fails. */
export async function runHandler(run: HandlerRun): Promise<{ attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    // What the attempt needs but the host has not fetched: the attempt goes on with a stand-in (no entity, a
    // reverted call) to find the rest of what it needs, then everything is fetched at once and the handler runs
    // again. Only a run that needed nothing unfetched counts.
    const missing = new Map<string, () => Promise<void>>();
    const speculate = <T>(read: () => T, standIn: T): T => {
      try {
        return read();
      } catch (error) {
        if (!(error instanceof NeedsFetch)) throw error;
        missing.set(error.message, error.fetch);
        return standIn;
      }
    };
    const { store, commit } = stagedStore(run.store, run.validate, speculate);
    const logs: [number, string][] = [];
    const context: HostContext = {
      store,
      ethereum: {
        call(request) {
          const result = run.calls.cached(request);
          if (result === undefined) {
            const what = `eth_call ${request.contractName}.${request.functionName} ${request.address} ${JSON.stringify(request.params, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}`;
            missing.set(what, () => run.calls.fetch(request));
            return null;
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
    const instance = freshInstance(run.module);
    Object.assign(instance.context, context);
    const { exports } = instance;
    const handler = exports[run.handler];
    if (typeof handler !== "function") {
      instance.busy = false;
      throw new HandlerError(`the mapping exports no handler ${run.handler}`);
    }
    let failure: unknown = null;
    try {
      exports._start?.();
      (handler as (ptr: number) => void)(writeTrigger(instance.asc, run.trigger));
    } catch (error) {
      failure = error;
    } finally {
      instance.busy = false;
    }
    if (missing.size > 0) {
      // A stand-in may have made the attempt fail: only a complete run's outcome counts.
      await Promise.all([...missing.values()].map((fetch) => fetch()));
      continue;
    }
    if (failure !== null) {
      const error = failure;
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
