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
import {IParameterRegistry} from "../registry/interfaces/IParameterRegistry.sol";
import {IVaultModule} from "./interfaces/IVaultModule.sol";
import {Holding, IPortfolioVault, Trade} from "./interfaces/IPortfolioVault.sol";
import {VaultFees} from "./VaultFees.sol";
import {VaultValuation} from "./VaultValuation.sol";
import {VaultSettings} from "./VaultSettings.sol";
import {ShareMathLib} from "./libraries/ShareMathLib.sol";
import {SwapLib} from "./libraries/SwapLib.sol";
import {VaultConfig as Config} from "./libraries/VaultSettingsLib.sol";
import {PriceLib} from "./libraries/PriceLib.sol";
import {RebalancePlanLib} from "./libraries/RebalancePlanLib.sol";
import {ExitPlanLib} from "./libraries/ExitPlanLib.sol";
import {
    VaultExitPlan as ExitPlan,
    VaultRelease as Release,
    VaultRiskAsset as RiskAsset,
    VaultSnapshot as Snapshot
} from "./libraries/VaultTypes.sol";

/// @title PortfolioVault
/// @notice Trimtab's multi-asset ERC-4626 vault: holds a base asset and risk assets at governance-set target
/// weights, rebalances through Uniswap V3 within slippage and oracle guards, and mints management and performance
/// fees to the treasury. It has no owner: every setting is read from the ParameterRegistry.
/// @dev See {IPortfolioVault}. This is the vault's core: entries, exits, rebalancing and its trades. What it holds and
/// the settings it acts on are {VaultSettings}, its fees {VaultFees}, its prices and NAV {VaultValuation}; share
/// conversions (named for their rounding, with the virtual shares that make an inflation attack cost a million times
/// its gain) are {ShareMathLib}, the rebalance plan {RebalancePlanLib}, a redemption's parts {ExitPlanLib}.
contract PortfolioVault is VaultValuation, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    uint256 internal constant BPS = 10_000;
    ISwapRouter public immutable swapRouter;
    IUniswapV3Factory public immutable uniswapFactory;
    uint48 public lastRebalanceAt;

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
    )
        ERC4626(base)
        ERC20(name_, symbol_)
        VaultSettings(base, baseSymbol, riskTokens, riskSymbols, registry_)
        VaultFees(treasury_)
    {
        swapRouter = swapRouter_;
        uniswapFactory = uniswapFactory_;
        // The router pulls only during swaps the vault starts (it pays from its caller): one standing approval
        // per token saves a storage write per trade.
        IERC20(address(base)).forceApprove(address(swapRouter_), type(uint256).max);
        for (uint256 i; i < riskTokens.length; ++i) {
            IERC20(address(riskTokens[i])).forceApprove(address(swapRouter_), type(uint256).max);
        }
    }

    /* VIEWS */

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

    /// @notice Zero while `pause.deposits` is set, a price is stale, invalid or past its bounds, the L2 sequencer is
    /// down or within its grace period, or a pool prices further than `oracle.maxDeviationBps` from its feed;
    /// otherwise room under `caps.depositCap`.
    function maxDeposit(address) public view override returns (uint256) {
        Config memory c = _config();
        if (c.pauseDeposits) return 0;
        (Snapshot memory s, bool forActions, ) = _viewSnapshot();
        if (!forActions) return 0;
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
        ExitPlan memory e = _exitPlan(s, shares, supply + ShareMathLib.VIRTUAL_SHARES);
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
        return ShareMathLib.toSharesDown(assets, entryNav, supply);
    }

    /// @notice Assets a mint of `shares` costs now, fees included, at entry prices (see `deposit`).
    function previewMint(uint256 shares) public view override returns (uint256) {
        (uint256 entryNav, uint256 supply) = _previewEntry();
        return ShareMathLib.toAssetsUp(shares, entryNav, supply);
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
        shares = ShareMathLib.toSharesDown(assets, entryNav, supply);
        _deposit(_msgSender(), receiver, assets, shares);
        _afterEntry(supply, nav + assets);
    }

    /// @notice Mints exactly `shares` for the base asset they are worth at entry prices (see `deposit`), rounded up.
    function mint(uint256 shares, address receiver) public override nonReentrant returns (uint256 assets) {
        (Config memory c, uint256 nav, uint256 entryNav, uint256 supply) = _enter();
        assets = ShareMathLib.toAssetsUp(shares, entryNav, supply);
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

    /// @dev After a deposit or mint into a vault that had no shares (`supplyBefore` zero), the high-water mark starts
    /// at the price the first holders paid: whatever the vault held before (a donation, the dust of earlier exits)
    /// belonged to nobody, so it is no gain to charge a performance fee on. Then reports NAV.
    function _afterEntry(uint256 supplyBefore, uint256 nav) internal {
        if (supplyBefore == 0) _setHighWaterMark(_sharePriceWad(nav, totalSupply()));
        _emitNav(nav);
    }

    /// @notice Redeems `shares` for the base asset: sells the shares' pro-rata part of each risk asset within the
    /// exit's slippage bound and pays it out with their part of the base asset. Never paused, and no parameter the
    /// guardian can reach closes it (see {SwapLib-deriskSlippageBps}, {PriceLib-exitMaxAgeSec}); it does not wait for
    /// an L2 sequencer's grace period (its pro-rata sale moves no value between holders at the oracle's price).
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
        (Snapshot memory s, , bool forExits) = _latestSnapshot(c, _cachedAssets());
        if (forExits) _accrueFees(c, _nav(s));
        else _accrueManagementFee(c);
        _checkRedeem(owner, shares);
        ExitPlan memory e = _exitPlan(s, shares, totalSupply() + ShareMathLib.VIRTUAL_SHARES);
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
        Snapshot memory s = _withPrices(c, _cachedAssets(), false);
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

    /* INTERNAL: PLANNING */

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
        return ShareMathLib.toSharesUp(assets, value, supply);
    }

    /* INTERNAL: TRADING */

    /// @dev Sells the pro-rata part of each risk asset for `shares` and returns the base asset they are owed.
    function _unwind(uint256 shares, Snapshot memory s) internal returns (uint256 assets) {
        ExitPlan memory e = _exitPlan(s, shares, totalSupply() + ShareMathLib.VIRTUAL_SHARES);
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
    function _leg(Snapshot memory s, Trade memory t) internal view override returns (SwapLib.Leg memory) {
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

    function _riskIndexOf(Snapshot memory s, address token) internal pure returns (uint256) {
        for (uint256 i; i < s.risk.length; ++i) {
            if (s.risk[i].token == token) return i;
        }
        revert VaultPoolMissing(token, 0);
    }

    /* INTERNAL: CHECKS AND EVENTS */

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

    function _emitNav(uint256 nav) internal {
        uint256 supply = totalSupply();
        emit NavUpdated(nav, supply, _sharePriceWad(nav, supply));
    }

    function _decimalsOffset() internal pure override returns (uint8) {
        return ShareMathLib.DECIMALS_OFFSET;
    }
}
