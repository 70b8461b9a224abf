// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AggregatorV3Interface} from "../../oracles/interfaces/AggregatorV3Interface.sol";
import {PriceLib} from "./PriceLib.sol";
import {VaultAssetConfig} from "./VaultSettingsLib.sol";

/// @title ViewPricesLib
/// @notice The vault's oracle prices with every guard applied, linked to the vault to keep it under the contract size
/// limit: for actions and cash exits (reverting with the guard that failed), and for views that must not revert
/// (EIP-4626's `totalAssets`, `max*`), with whether an action or a cash exit could price now.
/// @dev The guards: each answer positive, strictly within its asset's `oracle.minAnswer.<SYMBOL>` and
/// `oracle.maxAnswer.<SYMBOL>`, and no older than its `oracle.maxStalenessSec.<SYMBOL>` (for a cash exit, no older than
/// that or its heartbeat plus an hour, whichever is longer); for actions, the L2 sequencer up for
/// `oracle.sequencerGraceSec` (cash exits do not wait for it: see {IPortfolioVault-VaultSequencerDown}).
library ViewPricesLib {
    uint256 internal constant WAD = 1e18;

    /// @notice Each risk asset's relative price, every guard applied; reverts with the first guard that fails.
    /// @param assets The vault's assets' settings, base first.
    /// @param sequencerFeed The L2 sequencer uptime feed (zero: none).
    /// @param sequencerGraceSec How long after the sequencer comes back up actions still wait.
    /// @param exit Whether the prices are a cash exit's (the longer staleness floor, no sequencer wait).
    /// @return priceWad Each risk asset's price in the base asset, 18 decimals, per whole token.
    function pricesWad(
        VaultAssetConfig[] memory assets,
        address sequencerFeed,
        uint256 sequencerGraceSec,
        bool exit
    ) public view returns (uint256[] memory priceWad) {
        if (!exit) PriceLib.checkSequencer(sequencerFeed, sequencerGraceSec);
        uint256 baseUsdWad = _usdPriceWad(assets[0], exit);
        priceWad = new uint256[](assets.length - 1);
        for (uint256 i; i < priceWad.length; ++i) {
            priceWad[i] = PriceLib.relativePriceWad(_usdPriceWad(assets[i + 1], exit), baseUsdWad);
        }
    }

    /// @notice Each risk asset's relative price from the feeds' latest answers, whatever their age or bounds. A feed
    /// that reverts or answers zero or less prices its risk asset at zero (the base asset at one dollar); an answer
    /// past its bounds prices as it is.
    /// @param assets The vault's assets' settings, base first.
    /// @param sequencerFeed The L2 sequencer uptime feed (zero: none).
    /// @param sequencerGraceSec How long after the sequencer comes back up actions still wait.
    /// @return priceWad Each risk asset's price in the base asset, 18 decimals, per whole token.
    /// @return forActions Whether {pricesWad} would price an action now.
    /// @return forExits Whether {pricesWad} would price a cash exit now.
    function latestPricesWad(
        VaultAssetConfig[] memory assets,
        address sequencerFeed,
        uint256 sequencerGraceSec
    ) public view returns (uint256[] memory priceWad, bool forActions, bool forExits) {
        uint256 baseUsdWad;
        (baseUsdWad, forActions, forExits) = _latest(assets[0]);
        if (baseUsdWad == 0) baseUsdWad = WAD;
        priceWad = new uint256[](assets.length - 1);
        for (uint256 i; i < priceWad.length; ++i) {
            (uint256 usdWad, bool action, bool exit) = _latest(assets[i + 1]);
            (forActions, forExits) = (forActions && action, forExits && exit);
            priceWad[i] = PriceLib.relativePriceWad(usdWad, baseUsdWad);
        }
        forActions = forActions && PriceLib.sequencerUp(sequencerFeed, sequencerGraceSec);
    }

    /// @dev An asset's USD price for an action or a cash exit (`exit`), every guard of its feed applied.
    function _usdPriceWad(VaultAssetConfig memory a, bool exit) private view returns (uint256) {
        return
            PriceLib.usdPriceWad(
                AggregatorV3Interface(a.feed),
                a.feedDecimals,
                PriceLib.FeedGuard({
                    maxAgeSec: exit ? PriceLib.exitMaxAgeSec(a.heartbeatSec, a.maxStalenessSec) : a.maxStalenessSec,
                    minAnswerWad: a.minAnswerWad,
                    maxAnswerWad: a.maxAnswerWad
                })
            );
    }

    /// @dev An asset's latest USD price (zero when its feed reverts or answers zero or less), and whether an action
    /// and a cash exit would accept it now.
    function _latest(VaultAssetConfig memory a) private view returns (uint256 usdWad, bool forAction, bool forExit) {
        bool inBounds;
        uint256 updatedAt;
        (inBounds, usdWad, updatedAt) = PriceLib.tryUsdPriceWad(
            AggregatorV3Interface(a.feed),
            a.feedDecimals,
            a.minAnswerWad,
            a.maxAnswerWad
        );
        forAction = inBounds && block.timestamp <= updatedAt + a.maxStalenessSec;
        forExit = inBounds && block.timestamp <= updatedAt + PriceLib.exitMaxAgeSec(a.heartbeatSec, a.maxStalenessSec);
    }
}
