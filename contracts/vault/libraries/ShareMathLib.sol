// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title ShareMathLib
/// @notice Conversions between the vault's shares and base-asset wei, each named for the way it rounds. Every
/// conversion counts `VIRTUAL_SHARES` shares and `VIRTUAL_ASSETS` wei that nobody owns, so that an empty vault has a
/// price and an inflation attack (a donation before the first deposit) costs a million times what it could take.
/// @dev The direction is part of each name: round against the caller, in the holders' favour (shares to mint and
/// assets to pay down, shares to burn and assets to charge up).
library ShareMathLib {
    /// @notice How many more decimals a share has than the base asset.
    uint8 internal constant DECIMALS_OFFSET = 6;
    uint256 internal constant VIRTUAL_SHARES = 10 ** DECIMALS_OFFSET;
    uint256 internal constant VIRTUAL_ASSETS = 1;

    /// @notice Shares worth `assets` of a vault of `totalAssets` and `totalShares`, rounded down (to mint).
    function toSharesDown(uint256 assets, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return Math.mulDiv(assets, totalShares + VIRTUAL_SHARES, totalAssets + VIRTUAL_ASSETS);
    }

    /// @notice Shares worth `assets`, rounded up (to burn for a withdrawal).
    function toSharesUp(uint256 assets, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return Math.mulDiv(assets, totalShares + VIRTUAL_SHARES, totalAssets + VIRTUAL_ASSETS, Math.Rounding.Ceil);
    }

    /// @notice Assets `shares` are worth, rounded down (to pay out, or to report a fee).
    function toAssetsDown(uint256 shares, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return Math.mulDiv(shares, totalAssets + VIRTUAL_ASSETS, totalShares + VIRTUAL_SHARES);
    }

    /// @notice Assets `shares` are worth, rounded up (to charge for a mint).
    function toAssetsUp(uint256 shares, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return Math.mulDiv(shares, totalAssets + VIRTUAL_ASSETS, totalShares + VIRTUAL_SHARES, Math.Rounding.Ceil);
    }

    /// @notice The price of one whole share, scaled by `scale` (for a price in WAD of the base asset's whole units:
    /// 10 ** (share decimals + 18 - base decimals)), rounded down.
    function priceDown(uint256 totalAssets, uint256 totalShares, uint256 scale) internal pure returns (uint256) {
        return Math.mulDiv(totalAssets + VIRTUAL_ASSETS, scale, totalShares + VIRTUAL_SHARES);
    }
}
