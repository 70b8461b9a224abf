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
import {ICollateralManager} from "./interfaces/ICollateralManager.sol";
import {IHedgeModule} from "./interfaces/IHedgeModule.sol";
import {IVaultModule} from "./interfaces/IVaultModule.sol";
import {Holding, IPortfolioVault, Trade} from "./interfaces/IPortfolioVault.sol";
import {FeeMathLib} from "./libraries/FeeMathLib.sol";
import {SwapLib} from "./libraries/SwapLib.sol";
import {PriceLib} from "./libraries/PriceLib.sol";

/// @title PortfolioVault
/// @notice Trimtab's multi-asset ERC-4626 vault: holds a base asset and risk assets at governance-set target
/// weights, rebalances through Uniswap V3 within slippage and oracle guards, and mints management and performance
/// fees to the treasury. It has no owner: every setting is read from the ParameterRegistry.
/// @dev See {IPortfolioVault}. Shares have `_decimalsOffset()` more decimals than the base asset, and conversions
/// count that many virtual shares, which makes an inflation attack cost a million times its gain.
contract PortfolioVault is ERC4626, ReentrancyGuardTransient, IPortfolioVault {
    using SafeERC20 for IERC20;

    /// @dev A risk asset: its token, its decimals and its registry symbol (one slot).
    struct RiskAsset {
        IERC20 token;
        uint8 decimals;
        bytes11 symbol;
    }

    /// @dev The registry's scalar settings the vault acts on, cached in three slots against the registry's
    /// `version`. Narrow fields saturate: the registry's rules bound every one far below its width.
    struct Config {
        uint48 version;
        uint48 minIntervalSec;
        uint48 maxStalenessSec;
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
    }

    /// @dev An asset's registry settings (one slot each, cached with {Config}): its feed, the feed's decimals, its
    /// target weight and, for a risk asset, the fee tier of its Uniswap V3 pool against the base asset.
    struct AssetConfig {
        AggregatorV3Interface feed;
        uint8 feedDecimals;
        uint16 weightBps;
        uint24 poolFee;
    }

    /// @dev What an action reads once: the settings, each asset's settings (base first) and each risk asset's
    /// oracle price in the base asset (see {PriceLib}).
    struct Snapshot {
        Config config;
        AssetConfig[] assets;
        uint256[] priceWad;
    }

    bytes32 internal constant PAUSE_DEPOSITS = "pause.deposits";
    bytes32 internal constant PAUSE_REBALANCE = "pause.rebalance";
    bytes32 internal constant DEPOSIT_CAP = "caps.depositCap";
    bytes32 internal constant MANAGEMENT_FEE = "fees.managementBps";
    bytes32 internal constant PERFORMANCE_FEE = "fees.performanceBps";
    bytes32 internal constant BAND = "rebalance.bandBps";
    bytes32 internal constant MIN_INTERVAL = "rebalance.minIntervalSec";
    bytes32 internal constant MAX_TRADE = "rebalance.maxTradeBps";
    bytes32 internal constant MAX_SLIPPAGE = "rebalance.maxSlippageBps";
    bytes32 internal constant MAX_STALENESS = "oracle.maxStalenessSec";
    bytes32 internal constant MAX_DEVIATION = "oracle.maxDeviationBps";
    bytes32 internal constant COLLATERAL_MODULE = "module.collateral";
    bytes32 internal constant HEDGE_MODULE = "module.hedge";
    bytes32 internal constant WEIGHT_PREFIX = "weight.";
    bytes32 internal constant FEED_PREFIX = "feed.";
    bytes32 internal constant POOL_FEE_PREFIX = "poolFee.";
    uint256 internal constant BPS = 10_000;
    uint256 internal constant WAD = 1e18;
    uint8 internal constant DECIMALS_OFFSET = 6;

    IParameterRegistry internal immutable _registry;
    address public immutable treasury;
    ISwapRouter public immutable swapRouter;
    IUniswapV3Factory public immutable uniswapFactory;
    uint8 internal immutable _baseDecimals;
    bytes11 internal immutable _baseSymbol;

    RiskAsset[] internal _risk;
    uint256 internal _highWaterMarkWad;
    uint48 public lastFeeAccrualAt;
    uint48 public lastRebalanceAt;
    Config internal _configCache;
    /// @dev Index 0 is the base asset, index i + 1 the risk asset `_risk[i]`.
    mapping(uint256 index => AssetConfig) internal _assetCache;

    /// @param base The base asset (a stablecoin) and its registry symbol, e.g. "USDC".
    /// @param riskTokens The risk assets; their registry symbols are `riskSymbols`, e.g. "WETH".
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
        _registry = registry_;
        treasury = treasury_;
        swapRouter = swapRouter_;
        uniswapFactory = uniswapFactory_;
        _baseDecimals = base.decimals();
        _baseSymbol = _symbol(baseSymbol);
        for (uint256 i; i < riskTokens.length; ++i) {
            _risk.push(
                RiskAsset({token: riskTokens[i], decimals: riskTokens[i].decimals(), symbol: _symbol(riskSymbols[i])})
            );
        }
        _highWaterMarkWad = WAD;
        lastFeeAccrualAt = uint48(block.timestamp);
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
        tokens = new address[](_risk.length);
        for (uint256 i; i < tokens.length; ++i) tokens[i] = address(_risk[i].token);
    }

    /// @inheritdoc IPortfolioVault
    function highWaterMarkWad() external view returns (uint256) {
        return _highWaterMarkWad;
    }

    /// @notice NAV: every holding at oracle prices, in base-asset wei. Reverts if a feed is stale or invalid.
    function totalAssets() public view override returns (uint256 nav) {
        (, nav) = _values(_snapshot());
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
            IERC20 token = i == 0 ? IERC20(asset()) : _risk[i - 1].token;
            list[i] = Holding({
                token: address(token),
                balance: token.balanceOf(address(this)),
                valueInBase: values[i],
                weightBps: nav == 0 ? 0 : Math.mulDiv(values[i], BPS, nav),
                targetBps: s.assets[i].weightBps
            });
        }
    }

    /// @notice Zero while `pause.deposits` is set or a price cannot be read; otherwise room under `caps.depositCap`.
    function maxDeposit(address) public view override returns (uint256) {
        Config memory c = _config();
        if (c.pauseDeposits) return 0;
        (bool ok, uint256 nav) = _tryNav();
        if (!ok) return 0;
        return c.depositCap > nav ? c.depositCap - nav : 0;
    }

    /// @notice Shares that `maxDeposit` would mint.
    function maxMint(address receiver) public view override returns (uint256) {
        uint256 assets = maxDeposit(receiver);
        return assets == 0 ? 0 : previewDeposit(assets);
    }

    /// @notice Assets `owner` can withdraw: the conservative value of their shares (risk assets less max slippage).
    function maxWithdraw(address owner) public view override returns (uint256) {
        return previewRedeem(balanceOf(owner));
    }

    /// @notice Base-asset wei a redemption of `shares` yields at least: the base part plus the risk part valued at
    /// oracle prices less the maximum slippage.
    function previewRedeem(uint256 shares) public view override returns (uint256) {
        Snapshot memory s = _snapshot();
        (uint256 value, uint256 nav) = _liquidationValue(s);
        return _convertToAssetsWith(shares, value, _supplyAfterFees(s.config, nav), Math.Rounding.Floor);
    }

    /// @notice Shares a withdrawal of `assets` burns, valuing risk assets less the maximum slippage.
    function previewWithdraw(uint256 assets) public view override returns (uint256) {
        Snapshot memory s = _snapshot();
        (uint256 value, uint256 nav) = _liquidationValue(s);
        return _sharesForWithdraw(assets, s, value, _supplyAfterFees(s.config, nav));
    }

    /// @notice Shares a deposit of `assets` mints now, fees included.
    function previewDeposit(uint256 assets) public view override returns (uint256) {
        Snapshot memory s = _snapshot();
        uint256 nav = _nav(s);
        return _convertToSharesWith(assets, nav, _supplyAfterFees(s.config, nav), Math.Rounding.Floor);
    }

    /// @notice Assets a mint of `shares` costs now, fees included.
    function previewMint(uint256 shares) public view override returns (uint256) {
        Snapshot memory s = _snapshot();
        uint256 nav = _nav(s);
        return _convertToAssetsWith(shares, nav, _supplyAfterFees(s.config, nav), Math.Rounding.Ceil);
    }

    /// @inheritdoc IPortfolioVault
    function rebalancePlan() external view returns (bool due, Trade[] memory trades) {
        Config memory c = _config();
        if (c.pauseRebalance) return (false, trades);
        if (block.timestamp < uint256(lastRebalanceAt) + c.minIntervalSec) return (false, trades);
        return _plan(_snapshot());
    }

    /* DEPOSITS AND WITHDRAWALS */

    /// @notice Deposits `assets` of the base asset for shares. Needs fresh prices; refused while paused or at cap.
    function deposit(uint256 assets, address receiver) public override nonReentrant returns (uint256 shares) {
        Snapshot memory s = _syncedSnapshot();
        uint256 nav = _accrueFees(s);
        _checkDeposit(s.config, assets, nav);
        shares = _convertToSharesWith(assets, nav, totalSupply(), Math.Rounding.Floor);
        _deposit(_msgSender(), receiver, assets, shares);
        _emitNav(nav + assets);
    }

    /// @notice Mints exactly `shares` for the base asset they are worth (rounded up).
    function mint(uint256 shares, address receiver) public override nonReentrant returns (uint256 assets) {
        Snapshot memory s = _syncedSnapshot();
        uint256 nav = _accrueFees(s);
        assets = _convertToAssetsWith(shares, nav, totalSupply(), Math.Rounding.Ceil);
        _checkDeposit(s.config, assets, nav);
        _deposit(_msgSender(), receiver, assets, shares);
        _emitNav(nav + assets);
    }

    /// @notice Redeems `shares` for the base asset: sells the shares' pro-rata part of each risk asset within the
    /// slippage bound and pays it out with their part of the base asset. Never paused.
    function redeem(uint256 shares, address receiver, address owner) public override nonReentrant returns (uint256) {
        Snapshot memory s = _syncedSnapshot();
        _accrueFees(s);
        _checkRedeem(owner, shares);
        uint256 assets = _unwind(shares, s);
        _withdraw(_msgSender(), receiver, owner, assets, shares);
        _emitNav(_nav(s));
        return assets;
    }

    /// @notice Withdraws exactly `assets` of the base asset, burning the shares `previewWithdraw` gives; reverts if
    /// the unwind yields less. Never paused.
    function withdraw(uint256 assets, address receiver, address owner) public override nonReentrant returns (uint256) {
        Snapshot memory s = _syncedSnapshot();
        _accrueFees(s);
        (uint256 liquidationValue, ) = _liquidationValue(s);
        uint256 shares = _sharesForWithdraw(assets, s, liquidationValue, totalSupply());
        _checkRedeem(owner, shares);
        uint256 delivered = _unwind(shares, s);
        if (delivered < assets) revert VaultWithdrawShortfall(assets, delivered);
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
        Config memory c = _syncConfig();
        _accrueManagementFee(c);
        _checkRedeem(owner, shares);
        uint256 supplyWithVirtual = totalSupply() + 10 ** DECIMALS_OFFSET;
        tokens = new address[](_risk.length + 1);
        amounts = new uint256[](tokens.length);
        for (uint256 i; i < tokens.length; ++i) {
            IERC20 token = i == 0 ? IERC20(asset()) : _risk[i - 1].token;
            tokens[i] = address(token);
            amounts[i] = Math.mulDiv(token.balanceOf(address(this)), shares, supplyWithVirtual);
        }

        if (_msgSender() != owner) _spendAllowance(owner, _msgSender(), shares);
        _burn(owner, shares);
        _releaseModules(c, shares, supplyWithVirtual, tokens, amounts);
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
        Snapshot memory s = _withPrices(c, _cachedAssets());
        (uint256[] memory values, uint256 navBefore) = _values(s);
        bool due;
        (due, trades) = _planFrom(s, values, navBefore);
        if (!due) revert VaultRebalanceNotDue();

        lastRebalanceAt = uint48(block.timestamp);
        uint256 executed;
        // NAV after = NAV before plus what each trade gained or lost at the oracle price: no second valuation.
        uint256 gained;
        uint256 lost;
        for (uint256 i; i < trades.length; ++i) {
            (uint256 used, uint256 amountOut) = _swapWithinSlippage(s, trades[i]);
            if (used == 0) continue;
            ++executed;
            (uint256 valueIn, uint256 valueOut) = _tradeValues(trades[i], used, amountOut);
            if (valueOut > valueIn) gained += valueOut - valueIn;
            else lost += valueIn - valueOut;
        }
        uint256 navAfter = navBefore + gained > lost ? navBefore + gained - lost : 0;
        emit Rebalanced(_msgSender(), executed, navBefore, navAfter);
        _emitNav(navAfter);
    }

    /// @inheritdoc IPortfolioVault
    function accrueFees() external nonReentrant {
        _emitNav(_accrueFees(_syncedSnapshot()));
    }

    /* INTERNAL: SETTINGS */

    /// @dev Whether the cache holds the registry's current values, and the registry's version.
    function _cacheState() internal view returns (bool current, uint256 version) {
        version = _registry.version();
        current = version == _configCache.version;
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
        assets = new AssetConfig[](_risk.length + 1);
        for (uint256 i; i < assets.length; ++i) assets[i] = _assetCache[i];
    }

    function _registrySettings(uint256 version) internal view returns (Config memory c, AssetConfig[] memory assets) {
        IParameterRegistry r = _registry;
        c.version = uint48(version);
        c.minIntervalSec = uint48(Math.min(r.getUint(MIN_INTERVAL), type(uint48).max));
        c.maxStalenessSec = uint48(Math.min(r.getUint(MAX_STALENESS), type(uint48).max));
        c.bandBps = uint16(r.getUint(BAND));
        c.maxTradeBps = uint16(r.getUint(MAX_TRADE));
        c.maxSlippageBps = uint16(r.getUint(MAX_SLIPPAGE));
        c.maxDeviationBps = uint16(r.getUint(MAX_DEVIATION));
        c.managementFeeBps = uint16(r.getUint(MANAGEMENT_FEE));
        c.performanceFeeBps = uint16(r.getUint(PERFORMANCE_FEE));
        c.pauseDeposits = r.getBool(PAUSE_DEPOSITS);
        c.pauseRebalance = r.getBool(PAUSE_REBALANCE);
        c.collateralModule = r.getAddress(COLLATERAL_MODULE);
        c.depositCap = uint96(Math.min(r.getUint(DEPOSIT_CAP), type(uint96).max));
        c.hedgeModule = r.getAddress(HEDGE_MODULE);
        assets = new AssetConfig[](_risk.length + 1);
        for (uint256 i; i < assets.length; ++i) {
            bytes11 symbol = i == 0 ? _baseSymbol : _risk[i - 1].symbol;
            AggregatorV3Interface feed = AggregatorV3Interface(r.getAddress(_key(FEED_PREFIX, 5, symbol)));
            assets[i] = AssetConfig({
                feed: feed,
                feedDecimals: feed.decimals(),
                weightBps: uint16(r.getUint(_key(WEIGHT_PREFIX, 7, symbol))),
                poolFee: i == 0 ? 0 : uint24(r.getUint(_key(POOL_FEE_PREFIX, 8, symbol)))
            });
        }
    }

    /* INTERNAL: PRICES AND VALUES */

    function _snapshot() internal view returns (Snapshot memory) {
        (Config memory c, AssetConfig[] memory assets) = _settings();
        return _withPrices(c, assets);
    }

    function _syncedSnapshot() internal returns (Snapshot memory) {
        Config memory c = _syncConfig();
        return _withPrices(c, _cachedAssets());
    }

    /// @dev Each risk asset's oracle price in the base asset, every feed held to `oracle.maxStalenessSec`.
    function _withPrices(Config memory c, AssetConfig[] memory assets) internal view returns (Snapshot memory s) {
        s.config = c;
        s.assets = assets;
        uint256 baseUsdWad = _usdPriceWad(assets[0], c.maxStalenessSec);
        s.priceWad = new uint256[](assets.length - 1);
        for (uint256 i; i < s.priceWad.length; ++i) {
            s.priceWad[i] = PriceLib.relativePriceWad(_usdPriceWad(assets[i + 1], c.maxStalenessSec), baseUsdWad);
        }
    }

    function _usdPriceWad(AssetConfig memory a, uint256 maxStalenessSec) internal view returns (uint256) {
        return PriceLib.usdPriceWad(a.feed, a.feedDecimals, maxStalenessSec);
    }

    /// @dev NAV without reverting: false when a price cannot be read (for ERC-4626 `max*` views).
    function _tryNav() internal view returns (bool ok, uint256 nav) {
        try this.totalAssets() returns (uint256 value) {
            return (true, value);
        } catch {
            return (false, 0);
        }
    }

    /// @dev Each holding's value in base-asset wei (base first), collateral on the lending market included, and
    /// NAV: their sum less the debt.
    function _values(Snapshot memory s) internal view returns (uint256[] memory values, uint256 nav) {
        values = new uint256[](_risk.length + 1);
        values[0] = IERC20(asset()).balanceOf(address(this));
        uint256 gross = values[0];
        (address collateralToken, uint256 collateral, uint256 debt) = _collateralPosition(s.config);
        for (uint256 i; i < _risk.length; ++i) {
            RiskAsset storage r = _risk[i];
            uint256 amount = r.token.balanceOf(address(this));
            if (address(r.token) == collateralToken) amount += collateral;
            uint256 value = PriceLib.toBaseDown(amount, s.priceWad[i], r.decimals, _baseDecimals);
            values[i + 1] = value;
            gross += value;
        }
        nav = gross > debt ? gross - debt : 0;
        nav = _withHedge(nav, s);
    }

    /// @dev `nav` plus the hedge's net value: its collateral less its short at the oracle price (outside the target
    /// weights: the hedge is not part of the long book).
    function _withHedge(uint256 nav, Snapshot memory s) internal view returns (uint256) {
        address hedge = s.config.hedgeModule;
        if (hedge == address(0)) return nav;
        (, uint256 collateral, address shortToken, uint256 short) = IHedgeModule(hedge).position();
        uint256 shortValue;
        for (uint256 i; i < _risk.length; ++i) {
            if (address(_risk[i].token) != shortToken) continue;
            shortValue = PriceLib.toBaseDown(short, s.priceWad[i], _risk[i].decimals, _baseDecimals);
        }
        uint256 value = nav + collateral;
        return value > shortValue ? value - shortValue : 0;
    }

    /// @dev The collateral module's position, or nothing when governance has set none.
    function _collateralPosition(
        Config memory c
    ) internal view returns (address token, uint256 collateral, uint256 debt) {
        if (c.collateralModule == address(0)) return (address(0), 0, 0);
        return ICollateralManager(c.collateralModule).position();
    }

    function _nav(Snapshot memory s) internal view returns (uint256 nav) {
        (, nav) = _values(s);
    }

    /// @dev NAV with every risk asset valued less the maximum slippage: what an unwind yields at least.
    function _liquidationValue(Snapshot memory s) internal view returns (uint256 value, uint256 nav) {
        uint256[] memory values;
        (values, nav) = _values(s);
        uint256 gross = values[0];
        value = values[0];
        for (uint256 i = 1; i < values.length; ++i) {
            gross += values[i];
            value += PriceLib.lessBpsDown(values[i], s.config.maxSlippageBps);
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
        if (nav == 0) return (false, trades);
        // Weights are shares of gross holdings (collateral included, debt not deducted): borrowed base is invested
        // like any other, which is what makes the collateral manager's borrowing leverage.
        uint256 gross;
        for (uint256 i; i < values.length; ++i) gross += values[i];
        uint256[] memory targets;
        (due, targets) = _targets(s, values, gross);
        if (due) trades = _trades(s, values, targets, nav);
    }

    /// @dev Target values from the registry's weights, and whether any holding is outside the band.
    function _targets(
        Snapshot memory s,
        uint256[] memory values,
        uint256 gross
    ) internal pure returns (bool due, uint256[] memory targets) {
        targets = new uint256[](values.length);
        uint256 sumBps;
        for (uint256 i; i < values.length; ++i) {
            uint256 targetBps = s.assets[i].weightBps;
            sumBps += targetBps;
            targets[i] = Math.mulDiv(gross, targetBps, BPS);
            uint256 gap = values[i] > targets[i] ? values[i] - targets[i] : targets[i] - values[i];
            if (gap * BPS > s.config.bandBps * gross) due = true;
        }
        if (sumBps != BPS) revert VaultWeightsInvalid(sumBps);
    }

    /// @dev Plan state shared by the sell and buy passes.
    struct PlanState {
        uint256 maxTrade;
        uint256 slippage;
        uint256 baseAvailable;
        uint256 count;
    }

    function _trades(
        Snapshot memory s,
        uint256[] memory values,
        uint256[] memory targets,
        uint256 nav
    ) internal view returns (Trade[] memory trades) {
        trades = new Trade[](_risk.length);
        PlanState memory plan = PlanState({
            maxTrade: Math.mulDiv(nav, s.config.maxTradeBps, BPS),
            slippage: s.config.maxSlippageBps,
            baseAvailable: values[0],
            count: 0
        });
        // Sells first: they fund the buys.
        for (uint256 i; i < _risk.length; ++i) {
            if (values[i + 1] > targets[i + 1])
                _planSell(trades, plan, i, values[i + 1] - targets[i + 1], s.priceWad[i]);
        }
        for (uint256 i; i < _risk.length; ++i) {
            if (values[i + 1] < targets[i + 1])
                _planBuy(trades, plan, i, targets[i + 1] - values[i + 1], s.priceWad[i]);
        }
        Trade[] memory planned = new Trade[](plan.count);
        for (uint256 i; i < plan.count; ++i) planned[i] = trades[i];
        return planned;
    }

    function _planSell(
        Trade[] memory trades,
        PlanState memory s,
        uint256 i,
        uint256 excess,
        uint256 price
    ) internal view {
        uint256 sellValue = Math.min(excess, s.maxTrade);
        RiskAsset storage r = _risk[i];
        // Only what the vault holds itself can be sold: posted collateral stays with the collateral manager.
        uint256 amountIn = Math.min(
            PriceLib.fromBaseDown(sellValue, price, r.decimals, _baseDecimals),
            r.token.balanceOf(address(this))
        );
        if (amountIn == 0) return;
        uint256 minOut = PriceLib.lessBpsDown(
            PriceLib.toBaseDown(amountIn, price, r.decimals, _baseDecimals),
            s.slippage
        );
        s.baseAvailable += minOut;
        trades[s.count] = Trade(address(r.token), asset(), amountIn, minOut, price);
        ++s.count;
    }

    function _planBuy(
        Trade[] memory trades,
        PlanState memory s,
        uint256 i,
        uint256 shortfall,
        uint256 price
    ) internal view {
        uint256 buyValue = Math.min(Math.min(shortfall, s.maxTrade), s.baseAvailable);
        if (buyValue == 0) return;
        s.baseAvailable -= buyValue;
        RiskAsset storage r = _risk[i];
        uint256 fairOut = PriceLib.fromBaseDown(buyValue, price, r.decimals, _baseDecimals);
        trades[s.count] = Trade(asset(), address(r.token), buyValue, PriceLib.lessBpsDown(fairOut, s.slippage), price);
        ++s.count;
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
        for (uint256 i; i < _risk.length; ++i) {
            margin += PriceLib.toBaseDown(1, s.priceWad[i], _risk[i].decimals, _baseDecimals) + 1;
        }
        uint256 value = liquidationValue > margin ? liquidationValue - margin : 0;
        return Math.mulDiv(assets, supply + 10 ** DECIMALS_OFFSET, value + 1, Math.Rounding.Ceil);
    }

    /* INTERNAL: TRADING */

    /// @dev Sells the pro-rata part of each risk asset for `shares` and returns the base asset they are owed.
    function _unwind(uint256 shares, Snapshot memory s) internal returns (uint256 assets) {
        uint256 supplyWithVirtual = totalSupply() + 10 ** DECIMALS_OFFSET;
        address[] memory tokens = new address[](_risk.length + 1);
        uint256[] memory amounts = new uint256[](tokens.length);
        for (uint256 i; i < tokens.length; ++i) {
            tokens[i] = i == 0 ? asset() : address(_risk[i - 1].token);
            amounts[i] = Math.mulDiv(IERC20(tokens[i]).balanceOf(address(this)), shares, supplyWithVirtual);
        }
        _releaseModules(s.config, shares, supplyWithVirtual, tokens, amounts);
        assets = amounts[0];
        for (uint256 i; i < _risk.length; ++i) {
            uint256 amountIn = amounts[i + 1];
            if (amountIn == 0) continue;
            RiskAsset storage r = _risk[i];
            uint256 fairOut = PriceLib.toBaseDown(amountIn, s.priceWad[i], r.decimals, _baseDecimals);
            Trade memory t = Trade(
                address(r.token),
                asset(),
                amountIn,
                PriceLib.lessBpsDown(fairOut, s.config.maxSlippageBps),
                s.priceWad[i]
            );
            assets += _swap(s, t);
        }
    }

    /// @dev Takes the redeemed shares' pro-rata part of each module's position into `amounts` (the shares' part of
    /// each token, base first), without prices: the collateral manager's debt part is repaid from their base and
    /// its collateral part comes back; the hedge's short part is repaid from their part of the shorted asset and its
    /// collateral part comes back. Where their part of the repaying token falls short, the collateral comes back
    /// in proportion to what was repaid.
    function _releaseModules(
        Config memory c,
        uint256 shares,
        uint256 supplyWithVirtual,
        address[] memory tokens,
        uint256[] memory amounts
    ) internal {
        address manager = c.collateralModule;
        if (manager != address(0)) {
            (address collateralToken, uint256 collateral, uint256 debt) = ICollateralManager(manager).position();
            _release(manager, shares, supplyWithVirtual, tokens, amounts, asset(), debt, collateralToken, collateral);
        }
        address hedge = c.hedgeModule;
        if (hedge != address(0)) {
            (address collateralToken, uint256 collateral, address shortToken, uint256 short) = IHedgeModule(hedge)
                .position();
            _release(hedge, shares, supplyWithVirtual, tokens, amounts, shortToken, short, collateralToken, collateral);
        }
    }

    function _release(
        address module,
        uint256 shares,
        uint256 supplyWithVirtual,
        address[] memory tokens,
        uint256[] memory amounts,
        address debtToken,
        uint256 debt,
        address collateralToken,
        uint256 collateral
    ) internal {
        uint256 debtIndex = _indexOf(tokens, debtToken);
        uint256 released = Math.mulDiv(collateral, shares, supplyWithVirtual);
        uint256 debtShare = Math.mulDiv(debt, shares, supplyWithVirtual, Math.Rounding.Ceil);
        uint256 repaid = Math.min(amounts[debtIndex], debtShare);
        if (repaid < debtShare) released = Math.mulDiv(released, repaid, debtShare);
        if (released == 0 && repaid == 0) return;
        amounts[debtIndex] -= repaid;
        amounts[_indexOf(tokens, collateralToken)] += released;
        if (repaid > 0) IERC20(debtToken).safeTransfer(module, repaid);
        IVaultModule(module).release(repaid, released, address(this));
    }

    function _indexOf(address[] memory tokens, address token) internal pure returns (uint256 i) {
        while (tokens[i] != token) ++i;
    }

    /// @dev A withdrawal's trade: swaps exactly `t.amountIn` for at least `t.minAmountOut` (all or nothing: the
    /// redeemer can take their share in kind instead).
    function _swap(Snapshot memory s, Trade memory t) internal returns (uint256 amountOut) {
        SwapLib.Leg memory leg = _leg(s, t);
        amountOut = SwapLib.swapExact(leg, t.amountIn, t.minAmountOut, s.config.maxDeviationBps);
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
        Trade memory t,
        uint256 amountIn,
        uint256 amountOut
    ) internal view returns (uint256 valueIn, uint256 valueOut) {
        bool selling = t.tokenOut == asset();
        uint8 decimals = _risk[_riskIndexOf(selling ? t.tokenIn : t.tokenOut)].decimals;
        return
            selling
                ? (PriceLib.toBaseDown(amountIn, t.oraclePriceWad, decimals, _baseDecimals), amountOut)
                : (amountIn, PriceLib.toBaseDown(amountOut, t.oraclePriceWad, decimals, _baseDecimals));
    }

    /// @dev The pool leg of a trade between a risk asset and the base asset.
    function _leg(Snapshot memory s, Trade memory t) internal view returns (SwapLib.Leg memory) {
        bool selling = t.tokenOut == asset();
        uint256 i = _riskIndexOf(selling ? t.tokenIn : t.tokenOut);
        RiskAsset storage r = _risk[i];
        return
            SwapLib.Leg({
                router: swapRouter,
                factory: address(uniswapFactory),
                risk: address(r.token),
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

    function _riskIndexOf(address token) internal view returns (uint256) {
        for (uint256 i; i < _risk.length; ++i) {
            if (address(_risk[i].token) == token) return i;
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
        f.performanceAssets = FeeMathLib.performanceFeeAssetsDown(
            f.nav,
            price,
            f.highWaterMarkWad,
            c.performanceFeeBps
        );
        f.performanceShares = FeeMathLib.sharesForAssetsDown(f.performanceAssets, f.nav, supply);
        f.highWaterMarkWad = _sharePriceWad(f.nav, supply + f.performanceShares);
    }

    /// @dev Supply once pending fees are minted: what previews convert with.
    function _supplyAfterFees(Config memory c, uint256 nav) internal view returns (uint256) {
        PendingFees memory f = _pendingFees(c, nav);
        return totalSupply() + f.managementShares + f.performanceShares;
    }

    /// @dev Mints management and performance fees; returns NAV (fees are shares, so NAV is unchanged).
    function _accrueFees(Snapshot memory s) internal returns (uint256) {
        PendingFees memory f = _pendingFees(s.config, _nav(s));
        lastFeeAccrualAt = uint48(block.timestamp);
        _highWaterMarkWad = f.highWaterMarkWad;
        uint256 minted = f.managementShares + f.performanceShares;
        if (minted == 0) return f.nav;
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

    /// @dev The key `<prefix><SYMBOL>` (keys are ASCII, left-aligned): the symbol shifted past the prefix.
    function _key(bytes32 prefix, uint256 prefixLength, bytes11 symbol) internal pure returns (bytes32) {
        return prefix | (bytes32(symbol) >> (8 * prefixLength));
    }
}
