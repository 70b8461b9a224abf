/**
 * `npm run bench:web`: builds the web app and prints the JavaScript each page loads when opened (SvelteKit's
 * client entry plus its layouts' and its page's static imports, as the server preloads them; chunks loaded later on
 * demand, the simulation's Web Worker or the dev-account signer, are not counted), raw and gzipped (level 9).
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

const results: Record<string, { files: number; rawKB: number; gzipKB: number }> = {};
for (const route of routes) {
  const files = new Set(entry);
  for (const node of route.nodes) for (const file of await importsOf(node)) files.add(file);
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
