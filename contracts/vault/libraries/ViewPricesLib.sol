// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {AggregatorV3Interface} from "../../oracles/interfaces/AggregatorV3Interface.sol";
import {PriceLib} from "./PriceLib.sol";
import {VaultAssetConfig} from "./VaultSettingsLib.sol";

/// @title ViewPricesLib
/// @notice The vault's prices for views that must not revert (EIP-4626's `totalAssets`, `max*`), linked to the vault
/// to keep it under the contract size limit: no action prices with them.
library ViewPricesLib {
    uint256 internal constant WAD = 1e18;

    /// @notice Each risk asset's relative price from the feeds' latest answers, whatever their age. A feed that
    /// reverts or answers zero or less prices its risk asset at zero (the base asset at one dollar).
    /// @param assets The vault's assets' settings, base first.
    /// @return priceWad Each risk asset's price in the base asset, 18 decimals, per whole token.
    /// @return valid False when some feed reverted or answered zero or less.
    /// @return freshUntil The earliest time at which some feed's answer passes its heartbeat (its time plus the
    /// feed's `heartbeat.<SYMBOL>`): an action allowing a grace past the heartbeat prices until this plus the grace.
    function latestPricesWad(
        VaultAssetConfig[] memory assets
    ) public view returns (uint256[] memory priceWad, bool valid, uint256 freshUntil) {
        uint256 baseUsdWad;
        (valid, baseUsdWad, freshUntil) = PriceLib.tryUsdPriceWad(
            AggregatorV3Interface(assets[0].feed),
            assets[0].feedDecimals
        );
        freshUntil += assets[0].heartbeatSec;
        if (!valid) baseUsdWad = WAD;
        priceWad = new uint256[](assets.length - 1);
        for (uint256 i; i < priceWad.length; ++i) {
            VaultAssetConfig memory a = assets[i + 1];
            (bool ok, uint256 usdWad, uint256 updatedAt) = PriceLib.tryUsdPriceWad(
                AggregatorV3Interface(a.feed),
                a.feedDecimals
            );
            valid = valid && ok;
            freshUntil = Math.min(freshUntil, updatedAt + a.heartbeatSec);
            priceWad[i] = PriceLib.relativePriceWad(usdWad, baseUsdWad);
        }
    }
}
