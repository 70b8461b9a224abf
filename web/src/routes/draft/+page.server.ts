import { formatValue } from "../../../../sdk/proposal/units.ts";
import { trimtabGovernorAbi } from "../../../../sdk/abis/contracts.ts";
import { describeRules } from "#lib/rules.ts";
import { settled } from "#lib/server/settled.ts";
import { sharedSimulationBase, sharedStack } from "#lib/server/sharedStack.ts";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async () => {
  const stack = await sharedStack();
  const [registry, threshold] = await Promise.all([
    stack.readSnapshot(),
    stack.publicClient.readContract({
      address: stack.governor,
      abi: trimtabGovernorAbi,
      functionName: "proposalThreshold",
    }),
  ]);
  return {
    registry,
    registryAddress: stack.registry,
    threshold,
    parameters: Object.values(registry.parameters)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((p) => ({
        name: p.name,
        kind: p.kind,
        value: formatValue(p.name, p.kind, p.value, registry),
        rules: describeRules(p, registry),
      })),
    // Streamed: the form works before the feeds' history is read.
    simulationBase: settled(sharedSimulationBase().then((base) => ({ base }))),
  };
};
