// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IPortfolioVault, Trade} from "../interfaces/IPortfolioVault.sol";
import {PriceLib} from "./PriceLib.sol";
import {VaultRiskAsset as RiskAsset, VaultSnapshot as Snapshot} from "./VaultTypes.sol";

/// @title RebalancePlanLib
/// @notice The vault's rebalance plan, linked to the vault (it keeps the vault under the contract size limit). Runs
/// in the vault's context: the balances it reads are the vault's.
library RebalancePlanLib {
    uint256 internal constant BPS = 10_000;

    /// @dev Plan state shared by the sell and buy passes.
    struct PlanState {
        uint256 maxTrade;
        uint256 slippage;
        uint256 baseAvailable;
        uint256 count;
    }

    /// @notice The rebalance a keeper would run now (ignoring pause and interval): due when a holding's weight is
    /// further than the band from its target; trades move each risk asset toward target, each capped at
    /// `rebalance.maxTradeBps` of NAV, sells before buys, buys limited to the base asset on hand. Weights are shares
    /// of gross holdings (collateral included, debt not deducted): borrowed base is invested like any other, which
    /// is what makes the collateral manager's borrowing leverage.
    /// @param s The action's snapshot (settings, risk assets and oracle prices).
    /// @param values Each holding's value in base-asset wei, base first, collateral included.
    /// @param nav The vault's NAV in base-asset wei.
    /// @param base The base asset.
    /// @param baseDecimals The base asset's decimals.
    /// @return due Whether a holding is outside the band.
    /// @return trades The trades, sells first.
    function plan(
        Snapshot memory s,
        uint256[] memory values,
        uint256 nav,
        address base,
        uint8 baseDecimals
    ) public view returns (bool due, Trade[] memory trades) {
        if (nav == 0) return (false, trades);
        uint256 gross;
        for (uint256 i; i < values.length; ++i) gross += values[i];
        uint256[] memory targets;
        (due, targets) = _targets(s, values, gross);
        if (due) trades = _trades(s, values, targets, nav, s.risk, base, baseDecimals);
    }

    /// @dev Target values from the registry's weights, and whether any holding is outside the band.
    function _targets(
        Snapshot memory s,
        uint256[] memory values,
        uint256 gross
    ) private pure returns (bool due, uint256[] memory targets) {
        targets = new uint256[](values.length);
        uint256 sumBps;
        for (uint256 i; i < values.length; ++i) {
            uint256 targetBps = s.assets[i].weightBps;
            sumBps += targetBps;
            targets[i] = Math.mulDiv(gross, targetBps, BPS);
            uint256 gap = values[i] > targets[i] ? values[i] - targets[i] : targets[i] - values[i];
            if (gap * BPS > s.config.bandBps * gross) due = true;
        }
        if (sumBps != BPS) revert IPortfolioVault.VaultWeightsInvalid(sumBps);
    }

    function _trades(
        Snapshot memory s,
        uint256[] memory values,
        uint256[] memory targets,
        uint256 nav,
        RiskAsset[] memory risk,
        address base,
        uint8 baseDecimals
    ) private view returns (Trade[] memory trades) {
        trades = new Trade[](risk.length);
        PlanState memory state = PlanState({
            maxTrade: Math.mulDiv(nav, s.config.maxTradeBps, BPS),
            slippage: s.config.maxSlippageBps,
            baseAvailable: values[0],
            count: 0
        });
        // Sells first: they fund the buys.
        for (uint256 i; i < risk.length; ++i) {
            if (values[i + 1] > targets[i + 1]) {
                _planSell(trades, state, risk[i], values[i + 1] - targets[i + 1], s.priceWad[i], base, baseDecimals);
            }
        }
        for (uint256 i; i < risk.length; ++i) {
            if (values[i + 1] < targets[i + 1]) {
                _planBuy(trades, state, risk[i], targets[i + 1] - values[i + 1], s.priceWad[i], base, baseDecimals);
            }
        }
        Trade[] memory planned = new Trade[](state.count);
        for (uint256 i; i < state.count; ++i) planned[i] = trades[i];
        return planned;
    }

    function _planSell(
        Trade[] memory trades,
        PlanState memory state,
        RiskAsset memory r,
        uint256 excess,
        uint256 price,
        address base,
        uint8 baseDecimals
    ) private view {
        uint256 sellValue = Math.min(excess, state.maxTrade);
        // Only what the vault holds itself can be sold: posted collateral stays with the collateral manager.
        uint256 amountIn = Math.min(
            PriceLib.fromBaseDown(sellValue, price, r.decimals, baseDecimals),
            IERC20(r.token).balanceOf(address(this))
        );
        if (amountIn == 0) return;
        uint256 minOut = PriceLib.lessBpsDown(
            PriceLib.toBaseDown(amountIn, price, r.decimals, baseDecimals),
            state.slippage
        );
        state.baseAvailable += minOut;
        trades[state.count] = Trade(r.token, base, amountIn, minOut, price);
        ++state.count;
    }

    function _planBuy(
        Trade[] memory trades,
        PlanState memory state,
        RiskAsset memory r,
        uint256 shortfall,
        uint256 price,
        address base,
        uint8 baseDecimals
    ) private pure {
        uint256 buyValue = Math.min(Math.min(shortfall, state.maxTrade), state.baseAvailable);
        if (buyValue == 0) return;
        state.baseAvailable -= buyValue;
        uint256 fairOut = PriceLib.fromBaseDown(buyValue, price, r.decimals, baseDecimals);
        trades[state.count] = Trade(base, r.token, buyValue, PriceLib.lessBpsDown(fairOut, state.slippage), price);
        ++state.count;
    }
}
