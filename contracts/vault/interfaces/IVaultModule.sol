// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IVaultModule
/// @notice What the vault asks of every module it lends assets to (the collateral manager, the hedge).
interface IVaultModule {
    /// @notice The vault this module serves.
    function vault() external view returns (address);

    /// @notice For a redemption: takes `repayAssets` of the debt token from the vault (which approves exactly that
    /// much first) to repay that much of the module's debt, and withdraws `collateralAssets` of its collateral to
    /// `receiver`. Only the vault. Reverts when the lending market refuses (the vault then leaves the position be).
    function release(uint256 repayAssets, uint256 collateralAssets, address receiver) external;
}
