/**
 * Proposals on chain: reading one back from the governor's `ProposalCreated` event, decoding its calls into
 * parameter changes (any proposal, whoever made it), and the governor calls that take it through its life.
 */
import { keccak256, getAbiItem, getAddress, stringToHex, type Address, type Hex, type PublicClient } from "viem";
import { trimtabGovernorAbi } from "../abis/contracts.ts";
import { registryUpdatesOf } from "./registryCalls.ts";
import { readGuard } from "./guard.ts";
import type { RegistrySnapshot } from "./check.ts";
import type { ProposalDraft, RawCall } from "./proposalFile.ts";
import { formatValue } from "./units.ts";
import { scanLogs, type LogScanProgress } from "../logScan.ts";

const proposalCreated = getAbiItem({ abi: trimtabGovernorAbi, name: "ProposalCreated" });

/** A proposal as the governor recorded it. */
export type OnchainProposal = {
  id: bigint;
  proposer: Address;
  targets: readonly Address[];
  values: readonly bigint[];
  calldatas: readonly Hex[];
  description: string;
  descriptionHash: Hex;
  voteStart: bigint;
  voteEnd: bigint;
  /** The block it was proposed in. */
  createdBlockNumber: bigint;
};

/**
 * Reads proposal `id` from the governor's events; an error when it never was proposed. `createdAt`, the block it
 * was proposed in when known (an indexer knows it), spares a search; otherwise the governor's `ProposalCreated` logs
 * are scanned from `options.fromBlock` (the deployment's start block; 0 when unknown) in bounded, retried ranges
 * until it is found, reporting progress.
 */
export async function readOnchainProposal(
  client: PublicClient,
  governor: Address,
  id: bigint,
  createdAt?: bigint,
  options: { fromBlock?: bigint; onProgress?: (progress: LogScanProgress) => void } = {},
): Promise<OnchainProposal> {
  const logs = await scanLogs(client, {
    address: governor,
    event: proposalCreated,
    fromBlock: createdAt ?? options.fromBlock ?? 0n,
    ...(createdAt === undefined ? {} : { toBlock: createdAt }),
    until: (found) => found.some((l) => l.args.proposalId === id),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const log = logs.find((l) => l.args.proposalId === id);
  if (!log) throw new Error(`proposal ${id} was never proposed to the governor at ${governor}`);
  const a = log.args;
  return {
    id,
    proposer: a.proposer!,
    targets: a.targets!,
    values: a.values!,
    calldatas: a.calldatas!,
    description: a.description!,
    descriptionHash: keccak256(stringToHex(a.description!)),
    voteStart: a.voteStart!,
    voteEnd: a.voteEnd!,
    createdBlockNumber: log.blockNumber,
  };
}

/**
 * The proposal as a draft: calls to the registry's `setParameters`/`setParameter` become parameter changes in human
 * units, every other call stays a raw call. The title is the description's first heading (or line). The stack's
 * postcondition guard (`contracts.ProposalGuard`), when the calls begin and end with it, is not part of the draft: it
 * is read with guard.ts `readGuard` (a call to any other contract stays a raw call, whatever its selector).
 */
export function decodeOnchainProposal(
  proposal: OnchainProposal,
  registry: Address,
  snapshot: RegistrySnapshot,
  contracts: { ProposalGuard?: Address | undefined },
): ProposalDraft {
  const changes: Record<string, string | boolean> = {};
  const calls: RawCall[] = [];
  const actions = proposal.targets.map((target, i) => ({
    target,
    value: proposal.values[i] ?? 0n,
    data: proposal.calldatas[i]!,
  }));
  const guarded = readGuard(actions);
  const payload =
    guarded && contracts.ProposalGuard && guarded.guard === getAddress(contracts.ProposalGuard)
      ? guarded.payload
      : actions;
  payload.forEach(({ target, data, value = 0n }) => {
    if (target.toLowerCase() === registry.toLowerCase() && value === 0n) {
      // Another registry function (or undecodable calldata) is kept as a raw call.
      const updates = registryUpdatesOf(data);
      if (updates) {
        for (const { name, value: newValue } of updates) {
          const parameter = snapshot.parameters[name];
          changes[name] = parameter ? formatValue(name, parameter.kind, newValue, snapshot) : `${newValue}`;
        }
        return;
      }
    }
    calls.push({ target, data, value, note: "decoded from the proposal" });
  });
  const firstLine = proposal.description.split("\n").find((line) => line.trim() !== "") ?? `Proposal ${proposal.id}`;
  return {
    title: firstLine.replace(/^#+\s*/, "").slice(0, 120),
    body: proposal.description,
    changes,
    calls,
    simulation: {},
  };
}

/** The impact report a description cites (`Impact report: 0x… (block N)`): its hash and, when given, its block. */
export function reportCitationOf(description: string): { hash: Hex; blockNumber?: bigint } | undefined {
  const match = /Impact report: (0x[0-9a-f]{64})(?: \(block (\d+)\))?/.exec(description);
  if (!match) return undefined;
  return { hash: match[1] as Hex, ...(match[2] ? { blockNumber: BigInt(match[2]) } : {}) };
}

/** The impact report hash a description carries, if any. */
export function reportHashOf(description: string): Hex | undefined {
  return reportCitationOf(description)?.hash;
}
