// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ICollateralManager} from "../interfaces/ICollateralManager.sol";
import {IHedgeModule} from "../interfaces/IHedgeModule.sol";
import {VaultExitPlan as ExitPlan, VaultPositions as Positions, VaultRelease as Release} from "./VaultTypes.sol";

/// @title ExitPlanLib
/// @notice What a redemption takes, without prices, and the modules' positions NAV and exits are computed from;
/// linked to the vault (it keeps the vault under the contract size limit). Runs in the vault's context: the
/// balances it reads are the vault's.
library ExitPlanLib {
    /// @notice The modules' positions: nothing for a module not in place (zero).
    /// @param collateralManager The collateral manager in place (zero: none).
    /// @param hedge The hedge in place (zero: none).
    function positions(address collateralManager, address hedge) public view returns (Positions memory p) {
        p.read = true;
        if (collateralManager != address(0)) {
            (p.collateralToken, p.collateral, p.debt) = ICollateralManager(collateralManager).position();
        }
        if (hedge != address(0)) {
            (p.hedgeCollateralToken, p.hedgeCollateral, p.shortToken, p.short) = IHedgeModule(hedge).position();
        }
    }

    /// @notice What a redemption of `shares` takes: their part of each token the vault holds (base first), and their
    /// part of each module's position, released into those amounts: the collateral manager's debt part is repaid
    /// from their base and its collateral part comes back; the hedge's short part is repaid from their part of the
    /// shorted asset and its collateral part comes back. Where their part of the repaying token falls short, the
    /// collateral comes back in proportion to what is repaid. Every repayment is planned from the vault's own tokens
    /// before any collateral is counted in: no release is paid with another's collateral, so a release that fails
    /// takes back only what it added.
    /// @param tokens The vault's tokens, base first.
    /// @param collateralManager The collateral manager in place (zero: none).
    /// @param hedge The hedge in place (zero: none).
    /// @param p The modules' positions, as the vault read them for this action.
    /// @param shares The shares redeemed.
    /// @param supplyWithVirtual The share supply plus the virtual shares.
    /// @return e The tokens, the redeemer's amount of each, and the modules' releases.
    function plan(
        address[] memory tokens,
        address collateralManager,
        address hedge,
        Positions memory p,
        uint256 shares,
        uint256 supplyWithVirtual
    ) public view returns (ExitPlan memory e) {
        e.tokens = tokens;
        e.amounts = new uint256[](tokens.length);
        for (uint256 i; i < tokens.length; ++i) {
            e.amounts[i] = Math.mulDiv(IERC20(tokens[i]).balanceOf(address(this)), shares, supplyWithVirtual);
        }
        if (collateralManager != address(0)) {
            e.releases[0] = _planRelease(
                e,
                collateralManager,
                tokens[0],
                p.debt,
                p.collateralToken,
                p.collateral,
                shares,
                supplyWithVirtual
            );
        }
        if (hedge != address(0)) {
            e.releases[1] = _planRelease(
                e,
                hedge,
                p.shortToken,
                p.short,
                p.hedgeCollateralToken,
                p.hedgeCollateral,
                shares,
                supplyWithVirtual
            );
        }
        for (uint256 k; k < e.releases.length; ++k) {
            e.amounts[e.releases[k].collateralIndex] += e.releases[k].released;
        }
    }

    /// @dev A module's part in a redemption: its repayment taken from the redeemer's amounts now, its collateral
    /// left for {plan} to count in once every repayment is planned.
    function _planRelease(
        ExitPlan memory e,
        address module,
        address debtToken,
        uint256 debt,
        address collateralToken,
        uint256 collateral,
        uint256 shares,
        uint256 supplyWithVirtual
    ) private pure returns (Release memory r) {
        (bool debtFound, uint256 debtIndex) = _indexOf(e.tokens, debtToken);
        (bool collateralFound, uint256 collateralIndex) = _indexOf(e.tokens, collateralToken);
        // A module over tokens the vault does not hold cannot be released into the redeemer's amounts.
        if (!debtFound || !collateralFound) return r;
        uint256 released = Math.mulDiv(collateral, shares, supplyWithVirtual);
        uint256 debtShare = Math.mulDiv(debt, shares, supplyWithVirtual, Math.Rounding.Ceil);
        uint256 repaid = Math.min(e.amounts[debtIndex], debtShare);
        if (repaid < debtShare) released = Math.mulDiv(released, repaid, debtShare);
        if (released == 0 && repaid == 0) return r;
        e.amounts[debtIndex] -= repaid;
        return Release(module, debtToken, debtIndex, collateralIndex, repaid, released);
    }

    function _indexOf(address[] memory tokens, address token) private pure returns (bool found, uint256 i) {
        for (; i < tokens.length; ++i) {
            if (tokens[i] == token) return (true, i);
        }
    }
}
