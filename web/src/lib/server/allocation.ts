/**
 * The vault's allocation as the vault itself sees it at one block: `holdings()` (each holding's value, collateral
 * posted on the lending market included, and its weight of NAV), `rebalancePlan()` (whether a rebalance is due and
 * its trades: the contract's decision, never re-derived here) and the collateral manager's `position()` (how much of
 * a holding is posted as collateral, and the debt NAV deducts).
 *
 * Two weights: `holdings()` gives each holding's share of NAV (gross holdings less the collateral manager's debt, so
 * with debt they sum to more than 100%); the rebalancer weighs each holding against gross holdings (collateral
 * included, debt not deducted: borrowed base is invested like any other), as RebalancePlanLib does.
 */
import type { Address, PublicClient } from "viem";
import { collateralManagerAbi, portfolioVaultAbi } from "../../../../sdk/abis/contracts.ts";

const bps = 10_000n;

/** One holding as the vault values it, split into what the vault holds and what it has posted as collateral. */
export type AllocationHolding = {
  token: Address;
  /** In the vault (token wei). */
  heldWei: bigint;
  /** Posted as collateral on the lending market by the collateral manager (token wei). */
  postedWei: bigint;
  /** Both, at oracle prices (base-asset wei), as `holdings()` says. */
  valueInBase: bigint;
  /** Share of NAV, as `holdings()` says. */
  weightOfNavBps: bigint;
  /** Share of gross holdings (the sum of every holding's value): the rebalancer's basis. */
  weightOfGrossBps: bigint;
  targetBps: bigint;
};

/** A trade of the vault's own plan. */
export type PlannedTrade = { tokenIn: Address; tokenOut: Address; amountIn: bigint; minAmountOut: bigint };

export type Allocation = {
  blockNumber: bigint;
  holdings: AllocationHolding[];
  /** What `rebalancePlan()` answers: whether a rebalance is due now, and its trades. */
  plan: { due: boolean; trades: PlannedTrade[] };
  /** The collateral manager's debt (base-asset wei): what separates gross holdings from NAV. */
  debtInBase: bigint;
};

/** Each value's share of their sum, in bps (rounded down, as the contract rounds). */
export function weightsOfGrossBps(values: readonly bigint[]): bigint[] {
  const gross = values.reduce((sum, v) => sum + v, 0n);
  return values.map((v) => (gross === 0n ? 0n : (v * bps) / gross));
}

/** The vault's allocation and its rebalance plan, read at one block. */
export async function readAllocation(
  client: PublicClient,
  contracts: { vault: Address; collateralManager?: Address | undefined },
): Promise<Allocation> {
  const blockNumber = await client.getBlockNumber();
  const vault = { address: contracts.vault, abi: portfolioVaultAbi, blockNumber } as const;
  const [holdings, [due, trades], position] = await Promise.all([
    client.readContract({ ...vault, functionName: "holdings" }),
    client.readContract({ ...vault, functionName: "rebalancePlan" }),
    contracts.collateralManager
      ? client.readContract({
          address: contracts.collateralManager,
          abi: collateralManagerAbi,
          functionName: "position",
          blockNumber,
        })
      : undefined,
  ]);
  const [collateralToken, collateral, debt] = position ?? [undefined, 0n, 0n];
  const gross = weightsOfGrossBps(holdings.map((h) => h.valueInBase));
  return {
    blockNumber,
    holdings: holdings.map((h, i) => {
      const postedWei = collateralToken?.toLowerCase() === h.token.toLowerCase() ? collateral : 0n;
      return {
        token: h.token,
        heldWei: h.balance,
        postedWei,
        valueInBase: h.valueInBase,
        weightOfNavBps: h.weightBps,
        weightOfGrossBps: gross[i]!,
        targetBps: h.targetBps,
      };
    }),
    plan: {
      due,
      trades: trades.map((t) => ({
        tokenIn: t.tokenIn,
        tokenOut: t.tokenOut,
        amountIn: t.amountIn,
        minAmountOut: t.minAmountOut,
      })),
    },
    debtInBase: debt,
  };
}
