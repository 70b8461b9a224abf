// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title DevnetToken
/// @notice A devnet stand-in for USDC, WETH or WBTC: an ERC-20 with the real token's decimals and an open faucet.
/// @dev Only for local chains. Anyone may mint: balances on a devnet are worthless by design.
contract DevnetToken is ERC20 {
    uint8 private immutable _decimals;

    constructor(string memory name_, string memory symbol_, uint8 decimals_) ERC20(name_, symbol_) {
        _decimals = decimals_;
    }

    /// @notice Decimals of the token it stands for (6 for USDC, 18 for WETH, 8 for WBTC).
    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    /// @notice Mints `amount` to `to` (devnet faucet).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
