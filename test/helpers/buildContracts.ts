import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import hre from "hardhat";
import { buildSubgraph, subgraphDir } from "../../scripts/codegen/subgraph.ts";

/** The newest modification time under `dir` (0 when it does not exist). */
async function newest(dir: string): Promise<number> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch {
    return 0;
  }
  const times = await Promise.all(
    entries.filter((e) => e.isFile()).map(async (e) => (await stat(path.join(e.parentPath, e.name))).mtimeMs),
  );
  return Math.max(0, ...times);
}

/**
 * Vitest global setup: compile the contracts once (offline, solc-js) so every test file finds its artifacts, and
 * build the subgraph when its sources are newer than its build (`npm test` has just built it).
 */
export default async function buildContracts(): Promise<void> {
  await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
  const built = await newest(path.join(subgraphDir, "build", "default"));
  const sources = Math.max(
    await newest(path.join(subgraphDir, "src")),
    (await stat(path.join(subgraphDir, "schema.graphql"))).mtimeMs,
    (await stat(path.join(subgraphDir, "subgraph.yaml"))).mtimeMs,
  );
  if (built < sources) await buildSubgraph();
}
