/**
 * A proposal's dry run against a deployed stack, on an in-process fork of its chain (sdk/fork.ts): the chain itself
 * is only read. Node only (shared by the CLI, the web app's server and the devnet's scripts).
 */
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  getAddress,
  keccak256,
  toHex,
  type Abi,
  type Address,
  type Hex,
} from "viem";
import { withFork } from "../fork.ts";
import { stackAbi } from "./abis.ts";
import { proposalActions } from "./actions.ts";
import type { CheckResult } from "./check.ts";
import { connectStack, type Stack } from "./deployed.ts";
import { dryRun, type DryRun } from "./dryRun.ts";
import type { ProposalDraft } from "./proposalFile.ts";
import type { ProposalAction } from "../proposalArgs.ts";
import { guardedActions, readGuard, timelockSalt } from "./guard.ts";
import { guardConditions, readLtvConditions, readRoleConditions } from "./guardState.ts";
import { rehearseExecution } from "./guardRehearsal.ts";

/**
 * The guard a dry run rehearses (made by {@link guardPlan}): a new guard, bound to the description the proposal will
 * be submitted with, its conditions read on the fork after the calls; or an on-chain proposal's own.
 */
export type GuardPlan =
  | { kind: "new"; guard: Address; description: string; accounts: readonly Address[] }
  | { kind: "onchain"; actions: readonly ProposalAction[]; descriptionHash: Hex };

/** An on-chain proposal's calls and description hash: what its guard, if any, is bound to. */
export type OnchainBatch = { actions: ProposalAction[]; descriptionHash: Hex };

/**
 * The guard a dry run rehearses: an on-chain proposal's own (when its calls carry the stack's guard), or, for a
 * proposal about to be submitted with `description`, a new one (when the stack has a guard), with the accounts its
 * file's `permissions:` names. None otherwise.
 */
export function guardPlan(
  stack: Pick<Stack, "contracts">,
  of: { onchain: OnchainBatch } | { proposal: ProposalDraft; description: string },
): GuardPlan | undefined {
  const guard = stack.contracts.ProposalGuard;
  if (!guard) return undefined;
  if ("onchain" in of) {
    const carried = readGuard(of.onchain.actions);
    return carried && carried.guard === getAddress(guard) ? { kind: "onchain", ...of.onchain } : undefined;
  }
  const accounts = (of.proposal.permissions ?? []).flatMap((p) =>
    "grant" in p ? [p.to] : "revoke" in p ? [p.from] : [],
  );
  return { kind: "new", guard, description: of.description, accounts };
}

/** Who runs the keeper cycle in a dry run: an address of no one's (the keeper's functions are open), impersonated. */
export const dryRunKeeper: Address = "0x00000000000000000000000000006b6565706572";

/**
 * The proposal executed as the timelock, then one keeper cycle, on an in-process fork of the stack's chain (Hardhat's
 * EDR) at the latest block, or at `blockNumber` (the block a report cites, to reproduce it); the fork is closed
 * after. The chain itself is only read: any chain works, a devnet or a real one behind an RPC provider. With a
 * `guard` plan, the guard's conditions are read after the calls, and the guarded batch is then rehearsed as the
 * timelock would execute it, on a second fork of the same block (`guard.rehearsal`).
 */
export async function dryRunProposal(
  stack: Stack,
  proposal: ProposalDraft,
  checked: CheckResult,
  options: { blockNumber?: bigint | undefined; abi?: Abi; guard?: GuardPlan | undefined } = {},
): Promise<DryRun> {
  const { contracts, rpcUrl } = stack;
  const timelock = contracts.TimelockController;
  if (!timelock) throw new Error(`${stack.source}: the record lacks the timelock`);
  if (!rpcUrl)
    throw new Error(`${stack.source}: the dry run forks the chain over JSON-RPC, and no RPC URL was given for it`);
  const blockNumber = options.blockNumber ?? (await stack.publicClient.getBlockNumber());
  const actions = proposalActions(proposal, checked.changes, stack.registry);
  const abi = options.abi ?? stackAbi;
  const plan = options.guard;
  // The dry run and, for a guard, its conditions read after the calls; the guard's batch is then rehearsed on a
  // second fork of the same block (a snapshot of the first, taken before the calls, slowed the dry run by a third).
  const ran = await withFork({ rpcUrl, blockNumber }, async ({ transport }) => {
    const forked = await connectStack(transport, contracts, `${stack.source} (forked at block ${blockNumber})`);
    const result = await dryRun(
      {
        publicClient: forked.publicClient,
        testClient: createTestClient({ mode: "hardhat", transport }),
        walletClient: createWalletClient({ transport }),
        abi,
        addresses: {
          timelock,
          vault: forked.vault,
          base: forked.base,
          ...(contracts.CollateralManager ? { collateralManager: contracts.CollateralManager } : {}),
          ...(contracts.HedgeModule ? { hedgeModule: contracts.HedgeModule } : {}),
        },
        keeper: dryRunKeeper,
        readSnapshot: forked.readSnapshot,
        contracts,
      },
      actions,
    );
    if (!plan) return { result };
    if (plan.kind === "onchain") {
      const read = readGuard(plan.actions);
      if (!read) throw new Error("the on-chain proposal carries no guard to rehearse");
      const guard = { guard: read.guard, conditions: read.conditions, actions: [...plan.actions] };
      return { result, guard, salt: timelockSalt(stack.governor, plan.descriptionHash) };
    }
    // Accounts the calls gave or took a role: their roles after are conditions too.
    const named = result.authority.flatMap((e) =>
      typeof e.args.account === "string" ? [getAddress(e.args.account)] : [],
    );
    const addresses = { registry: stack.registry, timelock, governor: stack.governor, vault: forked.vault };
    const [authority, ltvs] = await Promise.all([
      readRoleConditions(forked.publicClient, addresses, [...plan.accounts, ...named]),
      readLtvConditions(forked.publicClient, stack.registry),
    ]);
    const conditions = guardConditions({ parameters: result.parameters, authority, ltvs, vault: forked.vault });
    const { description } = plan;
    const wrapped = guardedActions({ guard: plan.guard, governor: stack.governor, actions, description, conditions });
    const guard = { guard: plan.guard, conditions, actions: wrapped };
    return { result, guard, salt: timelockSalt(stack.governor, keccak256(toHex(description))) };
  });
  if (!ran.guard) return ran.result;
  const { guard, salt } = ran;
  const rehearsal = await withFork({ rpcUrl, blockNumber }, ({ transport }) =>
    rehearseExecution(
      {
        publicClient: createPublicClient({ transport }),
        testClient: createTestClient({ mode: "hardhat", transport }),
        abi,
      },
      { timelock, executor: stack.governor, actions: guard.actions, salt },
    ),
  );
  return { ...ran.result, guard: { ...guard, rehearsal } };
}
