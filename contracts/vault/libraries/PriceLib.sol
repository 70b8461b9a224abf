// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {AggregatorV3Interface} from "../../oracles/interfaces/AggregatorV3Interface.sol";
import {IParameterRegistry} from "../../registry/interfaces/IParameterRegistry.sol";
import {ParameterKeys} from "../../registry/ParameterKeys.sol";
import {IPortfolioVault} from "../interfaces/IPortfolioVault.sol";

/// @title PriceLib
/// @notice Oracle reads with their guards (staleness, answer bounds, the L2 sequencer's uptime), pool prices from Uniswap V3's sqrtPriceX96, and conversions between
/// a risk asset and the base asset.
/// @dev A "relative price" is base-asset units per whole risk token, with 18 decimals (3,000e18 for ETH at $3,000
/// when the base asset is worth $1).
library PriceLib {
    uint256 internal constant WAD = 1e18;
    /// @dev keccak256 of Uniswap V3's pool creation code (v3-core 1.0.1), as in v3-periphery's PoolAddress.
    bytes32 internal constant POOL_INIT_CODE_HASH = 0xe34f199b19b2b4f47f68442619d555527d244f78a3297ea89325f843f87b8b54;
    uint256 internal constant BPS = 10_000;

    /// @dev A cash exit accepts each feed's answers up to its heartbeat plus this when `oracle.maxStalenessSec.<SYMBOL>`
    /// is shorter: the guardian's tightening of staleness cannot close exits while the feeds answer on time.
    uint256 internal constant EXIT_GRACE_FLOOR_SEC = 1 hours;

    /// @notice What a feed's answer must be for the vault to price with it: no older than `maxAgeSec`, and strictly
    /// between `minAnswerWad` and `maxAnswerWad` as an 18-decimal USD price (an OCR aggregator clamps its answers at
    /// its own minAnswer and maxAnswer: an answer at or past governance's bounds may be a clamped one).
    struct FeedGuard {
        uint256 maxAgeSec;
        uint256 minAnswerWad;
        uint256 maxAnswerWad;
    }

    /// @notice The oldest answer a cash exit accepts from a feed: its `oracle.maxStalenessSec.<SYMBOL>`, or its
    /// heartbeat plus `EXIT_GRACE_FLOOR_SEC` when that is longer.
    function exitMaxAgeSec(uint256 heartbeatSec, uint256 maxStalenessSec) internal pure returns (uint256) {
        return Math.max(maxStalenessSec, heartbeatSec + EXIT_GRACE_FLOOR_SEC);
    }

    /// @notice A feed's latest answer as a USD price with 18 decimals; reverts if it is zero or negative, older than
    /// `guard.maxAgeSec`, or at or past one of the guard's bounds.
    function usdPriceWad(
        AggregatorV3Interface feed,
        uint8 feedDecimals,
        FeedGuard memory guard
    ) internal view returns (uint256 priceWad) {
        (, int256 answer, , uint256 updatedAt, ) = feed.latestRoundData();
        if (answer <= 0) revert IPortfolioVault.VaultOracleInvalid(address(feed), answer);
        if (block.timestamp > updatedAt + guard.maxAgeSec) {
            revert IPortfolioVault.VaultOracleStale(address(feed), updatedAt, guard.maxAgeSec);
        }
        priceWad = Math.mulDiv(uint256(answer), WAD, 10 ** feedDecimals);
        if (priceWad <= guard.minAnswerWad) {
            revert IPortfolioVault.VaultOracleBelowMinAnswer(address(feed), priceWad, guard.minAnswerWad);
        }
        if (priceWad >= guard.maxAnswerWad) {
            revert IPortfolioVault.VaultOracleAboveMaxAnswer(address(feed), priceWad, guard.maxAnswerWad);
        }
    }

    /// @notice A feed's latest answer as a USD price with 18 decimals, without reverting. `priceWad` is zero when the
    /// feed reverts, answers zero or less, or is no feed; `inBounds` is false then, and when the price is at or past
    /// `minAnswerWad` or `maxAnswerWad` (its price is still given). `updatedAt` is the answer's time, whatever its age.
    function tryUsdPriceWad(
        AggregatorV3Interface feed,
        uint8 feedDecimals,
        uint256 minAnswerWad,
        uint256 maxAnswerWad
    ) internal view returns (bool inBounds, uint256 priceWad, uint256 updatedAt) {
        (bool ok, int256 answer, , uint256 updated) = tryLatestRoundData(address(feed));
        if (!ok || answer <= 0) return (false, 0, updated);
        priceWad = Math.mulDiv(uint256(answer), WAD, 10 ** feedDecimals);
        return (priceWad > minAnswerWad && priceWad < maxAnswerWad, priceWad, updated);
    }

    /// @notice Reverts unless the L2 sequencer uptime feed `sequencerFeed` reports the sequencer up (answer 0) since
    /// more than `graceSec` (its `startedAt` is when the status last changed), as Chainlink's L2 guidance says: while
    /// the sequencer is down, or just back, the feeds' answers may be stale or not yet caught up. A feed that was
    /// never initialised (`startedAt` zero), or that does not answer, counts as down. A zero address (no sequencer:
    /// L1) passes.
    function checkSequencer(address sequencerFeed, uint256 graceSec) internal view {
        if (sequencerFeed == address(0)) return;
        (bool ok, int256 answer, uint256 startedAt, ) = tryLatestRoundData(sequencerFeed);
        if (!ok || answer != 0 || startedAt == 0) revert IPortfolioVault.VaultSequencerDown(sequencerFeed, startedAt);
        if (block.timestamp <= startedAt + graceSec) {
            revert IPortfolioVault.VaultSequencerGracePeriod(sequencerFeed, startedAt, startedAt + graceSec);
        }
    }

    /// @notice {checkSequencer} without reverting: whether prices may be used now (true without a sequencer feed).
    function sequencerUp(address sequencerFeed, uint256 graceSec) internal view returns (bool) {
        if (sequencerFeed == address(0)) return true;
        (bool ok, int256 answer, uint256 startedAt, ) = tryLatestRoundData(sequencerFeed);
        return ok && answer == 0 && startedAt != 0 && block.timestamp > startedAt + graceSec;
    }

    /// @notice A feed's `latestRoundData` without reverting: `ok` is false when the call reverts or its return data
    /// is too short to be the answer (an address without code returns none), so that a view and an exit in kind never
    /// fail on a feed.
    function tryLatestRoundData(
        address feed
    ) internal view returns (bool ok, int256 answer, uint256 startedAt, uint256 updatedAt) {
        bytes memory data;
        (ok, data) = feed.staticcall(abi.encodeCall(AggregatorV3Interface.latestRoundData, ()));
        if (!ok || data.length < 160) return (false, 0, 0, 0);
        // Every word read at full width: an out-of-range round id cannot make the decoding revert.
        (, answer, startedAt, updatedAt, ) = abi.decode(data, (uint256, int256, uint256, uint256, uint256));
    }

    /// @notice A risk asset's relative price from the feeds the registry names for the registry symbols `risk` and
    /// `base` (`feed.<SYMBOL>`), each answer held to its asset's `oracle.maxStalenessSec.<SYMBOL>`,
    /// `oracle.minAnswer.<SYMBOL>` and `oracle.maxAnswer.<SYMBOL>`, once the sequencer (`oracle.sequencerFeed`, if
    /// any) has been up for `oracle.sequencerGraceSec`.
    function registryPriceWad(IParameterRegistry registry, bytes11 risk, bytes11 base) internal view returns (uint256) {
        checkSequencer(
            registry.getAddress(ParameterKeys.SEQUENCER_FEED),
            registry.getUint(ParameterKeys.SEQUENCER_GRACE)
        );
        return relativePriceWad(_registryUsdPriceWad(registry, risk), _registryUsdPriceWad(registry, base));
    }

    function _registryUsdPriceWad(IParameterRegistry registry, bytes11 symbol) private view returns (uint256) {
        AggregatorV3Interface feed = AggregatorV3Interface(
            registry.getAddress(ParameterKeys.key(ParameterKeys.FEED_PREFIX, 5, symbol))
        );
        FeedGuard memory guard = FeedGuard({
            maxAgeSec: registry.getUint(ParameterKeys.key(ParameterKeys.MAX_STALENESS_PREFIX, 23, symbol)),
            minAnswerWad: registry.getUint(ParameterKeys.key(ParameterKeys.MIN_ANSWER_PREFIX, 17, symbol)),
            maxAnswerWad: registry.getUint(ParameterKeys.key(ParameterKeys.MAX_ANSWER_PREFIX, 17, symbol))
        });
        return usdPriceWad(feed, feed.decimals(), guard);
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

    /// @notice Value in base-asset wei of `amount` risk wei, rounded up.
    function toBaseUp(
        uint256 amount,
        uint256 priceWad,
        uint8 riskDecimals,
        uint8 baseDecimals
    ) internal pure returns (uint256) {
        return
            Math.mulDiv(amount, priceWad * 10 ** baseDecimals, 10 ** (18 + uint256(riskDecimals)), Math.Rounding.Ceil);
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
