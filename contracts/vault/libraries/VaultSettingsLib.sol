// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {AggregatorV3Interface} from "../../oracles/interfaces/AggregatorV3Interface.sol";
import {IParameterRegistry} from "../../registry/interfaces/IParameterRegistry.sol";
import {ICollateralManager} from "../interfaces/ICollateralManager.sol";
import {IHedgeModule} from "../interfaces/IHedgeModule.sol";
import {ParameterKeys} from "../../registry/ParameterKeys.sol";

/// @notice The registry's scalar settings the vault acts on, cached in four slots against the registry's `version`.
/// Narrow fields saturate: a value the registry's rules allow beyond a field's width reads as the field's maximum.
struct VaultConfig {
    uint48 version;
    uint48 minIntervalSec;
    uint48 sequencerGraceSec;
    uint16 bandBps;
    uint16 maxTradeBps;
    uint16 maxSlippageBps;
    uint16 maxDeviationBps;
    uint16 managementFeeBps;
    uint16 performanceFeeBps;
    bool pauseDeposits;
    bool pauseRebalance;
    address collateralModule;
    uint96 depositCap;
    address hedgeModule;
    /// @dev Set by the vault, never read from the registry: a module the registry no longer names still holds a
    /// position, so the vault keeps it in place (and re-reads the registry at every call) until it is unwound.
    bool moduleSwapPending;
    /// @dev The L2 sequencer uptime feed (`oracle.sequencerFeed`); zero on L1.
    address sequencerFeed;
}

/// @notice An asset's registry settings (two slots each, cached with {VaultConfig}): its feed, the feed's decimals,
/// its target weight, for a risk asset the fee tier of its Uniswap V3 pool against the base asset, the feed's
/// heartbeat (`heartbeat.<SYMBOL>`, which sets how long cash exits accept its answers), the oldest answer actions
/// accept (`oracle.maxStalenessSec.<SYMBOL>`), and the bounds its answers must stay strictly within
/// (`oracle.minAnswer.<SYMBOL>`, `oracle.maxAnswer.<SYMBOL>`: USD prices, 18 decimals).
struct VaultAssetConfig {
    address feed;
    uint8 feedDecimals;
    uint16 weightBps;
    uint24 poolFee;
    uint32 heartbeatSec;
    uint32 maxStalenessSec;
    uint96 minAnswerWad;
    uint96 maxAnswerWad;
}

