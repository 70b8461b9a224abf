// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20, IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IUniswapV3Factory} from "@uniswap/v3-core/contracts/interfaces/IUniswapV3Factory.sol";
import {ISwapRouter} from "@uniswap/v3-periphery/contracts/interfaces/ISwapRouter.sol";
import {AggregatorV3Interface} from "../oracles/interfaces/AggregatorV3Interface.sol";
import {IParameterRegistry} from "../registry/interfaces/IParameterRegistry.sol";
import {IVaultModule} from "./interfaces/IVaultModule.sol";
import {Holding, IPortfolioVault, Trade} from "./interfaces/IPortfolioVault.sol";
import {FeeMathLib} from "./libraries/FeeMathLib.sol";
import {SwapLib} from "./libraries/SwapLib.sol";
import {
    VaultAssetConfig as AssetConfig,
    VaultConfig as Config,
    VaultSettingsLib
} from "./libraries/VaultSettingsLib.sol";
import {PriceLib} from "./libraries/PriceLib.sol";
import {RebalancePlanLib} from "./libraries/RebalancePlanLib.sol";
import {ExitPlanLib} from "./libraries/ExitPlanLib.sol";
import {
    VaultExitPlan as ExitPlan,
    VaultPositions as Positions,
    VaultRelease as Release,
    VaultRiskAsset as RiskAsset,
    VaultSnapshot as Snapshot
} from "./libraries/VaultTypes.sol";
import {ViewPricesLib} from "./libraries/ViewPricesLib.sol";

