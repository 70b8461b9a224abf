// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVaultModule} from "./IVaultModule.sol";

/// @notice What the hedge would do next, as `plan()` reports and `manage()` does.
enum HedgeAction {
    None,
    Deleverage,
    Increase,
    Decrease
}

/// @title IHedgeModule
/// @notice The vault's delta hedge: borrows a risk asset against base-asset collateral on a Morpho Blue market and
/// sells it on Uniswap V3, so that the short offsets `hedge.ratioBps` of the vault's exposure to that asset, within
/// `hedge.bandBps`; buys back and repays to shrink it; deleverages when the short's LTV comes within
/// `collateral.healthBufferBps` of the market's liquidation LTV.
/// @dev Governance plugs it in by setting the registry's `module.hedge`; once the registry names another hedge,
/// `plan()` deleverages it fully (buy the short back, return the margin) while the vault keeps it in place until it
/// is empty. The hedge stands outside the vault's
/// target weights: its margin (`hedge.ltvBps` sets how much) comes from the vault's base asset, and its net value
/// (collateral less the short at the oracle price) counts in NAV.
interface IHedgeModule is IVaultModule {
    /// @notice Emitted after each action with the hedge it leaves.
    /// @param amount Risk-asset wei shorted (Increase) or bought back (Decrease, Deleverage).
    /// @param short The short after, risk-asset wei; @param exposure the vault's exposure, risk-asset wei.
    event HedgeManaged(HedgeAction indexed action, uint256 amount, uint256 collateral, uint256 short, uint256 exposure);

    /// @notice Emitted when a redemption takes its pro-rata part of the hedge.
    event HedgeReleased(uint256 repaid, uint256 collateral, address indexed receiver);

    /// @notice Thrown when a caller other than the vault calls a vault-only function.
    error HedgeNotVault(address caller);

    /// @notice Thrown when `manage` is called while nothing is due.
    error HedgeNothingDue();

    /// @notice The collateral (base asset) and the short (the hedged asset, borrowed), in their tokens' wei.
    function position()
        external
        view
        returns (address collateralToken, uint256 collateral, address shortToken, uint256 short);

    /// @notice The vault's exposure to the hedged asset (spot and posted collateral), the short, the net delta
    /// (exposure less short; negative when over-hedged) and the hedge ratio in bps.
    function netDelta() external view returns (uint256 exposure, uint256 short, int256 net, uint256 ratioBps);

    /// @notice The action due now and its amount (risk-asset wei), for keepers, indexers and simulators.
    function plan() external view returns (HedgeAction action, uint256 amount);

    /// @notice Runs the action due. Anyone (keepers) may call it.
    function manage() external returns (HedgeAction action, uint256 amount);
}
