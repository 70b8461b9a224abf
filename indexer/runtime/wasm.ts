/**
 * The few WebAssembly JS API types the runtime uses. TypeScript declares them only in the DOM library, which a
 * Node project does not load; Node's global `WebAssembly` is the standard API.
 */
export type WasmMemory = { buffer: ArrayBuffer };
export type WasmGlobal = { value: unknown };
export type WasmModule = object;
export type WasmImports = Record<string, Record<string, unknown>>;
export type WasmInstance = { exports: Record<string, unknown> };

type WasmApi = {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: WasmImports) => WasmInstance;
  Global: abstract new (...args: never[]) => WasmGlobal;
};

export const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
