/**
 * Rewrites a wasm module so that every mutable global it defines is also exported (as `__global_<index>`). With
 * them, the host can put a used instance back into the state a fresh instantiation gives (memory as instantiated,
 * globals at their initial values) instead of instantiating the module again for every trigger.
 *
 * Reads the binary format of the WebAssembly core specification (sections 5.5): the import section (to count
 * imported globals, which come first in the global index space), the global section (value type, mutability and a
 * constant initializer each) and the export section, which it rebuilds with the added entries.
 */

const sectionId = { import: 2, global: 6, export: 7 } as const;
const exportKindGlobal = 3;

/** An unsigned LEB128 at `offset`: its value and the offset after it. */
function readU32(bytes: Uint8Array, offset: number): [number, number] {
  let value = 0;
  let shift = 0;
  let at = offset;
  for (;;) {
    const byte = bytes[at++];
    if (byte === undefined) throw new Error(`wasm: truncated LEB128 at byte ${offset}`);
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

/** Skips a signed LEB128 (a constant's payload). */
function skipLeb(bytes: Uint8Array, offset: number): number {
  let at = offset;
  while ((bytes[at++] ?? 0) >= 0x80);
  return at;
}

function writeU32(value: number): number[] {
  const out: number[] = [];
  let v = value;
  do {
    const byte = v & 0x7f;
    v = Math.floor(v / 128);
    out.push(v > 0 ? byte | 0x80 : byte);
  } while (v > 0);
  return out;
}

/** Skips a `limits` (table and memory types). */
function skipLimits(bytes: Uint8Array, offset: number): number {
  const flags = bytes[offset]!;
  let at = readU32(bytes, offset + 1)[1];
  if (flags & 1) at = readU32(bytes, at)[1];
  return at;
}

/** Skips a constant expression up to and including its `end`. */
function skipConstExpr(bytes: Uint8Array, offset: number): number {
  let at = offset;
  for (;;) {
    const op = bytes[at++];
    switch (op) {
      case 0x0b:
        return at;
      case 0x41: // i32.const
      case 0x42: // i64.const
        at = skipLeb(bytes, at);
        break;
      case 0x43: // f32.const
        at += 4;
        break;
      case 0x44: // f64.const
        at += 8;
        break;
      case 0x23: // global.get
      case 0xd2: // ref.func
        at = readU32(bytes, at)[1];
        break;
      case 0xd0: // ref.null
        at += 1;
        break;
      default:
        throw new Error(`wasm: unsupported opcode 0x${(op ?? 0).toString(16)} in a global's initializer`);
    }
  }
}

/** The name under which the rewritten module exports global `index`. */
export const globalExportName = (index: number) => `__global_${index}`;

/**
 * The module with every mutable global it defines exported, and those globals' export names. Throws naming the
 * problem when the bytes are not a module it can read.
 */
export function exportMutableGlobals(bytes: Uint8Array): { bytes: Uint8Array; globals: string[] } {
  if (bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new Error("wasm: not a WebAssembly module (bad magic)");
  }
  let importedGlobals = 0;
  const mutable: number[] = [];
  let exportSection: { start: number; end: number; contentStart: number } | null = null;
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at]!;
    const [size, contentStart] = readU32(bytes, at + 1);
    const end = contentStart + size;
    if (id === sectionId.import) {
      let [count, p] = readU32(bytes, contentStart);
      for (; count > 0; count--) {
        const [moduleLength, m] = readU32(bytes, p);
        const [fieldLength, f] = readU32(bytes, m + moduleLength);
        p = f + fieldLength;
        const kind = bytes[p++];
        if (kind === 0) p = readU32(bytes, p)[1];
        else if (kind === 1) p = skipLimits(bytes, p + 1);
        else if (kind === 2) p = skipLimits(bytes, p);
        else if (kind === 3) {
          importedGlobals++;
          p += 2;
        } else throw new Error(`wasm: unknown import kind ${kind}`);
      }
    } else if (id === sectionId.global) {
      let [count, p] = readU32(bytes, contentStart);
      for (let index = importedGlobals; count > 0; count--, index++) {
        if (bytes[p + 1] === 1) mutable.push(index);
        p = skipConstExpr(bytes, p + 2);
      }
    } else if (id === sectionId.export) {
      exportSection = { start: at, end, contentStart };
    }
    at = end;
  }
  if (!exportSection) throw new Error("wasm: the module has no export section");
  const [count, entriesStart] = readU32(bytes, exportSection.contentStart);
  const added: number[] = [];
  const names = mutable.map(globalExportName);
  mutable.forEach((index, k) => {
    const name = new TextEncoder().encode(names[k]);
    added.push(...writeU32(name.length), ...name, exportKindGlobal, ...writeU32(index));
  });
  const content = [...writeU32(count + mutable.length), ...bytes.subarray(entriesStart, exportSection.end), ...added];
  const section = [sectionId.export, ...writeU32(content.length), ...content];
  const out = new Uint8Array(bytes.length - (exportSection.end - exportSection.start) + section.length);
  out.set(bytes.subarray(0, exportSection.start), 0);
  out.set(section, exportSection.start);
  out.set(bytes.subarray(exportSection.end), exportSection.start + section.length);
  return { bytes: out, globals: names };
}
