// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IOracle} from "@morpho-org/morpho-blue/src/interfaces/IOracle.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {AggregatorV3Interface} from "./interfaces/AggregatorV3Interface.sol";

/// @title ChainlinkMorphoOracle
/// @notice Morpho Blue's IOracle from two Chainlink USD feeds: the collateral's price in loan-token units.
/// @dev price = collateral/USD ÷ loan/USD, scaled so that 1 collateral wei is quoted in loan wei × 1e36
/// (Morpho's convention). Like Morpho's own Chainlink oracle it does not judge staleness: the vault does.
contract ChainlinkMorphoOracle is IOracle {
    /// @notice Thrown when a feed answers zero or a negative price.
    error OracleInvalidAnswer(address feed, int256 answer);

    AggregatorV3Interface public immutable collateralFeed;
    AggregatorV3Interface public immutable loanFeed;
    /// @dev price = collateralAnswer × SCALE_NUMERATOR / (loanAnswer × SCALE_DENOMINATOR).
    uint256 public immutable SCALE_NUMERATOR;
    uint256 public immutable SCALE_DENOMINATOR;

    constructor(
        AggregatorV3Interface collateralFeed_,
        uint8 collateralDecimals,
        AggregatorV3Interface loanFeed_,
        uint8 loanDecimals
    ) {
        collateralFeed = collateralFeed_;
        loanFeed = loanFeed_;
        // 36 + loan decimals + loan feed decimals - collateral decimals - collateral feed decimals.
        int256 exponent =
            36 +
                int256(uint256(loanDecimals) + loanFeed_.decimals()) -
                int256(uint256(collateralDecimals) + collateralFeed_.decimals());
        if (exponent >= 0) {
            SCALE_NUMERATOR = 10 ** uint256(exponent);
            SCALE_DENOMINATOR = 1;
        } else {
            SCALE_NUMERATOR = 1;
            SCALE_DENOMINATOR = 10 ** uint256(-exponent);
        }
    }

    /// @inheritdoc IOracle
    function price() external view returns (uint256) {
        return Math.mulDiv(_answer(collateralFeed), SCALE_NUMERATOR, _answer(loanFeed) * SCALE_DENOMINATOR);
    }

    function _answer(AggregatorV3Interface feed) internal view returns (uint256) {
        (, int256 answer, , , ) = feed.latestRoundData();
        if (answer <= 0) revert OracleInvalidAnswer(address(feed), answer);
        return uint256(answer);
    }
}
