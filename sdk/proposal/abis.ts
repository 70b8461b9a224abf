/**
 * The ABIs of every contract of the stack (the registry, the vault and its modules, the governor, the timelock, the
 * token and the proposal guard) in one list (from the generated `sdk/abis/contracts.ts`): enough to decode any call to them, and any
 * event or custom error a proposal's calls may produce.
 */
import type { Abi } from "viem";
import {
  collateralManagerAbi,
  hedgeModuleAbi,
  parameterRegistryAbi,
  portfolioVaultAbi,
  proposalGuardAbi,
  timelockControllerAbi,
  trimtabGovernorAbi,
  trimtabTokenAbi,
} from "../abis/contracts.ts";

const abis: Abi[] = [
  parameterRegistryAbi,
  portfolioVaultAbi,
  collateralManagerAbi,
  hedgeModuleAbi,
  trimtabGovernorAbi,
  timelockControllerAbi,
  trimtabTokenAbi,
  proposalGuardAbi,
];

/** One entry per event, error and function signature (the vault's and the modules' ABIs share many). */
export const stackAbi: Abi = (() => {
  const seen = new Set<string>();
  return abis.flat().filter((item) => {
    const key = JSON.stringify([item.type, "name" in item ? item.name : "", "inputs" in item ? item.inputs : []]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
})();
