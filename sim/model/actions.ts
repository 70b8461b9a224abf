/**
 * The modules' action codes, as `CollateralManager.plan()` and `HedgeModule.plan()` return them and their events
 * carry them: Solidity's `CollateralAction` and `HedgeAction` enums (a test holds them to the contracts' source).
 */

export const CollateralAction = {
  None: 0,
  Deleverage: 1,
  PostCollateral: 2,
  Repay: 3,
  Borrow: 4,
  WithdrawCollateral: 5,
} as const;
export type CollateralActionCode = (typeof CollateralAction)[keyof typeof CollateralAction];

export const HedgeAction = { None: 0, Deleverage: 1, Increase: 2, Decrease: 3 } as const;
export type HedgeActionCode = (typeof HedgeAction)[keyof typeof HedgeAction];
