// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IVaultModule
/// @notice What the vault asks of every module it lends assets to (the collateral manager, the hedge).
interface IVaultModule {
    /// @notice The vault this module serves.
    function vault() external view returns (address);

    /// @notice For a redemption: repays `repayAssets` of the module's debt with the tokens the vault sent, and
    /// withdraws `collateralAssets` of its collateral to `receiver`. Only the vault.
    function release(uint256 repayAssets, uint256 collateralAssets, address receiver) external;
}
