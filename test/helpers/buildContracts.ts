import hre from "hardhat";
import { ensureSubgraphBuilt } from "../../scripts/codegen/subgraph.ts";

/**
 * Vitest global setup of the chain project: compile the contracts once (offline, solc-js) so every test file finds
 * its artifacts, and build the subgraph when its sources are newer than its build.
 */
export default async function buildContracts(): Promise<void> {
  await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
  await ensureSubgraphBuilt();
}
