// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {AggregatorV3Interface} from "../../oracles/interfaces/AggregatorV3Interface.sol";
import {IParameterRegistry} from "../../registry/interfaces/IParameterRegistry.sol";
import {IPortfolioVault} from "../interfaces/IPortfolioVault.sol";

/// @title PriceLib
/// @notice Oracle reads with staleness guards, pool prices from Uniswap V3's sqrtPriceX96, and conversions between
/// a risk asset and the base asset.
/// @dev A "relative price" is base-asset units per whole risk token, with 18 decimals (3,000e18 for ETH at $3,000
/// when the base asset is worth $1).
library PriceLib {
    uint256 internal constant WAD = 1e18;
    /// @dev keccak256 of Uniswap V3's pool creation code (v3-core 1.0.1), as in v3-periphery's PoolAddress.
    bytes32 internal constant POOL_INIT_CODE_HASH = 0xe34f199b19b2b4f47f68442619d555527d244f78a3297ea89325f843f87b8b54;
    uint256 internal constant BPS = 10_000;

    /// @notice A feed's latest answer as a USD price with 18 decimals; reverts if older than `maxStalenessSeconds`
    /// (its heartbeat and the grace allowed past it), zero or negative.
    function usdPriceWad(AggregatorV3Interface feed, uint256 maxStalenessSeconds) internal view returns (uint256) {
        return usdPriceWad(feed, feed.decimals(), maxStalenessSeconds);
    }

    /// @notice {usdPriceWad} for a feed whose decimals the caller already knows.
    function usdPriceWad(
        AggregatorV3Interface feed,
        uint8 feedDecimals,
        uint256 maxStalenessSeconds
    ) internal view returns (uint256) {
        (, int256 answer, , uint256 updatedAt, ) = feed.latestRoundData();
        if (answer <= 0) revert IPortfolioVault.VaultOracleInvalid(address(feed), answer);
        if (block.timestamp > updatedAt + maxStalenessSeconds) {
            revert IPortfolioVault.VaultOracleStale(address(feed), updatedAt, maxStalenessSeconds);
        }
        return Math.mulDiv(uint256(answer), WAD, 10 ** feedDecimals);
    }

    /// @notice A feed's latest answer as a USD price with 18 decimals, without reverting: `valid` is false (and the
    /// price zero) when the feed reverts or answers zero or less. `updatedAt` is the answer's time, whatever its age.
    function tryUsdPriceWad(
        AggregatorV3Interface feed,
        uint8 feedDecimals
    ) internal view returns (bool valid, uint256 priceWad, uint256 updatedAt) {
        try feed.latestRoundData() returns (uint80, int256 answer, uint256, uint256 updated, uint80) {
            if (answer <= 0) return (false, 0, updated);
            return (true, Math.mulDiv(uint256(answer), WAD, 10 ** feedDecimals), updated);
        } catch {
            return (false, 0, 0);
        }
    }

    /// @notice The registry keys of an asset's feed and of that feed's heartbeat: `feed.<SYMBOL>`,
    /// `heartbeat.<SYMBOL>`.
    struct FeedKeys {
        bytes32 feed;
        bytes32 heartbeat;
    }

    /// @notice {FeedKeys} for the registry symbol `symbol`.
    function feedKeys(string memory symbol) internal pure returns (FeedKeys memory) {
        return FeedKeys(bytes32(abi.encodePacked("feed.", symbol)), bytes32(abi.encodePacked("heartbeat.", symbol)));
    }

    /// @notice A risk asset's relative price from the feeds the registry names, each answer no older than its feed's
    /// heartbeat plus `oracle.maxStalenessSec`.
    function registryPriceWad(
        IParameterRegistry registry,
        FeedKeys memory risk,
        FeedKeys memory base
    ) internal view returns (uint256) {
        uint256 graceSec = registry.getUint("oracle.maxStalenessSec");
        return
            relativePriceWad(
                _registryUsdPriceWad(registry, risk, graceSec),
                _registryUsdPriceWad(registry, base, graceSec)
            );
    }

    function _registryUsdPriceWad(
        IParameterRegistry registry,
        FeedKeys memory keys,
        uint256 graceSec
    ) private view returns (uint256) {
        AggregatorV3Interface feed = AggregatorV3Interface(registry.getAddress(keys.feed));
        return usdPriceWad(feed, registry.getUint(keys.heartbeat) + graceSec);
    }

    /// @notice The risk asset's relative price from two USD prices, rounded down.
    function relativePriceWad(uint256 riskUsdWad, uint256 baseUsdWad) internal pure returns (uint256) {
        return Math.mulDiv(riskUsdWad, WAD, baseUsdWad);
    }

    /// @notice Value in base-asset wei of `amount` risk wei, rounded down.
    function toBaseDown(
        uint256 amount,
        uint256 priceWad,
        uint8 riskDecimals,
        uint8 baseDecimals
    ) internal pure returns (uint256) {
        return Math.mulDiv(amount, priceWad * 10 ** baseDecimals, 10 ** (18 + uint256(riskDecimals)));
    }

    /// @notice Risk wei worth `baseAmount` base-asset wei, rounded down.
    function fromBaseDown(
        uint256 baseAmount,
        uint256 priceWad,
        uint8 riskDecimals,
        uint8 baseDecimals
    ) internal pure returns (uint256) {
        return Math.mulDiv(baseAmount, 10 ** (18 + uint256(riskDecimals)), priceWad * 10 ** baseDecimals);
    }

    /// @notice The relative price a Uniswap V3 pool quotes at `sqrtPriceX96`, rounded down.
    /// @param riskIsToken0 Whether the risk asset is the pool's token0.
    function poolPriceWad(
        uint160 sqrtPriceX96,
        bool riskIsToken0,
        uint8 riskDecimals,
        uint8 baseDecimals
    ) internal pure returns (uint256) {
        uint256 oneRisk = 10 ** riskDecimals;
        uint256 quote; // base wei for one whole risk token
        if (sqrtPriceX96 <= type(uint128).max) {
            uint256 ratioX192 = uint256(sqrtPriceX96) * sqrtPriceX96;
            quote =
                riskIsToken0 ? Math.mulDiv(ratioX192, oneRisk, 1 << 192) : Math.mulDiv(1 << 192, oneRisk, ratioX192);
        } else {
            uint256 ratioX128 = Math.mulDiv(sqrtPriceX96, sqrtPriceX96, 1 << 64);
            quote =
                riskIsToken0 ? Math.mulDiv(ratioX128, oneRisk, 1 << 128) : Math.mulDiv(1 << 128, oneRisk, ratioX128);
        }
        return Math.mulDiv(quote, WAD, 10 ** baseDecimals);
    }

    /// @notice The address of the Uniswap V3 pool of `tokenA`, `tokenB` and `fee` deployed by `factory` (CREATE2),
    /// computed without a call. The pool may not exist: check its code.
    function poolAddress(address factory, address tokenA, address tokenB, uint24 fee) internal pure returns (address) {
        (address token0, address token1) = tokenA < tokenB ? (tokenA, tokenB) : (tokenB, tokenA);
        bytes32 salt = keccak256(abi.encode(token0, token1, fee));
        return address(uint160(uint256(keccak256(abi.encodePacked(hex"ff", factory, salt, POOL_INIT_CODE_HASH)))));
    }

    /// @notice The Uniswap V3 sqrtPriceX96 at which a pool quotes the relative price `priceWad`, rounded down.
    /// @dev Inverse of {poolPriceWad}: sqrt(token1 wei per token0 wei) × 2^96.
    function sqrtPriceX96(
        uint256 priceWad,
        bool riskIsToken0,
        uint8 riskDecimals,
        uint8 baseDecimals
    ) internal pure returns (uint160) {
        uint256 baseScaled = priceWad * 10 ** baseDecimals; // base wei per whole risk token, × 1e18
        uint256 riskScaled = 10 ** (18 + uint256(riskDecimals)); // risk wei per whole risk token, × 1e18
        uint256 ratioX192 =
            riskIsToken0
                ? Math.mulDiv(baseScaled, 1 << 192, riskScaled)
                : Math.mulDiv(riskScaled, 1 << 192, baseScaled);
        return uint160(Math.sqrt(ratioX192));
    }

    /// @notice Reverts unless the pool's price is within `maxDeviationBps` of the oracle's.
    function checkDeviation(
        address pool,
        uint256 poolPrice,
        uint256 oraclePrice,
        uint256 maxDeviationBps
    ) internal pure {
        uint256 gap = poolPrice > oraclePrice ? poolPrice - oraclePrice : oraclePrice - poolPrice;
        if (gap * BPS > oraclePrice * maxDeviationBps) {
            revert IPortfolioVault.VaultPoolPriceDeviates(pool, poolPrice, oraclePrice, maxDeviationBps);
        }
    }

    /// @notice `amount` less `bps` basis points, rounded down.
    function lessBpsDown(uint256 amount, uint256 bps) internal pure returns (uint256) {
        return Math.mulDiv(amount, BPS - bps, BPS);
    }
}