/// @title VaultSettingsLib
/// @notice Reads the vault's settings from the ParameterRegistry by name.
/// @dev Deployed once and linked (its entry point is public): the vault reads the registry afresh only when the
/// registry's version moved, so the call's small overhead is rare, and the code stays out of the vault, which keeps
/// it under the contract size limit.
library VaultSettingsLib {
    /// @notice The vault's settings at the registry's `version`, and each asset's (base first), for the assets whose
    /// registry symbols are `symbols` (base first). A module swap loses nothing: while the module the vault last used
    /// (`usedCollateral`, `usedHedge`) still holds a position, it stays in place (counted in NAV, released by exits,
    /// drawing on the vault to repay) whatever the registry now names, `moduleSwapPending` is set, and it unwinds
    /// itself (its `plan()` sees it is no longer the registry's module); the registry's new module takes over at the
    /// first call after the old one is empty.
    /// @dev Plain types in the signature (an address, not the registry's interface): a linked library's ABI names
    /// contract types by their Solidity names, which ABI tools reject.
    function read(
        address registry,
        uint256 version,
        bytes11[] memory symbols,
        address usedCollateral,
        address usedHedge
    ) public view returns (VaultConfig memory c, VaultAssetConfig[] memory assets) {
        IParameterRegistry r = IParameterRegistry(registry);
        c.version = uint48(version);
        c.minIntervalSec = uint48(_uint(r, ParameterKeys.REBALANCE_MIN_INTERVAL, type(uint48).max));
        c.sequencerGraceSec = uint48(_uint(r, ParameterKeys.SEQUENCER_GRACE, type(uint48).max));
        c.sequencerFeed = r.getAddress(ParameterKeys.SEQUENCER_FEED);
        c.bandBps = uint16(_uint(r, ParameterKeys.REBALANCE_BAND, type(uint16).max));
        c.maxTradeBps = uint16(_uint(r, ParameterKeys.MAX_TRADE, type(uint16).max));
        c.maxSlippageBps = uint16(_uint(r, ParameterKeys.MAX_SLIPPAGE, type(uint16).max));
        c.maxDeviationBps = uint16(_uint(r, ParameterKeys.MAX_DEVIATION, type(uint16).max));
        c.managementFeeBps = uint16(_uint(r, ParameterKeys.MANAGEMENT_FEE, type(uint16).max));
        c.performanceFeeBps = uint16(_uint(r, ParameterKeys.PERFORMANCE_FEE, type(uint16).max));
        c.pauseDeposits = r.getBool(ParameterKeys.PAUSE_DEPOSITS);
        c.pauseRebalance = r.getBool(ParameterKeys.PAUSE_REBALANCE);
        c.collateralModule = r.getAddress(ParameterKeys.COLLATERAL_MODULE);
        c.depositCap = uint96(_uint(r, ParameterKeys.DEPOSIT_CAP, type(uint96).max));
        c.hedgeModule = r.getAddress(ParameterKeys.HEDGE_MODULE);
        assets = new VaultAssetConfig[](symbols.length);
        for (uint256 i; i < assets.length; ++i) assets[i] = _asset(r, symbols[i], i == 0);
        if (usedCollateral != c.collateralModule && usedCollateral != address(0)) {
            (, uint256 collateral, uint256 debt) = ICollateralManager(usedCollateral).position();
            if (collateral > 0 || debt > 0) (c.collateralModule, c.moduleSwapPending) = (usedCollateral, true);
        }
        if (usedHedge != c.hedgeModule && usedHedge != address(0)) {
            (, uint256 margin, , uint256 short) = IHedgeModule(usedHedge).position();
            if (margin > 0 || short > 0) (c.hedgeModule, c.moduleSwapPending) = (usedHedge, true);
        }
    }

    /// @dev The settings of the asset whose registry symbol is `symbol` (the base asset has no pool fee). A narrow
    /// field saturates: a `oracle.maxAnswer.<SYMBOL>` beyond 2^96 - 1 wei (about $79 billion) reads as that.
    function _asset(IParameterRegistry r, bytes11 symbol, bool base) private view returns (VaultAssetConfig memory a) {
        a.feed = r.getAddress(ParameterKeys.key(ParameterKeys.FEED_PREFIX, 5, symbol));
        a.feedDecimals = AggregatorV3Interface(a.feed).decimals();
        a.weightBps = uint16(_uint(r, ParameterKeys.key(ParameterKeys.WEIGHT_PREFIX, 7, symbol), type(uint16).max));
        if (!base) {
            a.poolFee = uint24(_uint(r, ParameterKeys.key(ParameterKeys.POOL_FEE_PREFIX, 8, symbol), type(uint24).max));
        }
        a.heartbeatSec = uint32(
            _uint(r, ParameterKeys.key(ParameterKeys.HEARTBEAT_PREFIX, 10, symbol), type(uint32).max)
        );
        a.maxStalenessSec = uint32(
            _uint(r, ParameterKeys.key(ParameterKeys.MAX_STALENESS_PREFIX, 23, symbol), type(uint32).max)
        );
        a.minAnswerWad = uint96(
            _uint(r, ParameterKeys.key(ParameterKeys.MIN_ANSWER_PREFIX, 17, symbol), type(uint96).max)
        );
        a.maxAnswerWad = uint96(
            _uint(r, ParameterKeys.key(ParameterKeys.MAX_ANSWER_PREFIX, 17, symbol), type(uint96).max)
        );
    }

    /// @dev A registry value, saturated at `max`.
    function _uint(IParameterRegistry r, bytes32 name, uint256 max) private view returns (uint256) {
        return Math.min(r.getUint(name), max);
    }
}