/// @title PortfolioVault
/// @notice Trimtab's multi-asset ERC-4626 vault: holds a base asset and risk assets at governance-set target
/// weights, rebalances through Uniswap V3 within slippage and oracle guards, and mints management and performance
/// fees to the treasury. It has no owner: every setting is read from the ParameterRegistry.
/// @dev See {IPortfolioVault}. Shares have `_decimalsOffset()` more decimals than the base asset, and conversions
/// count that many virtual shares, which makes an inflation attack cost a million times its gain.
contract PortfolioVault is ERC4626, ReentrancyGuardTransient, IPortfolioVault {
    using SafeERC20 for IERC20;

    uint256 internal constant BPS = 10_000;
    uint256 internal constant WAD = 1e18;
    uint8 internal constant DECIMALS_OFFSET = 6;
    /// @dev A cash exit accepts each feed's answers up to its heartbeat plus this when `oracle.maxStalenessSec` (the
    /// grace past the heartbeat) is shorter: the guardian's tightening of staleness cannot close exits while the
    /// feeds answer on time.
    uint256 internal constant EXIT_GRACE_FLOOR_SEC = 1 hours;
    /// @dev The most risk assets one vault holds (each is an immutable).
    uint256 internal constant MAX_RISK_ASSETS = 4;

    IParameterRegistry internal immutable _registry;
    address public immutable treasury;
    ISwapRouter public immutable swapRouter;
    IUniswapV3Factory public immutable uniswapFactory;
    uint8 internal immutable _baseDecimals;
    bytes11 internal immutable _baseSymbol;

    /// @dev How many risk assets the vault holds, and each one packed (see {_riskAt}): immutables, so that no
    /// action pays a storage read to know its assets.
    uint256 internal immutable _riskCount;
    uint256 internal immutable _risk0;
    uint256 internal immutable _risk1;
    uint256 internal immutable _risk2;
    uint256 internal immutable _risk3;
    uint256 internal _highWaterMarkWad;
    uint48 public lastFeeAccrualAt;
    uint48 public lastRebalanceAt;
    Config internal _configCache;
    /// @dev Index 0 is the base asset, index i + 1 the risk asset `_riskAt(i)`.
    mapping(uint256 index => AssetConfig) internal _assetCache;

    /// @param base The base asset (a stablecoin) and its registry symbol, e.g. "USDC".
    /// @param riskTokens The risk assets (at most `MAX_RISK_ASSETS`); their registry symbols are `riskSymbols`, e.g.
    /// "WETH".
    constructor(
        IERC20Metadata base,
        string memory baseSymbol,
        IERC20Metadata[] memory riskTokens,
        string[] memory riskSymbols,
        IParameterRegistry registry_,
        address treasury_,
        ISwapRouter swapRouter_,
        IUniswapV3Factory uniswapFactory_,
        string memory name_,
        string memory symbol_
    ) ERC4626(base) ERC20(name_, symbol_) {
        if (riskSymbols.length != riskTokens.length) revert VaultSymbolsMismatch(riskTokens.length, riskSymbols.length);
        if (riskTokens.length > MAX_RISK_ASSETS) revert VaultTooManyRiskAssets(riskTokens.length, MAX_RISK_ASSETS);
        _registry = registry_;
        treasury = treasury_;
        swapRouter = swapRouter_;
        uniswapFactory = uniswapFactory_;
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
        _highWaterMarkWad = WAD;
        lastFeeAccrualAt = uint48(block.timestamp);
        // The settings cache's slots are written now, so that the first action's refill updates them (5,000 gas a
        // slot) rather than creating them (22,100). A version no registry reaches and a pending module swap keep
        // these placeholders from ever being read as settings.
        (_configCache.version, _configCache.depositCap, _configCache.moduleSwapPending) = (type(uint48).max, 1, true);
        for (uint256 i; i <= riskTokens.length; ++i) _assetCache[i].feedDecimals = 1;
        // The router pulls only during swaps the vault starts (it pays from its caller): one standing approval
        // per token saves a storage write per trade.
        IERC20(address(base)).forceApprove(address(swapRouter_), type(uint256).max);
        for (uint256 i; i < riskTokens.length; ++i) {
            IERC20(address(riskTokens[i])).forceApprove(address(swapRouter_), type(uint256).max);
        }
    }

    /* VIEWS */

    /// @inheritdoc IPortfolioVault
    function registry() external view returns (address) {
        return address(_registry);
    }

    /// @inheritdoc IPortfolioVault
    function riskAssets() external view returns (address[] memory tokens) {
        RiskAsset[] memory risk = _riskAssets();
        tokens = new address[](risk.length);
        for (uint256 i; i < tokens.length; ++i) tokens[i] = risk[i].token;
    }

    /// @inheritdoc IPortfolioVault
    function highWaterMarkWad() external view returns (uint256) {
        return _highWaterMarkWad;
    }

    /// @notice NAV: every holding at the feeds' latest answers, in base-asset wei. Never reverts (EIP-4626): a stale
    /// answer counts as it is, and a feed that reverts or answers zero or less values its asset at zero (the base
    /// asset at one dollar). Actions price with fresh answers only: see `maxDeposit` and `maxRedeem`.
    function totalAssets() public view override returns (uint256 nav) {
        (Snapshot memory s, , ) = _viewSnapshot();
        nav = _nav(s);
    }

    /// @inheritdoc IPortfolioVault
    function sharePriceWad() public view returns (uint256) {
        return _sharePriceWad(totalAssets(), totalSupply());
    }

    /// @inheritdoc IPortfolioVault
    function holdings() external view returns (Holding[] memory list) {
        Snapshot memory s = _snapshot();
        (uint256[] memory values, uint256 nav) = _values(s);
        list = new Holding[](values.length);
        for (uint256 i; i < values.length; ++i) {
            IERC20 token = i == 0 ? IERC20(asset()) : IERC20(s.risk[i - 1].token);
            list[i] = Holding({
                token: address(token),
                balance: token.balanceOf(address(this)),
                valueInBase: values[i],
                weightBps: nav == 0 ? 0 : Math.mulDiv(values[i], BPS, nav),
                targetBps: s.assets[i].weightBps
            });
        }
    }

    /// @notice Zero while `pause.deposits` is set, a price is stale or invalid, or a pool prices further than
    /// `oracle.maxDeviationBps` from its feed; otherwise room under `caps.depositCap`.
    function maxDeposit(address) public view override returns (uint256) {
        Config memory c = _config();
        if (c.pauseDeposits) return 0;
        (Snapshot memory s, bool valid, uint256 freshUntil) = _viewSnapshot();
        if (!valid || block.timestamp > freshUntil + c.maxStalenessSec) return 0;
        // Every other refusal of an entry (a pool missing or off its feed) shows in its preview.
        try this.previewDeposit(0) returns (uint256) {} catch {
            return 0;
        }
        uint256 nav = _nav(s);
        return c.depositCap > nav ? c.depositCap - nav : 0;
    }

    /// @notice Shares that `maxDeposit` would mint.
    function maxMint(address receiver) public view override returns (uint256) {
        uint256 assets = maxDeposit(receiver);
        return assets == 0 ? 0 : previewDeposit(assets);
    }

    /// @notice Assets `owner` can withdraw in cash: what `previewRedeem` gives for all their shares, or zero while a
    /// cash exit cannot price (`redeemInKind` never needs to).
    function maxWithdraw(address owner) public view override returns (uint256) {
        if (!_cashExitPrices()) return 0;
        return previewRedeem(balanceOf(owner));
    }

    /// @notice Shares `owner` can redeem in cash: all of them, or zero while a cash exit cannot price
    /// (`redeemInKind` never needs to).
    function maxRedeem(address owner) public view override returns (uint256) {
        return _cashExitPrices() ? balanceOf(owner) : 0;
    }

    /// @notice Base-asset wei a redemption of `shares` pays at least, computed as `redeem` does: the shares' part of
    /// each token once their part of each module's position is released, each risk asset valued at the oracle price
    /// less the exit's slippage bound, after the fees due now.
    function previewRedeem(uint256 shares) public view override returns (uint256) {
        Snapshot memory s = _exitSnapshot();
        uint256 supply = _supplyAfterFees(s.config, _nav(s));
        ExitPlan memory e = _exitPlan(s, shares, supply + 10 ** DECIMALS_OFFSET);
        return _exitValueDown(s, e.amounts);
    }

    /// @notice Shares a withdrawal of `assets` burns at most, valuing risk assets less the exit's slippage bound.
    function previewWithdraw(uint256 assets) public view override returns (uint256) {
        Snapshot memory s = _exitSnapshot();
        (uint256 value, uint256 nav) = _liquidationValue(s);
        return _sharesForWithdraw(assets, s, value, _supplyAfterFees(s.config, nav));
    }

    /// @notice Shares a deposit of `assets` mints now, fees included, at entry prices (see `deposit`).
    function previewDeposit(uint256 assets) public view override returns (uint256) {
        (uint256 entryNav, uint256 supply) = _previewEntry();
        return _convertToSharesWith(assets, entryNav, supply, Math.Rounding.Floor);
    }

    /// @notice Assets a mint of `shares` costs now, fees included, at entry prices (see `deposit`).
    function previewMint(uint256 shares) public view override returns (uint256) {
        (uint256 entryNav, uint256 supply) = _previewEntry();
        return _convertToAssetsWith(shares, entryNav, supply, Math.Rounding.Ceil);
    }

    /// @inheritdoc IPortfolioVault
    function rebalancePlan() external view returns (bool due, Trade[] memory trades) {
        Config memory c = _config();
        if (c.pauseRebalance) return (false, trades);
        if (block.timestamp < uint256(lastRebalanceAt) + c.minIntervalSec) return (false, trades);
        return _plan(_snapshot());
    }

    /* DEPOSITS AND WITHDRAWALS */

    /// @notice Deposits `assets` of the base asset for shares. Needs fresh prices; refused while paused, at cap, or
    /// while a pool prices further than `oracle.maxDeviationBps` from its feed. Shares are priced at entry prices:
    /// each risk asset at the higher of its feed's and its pool's price (what the hedge owes at the lower), so that
    /// when the feeds lag the market no deposit followed by an exit takes the lag from holders. Fees accrue at the
    /// feeds' prices.
    function deposit(uint256 assets, address receiver) public override nonReentrant returns (uint256 shares) {
        (Config memory c, uint256 nav, uint256 entryNav, uint256 supply) = _enter();
        _checkDeposit(c, assets, nav);
        shares = _convertToSharesWith(assets, entryNav, supply, Math.Rounding.Floor);
        _deposit(_msgSender(), receiver, assets, shares);
        _afterEntry(supply, nav + assets);
    }

    /// @notice Mints exactly `shares` for the base asset they are worth at entry prices (see `deposit`), rounded up.
    function mint(uint256 shares, address receiver) public override nonReentrant returns (uint256 assets) {
        (Config memory c, uint256 nav, uint256 entryNav, uint256 supply) = _enter();
        assets = _convertToAssetsWith(shares, entryNav, supply, Math.Rounding.Ceil);
        _checkDeposit(c, assets, nav);
        _deposit(_msgSender(), receiver, assets, shares);
        _afterEntry(supply, nav + assets);
    }

    /// @dev An entry's first steps: prices (the feeds' and the entry's), fees accrued at the feeds' prices. Returns
    /// the settings, NAV at the feeds' prices, NAV at entry prices and the supply to convert with.
    function _enter() internal returns (Config memory c, uint256 nav, uint256 entryNav, uint256 supply) {
        Snapshot memory s = _withEntryPrices(_syncedSnapshot());
        c = s.config;
        (, nav, entryNav) = _valuesAt(s);
        _accrueFees(c, nav);
        supply = totalSupply();
    }

    /// @dev {_enter} for previews: NAV at entry prices and the supply once pending fees are minted.
    function _previewEntry() internal view returns (uint256 entryNav, uint256 supply) {
        Snapshot memory s = _withEntryPrices(_snapshot());
        uint256 nav;
        (, nav, entryNav) = _valuesAt(s);
        supply = _supplyAfterFees(s.config, nav);
    }

    /// @notice Redeems `shares` for the base asset: sells the shares' pro-rata part of each risk asset within the
    /// exit's slippage bound and pays it out with their part of the base asset. Never paused, and no parameter the
    /// guardian can reach closes it (see {SwapLib-deriskSlippageBps}, `EXIT_GRACE_FLOOR_SEC`).
    function redeem(uint256 shares, address receiver, address owner) public override nonReentrant returns (uint256) {
        Snapshot memory s = _syncedExitSnapshot();
        _accrueFees(s.config, _nav(s));
        _checkRedeem(owner, shares);
        uint256 assets = _unwind(shares, s);
        _withdraw(_msgSender(), receiver, owner, assets, shares);
        _emitNav(_nav(s));
        return assets;
    }

    /// @notice Withdraws exactly `assets` of the base asset, burning at most the shares `previewWithdraw` gives
    /// (all of the owner's when those suffice); reverts if the unwind yields less. Never paused.
    function withdraw(uint256 assets, address receiver, address owner) public override nonReentrant returns (uint256) {
        Snapshot memory s = _syncedExitSnapshot();
        _accrueFees(s.config, _nav(s));
        (uint256 liquidationValue, ) = _liquidationValue(s);
        uint256 shares = _sharesForWithdraw(assets, s, liquidationValue, totalSupply());
        // The estimate carries a margin for rounding: when it exceeds the owner's shares, all of them may suffice.
        uint256 balance = balanceOf(owner);
        bool clamped = shares > balance && balance > 0;
        if (clamped) shares = balance;
        _checkRedeem(owner, shares);
        uint256 delivered = _unwind(shares, s);
        if (delivered < assets) {
            if (clamped) revert VaultExceededMaxRedeem(owner, shares + 1, balance);
            revert VaultWithdrawShortfall(assets, delivered);
        }
        _withdraw(_msgSender(), receiver, owner, assets, shares);
        _emitNav(_nav(s));
        return shares;
    }

    /// @inheritdoc IPortfolioVault
    function redeemInKind(
        uint256 shares,
        address receiver,
        address owner
    ) external nonReentrant returns (address[] memory tokens, uint256[] memory amounts) {
        // The fees a cash exit would accrue (management and performance, at the feeds' prices) whenever a cash exit
        // could price now, so that no exit path skips the performance fee; the management fee alone while a feed is
        // down or older than a cash exit accepts, so that this exit never needs a price.
        Config memory c = _syncConfig();
        (Snapshot memory s, bool valid, uint256 freshUntil) = _latestSnapshot(c, _cachedAssets());
        if (_exitPricesValid(c, valid, freshUntil)) _accrueFees(c, _nav(s));
        else _accrueManagementFee(c);
        _checkRedeem(owner, shares);
        ExitPlan memory e = _exitPlan(s, shares, totalSupply() + 10 ** DECIMALS_OFFSET);
        (tokens, amounts) = (e.tokens, e.amounts);

        if (_msgSender() != owner) _spendAllowance(owner, _msgSender(), shares);
        _burn(owner, shares);
        _executeReleases(e);
        for (uint256 i; i < tokens.length; ++i) {
            if (amounts[i] > 0) IERC20(tokens[i]).safeTransfer(receiver, amounts[i]);
        }
        emit RedeemedInKind(_msgSender(), receiver, owner, shares, tokens, amounts);
    }

    /// @inheritdoc IPortfolioVault
    function moduleTransfer(address token, uint256 amount) external nonReentrant {
        Config memory c = _config();
        if (msg.sender != c.collateralModule && msg.sender != c.hedgeModule) revert VaultNotModule(msg.sender);
        IERC20(token).safeTransfer(msg.sender, amount);
    }

    /* REBALANCING AND FEES */

    /// @inheritdoc IPortfolioVault
    /// @dev Fees are not accrued here: a rebalance moves NAV only by its trades' slippage, and the next deposit,
    /// withdrawal or `accrueFees` mints everything due since the last accrual.
    function rebalance() external nonReentrant returns (Trade[] memory trades) {
        Config memory c = _syncConfig();
        if (c.pauseRebalance) revert VaultRebalancePaused();
        uint256 nextAt = uint256(lastRebalanceAt) + c.minIntervalSec;
        if (block.timestamp < nextAt) revert VaultRebalanceTooSoon(lastRebalanceAt, nextAt);
        Snapshot memory s = _withPrices(c, _cachedAssets(), c.maxStalenessSec);
        (uint256[] memory values, uint256 navBefore) = _values(s);
        bool due;
        (due, trades) = _planFrom(s, values, navBefore);
        if (!due) revert VaultRebalanceNotDue();

        uint256 executed;
        bool complete = true;
        // NAV after = NAV before plus what each trade gained or lost at the oracle price: no second valuation.
        uint256 gained;
        uint256 lost;
        for (uint256 i; i < trades.length; ++i) {
            Trade memory t = trades[i];
            uint256 planned = t.amountIn;
            // A buy spends at most the base asset at hand: a sale the slippage bound cut short funds less than planned.
            if (t.tokenIn == asset()) t.amountIn = Math.min(planned, IERC20(t.tokenIn).balanceOf(address(this)));
            (uint256 used, uint256 amountOut) = _swapWithinSlippage(s, t);
            if (used < planned) complete = false;
            if (used == 0) continue;
            ++executed;
            (uint256 valueIn, uint256 valueOut) = _tradeValues(s, t, used, amountOut);
            if (valueOut > valueIn) gained += valueOut - valueIn;
            else lost += valueIn - valueOut;
        }
        if (executed == 0) revert VaultRebalanceNoFill();
        // Only a plan carried out in full starts the interval: a pool pushed past the slippage bound (by a trader
        // or a griefer) leaves the rebalance open for the next keeper, so that nobody can lock rebalancing.
        if (complete) lastRebalanceAt = uint48(block.timestamp);
        uint256 navAfter = navBefore + gained > lost ? navBefore + gained - lost : 0;
        emit Rebalanced(_msgSender(), executed, navBefore, navAfter);
        _emitNav(navAfter);
    }

    /// @inheritdoc IPortfolioVault
    function accrueFees() external nonReentrant {
        Snapshot memory s = _syncedSnapshot();
        _emitNav(_accrueFees(s.config, _nav(s)));
    }

    /* INTERNAL: SETTINGS */

    /// @dev Whether the cache holds the registry's current values, and the registry's version.
    function _cacheState() internal view returns (bool current, uint256 version) {
        version = _registry.version();
        current = version == _configCache.version && !_configCache.moduleSwapPending;
    }

    /// @dev The registry's scalar settings: from the cache while it is current, else read afresh (views do not
    /// write the cache).
    function _config() internal view returns (Config memory c) {
        (bool current, uint256 version) = _cacheState();
        if (current) return _configCache;
        (c, ) = _registrySettings(version);
    }

    /// @dev {_config} and every asset's settings.
    function _settings() internal view returns (Config memory c, AssetConfig[] memory assets) {
        (bool current, uint256 version) = _cacheState();
        if (!current) return _registrySettings(version);
        return (_configCache, _cachedAssets());
    }

    /// @dev {_config}, refilling the whole cache first when the registry has changed since it was filled: the first
    /// action after a change pays for the refill, the next ones read three slots and one per asset.
    function _syncConfig() internal returns (Config memory c) {
        (bool current, uint256 version) = _cacheState();
        if (current) return _configCache;
        AssetConfig[] memory assets;
        (c, assets) = _registrySettings(version);
        _configCache = c;
        for (uint256 i; i < assets.length; ++i) _assetCache[i] = assets[i];
    }

    function _cachedAssets() internal view returns (AssetConfig[] memory assets) {
        assets = new AssetConfig[](_riskCount + 1);
        for (uint256 i; i < assets.length; ++i) assets[i] = _assetCache[i];
    }

    function _registrySettings(uint256 version) internal view returns (Config memory c, AssetConfig[] memory assets) {
        bytes11[] memory symbols = new bytes11[](_riskCount + 1);
        symbols[0] = _baseSymbol;
        RiskAsset[] memory risk = _riskAssets();
        for (uint256 i = 1; i < symbols.length; ++i) symbols[i] = risk[i - 1].symbol;
        (c, assets) = VaultSettingsLib.read(
            address(_registry),
            version,
            symbols,
            _configCache.collateralModule,
            _configCache.hedgeModule
        );
    }

    /* INTERNAL: PRICES AND VALUES */

    function _snapshot() internal view returns (Snapshot memory) {
        (Config memory c, AssetConfig[] memory assets) = _settings();
        return _withPrices(c, assets, c.maxStalenessSec);
    }

    function _syncedSnapshot() internal returns (Snapshot memory) {
        Config memory c = _syncConfig();
        return _withPrices(c, _cachedAssets(), c.maxStalenessSec);
    }

    /// @dev A cash exit's prices: each answer up to its feed's heartbeat plus `_exitGraceSec` old.
    function _exitSnapshot() internal view returns (Snapshot memory) {
        (Config memory c, AssetConfig[] memory assets) = _settings();
        return _withPrices(c, assets, _exitGraceSec(c));
    }

    function _syncedExitSnapshot() internal returns (Snapshot memory) {
        Config memory c = _syncConfig();
        return _withPrices(c, _cachedAssets(), _exitGraceSec(c));
    }

    function _exitGraceSec(Config memory c) internal pure returns (uint256) {
        return Math.max(c.maxStalenessSec, EXIT_GRACE_FLOOR_SEC);
    }

    /// @dev Each risk asset's oracle price in the base asset, every answer no older than its feed's heartbeat plus
    /// `graceSec`.
    function _withPrices(
        Config memory c,
        AssetConfig[] memory assets,
        uint256 graceSec
    ) internal view returns (Snapshot memory s) {
        s.config = c;
        s.assets = assets;
        s.risk = _riskAssets();
        uint256 baseUsdWad = _usdPriceWad(assets[0], graceSec);
        s.priceWad = new uint256[](assets.length - 1);
        for (uint256 i; i < s.priceWad.length; ++i) {
            s.priceWad[i] = PriceLib.relativePriceWad(_usdPriceWad(assets[i + 1], graceSec), baseUsdWad);
        }
    }

    /// @dev Prices for views that must not revert: each feed's latest answer whatever its age; a feed that reverts or
    /// answers zero or less prices its risk asset at zero (the base asset at one dollar). `valid` is false when some
    /// feed did; until `freshUntil` every answer is within its feed's heartbeat (an action allowing a grace past the
    /// heartbeat prices until `freshUntil` plus that grace).
    function _viewSnapshot() internal view returns (Snapshot memory s, bool valid, uint256 freshUntil) {
        (Config memory c, AssetConfig[] memory assets) = _settings();
        return _latestSnapshot(c, assets);
    }

    function _latestSnapshot(
        Config memory c,
        AssetConfig[] memory assets
    ) internal view returns (Snapshot memory s, bool valid, uint256 freshUntil) {
        (s.config, s.assets, s.risk) = (c, assets, _riskAssets());
        (s.priceWad, valid, freshUntil) = ViewPricesLib.latestPricesWad(assets);
    }

    /// @dev Whether a cash exit can price now (every feed valid and within the exit's staleness).
    function _cashExitPrices() internal view returns (bool) {
        (Snapshot memory s, bool valid, uint256 freshUntil) = _viewSnapshot();
        return _exitPricesValid(s.config, valid, freshUntil);
    }

    function _exitPricesValid(Config memory c, bool valid, uint256 freshUntil) internal view returns (bool) {
        return valid && block.timestamp <= freshUntil + _exitGraceSec(c);
    }

    function _usdPriceWad(AssetConfig memory a, uint256 graceSec) internal view returns (uint256) {
        return PriceLib.usdPriceWad(AggregatorV3Interface(a.feed), a.feedDecimals, a.heartbeatSec + graceSec);
    }

    /// @dev Each holding's value in base-asset wei (base first), collateral on the lending market included, and
    /// NAV: their sum less the debt.
    function _values(Snapshot memory s) internal view returns (uint256[] memory values, uint256 nav) {
        (values, nav, ) = _valuesAt(s);
    }

    /// @dev {_values}, and for an entry's snapshot NAV at entry prices (see {_entryPriceWad}).
    function _valuesAt(
        Snapshot memory s
    ) internal view returns (uint256[] memory values, uint256 nav, uint256 entryNav) {
        bool entry = s.poolPriceWad.length != 0;
        values = new uint256[](_riskCount + 1);
        values[0] = IERC20(asset()).balanceOf(address(this));
        uint256 gross = values[0];
        uint256 entryGross = gross;
        Positions memory p = _positions(s);
        for (uint256 i; i < _riskCount; ++i) {
            RiskAsset memory r = s.risk[i];
            uint256 amount = IERC20(r.token).balanceOf(address(this));
            if (r.token == p.collateralToken) amount += p.collateral;
            uint256 value = PriceLib.toBaseDown(amount, s.priceWad[i], r.decimals, _baseDecimals);
            values[i + 1] = value;
            gross += value;
            // A holding of nothing needs no price.
            if (entry && amount != 0) {
                uint256 price = _entryPriceWad(s, i, true);
                entryGross +=
                    price == s.priceWad[i] ? value : PriceLib.toBaseDown(amount, price, r.decimals, _baseDecimals);
            }
        }
        nav = _less(gross, p.debt);
        entryNav = _less(entryGross, p.debt);
        (nav, entryNav) = _withHedge(nav, entryNav, s, p);
    }

    /// @dev `nav` and `entryNav` plus the hedge's net value: its collateral less its short, at the oracle price and
    /// at the entry price (outside the target weights: the hedge is not part of the long book).
    function _withHedge(
        uint256 nav,
        uint256 entryNav,
        Snapshot memory s,
        Positions memory p
    ) internal view returns (uint256, uint256) {
        (uint256 collateral, address shortToken, uint256 short) = (p.hedgeCollateral, p.shortToken, p.short);
        if (short == 0 && collateral == 0) return (nav, entryNav);
        uint256 shortValue;
        uint256 entryShortValue;
        for (uint256 i; i < _riskCount; ++i) {
            RiskAsset memory r = s.risk[i];
            if (r.token != shortToken || short == 0) continue;
            shortValue = PriceLib.toBaseDown(short, s.priceWad[i], r.decimals, _baseDecimals);
            if (s.poolPriceWad.length != 0) {
                entryShortValue = PriceLib.toBaseDown(short, _entryPriceWad(s, i, false), r.decimals, _baseDecimals);
            }
        }
        return (_less(nav + collateral, shortValue), _less(entryNav + collateral, entryShortValue));
    }

    /// @dev `a - b`, or zero when `b` is larger.
    function _less(uint256 a, uint256 b) internal pure returns (uint256) {
        return a > b ? a - b : 0;
    }

    /// @dev Makes `s` an entry's snapshot (deposits and mints): see {_entryPriceWad}.
    function _withEntryPrices(Snapshot memory s) internal pure returns (Snapshot memory) {
        s.poolPriceWad = new uint256[](s.priceWad.length);
        return s;
    }

    /// @dev Risk asset `i`'s entry price: the higher of its oracle price and its pool's for what the vault holds
    /// (`held`), the lower for what its hedge owes. The feeds may lag the market by up to `oracle.maxDeviationBps`,
    /// and a depositor pays the market where it is dearer, so a deposit followed by any exit (the holdings in kind,
    /// or sold on the pools) cannot take the lag from holders. The pool is read once per entry; like a trade, an entry
    /// is refused when it is missing or prices further than the deviation bound from the oracle.
    function _entryPriceWad(Snapshot memory s, uint256 i, bool held) internal view returns (uint256) {
        uint256 oraclePrice = s.priceWad[i];
        uint256 poolPrice = s.poolPriceWad[i];
        if (poolPrice == 0) {
            Trade memory buy = Trade(asset(), s.risk[i].token, 0, 0, oraclePrice);
            poolPrice = SwapLib.checkedPoolPrice(_leg(s, buy), s.config.maxDeviationBps);
            s.poolPriceWad[i] = poolPrice;
        }
        return (poolPrice > oraclePrice) == held ? poolPrice : oraclePrice;
    }

    /// @dev The modules' positions (nothing for a module not in place), read once per snapshot: `s.positions`.
    function _positions(Snapshot memory s) internal view returns (Positions memory) {
        if (!s.positions.read) s.positions = ExitPlanLib.positions(s.config.collateralModule, s.config.hedgeModule);
        return s.positions;
    }

    function _nav(Snapshot memory s) internal view returns (uint256 nav) {
        (, nav) = _values(s);
    }

    /// @dev NAV with every risk asset valued less the exit's slippage bound: about what an unwind yields at least.
    function _liquidationValue(Snapshot memory s) internal view returns (uint256 value, uint256 nav) {
        uint256[] memory values;
        (values, nav) = _values(s);
        uint256 gross = values[0];
        value = values[0];
        for (uint256 i = 1; i < values.length; ++i) {
            gross += values[i];
            value += PriceLib.lessBpsDown(values[i], _exitSlippageBps(s, i - 1));
        }
        // NAV is gross less debt plus the hedge's net value: apply the same difference to the discounted holdings.
        value = value + nav > gross ? value + nav - gross : 0;
    }

    /// @dev The rebalance a keeper would run now (ignoring pause and interval): due when a holding's weight is
    /// further than the band from its target; trades move each risk asset toward target, each capped at
    /// `rebalance.maxTradeBps` of NAV, sells before buys, buys limited to the base asset on hand.
    function _plan(Snapshot memory s) internal view returns (bool due, Trade[] memory trades) {
        (uint256[] memory values, uint256 nav) = _values(s);
        return _planFrom(s, values, nav);
    }

    function _planFrom(
        Snapshot memory s,
        uint256[] memory values,
        uint256 nav
    ) internal view returns (bool due, Trade[] memory trades) {
        return RebalancePlanLib.plan(s, values, nav, asset(), _baseDecimals);
    }

    /// @dev Shares whose unwind yields at least `assets`: priced at the liquidation value less a margin for the
    /// pro-rata payouts' rounding (one wei of each holding, valued in the base asset), rounded up.
    function _sharesForWithdraw(
        uint256 assets,
        Snapshot memory s,
        uint256 liquidationValue,
        uint256 supply
    ) internal view returns (uint256) {
        uint256 margin = 1;
        for (uint256 i; i < _riskCount; ++i) {
            margin += PriceLib.toBaseDown(1, s.priceWad[i], s.risk[i].decimals, _baseDecimals) + 1;
        }
        uint256 value = liquidationValue > margin ? liquidationValue - margin : 0;
        return Math.mulDiv(assets, supply + 10 ** DECIMALS_OFFSET, value + 1, Math.Rounding.Ceil);
    }

    /* INTERNAL: TRADING */

    /// @dev Sells the pro-rata part of each risk asset for `shares` and returns the base asset they are owed.
    function _unwind(uint256 shares, Snapshot memory s) internal returns (uint256 assets) {
        ExitPlan memory e = _exitPlan(s, shares, totalSupply() + 10 ** DECIMALS_OFFSET);
        _executeReleases(e);
        // The releases changed the positions: NAV after the exit reads them again.
        s.positions.read = false;
        assets = e.amounts[0];
        for (uint256 i; i < _riskCount; ++i) {
            uint256 amountIn = e.amounts[i + 1];
            if (amountIn == 0) continue;
            assets += _swap(s, Trade(s.risk[i].token, asset(), amountIn, _exitMinOut(s, i, amountIn), s.priceWad[i]));
        }
    }

    /// @dev The slippage bound of a cash exit's sale of risk asset `i` (see {SwapLib-deriskSlippageBps}).
    function _exitSlippageBps(Snapshot memory s, uint256 i) internal pure returns (uint256) {
        return SwapLib.deriskSlippageBps(s.config.maxSlippageBps, s.assets[i + 1].poolFee);
    }

    /// @dev What a cash exit of `amounts` (base first) pays at least: the base part and each risk part at the
    /// oracle price less the exit's slippage bound, each rounded down as the unwind's minimum outputs are.
    function _exitValueDown(Snapshot memory s, uint256[] memory amounts) internal view returns (uint256 value) {
        value = amounts[0];
        for (uint256 i; i < _riskCount; ++i) value += _exitMinOut(s, i, amounts[i + 1]);
    }

    /// @dev What a cash exit's sale of `amount` of risk asset `i` pays at least: its value at the oracle price less
    /// the exit's slippage bound, rounded down.
    function _exitMinOut(Snapshot memory s, uint256 i, uint256 amount) internal view returns (uint256) {
        uint256 fairOut = PriceLib.toBaseDown(amount, s.priceWad[i], s.risk[i].decimals, _baseDecimals);
        return PriceLib.lessBpsDown(fairOut, _exitSlippageBps(s, i));
    }

    /// @dev What a redemption of `shares` takes (see {ExitPlanLib-plan}).
    function _exitPlan(
        Snapshot memory s,
        uint256 shares,
        uint256 supplyWithVirtual
    ) internal view returns (ExitPlan memory) {
        address[] memory tokens = new address[](s.risk.length + 1);
        tokens[0] = asset();
        for (uint256 i = 1; i < tokens.length; ++i) tokens[i] = s.risk[i - 1].token;
        Config memory c = s.config;
        return ExitPlanLib.plan(tokens, c.collateralModule, c.hedgeModule, _positions(s), shares, supplyWithVirtual);
    }

    /// @dev Carries out the plan's releases. A release the lending market refuses (the position past its
    /// liquidation LTV, or its oracle failing) does not block the exit: the redeemer keeps their part of the
    /// repaying token, their part of that position stays with the vault, and `ModuleReleaseFailed` says so.
    function _executeReleases(ExitPlan memory e) internal {
        for (uint256 k; k < e.releases.length; ++k) {
            Release memory r = e.releases[k];
            if (r.module == address(0)) continue;
            if (r.repaid > 0) IERC20(r.debtToken).forceApprove(r.module, r.repaid);
            try IVaultModule(r.module).release(r.repaid, r.released, address(this)) {} catch (bytes memory reason) {
                // Out of gas leaves no reason: that is the caller's doing, not the market's, and must not cost the
                // redeemer their part of the position.
                if (reason.length == 0) revert VaultModuleReleaseFailed(r.module, reason);
                if (r.repaid > 0) IERC20(r.debtToken).forceApprove(r.module, 0);
                e.amounts[r.debtIndex] += r.repaid;
                e.amounts[r.collateralIndex] -= r.released;
                emit ModuleReleaseFailed(r.module, r.repaid, r.released, reason);
            }
        }
    }

    /// @dev A cash exit's trade: swaps exactly `t.amountIn` for at least `t.minAmountOut` (all or nothing: the
    /// redeemer can take their share in kind instead).
    function _swap(Snapshot memory s, Trade memory t) internal returns (uint256 amountOut) {
        SwapLib.Leg memory leg = _leg(s, t);
        amountOut = SwapLib.swapExact(leg, t.amountIn, t.minAmountOut);
        _emitTrade(t, leg, t.amountIn, amountOut);
    }

    /// @dev A rebalance trade: fills as far as the pool allows within the slippage bound (see
    /// {SwapLib-swapWithinSlippage}); the next rebalance carries on. Returns the input used and the output.
    function _swapWithinSlippage(Snapshot memory s, Trade memory t) internal returns (uint256 used, uint256 amountOut) {
        SwapLib.Leg memory leg = _leg(s, t);
        (used, amountOut) = SwapLib.swapWithinSlippage(
            leg,
            t.amountIn,
            s.config.maxSlippageBps,
            s.config.maxDeviationBps
        );
        if (used > 0) _emitTrade(t, leg, used, amountOut);
    }

    /// @dev A trade's input and output valued in the base asset at its oracle price.
    function _tradeValues(
        Snapshot memory s,
        Trade memory t,
        uint256 amountIn,
        uint256 amountOut
    ) internal view returns (uint256 valueIn, uint256 valueOut) {
        bool selling = t.tokenOut == asset();
        uint8 decimals = s.risk[_riskIndexOf(s, selling ? t.tokenIn : t.tokenOut)].decimals;
        return
            selling
                ? (PriceLib.toBaseDown(amountIn, t.oraclePriceWad, decimals, _baseDecimals), amountOut)
                : (amountIn, PriceLib.toBaseDown(amountOut, t.oraclePriceWad, decimals, _baseDecimals));
    }

    /// @dev The pool leg of a trade between a risk asset and the base asset.
    function _leg(Snapshot memory s, Trade memory t) internal view returns (SwapLib.Leg memory) {
        bool selling = t.tokenOut == asset();
        uint256 i = _riskIndexOf(s, selling ? t.tokenIn : t.tokenOut);
        RiskAsset memory r = s.risk[i];
        return
            SwapLib.Leg({
                router: swapRouter,
                factory: address(uniswapFactory),
                risk: r.token,
                base: asset(),
                riskDecimals: r.decimals,
                baseDecimals: _baseDecimals,
                fee: s.assets[i + 1].poolFee,
                sellRisk: selling,
                oraclePriceWad: t.oraclePriceWad
            });
    }

    function _emitTrade(Trade memory t, SwapLib.Leg memory leg, uint256 amountIn, uint256 amountOut) internal {
        emit TradeExecuted(
            t.tokenIn,
            t.tokenOut,
            amountIn,
            amountOut,
            t.oraclePriceWad,
            SwapLib.executionPriceWad(leg, amountIn, amountOut)
        );
    }

    /// @dev Risk asset `i` (below `_riskCount`), unpacked: token in bits 0–159, decimals in 160–167, symbol above.
    function _riskAt(uint256 i) internal view returns (RiskAsset memory r) {
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
    function _riskAssets() internal view returns (RiskAsset[] memory risk) {
        risk = new RiskAsset[](_riskCount);
        for (uint256 i; i < risk.length; ++i) risk[i] = _riskAt(i);
    }

    function _riskIndexOf(Snapshot memory s, address token) internal pure returns (uint256) {
        for (uint256 i; i < s.risk.length; ++i) {
            if (s.risk[i].token == token) return i;
        }
        revert VaultPoolMissing(token, 0);
    }

    /* INTERNAL: FEES */

    /// @dev Fees due now, as shares to mint.
    struct PendingFees {
        uint256 nav;
        uint256 managementShares;
        uint256 performanceShares;
        uint256 performanceAssets;
        uint256 highWaterMarkWad;
    }

    /// @dev The management fee since the last accrual and the performance fee above the high-water mark.
    function _pendingFees(Config memory c, uint256 nav) internal view returns (PendingFees memory f) {
        f.nav = nav;
        f.highWaterMarkWad = _highWaterMarkWad;
        uint256 supply = totalSupply();
        if (supply == 0) return f;
        f.managementShares = FeeMathLib.managementFeeSharesDown(
            supply,
            c.managementFeeBps,
            block.timestamp - lastFeeAccrualAt
        );
        supply += f.managementShares;
        uint256 price = _sharePriceWad(f.nav, supply);
        if (price <= f.highWaterMarkWad) return f;
        // Under one whole share in issue, an exit's rounding (up to a wei of each token, left to the vault) outweighs
        // any gain: no performance fee on it, and the mark moves to the price, as a gain at a zero rate would.
        if (supply >= 10 ** decimals()) {
            f.performanceAssets = FeeMathLib.performanceFeeAssetsDown(
                f.nav,
                price,
                f.highWaterMarkWad,
                c.performanceFeeBps
            );
        }
        f.performanceShares = FeeMathLib.sharesForAssetsDown(f.performanceAssets, f.nav, supply);
        f.highWaterMarkWad = _sharePriceWad(f.nav, supply + f.performanceShares);
    }

    /// @dev Supply once pending fees are minted: what previews convert with.
    function _supplyAfterFees(Config memory c, uint256 nav) internal view returns (uint256) {
        PendingFees memory f = _pendingFees(c, nav);
        return totalSupply() + f.managementShares + f.performanceShares;
    }

    /// @dev Mints management and performance fees; returns NAV (fees are shares, so NAV is unchanged).
    function _accrueFees(Config memory c, uint256 nav) internal returns (uint256) {
        PendingFees memory f = _pendingFees(c, nav);
        lastFeeAccrualAt = uint48(block.timestamp);
        uint256 minted = f.managementShares + f.performanceShares;
        if (minted == 0) {
            // A gain at a zero performance rate still moves the mark: say so, as an accrual of nothing.
            _setHighWaterMark(f.highWaterMarkWad);
            return f.nav;
        }
        _highWaterMarkWad = f.highWaterMarkWad;
        _mint(treasury, minted);
        emit FeesAccrued(
            f.managementShares,
            f.performanceShares,
            _convertToAssetsWith(f.managementShares, f.nav, totalSupply(), Math.Rounding.Floor),
            f.performanceAssets,
            f.highWaterMarkWad
        );
        return f.nav;
    }

    /// @dev Sets the high-water mark and, when it moves without fees, reports it as an accrual of nothing.
    function _setHighWaterMark(uint256 markWad) internal {
        if (markWad == _highWaterMarkWad) return;
        _highWaterMarkWad = markWad;
        emit FeesAccrued(0, 0, 0, 0, markWad);
    }

    /// @dev After a deposit or mint into a vault that had no shares (`supplyBefore` zero), the high-water mark starts
    /// at the price the first holders paid: whatever the vault held before (a donation, the dust of earlier exits)
    /// belonged to nobody, so it is no gain to charge a performance fee on. Then reports NAV.
    function _afterEntry(uint256 supplyBefore, uint256 nav) internal {
        if (supplyBefore == 0) _setHighWaterMark(_sharePriceWad(nav, totalSupply()));
        _emitNav(nav);
    }

    /// @dev Management fee only, without prices: keeps in-kind redemptions fair when an oracle is down.
    function _accrueManagementFee(Config memory c) internal {
        uint256 supply = totalSupply();
        uint256 elapsed = block.timestamp - lastFeeAccrualAt;
        lastFeeAccrualAt = uint48(block.timestamp);
        if (supply == 0 || elapsed == 0) return;
        uint256 shares = FeeMathLib.managementFeeSharesDown(supply, c.managementFeeBps, elapsed);
        if (shares == 0) return;
        _mint(treasury, shares);
        emit FeesAccrued(shares, 0, 0, 0, _highWaterMarkWad);
    }

    /* INTERNAL: CHECKS AND CONVERSIONS */

    function _checkDeposit(Config memory c, uint256 assets, uint256 nav) internal pure {
        if (c.pauseDeposits) revert VaultDepositsPaused();
        uint256 cap = c.depositCap;
        uint256 room = cap > nav ? cap - nav : 0;
        if (assets > room) revert VaultDepositCapExceeded(assets, room);
    }

    function _checkRedeem(address owner, uint256 shares) internal view {
        if (shares == 0) revert VaultZeroShares();
        uint256 max = balanceOf(owner);
        if (shares > max) revert VaultExceededMaxRedeem(owner, shares, max);
    }

    function _convertToSharesWith(
        uint256 assets,
        uint256 nav,
        uint256 supply,
        Math.Rounding rounding
    ) internal pure returns (uint256) {
        return Math.mulDiv(assets, supply + 10 ** DECIMALS_OFFSET, nav + 1, rounding);
    }

    function _convertToAssetsWith(
        uint256 shares,
        uint256 nav,
        uint256 supply,
        Math.Rounding rounding
    ) internal pure returns (uint256) {
        return Math.mulDiv(shares, nav + 1, supply + 10 ** DECIMALS_OFFSET, rounding);
    }

    function _sharePriceWad(uint256 nav, uint256 supply) internal view returns (uint256) {
        return Math.mulDiv(nav + 1, 10 ** (decimals() + 18 - _baseDecimals), supply + 10 ** DECIMALS_OFFSET);
    }

    function _emitNav(uint256 nav) internal {
        uint256 supply = totalSupply();
        emit NavUpdated(nav, supply, _sharePriceWad(nav, supply));
    }

    function _decimalsOffset() internal pure override returns (uint8) {
        return DECIMALS_OFFSET;
    }

    /// @dev A registry symbol as stored: at most 11 bytes, left-aligned.
    function _symbol(string memory symbol) internal pure returns (bytes11) {
        if (bytes(symbol).length > 11) revert VaultSymbolTooLong(symbol);
        return bytes11(bytes(symbol));
    }
}
