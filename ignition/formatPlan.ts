import { formatUnits, type Address } from "viem";
import { governanceDefaults } from "./modules/Governance.ts";
import type { PlatformPlan } from "./plan.ts";
import type { GasEstimate } from "./planGas.ts";

/**
 * The plan as the operator reads it before anything is sent: the network and deployer, every address to be used
 * with its source, every registry parameter (the file's overrides marked), the contracts and calls with their gas,
 * the total (and its cost at `gasPriceWei` when given), then warnings and errors.
 */
export function formatPlan(
  plan: PlatformPlan,
  options: { deployer: Address; gas: readonly GasEstimate[]; gasPriceWei?: bigint },
): string {
  const lines: string[] = [];
  lines.push(`Deployment plan: ${plan.network} (chain ${plan.chainId}), deployer ${options.deployer}`);
  lines.push("", "Addresses used (from the address book unless said otherwise):");
  for (const a of plan.addresses) lines.push(`  ${a.role.padEnd(52)} ${a.address}  [${a.source}]`);
  lines.push("", `Governance${plan.token ? ` (over the existing votes token ${plan.token})` : ""}; * set by the file:`);
  const { parameterDefinitions: _definitions, ...set } = plan.governance;
  const governance: Record<string, unknown> = {
    ...(plan.token ? {} : { tokenRecipient: options.deployer, tokenSupply: governanceDefaults.tokenSupply }),
    ...governanceDefaults,
    ...set,
  };
  if (plan.token) delete governance.tokenSupply;
  for (const [key, value] of Object.entries(governance)) {
    const when =
      key === "registryGuardianExpiresAt" && value !== 0n ? ` (${new Date(Number(value) * 1000).toISOString()})` : "";
    lines.push(`  ${key in set ? "*" : " "}${key.padEnd(30)} ${String(value)}${when}`);
  }
  lines.push("", `Registry parameters (${plan.parameters.length}; * set by the parameters file):`);
  for (const p of plan.parameters) {
    const value = p.kind === "address" ? `0x${p.value.toString(16).padStart(40, "0")}` : p.value.toString();
    const mark = plan.overridden.includes(p.name) ? "*" : " ";
    lines.push(`  ${mark}${p.name.padEnd(31)} ${value.padEnd(42)} ${p.kind} [${p.rules.min}..${p.rules.max}]`);
  }
  lines.push("", "Transactions (gas; ~ = from the bytecode's size, the node cannot run it before its dependencies):");
  let total = 0n;
  for (const g of options.gas) {
    total += g.gas;
    lines.push(`  ${g.name.padEnd(52)} ${g.method === "node" ? " " : "~"}${g.gas.toString().padStart(10)}`);
  }
  const cost =
    options.gasPriceWei !== undefined
      ? ` (${formatUnits(total * options.gasPriceWei, 18)} ETH at the current gas price)`
      : "";
  lines.push(`  ${"total".padEnd(52)}  ${total.toString().padStart(10)}${cost}`);
  if (plan.warnings.length) lines.push("", "Warnings:", ...plan.warnings.map((w) => `  ${w}`));
  if (plan.errors.length) lines.push("", "Errors (nothing will be sent):", ...plan.errors.map((e) => `  ${e}`));
  return lines.join("\n");
}
