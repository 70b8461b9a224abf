/**
 * The keeper cycle, written once for the dry run, the devnet's scenario and the on-chain replay of the model: one
 * rebalance of the vault, then up to three collateral actions (while each one executes), then one hedge action.
 * How a step is taken (simulated first, sent at a set time, checked against a plan) is the caller's `take`.
 */
import type { Address } from "viem";

/** A step of the cycle: the contract and the function the keeper calls. */
export type KeeperStep = "rebalance" | "collateral" | "hedge";

/** The function each step calls (`rebalance()` on the vault, `manage()` on a module). */
export const keeperFunction = { rebalance: "rebalance", collateral: "manage", hedge: "manage" } as const;

/** At most this many collateral actions in one cycle: a large move can take a deleverage and a re-borrow. */
const maxCollateralActionsPerCycle = 3;

/** The position of the hedge step in the cycle: after the rebalance and the collateral steps. */
const hedgeStepIndex = 1 + maxCollateralActionsPerCycle;

/** What `take` reports: whether the step executed (a collateral step that did not ends the collateral steps). */
export type KeeperTaken<Outcome> = { executed: boolean; outcome: Outcome };

/**
 * Runs one cycle with `take(step, target, index)`, where `index` is the step's fixed position (0 the rebalance,
 * 1 to 3 the collateral actions, 4 the hedge), and returns every outcome in order. Modules absent from `targets`
 * are skipped.
 */
export async function keeperCycle<Outcome>(
  targets: { vault: Address; collateralManager?: Address | undefined; hedgeModule?: Address | undefined },
  take: (step: KeeperStep, target: Address, index: number) => Promise<KeeperTaken<Outcome>>,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [(await take("rebalance", targets.vault, 0)).outcome];
  for (let i = 0; targets.collateralManager && i < maxCollateralActionsPerCycle; i++) {
    const { executed, outcome } = await take("collateral", targets.collateralManager, 1 + i);
    outcomes.push(outcome);
    if (!executed) break;
  }
  if (targets.hedgeModule) outcomes.push((await take("hedge", targets.hedgeModule, hedgeStepIndex)).outcome);
  return outcomes;
}
