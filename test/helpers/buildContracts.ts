import hre from "hardhat";
import { ensureSubgraphBuilt } from "../../scripts/codegen/subgraph.ts";
import { ensureWebBuilt } from "../../devnet/webProcess.ts";

/**
 * Vitest global setup: compile the contracts once (offline, solc-js) so every test file finds its artifacts, and
 * build the subgraph and the web app when their sources are newer than their builds (once here: two `vite build`s
 * of one project at a time refuse to run).
 */
export default async function buildContracts(): Promise<void> {
  await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
  await ensureSubgraphBuilt();
  await ensureWebBuilt();
}
