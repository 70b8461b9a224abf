/**
 * A proposal's dry run against a deployed stack, on an in-process fork of its chain (sdk/fork.ts): the chain itself
 * is only read. Node only (shared by the CLI, the web app's server and the devnet's scripts).
 */
import { createTestClient, createWalletClient, type Abi, type Address } from "viem";
import { withFork } from "../fork.ts";
import { stackAbi } from "./abis.ts";
import { proposalActions } from "./actions.ts";
import type { CheckResult } from "./check.ts";
import { connectStack, type Stack } from "./deployed.ts";
import { dryRun, type DryRun } from "./dryRun.ts";
import type { ProposalDraft } from "./proposalFile.ts";

/** Who runs the keeper cycle in a dry run: an address of no one's (the keeper's functions are open), impersonated. */
export const dryRunKeeper: Address = "0x00000000000000000000000000006b6565706572";

/**
 * The proposal executed as the timelock, then one keeper cycle, on an in-process fork of the stack's chain (Hardhat's
 * EDR) at the latest block, or at `blockNumber` (the block a report cites, to reproduce it); the fork is closed
 * after. The chain itself is only read: any chain works, a devnet or a real one behind an RPC provider.
 */
export async function dryRunProposal(
  stack: Stack,
  proposal: ProposalDraft,
  checked: CheckResult,
  options: { blockNumber?: bigint | undefined; abi?: Abi } = {},
): Promise<DryRun> {
  const { contracts, rpcUrl } = stack;
  const timelock = contracts.TimelockController;
  if (!timelock) throw new Error(`${stack.source}: the record lacks the timelock`);
  if (!rpcUrl)
    throw new Error(`${stack.source}: the dry run forks the chain over JSON-RPC, and no RPC URL was given for it`);
  const blockNumber = options.blockNumber ?? (await stack.publicClient.getBlockNumber());
  const actions = proposalActions(proposal, checked.changes, stack.registry);
  return withFork({ rpcUrl, blockNumber }, async ({ transport }) => {
    const forked = await connectStack(transport, contracts, `${stack.source} (forked at block ${blockNumber})`);
    return dryRun(
      {
        publicClient: forked.publicClient,
        testClient: createTestClient({ mode: "hardhat", transport }),
        walletClient: createWalletClient({ transport }),
        abi: options.abi ?? stackAbi,
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
  });
}
