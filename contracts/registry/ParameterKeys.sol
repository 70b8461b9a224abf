// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

/// @title ParameterKeys
/// @notice The ParameterRegistry's names of every parameter the vault and its modules read, in one place (the
/// TypeScript catalog in parameters/ defines the same names; a test holds the two together). Per-asset parameters
/// are a prefix and the asset's registry symbol: `weight.WETH`, `feed.WETH`, `heartbeat.WETH`, `poolFee.WETH`,
/// `oracle.maxStalenessSec.WETH`, `oracle.minAnswer.WETH`, `oracle.maxAnswer.WETH`. The longest prefix has 23 bytes:
/// a registry symbol has at most `MAX_SYMBOL_LENGTH` (8) bytes, so that every name fits in 31 (a key keeps a zero
/// byte at its end, as parameters/parameterKey.ts writes them).
library ParameterKeys {
    bytes32 internal constant PAUSE_DEPOSITS = "pause.deposits";
    bytes32 internal constant PAUSE_REBALANCE = "pause.rebalance";
    bytes32 internal constant PAUSE_LEVERAGE = "pause.leverage";
    bytes32 internal constant DEPOSIT_CAP = "caps.depositCap";
    bytes32 internal constant MANAGEMENT_FEE = "fees.managementBps";
    bytes32 internal constant PERFORMANCE_FEE = "fees.performanceBps";
    bytes32 internal constant REBALANCE_BAND = "rebalance.bandBps";
    bytes32 internal constant REBALANCE_MIN_INTERVAL = "rebalance.minIntervalSec";
    bytes32 internal constant MAX_TRADE = "rebalance.maxTradeBps";
    bytes32 internal constant MAX_SLIPPAGE = "rebalance.maxSlippageBps";
    bytes32 internal constant MAX_DEVIATION = "oracle.maxDeviationBps";
    bytes32 internal constant SEQUENCER_FEED = "oracle.sequencerFeed";
    bytes32 internal constant SEQUENCER_GRACE = "oracle.sequencerGraceSec";
    bytes32 internal constant COLLATERAL_MODULE = "module.collateral";
    bytes32 internal constant HEDGE_MODULE = "module.hedge";
    bytes32 internal constant TARGET_LTV = "collateral.targetLtvBps";
    bytes32 internal constant MAX_LTV = "collateral.maxLtvBps";
    bytes32 internal constant HEALTH_BUFFER = "collateral.healthBufferBps";
    bytes32 internal constant LTV_BAND = "collateral.ltvBandBps";
    bytes32 internal constant POSTED = "collateral.postedBps";
    bytes32 internal constant HEDGE_RATIO = "hedge.ratioBps";
    bytes32 internal constant HEDGE_BAND = "hedge.bandBps";
    bytes32 internal constant HEDGE_LTV = "hedge.ltvBps";
    bytes32 internal constant WEIGHT_PREFIX = "weight.";
    bytes32 internal constant FEED_PREFIX = "feed.";
    bytes32 internal constant HEARTBEAT_PREFIX = "heartbeat.";
    bytes32 internal constant POOL_FEE_PREFIX = "poolFee.";
    bytes32 internal constant MAX_STALENESS_PREFIX = "oracle.maxStalenessSec.";
    bytes32 internal constant MIN_ANSWER_PREFIX = "oracle.minAnswer.";
    bytes32 internal constant MAX_ANSWER_PREFIX = "oracle.maxAnswer.";
    /// @notice The longest registry symbol: 31 bytes less the longest prefix (`oracle.maxStalenessSec.`, 23 bytes).
    uint256 internal constant MAX_SYMBOL_LENGTH = 8;

    /// @notice The key `<prefix><SYMBOL>` (keys are ASCII, left-aligned): the symbol shifted past the prefix, whose
    /// length is `prefixLength` bytes. A symbol longer than 32 - `prefixLength` bytes loses its end.
    function key(bytes32 prefix, uint256 prefixLength, bytes11 symbol) internal pure returns (bytes32) {
        return prefix | (bytes32(symbol) >> (8 * prefixLength));
    }

    /// @notice The key of `poolFee.<symbol>`: the fee tier of the asset's Uniswap V3 pool against the base asset.
    function poolFee(string memory symbol) internal pure returns (bytes32) {
        return bytes32(abi.encodePacked("poolFee.", symbol));
    }
}
