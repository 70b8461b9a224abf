/**
 * `npm run lint:cycles`: fails when a TypeScript or Svelte module imports itself through others (an import cycle).
 * Reads every tracked source file's relative and subpath (`#lib/…`) imports (`import`, `export … from`, `import()`), finds the strongly
 * connected components of the graph (Tarjan) and prints each cycle's files.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

const root = path.resolve(import.meta.dirname, "..");

/** The nearest package.json's folder above `file` and its subpath imports (`"#lib/*": "./src/lib/*"`). */
function subpathImportsOf(file: string): { dir: string; imports: Record<string, string> } {
  return packageOf(path.dirname(file));
}

/** The package a folder belongs to, found once per folder (every module of a folder asks). */
const packages = new Map<string, { dir: string; imports: Record<string, string> }>();
function packageOf(dir: string): { dir: string; imports: Record<string, string> } {
  const known = packages.get(dir);
  if (known) return known;
  const manifest = path.join(root, dir, "package.json");
  let found: { dir: string; imports: Record<string, string> };
  if (existsSync(manifest)) {
    const { imports = {} } = JSON.parse(readFileSync(manifest, "utf8")) as { imports?: Record<string, unknown> };
    const strings = Object.entries(imports).filter((entry): entry is [string, string] => typeof entry[1] === "string");
    found = { dir, imports: Object.fromEntries(strings) };
  } else found = dir === "." || dir === "" ? { dir: ".", imports: {} } : packageOf(path.dirname(dir));
  packages.set(dir, found);
  return found;
}

/** Where `name`, imported by `file`, points in the repository: a relative import, or a subpath import (`#lib/…`). */
function resolveImport(file: string, name: string): string | undefined {
  if (name.startsWith("./") || name.startsWith("../"))
    return path.relative(root, path.resolve(root, path.dirname(file), name));
  if (!name.startsWith("#")) return undefined;
  const { dir, imports } = subpathImportsOf(file);
  for (const [pattern, target] of Object.entries(imports)) {
    const prefix = pattern.replace(/\*$/, "");
    if (pattern.endsWith("*") ? name.startsWith(prefix) : name === pattern)
      return path.relative(root, path.resolve(root, dir, target.replace(/\*$/, name.slice(prefix.length))));
  }
  return undefined;
}

/**
 * The repository's modules and the modules each imports: relative imports and subpath imports (`#lib/…`); packages
 * cannot import back.
 */
export function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const imported = ts
      .preProcessFile(readFileSync(path.join(root, file), "utf8"), true, true)
      .importedFiles.map((entry) => resolveImport(file, entry.fileName))
      .filter((target): target is string => target !== undefined && existsSync(path.join(root, target)));
    graph.set(file, imported);
  }
  return graph;
}

/**
 * Each set of two or more modules that import one another, directly or through others, and each module importing
 * itself, except a Svelte component: importing itself is how a Svelte 5 component renders itself (a nested table).
 */
export function importCycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string) => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    const selfImport = !file.endsWith(".svelte") && graph.get(file)?.includes(file);
    if (component.length > 1 || selfImport) cycles.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return cycles;
}

if (import.meta.main) {
  const files = execFileSync("git", ["ls-files", "*.ts", "*.svelte"], { cwd: root, encoding: "utf8" })
    .split("\n")
    .filter((file) => file !== "" && !file.startsWith("subgraph/generated/") && existsSync(path.join(root, file)));
  const cycles = importCycles(importGraph(files));
  for (const cycle of cycles) console.error(`import cycle:\n  ${cycle.join("\n  ")}`);
  if (cycles.length > 0) process.exit(1);
  console.log(`no import cycle in ${files.length} modules`);
}
