// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMorpho, MarketParams} from "@morpho-org/morpho-blue/src/interfaces/IMorpho.sol";
import {MarketParamsLib} from "@morpho-org/morpho-blue/src/libraries/MarketParamsLib.sol";
import {MorphoBalancesLib} from "@morpho-org/morpho-blue/src/libraries/periphery/MorphoBalancesLib.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title LendingLib
/// @notice Morpho Blue debt handling shared by the vault's modules.
library LendingLib {
    using MarketParamsLib for MarketParams;
    using MorphoBalancesLib for IMorpho;
    using SafeERC20 for IERC20;

    /// @notice Repays `assets` of the caller's debt on `market`, or all of it by shares when `assets` covers it (so
    /// that no dust of debt is left), then sends whatever loan token the caller still holds to `leftoverTo`.
    function repayAndReturn(IMorpho morpho, MarketParams memory market, uint256 assets, address leftoverTo) internal {
        uint256 debt = morpho.expectedBorrowAssets(market, address(this));
        if (assets >= debt) {
            morpho.repay(market, 0, morpho.position(market.id(), address(this)).borrowShares, address(this), "");
        } else {
            morpho.repay(market, assets, 0, address(this), "");
        }
        IERC20 loan = IERC20(market.loanToken);
        uint256 left = loan.balanceOf(address(this));
        if (left > 0) loan.safeTransfer(leftoverTo, left);
    }
}
