// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVaultModule} from "./IVaultModule.sol";

/// @notice What the collateral manager would do next, as `plan()` reports and `manage()` does.
enum CollateralAction {
    None,
    Deleverage,
    PostCollateral,
    Repay,
    Borrow,
    WithdrawCollateral
}

/// @title ICollateralManager
/// @notice The vault's leverage module: posts part of a risk asset as collateral on a Morpho Blue market and borrows
/// the base asset against it, holding a target LTV within a band, and deleverages when LTV passes the maximum or
/// the buffer to the market's liquidation LTV shrinks below `collateral.healthBufferBps`. A repayment takes the
/// vault's base asset first and, where it falls short, sells collateral on Uniswap V3 (through Morpho's repay
/// callback) within the de-risking slippage bound: a position never drifts toward liquidation for want of cash.
/// @dev Governance plugs it into the vault by setting the registry's `module.collateral` to its address; once the
/// registry names another module, `plan()` unwinds it (repay everything, then give all collateral back) while the
/// vault keeps it in place until it is empty. Borrowed
/// base goes to the vault, where the rebalancer invests it at the target weights (on gross holdings): that is the
/// leverage. Its settings: `collateral.targetLtvBps`, `collateral.maxLtvBps`, `collateral.healthBufferBps`,
/// `collateral.ltvBandBps`, `collateral.postedBps` (share of the vault's exposure to the collateral asset that is
/// posted), `pause.leverage` (no new borrowing; deleveraging still runs).
interface ICollateralManager is IVaultModule {
    /// @notice Emitted after each action with the position it leaves.
    /// @param amount Collateral wei for collateral actions, base-asset wei for debt actions.
    /// @param ltvBps Debt over collateral value, in bps.
    event CollateralManaged(
        CollateralAction indexed action,
        uint256 amount,
        uint256 collateral,
        uint256 debt,
        uint256 ltvBps
    );

    /// @notice Emitted when a redemption takes its pro-rata part of the position.
    event CollateralReleased(uint256 repaid, uint256 collateral, address indexed receiver);

    /// @notice Thrown when a caller other than the vault calls a vault-only function.
    error CollateralNotVault(address caller);

    /// @notice Thrown when a caller other than Morpho calls the repay callback.
    error CollateralNotMorpho(address caller);

    /// @notice Thrown when `manage` is called while nothing is due.
    error CollateralNothingDue();

    /// @notice The collateral token, the collateral posted (its wei) and the debt (base-asset wei, rounded up).
    function position() external view returns (address collateralToken, uint256 collateral, uint256 debt);

    /// @notice Debt over collateral value at oracle prices, in bps (zero without collateral).
    function ltvBps() external view returns (uint256);

    /// @notice The action due now and its amount, for keepers, indexers and simulators.
    function plan() external view returns (CollateralAction action, uint256 amount);

    /// @notice Runs the action due. Anyone (keepers) may call it.
    function manage() external returns (CollateralAction action, uint256 amount);
}
