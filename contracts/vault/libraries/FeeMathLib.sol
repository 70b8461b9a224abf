// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title FeeMathLib
/// @notice Management and performance fees as shares to mint, so that the treasury's new shares are worth exactly
/// the fee. Every result is rounded down (in holders' favour).
library FeeMathLib {
    uint256 internal constant BPS = 10_000;
    uint256 internal constant YEAR_SECONDS = 365 days;
    uint256 internal constant WAD = 1e18;

    /// @notice Shares worth `rateBps` per year of the vault over `elapsedSeconds`: s / (supply + s) = rate × t.
    function managementFeeSharesDown(
        uint256 supply,
        uint256 rateBps,
        uint256 elapsedSeconds
    ) internal pure returns (uint256) {
        uint256 feeTime = rateBps * elapsedSeconds; // bps·seconds
        uint256 whole = BPS * YEAR_SECONDS;
        // A fee of the whole vault or more (over a century unaccrued at the highest rate) is capped at 99%.
        if (feeTime >= whole) feeTime = (whole * 99) / 100;
        return Math.mulDiv(supply, feeTime, whole - feeTime);
    }

    /// @notice The performance fee in base-asset wei: `rateBps` of the gain above the high-water mark.
    /// @param sharePriceWad Current price of a whole share; @param hwmWad the high-water mark; @param nav NAV.
    function performanceFeeAssetsDown(
        uint256 nav,
        uint256 sharePriceWad,
        uint256 hwmWad,
        uint256 rateBps
    ) internal pure returns (uint256) {
        if (sharePriceWad <= hwmWad || rateBps == 0) return 0;
        uint256 gain = Math.mulDiv(nav, sharePriceWad - hwmWad, sharePriceWad);
        return Math.mulDiv(gain, rateBps, BPS);
    }

    /// @notice Shares worth `feeAssets` of a vault with `nav` and `supply` once minted: s × nav / (supply + s) = fee.
    function sharesForAssetsDown(uint256 feeAssets, uint256 nav, uint256 supply) internal pure returns (uint256) {
        if (feeAssets == 0 || feeAssets >= nav) return 0;
        return Math.mulDiv(feeAssets, supply, nav - feeAssets);
    }
}
