// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IParameterRegistry} from "../registry/interfaces/IParameterRegistry.sol";
import {ParameterKeys} from "../registry/ParameterKeys.sol";
import {IPortfolioVault} from "./interfaces/IPortfolioVault.sol";
import {VaultAssetConfig, VaultConfig, VaultSettingsLib} from "./libraries/VaultSettingsLib.sol";
import {VaultRiskAsset} from "./libraries/VaultTypes.sol";

/// @title VaultSettings
/// @notice What the vault holds and the settings it acts on: the base asset's and each risk asset's registry symbol
/// and decimals (immutables), and the registry's settings cached against its `version`.
/// @dev The cache is four slots for the scalar settings and two per asset. Views read it while it is current and the
/// registry otherwise; the first action after the registry changes refills it (see {_syncConfig}).
abstract contract VaultSettings is IPortfolioVault {
    /// @dev The most risk assets one vault holds (each is an immutable).
    uint256 internal constant MAX_RISK_ASSETS = 4;

    IParameterRegistry internal immutable _registry;
    uint8 internal immutable _baseDecimals;
    bytes11 internal immutable _baseSymbol;

    /// @dev How many risk assets the vault holds, and each one packed (see {_riskAt}): immutables, so that no
    /// action pays a storage read to know its assets.
    uint256 internal immutable _riskCount;
    uint256 internal immutable _risk0;
    uint256 internal immutable _risk1;
    uint256 internal immutable _risk2;
    uint256 internal immutable _risk3;

    VaultConfig internal _configCache;
    /// @dev Index 0 is the base asset, index i + 1 the risk asset `_riskAt(i)`.
    mapping(uint256 index => VaultAssetConfig) internal _assetCache;

    /// @param base The base asset and its registry symbol, e.g. "USDC".
    /// @param riskTokens The risk assets (at most `MAX_RISK_ASSETS`); their registry symbols are `riskSymbols`, e.g.
    /// "WETH".
    constructor(
        IERC20Metadata base,
        string memory baseSymbol,
        IERC20Metadata[] memory riskTokens,
        string[] memory riskSymbols,
        IParameterRegistry registry_
    ) {
        if (riskSymbols.length != riskTokens.length) revert VaultSymbolsMismatch(riskTokens.length, riskSymbols.length);
        if (riskTokens.length > MAX_RISK_ASSETS) revert VaultTooManyRiskAssets(riskTokens.length, MAX_RISK_ASSETS);
        _registry = registry_;
        _baseDecimals = base.decimals();
        _baseSymbol = _symbol(baseSymbol);
        uint256[MAX_RISK_ASSETS] memory packed;
        for (uint256 i; i < riskTokens.length; ++i) {
            packed[i] =
                uint160(address(riskTokens[i])) |
                (uint256(riskTokens[i].decimals()) << 160) |
                (uint256(uint88(_symbol(riskSymbols[i]))) << 168);
        }
        _riskCount = riskTokens.length;
        (_risk0, _risk1, _risk2, _risk3) = (packed[0], packed[1], packed[2], packed[3]);
        // The cache's slots are written now, so that the first action's refill updates them (5,000 gas a slot) rather
        // than creating them (22,100). A version no registry reaches and a pending module swap keep these
        // placeholders from ever being read as settings.
        (_configCache.version, _configCache.depositCap, _configCache.moduleSwapPending) = (type(uint48).max, 1, true);
        _configCache.sequencerFeed = address(1);
        for (uint256 i; i <= riskTokens.length; ++i)
            (_assetCache[i].feedDecimals, _assetCache[i].maxAnswerWad) = (1, 1);
    }

    /// @inheritdoc IPortfolioVault
    function registry() external view returns (address) {
        return address(_registry);
    }

    /// @inheritdoc IPortfolioVault
    function riskAssets() external view returns (address[] memory tokens) {
        VaultRiskAsset[] memory risk = _riskAssets();
        tokens = new address[](risk.length);
        for (uint256 i; i < tokens.length; ++i) tokens[i] = risk[i].token;
    }

    /// @dev Whether the cache holds the registry's current values, and the registry's version.
    function _cacheState() internal view returns (bool current, uint256 version) {
        version = _registry.version();
        current = version == _configCache.version && !_configCache.moduleSwapPending;
    }

    /// @dev The registry's scalar settings: from the cache while it is current, else read afresh (views do not
    /// write the cache).
    function _config() internal view returns (VaultConfig memory c) {
        (bool current, uint256 version) = _cacheState();
        if (current) return _configCache;
        (c, ) = _registrySettings(version);
    }

    /// @dev {_config} and every asset's settings.
    function _settings() internal view returns (VaultConfig memory c, VaultAssetConfig[] memory assets) {
        (bool current, uint256 version) = _cacheState();
        if (!current) return _registrySettings(version);
        return (_configCache, _cachedAssets());
    }

    /// @dev {_config}, refilling the whole cache first when the registry has changed since it was filled: the first
    /// action after a change pays for the refill, the next ones read three slots and one per asset.
    function _syncConfig() internal returns (VaultConfig memory c) {
        (bool current, uint256 version) = _cacheState();
        if (current) return _configCache;
        VaultAssetConfig[] memory assets;
        (c, assets) = _registrySettings(version);
        _configCache = c;
        for (uint256 i; i < assets.length; ++i) _assetCache[i] = assets[i];
    }

    /// @dev Every asset's cached settings, base first.
    function _cachedAssets() internal view returns (VaultAssetConfig[] memory assets) {
        assets = new VaultAssetConfig[](_riskCount + 1);
        for (uint256 i; i < assets.length; ++i) assets[i] = _assetCache[i];
    }

    /// @dev The settings as the registry holds them at `version` (see {VaultSettingsLib-read}).
    function _registrySettings(
        uint256 version
    ) internal view returns (VaultConfig memory c, VaultAssetConfig[] memory assets) {
        bytes11[] memory symbols = new bytes11[](_riskCount + 1);
        symbols[0] = _baseSymbol;
        VaultRiskAsset[] memory risk = _riskAssets();
        for (uint256 i = 1; i < symbols.length; ++i) symbols[i] = risk[i - 1].symbol;
        (c, assets) = VaultSettingsLib.read(
            address(_registry),
            version,
            symbols,
            _configCache.collateralModule,
            _configCache.hedgeModule
        );
    }

    /// @dev Risk asset `i` (below `_riskCount`), unpacked: token in bits 0–159, decimals in 160–167, symbol above.
    function _riskAt(uint256 i) internal view returns (VaultRiskAsset memory r) {
        uint256 packed =
            i == 0
                ? _risk0
                : i == 1
                    ? _risk1
                    : i == 2
                        ? _risk2
                        : _risk3;
        r.token = address(uint160(packed));
        r.decimals = uint8(packed >> 160);
        r.symbol = bytes11(uint88(packed >> 168));
    }

    /// @dev Every risk asset, in order.
    function _riskAssets() internal view returns (VaultRiskAsset[] memory risk) {
        risk = new VaultRiskAsset[](_riskCount);
        for (uint256 i; i < risk.length; ++i) risk[i] = _riskAt(i);
    }

    /// @dev A registry symbol as stored: at most `ParameterKeys.MAX_SYMBOL_LENGTH` (8) bytes, left-aligned.
    function _symbol(string memory symbol) internal pure returns (bytes11) {
        if (bytes(symbol).length > ParameterKeys.MAX_SYMBOL_LENGTH) revert VaultSymbolTooLong(symbol);
        return bytes11(bytes(symbol));
    }
}
