// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

/// @title BareSetter
/// @notice One storage write and nothing else: the floor the gas benchmark measures the registry against.
contract BareSetter {
    uint256 public value = 1;

    /// @notice Stores `newValue`.
    function set(uint256 newValue) external {
        value = newValue;
    }
}
