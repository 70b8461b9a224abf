/**
 * The ABIs of every contract of the stack in one list, from Hardhat's build artifacts (Node only; `npm run build`
 * or any test run writes them): enough to decode any event or custom error a proposal's calls may produce.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Abi } from "viem";

const artifacts = [
  "contracts/registry/ParameterRegistry.sol/ParameterRegistry.json",
  "contracts/vault/PortfolioVault.sol/PortfolioVault.json",
  "contracts/vault/CollateralManager.sol/CollateralManager.json",
  "contracts/vault/HedgeModule.sol/HedgeModule.json",
  "contracts/governance/TrimtabGovernor.sol/TrimtabGovernor.json",
  "@openzeppelin/contracts/governance/TimelockController.sol/TimelockController.json",
];

export async function loadStackAbi(root: string): Promise<Abi> {
  const abis = await Promise.all(
    artifacts.map(async (file) => {
      const text = await readFile(path.join(root, "artifacts", file), "utf8").catch(() => {
        throw new Error(`artifacts/${file} is missing: run npm run build first`);
      });
      return (JSON.parse(text) as { abi: Abi }).abi;
    }),
  );
  // One entry per event, error and function signature (the vault's and the modules' ABIs share many).
  const seen = new Set<string>();
  return abis.flat().filter((item) => {
    const key = JSON.stringify([item.type, "name" in item ? item.name : "", "inputs" in item ? item.inputs : []]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
