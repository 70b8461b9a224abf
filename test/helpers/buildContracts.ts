import hre from "hardhat";

/** Vitest global setup: compile once (offline, solc-js) so every test file finds its artifacts. */
export default async function buildContracts(): Promise<void> {
  await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
}
