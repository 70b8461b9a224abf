/**
 * Gas each keeper action costs, from `npm run bench:gas` on the devnet stack (docs/protocol.md, "Gas"). The keeper pays it,
 * not the vault: the simulation reports it beside NAV, it does not deduct it.
 */
export const actionGas = {
  /** A rebalance's fixed part: the 2-trade rebalance (401,350) less its swaps sent directly (274,008). */
  rebalanceBase: 127_342,
  /** Each trade of a rebalance: the direct swaps' gas per swap. */
  rebalancePerTrade: 137_004,
  /** The collateral manager's actions, the vault's fee accrual included (post 252,399, borrow 291,738). */
  collateralPost: 252_399,
  collateralLoan: 291_738,
  /** The hedge's first short: margin, borrow, sell (499,359); adjustments are taken at the same cost. */
  hedge: 499_359,
} as const;
