/**
 * The gas a plan's transactions will use, estimated before anything is sent: each contract's creation (its linked
 * bytecode and constructor arguments) goes through eth_estimateGas from the deployer. Contracts of the deployment
 * that do not exist yet stand in as placeholder addresses; a constructor that reads one (the governor asks the token
 * for its clock, the modules ask the vault for its registry) cannot be estimated by the node, and gets an estimate
 * from its size instead (intrinsic and calldata gas, the code deposit, and a margin for its constructor), marked as
 * such. The timelock's role changes are priced the same way, as the timelock does not exist yet either.
 */
import {
  encodeDeployData,
  encodeFunctionData,
  keccak256,
  size,
  slice,
  toBytes,
  toHex,
  type Abi,
  type Address,
  type Hex,
} from "viem";
import type { ContractRef, PlatformPlan, PlannedContract } from "./plan.ts";
import { resolveArgs } from "./plan.ts";

/** What the estimate needs of an artifact (Hardhat's artifacts carry it). */
export type PlanArtifact = {
  abi: Abi;
  bytecode: string;
  deployedBytecode: string;
  linkReferences: Readonly<Record<string, Readonly<Record<string, readonly { start: number; length: number }[]>>>>;
};

/** What the estimate asks of the node: eth_estimateGas (a viem public client has it). */
export type GasClient = { estimateGas(args: { account: Address; data: Hex }): Promise<bigint> };

export type GasEstimate = {
  name: string;
  gas: bigint;
  /** `node`: eth_estimateGas; `size`: from the bytecode's size (the transaction reads a contract not deployed yet). */
  method: "node" | "size";
  note?: string;
};

/** The placeholder address a not-yet-deployed contract of the deployment stands at in the estimate. */
export function placeholderAddress(name: string): Address {
  return slice(keccak256(toHex(`trimtab placeholder ${name}`)), 12) as Address;
}

/** `artifact`'s creation bytecode with each library's address written where its link reference points. */
export function linkBytecode(
  artifact: Pick<PlanArtifact, "bytecode" | "linkReferences">,
  libraries: Record<string, Address>,
): Hex {
  let code = artifact.bytecode.replace(/^0x/, "");
  for (const [, libs] of Object.entries(artifact.linkReferences ?? {}))
    for (const [name, references] of Object.entries(libs)) {
      const address = libraries[name];
      if (!address) throw new Error(`bytecode links ${name}, which has no address`);
      for (const { start, length } of references)
        code = code.slice(0, start * 2) + address.slice(2).toLowerCase() + code.slice((start + length) * 2);
    }
  return `0x${code}`;
}

/** Calldata gas (EIP-2028) of `data`: 4 per zero byte, 16 per other byte. */
function calldataGas(data: Hex): bigint {
  let gas = 0n;
  for (const byte of toBytes(data)) gas += byte === 0 ? 4n : 16n;
  return gas;
}

/**
 * A creation's gas from its size: the transaction (21,000 and its calldata), CREATE (32,000 and 2 per initcode
 * word), the code deposit (200 per byte of runtime code), and its constructor's execution taken as a fifth of that.
 */
export function creationGasFromSize(data: Hex, runtimeBytes: number): bigint {
  const words = BigInt(Math.ceil(size(data) / 32));
  const base = 21_000n + calldataGas(data) + 32_000n + 2n * words + 200n * BigInt(runtimeBytes);
  return base + base / 5n;
}

/**
 * The estimate of every transaction of `plan` from `deployer` on `client`'s chain, in the plan's order: the
 * contracts, then the calls. Sends nothing.
 */
export async function estimatePlanGas(
  client: GasClient,
  plan: PlatformPlan,
  deployer: Address,
  readArtifact: (name: string) => Promise<PlanArtifact>,
): Promise<GasEstimate[]> {
  const placeholders: Partial<Record<ContractRef["ref"], Address>> = { deployer };
  for (const c of plan.contracts) placeholders[c.name] = placeholderAddress(c.name);
  if (plan.token) placeholders.TrimtabToken = plan.token;
  const estimates: GasEstimate[] = [];
  for (const contract of plan.contracts)
    estimates.push(await estimateCreation(client, contract, placeholders, deployer, readArtifact));
  const timelock = await readArtifact("TimelockController");
  for (const call of plan.calls) {
    const data = encodeFunctionData({
      abi: timelock.abi,
      functionName: call.functionName,
      args: resolveArgs(call.args, placeholders),
    } as never);
    // A role change writes one slot (a grant: 22,100; a renounce clears one) and logs one event.
    const execution = call.functionName === "grantRole" ? 30_000n : 10_000n;
    estimates.push({
      name: call.name,
      gas: 21_000n + calldataGas(data) + execution,
      method: "size",
      note: "the timelock is not deployed yet",
    });
  }
  return estimates;
}

async function estimateCreation(
  client: GasClient,
  contract: PlannedContract,
  placeholders: Partial<Record<ContractRef["ref"], Address>>,
  deployer: Address,
  readArtifact: (name: string) => Promise<PlanArtifact>,
): Promise<GasEstimate> {
  const artifact = await readArtifact(contract.artifact);
  const libraries = Object.fromEntries(
    Object.entries(contract.libraries ?? {}).map(([lib, name]) => [lib, placeholders[name]!]),
  );
  const data = encodeDeployData({
    abi: artifact.abi,
    bytecode: linkBytecode(artifact, libraries),
    args: resolveArgs(contract.args, placeholders),
  } as never);
  try {
    return { name: contract.name, gas: await client.estimateGas({ account: deployer, data }), method: "node" };
  } catch {
    const runtimeBytes = size(artifact.deployedBytecode as Hex);
    return {
      name: contract.name,
      gas: creationGasFromSize(data, runtimeBytes),
      method: "size",
      note: "its constructor reads a contract of this deployment, not deployed yet",
    };
  }
}
