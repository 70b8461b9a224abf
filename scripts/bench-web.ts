/**
 * `npm run bench:web`: builds the web app and prints the JavaScript each page loads when opened: SvelteKit's client
 * entry, its layouts and its page as the server preloads them, and every module these import statically, followed
 * through the built files (SvelteKit's preload list can miss a shared chunk); chunks loaded later on demand (the
 * simulation's Web Worker, the signers behind the wallet button) are not counted. Raw and gzipped (level 9).
 * The last line is JSON: {"dashboardJsGzipKB": N, "routes": {...}}. The issue's budget: the dashboard ≤ 150 KB gzip.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import { gzipSync } from "node:zlib";

const root = path.resolve(import.meta.dirname, "..");
const web = path.join(root, "web");
const output = path.join(web, ".svelte-kit", "output");
const { values } = parseArgs({ options: { "no-build": { type: "boolean", default: false } } });

if (!values["no-build"]) {
  await promisify(execFile)(
    process.execPath,
    [path.join(root, "node_modules", "vite", "bin", "vite.js"), "build", "--logLevel", "warn"],
    {
      cwd: web,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
}

/** The string list assigned to `name` in a generated module (`imports: [...]` or `export const imports = [...]`). */
function stringList(source: string, pattern: RegExp): string[] {
  const match = pattern.exec(source);
  if (!match) throw new Error(`no ${pattern} in SvelteKit's build output: has its format changed?`);
  return JSON.parse(`[${match[1]}]`) as string[];
}

const manifest = await readFile(path.join(output, "server", "manifest.js"), "utf8");
const entry = stringList(manifest, /client: \{[^}]*?imports:\[([^\]]*)\]/);
const routes = [
  ...manifest.matchAll(
    /id: "([^"]+)",[\s\S]*?page: (null|\{ layouts: \[([\d,]*)\], errors: \[[\d,]*\], leaf: (\d+) \})/g,
  ),
]
  .filter((m) => m[2] !== "null")
  .map((m) => ({ id: m[1]!, nodes: [...m[3]!.split(",").filter(Boolean).map(Number), Number(m[4])] }));

const nodeImports = new Map<number, string[]>();
async function importsOf(node: number): Promise<string[]> {
  if (!nodeImports.has(node)) {
    const source = await readFile(path.join(output, "server", "nodes", `${node}.js`), "utf8");
    nodeImports.set(node, stringList(source, /export const imports = \[([^\]]*)\]/));
  }
  return nodeImports.get(node)!;
}

const sizes = new Map<string, { raw: number; gzip: number }>();
async function sizeOf(file: string) {
  if (!sizes.has(file)) {
    const bytes = await readFile(path.join(output, "client", file));
    sizes.set(file, { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
  }
  return sizes.get(file)!;
}

/** The modules `file` imports statically (`import … from "./x.js"`, `import "./x.js"`), not `import("./x.js")`. */
const staticImports = new Map<string, string[]>();
async function staticImportsOf(file: string): Promise<string[]> {
  if (!staticImports.has(file)) {
    const source = await readFile(path.join(output, "client", file), "utf8");
    const found = [...source.matchAll(/(?:\bfrom|\bimport)\s*["']([^"']+\.js)["']/g)].map((m) =>
      path.posix.join(path.posix.dirname(file), m[1]!),
    );
    staticImports.set(file, found);
  }
  return staticImports.get(file)!;
}

const results: Record<string, { files: number; rawKB: number; gzipKB: number }> = {};
for (const route of routes) {
  const files = new Set(entry);
  for (const node of route.nodes) for (const file of await importsOf(node)) files.add(file);
  for (const file of files) for (const imported of await staticImportsOf(file)) files.add(imported);
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const size = await sizeOf(file);
    raw += size.raw;
    gzip += size.gzip;
  }
  const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;
  results[route.id] = { files: files.size, rawKB: kb(raw), gzipKB: kb(gzip) };
}

console.log("JavaScript each page loads (KB):");
console.log(`${"route".padEnd(18)}${"files".padStart(6)}${"raw".padStart(9)}${"gzip".padStart(9)}`);
for (const [id, r] of Object.entries(results))
  console.log(
    `${id.padEnd(18)}${String(r.files).padStart(6)}${r.rawKB.toFixed(1).padStart(9)}${r.gzipKB.toFixed(1).padStart(9)}`,
  );
const dashboard = results["/"];
if (!dashboard) throw new Error("the build has no dashboard route (/)");
console.log(JSON.stringify({ dashboardJsGzipKB: dashboard.gzipKB, routes: results }));
