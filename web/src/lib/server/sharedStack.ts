/**
 * The stack as the proposal tools see it (sdk/proposal/deployed.ts), from the web server: its reads of the chain, and
 * a proposal's dry run on a fork of the chain (sdk/fork.ts), which the chain never sees: requests go on meanwhile.
 */
import { checkProposal, type CheckResult } from "../../../../sdk/proposal/check.ts";
import type { DryRun } from "../../../../sdk/proposal/dryRun.ts";
import type { ProposalDraft } from "../../../../sdk/proposal/proposalFile.ts";
import { connectStack, simulationBase, type Stack } from "../../../../sdk/proposal/deployed.ts";
import { dryRunProposal, guardPlan, type OnchainBatch } from "../../../../sdk/proposal/dryRunProposal.ts";
import { sharedTransport } from "./chain.ts";
import { readDeployment, serverConfig } from "./config.ts";
import { once } from "./memo.ts";

let cached: { key: string; stack: Promise<Stack> } | undefined;

/** The stack of the current deployment record. */
export async function sharedStack(): Promise<Stack> {
  const config = serverConfig();
  const deployment = await readDeployment(config);
  const key = `${config.rpcUrl}|${JSON.stringify(deployment.contracts)}`;
  if (cached?.key !== key) {
    const stack = connectStack(sharedTransport(), deployment.contracts, config.deploymentFile, {
      rpcUrl: config.rpcUrl,
    });
    stack.catch(() => (cached = undefined));
    cached = { key, stack };
  }
  return cached.stack;
}

const bases = new Map<string, ReturnType<typeof simulationBase>>();

/** What a simulation of the chain starts from, at the latest block or at `blockNumber`; read once per block. */
export async function sharedSimulationBase(blockNumber?: bigint): ReturnType<typeof simulationBase> {
  const config = serverConfig();
  const { deployedAt } = await readDeployment(config);
  const stack = await sharedStack();
  const block = blockNumber ?? (await stack.publicClient.getBlockNumber());
  const key = `${config.deploymentFile}|${deployedAt}|${block}`; // a new deployment restarts the block numbers
  return once(bases, key, () => simulationBase(stack, { blockNumber: block }), 16);
}

const dryRuns = new Map<string, Promise<{ checked: CheckResult; dryRun: DryRun }>>();

/**
 * The proposal's dry run on a fork of the chain at its latest block (the chain itself is only read). One run per
 * proposal (`name` says which) and block: page views in between share it.
 */
export async function forkDryRun(
  proposal: ProposalDraft,
  name: string,
  onchain?: OnchainBatch,
): Promise<{ checked: CheckResult; dryRun: DryRun }> {
  const config = serverConfig();
  const stack = await sharedStack();
  const blockNumber = await stack.publicClient.getBlockNumber();
  const key = `${config.deploymentFile}|${name}|${blockNumber}`;
  return once(
    dryRuns,
    key,
    async () => {
      const checked = checkProposal(name, proposal, await stack.readSnapshot());
      // An on-chain proposal's guard (its calls carry it) is rehearsed with its calls as proposed.
      const guard = onchain && guardPlan(stack, { onchain });
      return { checked, dryRun: await dryRunProposal(stack, proposal, checked, { blockNumber, guard }) };
    },
    64,
  );
}
