// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IMorpho, MarketParams} from "@morpho-org/morpho-blue/src/interfaces/IMorpho.sol";
import {IMorphoRepayCallback} from "@morpho-org/morpho-blue/src/interfaces/IMorphoCallbacks.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ISwapRouter} from "@uniswap/v3-periphery/contracts/interfaces/ISwapRouter.sol";
import {CollateralAction, ICollateralManager} from "./interfaces/ICollateralManager.sol";
import {IPortfolioVault} from "./interfaces/IPortfolioVault.sol";
import {IVaultModule} from "./interfaces/IVaultModule.sol";
import {MorphoModule} from "./MorphoModule.sol";
import {PriceLib} from "./libraries/PriceLib.sol";
import {SwapLib} from "./libraries/SwapLib.sol";
import {ParameterKeys} from "../registry/ParameterKeys.sol";

/// @title CollateralManager
/// @notice Trimtab's leverage module on Morpho Blue. See {ICollateralManager}.
contract CollateralManager is MorphoModule, ICollateralManager, IMorphoRepayCallback {
    using SafeERC20 for IERC20;

    /// @dev Posting or withdrawing less than this share of the posted target is not worth a transaction.
    uint256 internal constant COLLATERAL_TOLERANCE_BPS = 100;

    bytes32 internal immutable _poolFeeKey;

    /// @param market The Morpho Blue market: collateral a vault risk asset, loan the vault's base asset.
    /// @param collateralSymbol, loanSymbol Registry symbols of the two tokens (for `feed.<SYMBOL>`, and
    /// `poolFee.<SYMBOL>` of the collateral's Uniswap V3 pool against the loan token).
    /// @param swapRouter_, uniswapFactory_ Uniswap V3, where a deleverage sells collateral when the vault's base
    /// asset cannot cover it.
    constructor(
        address vault_,
        IMorpho morpho_,
        MarketParams memory market,
        string memory collateralSymbol,
        string memory loanSymbol,
        ISwapRouter swapRouter_,
        address uniswapFactory_
    ) MorphoModule(vault_, morpho_, market, collateralSymbol, loanSymbol, swapRouter_, uniswapFactory_) {
        _poolFeeKey = ParameterKeys.poolFee(collateralSymbol);
        IERC20(market.collateralToken).forceApprove(address(swapRouter_), type(uint256).max);
    }

    /* VIEWS */

    /// @inheritdoc ICollateralManager
    function position() public view returns (address collateralToken, uint256 collateral, uint256 debt) {
        collateralToken = address(_collateralToken);
        (collateral, debt) = _position();
    }

    /// @inheritdoc ICollateralManager
    function ltvBps() public view returns (uint256) {
        (, uint256 collateral, uint256 debt) = position();
        return _ltv(debt, _collateralValue(collateral, _priceWad()));
    }

    /// @dev The position and the settings a plan is made from.
    struct State {
        uint256 collateral;
        uint256 debt;
        uint256 price;
        uint256 value;
        uint256 target;
        uint256 band;
        uint256 targetDebt;
    }

    /// @inheritdoc ICollateralManager
    function plan() public view returns (CollateralAction action, uint256 amount) {
        (action, amount, ) = _plan();
    }

    /// @dev {plan}, and the price it was made at (zero while retiring: that plan needs none).
    function _plan() internal view returns (CollateralAction, uint256, uint256 priceWad) {
        State memory s;
        (, s.collateral, s.debt) = position();
        // Retiring (governance named another module): repay everything, then give every collateral back.
        if (_registry.getAddress(ParameterKeys.COLLATERAL_MODULE) != address(this)) {
            if (s.debt > 0) return (CollateralAction.Repay, s.debt, s.price);
            if (s.collateral > 0) return (CollateralAction.WithdrawCollateral, s.collateral, s.price);
            return (CollateralAction.None, 0, s.price);
        }
        s.price = _priceWad();
        s.value = _collateralValue(s.collateral, s.price);
        uint256 maxLtv = _maxLtv();
        // A target above the maximum (the guardian may lower the maximum past it) steers to the maximum instead:
        // deleveraging to a target above the current LTV would be no deleveraging, and borrowing back above the
        // maximum would undo it at the next call.
        s.target = Math.min(_registry.getUint(ParameterKeys.TARGET_LTV), maxLtv);
        s.band = _registry.getUint(ParameterKeys.LTV_BAND);
        s.targetDebt = Math.mulDiv(s.value, s.target, BPS);

        // 1. Deleverage first: LTV above the maximum, or too close to the market's liquidation LTV.
        if (s.debt > 0 && s.debt * BPS > maxLtv * s.value)
            return (CollateralAction.Deleverage, s.debt - s.targetDebt, s.price);

        // 2. Post the target share of the vault's exposure to the collateral asset.
        uint256 spot = _collateralToken.balanceOf(vault);
        uint256 posted = Math.mulDiv(spot + s.collateral, _registry.getUint(ParameterKeys.POSTED), BPS);
        uint256 tolerance = Math.mulDiv(posted, COLLATERAL_TOLERANCE_BPS, BPS);
        if (posted > s.collateral + tolerance) {
            return (CollateralAction.PostCollateral, Math.min(posted - s.collateral, spot), s.price);
        }

        // 3. Hold the target LTV within the band.
        if (s.debt * BPS > (s.target + s.band) * s.value)
            return (CollateralAction.Repay, s.debt - s.targetDebt, s.price);
        // A borrow rounds to nothing on dust collateral (a value of a wei): not due.
        if (
            !_registry.getBool(ParameterKeys.PAUSE_LEVERAGE) &&
            s.target > s.band &&
            s.debt * BPS < (s.target - s.band) * s.value &&
            s.targetDebt > s.debt
        ) {
            return (CollateralAction.Borrow, s.targetDebt - s.debt, s.price);
        }

        // 4. Give back collateral above the target share, if the LTV allows.
        uint256 keep = Math.max(posted, _collateralFor(s.debt, s.target, s.price));
        if (s.collateral > keep + tolerance) return (CollateralAction.WithdrawCollateral, s.collateral - keep, s.price);
        return (CollateralAction.None, 0, s.price);
    }

    /// @dev The LTV above which to deleverage: the maximum, or the liquidation LTV less the health buffer.
    function _maxLtv() internal view returns (uint256) {
        uint256 lltvBps = _lltv / 1e14;
        uint256 buffer = _registry.getUint(ParameterKeys.HEALTH_BUFFER);
        return Math.min(_registry.getUint(ParameterKeys.MAX_LTV), lltvBps > buffer ? lltvBps - buffer : 0);
    }

    /* ACTIONS */

    /// @inheritdoc ICollateralManager
    function manage() external returns (CollateralAction action, uint256 amount) {
        uint256 priceWad;
        (action, amount, priceWad) = _plan();
        MarketParams memory market = _market();
        if (action == CollateralAction.None) revert CollateralNothingDue();
        if (action == CollateralAction.Deleverage || action == CollateralAction.Repay) {
            // The vault's base asset first; what it cannot cover, collateral sold within the de-risking bound.
            uint256 fromVault = Math.min(amount, _loanToken.balanceOf(vault));
            if (fromVault > 0) {
                IPortfolioVault(vault).moduleTransfer(address(_loanToken), fromVault);
                _repay(market, fromVault);
            }
            if (amount > fromVault) amount = fromVault + _repayFromCollateral(market, amount - fromVault);
        } else if (action == CollateralAction.PostCollateral) {
            IPortfolioVault(vault).moduleTransfer(address(_collateralToken), amount);
            morpho.supplyCollateral(market, amount, address(this), "");
        } else if (action == CollateralAction.Borrow) {
            morpho.borrow(market, amount, 0, address(this), vault);
        } else {
            morpho.withdrawCollateral(market, amount, address(this), vault);
        }
        (, uint256 collateral, uint256 debt) = position();
        // The plan's price: the feeds cannot move within the transaction.
        if (priceWad == 0) priceWad = _priceWad();
        emit CollateralManaged(action, amount, collateral, debt, _ltv(debt, _collateralValue(collateral, priceWad)));
        // The vault emits its NAV after this action too (minting the fees due). Best effort: a price the vault
        // cannot read elsewhere never blocks an action here, least of all a deleverage.
        try IPortfolioVault(vault).accrueFees() {} catch {}
    }

    /// @inheritdoc IVaultModule
    function release(uint256 repayAssets, uint256 collateralAssets, address receiver) external {
        if (msg.sender != vault) revert CollateralNotVault(msg.sender);
        _release(repayAssets, collateralAssets, receiver);
        emit CollateralReleased(repayAssets, collateralAssets, receiver);
    }

    /// @notice Morpho's repay callback, during a repayment from collateral: the debt is already reduced, so the
    /// collateral to sell can be withdrawn; it is sold for at least the `assets` Morpho then takes.
    function onMorphoRepay(uint256 assets, bytes calldata data) external {
        if (msg.sender != address(morpho)) revert CollateralNotMorpho(msg.sender);
        (uint256 collateralIn, uint256 priceWad, uint256 slippageBps) = abi.decode(data, (uint256, uint256, uint256));
        morpho.withdrawCollateral(_market(), collateralIn, address(this), address(this));
        uint256 minOut = Math.max(
            assets,
            PriceLib.lessBpsDown(
                PriceLib.toBaseDown(collateralIn, priceWad, _collateralDecimals, _loanDecimals),
                slippageBps
            )
        );
        SwapLib.swapExact(_leg(priceWad), collateralIn, minOut);
    }

    /* INTERNAL */

    /// @dev Repays with collateral what the vault's base asset could not, `shortfall` of the plan's repayment:
    /// Morpho's repay callback withdraws the collateral worth the repayment at the oracle price over the
    /// de-risking slippage bound and sells it; leftovers go to the vault. Selling collateral lowers the value the
    /// target LTV applies to, so the repayment is the shortfall scaled by (1 - s) / (1 - s - target): the LTV
    /// lands on the target; the whole debt when the shortfall is that large. Returns what was repaid.
    function _repayFromCollateral(MarketParams memory market, uint256 shortfall) internal returns (uint256 assets) {
        uint256 priceWad = _priceWad();
        uint256 slippage = SwapLib.deriskSlippageBps(_registry.getUint(ParameterKeys.MAX_SLIPPAGE), _poolFee());
        uint256 target = Math.min(_registry.getUint(ParameterKeys.TARGET_LTV), _maxLtv());
        (, uint256 collateral, uint256 debt) = position();
        assets = BPS > slippage + target ? Math.mulDiv(shortfall, BPS - slippage, BPS - slippage - target) : debt;
        assets = Math.min(assets, debt);
        // A margin of the pool's roundings: a repayment of a few wei still buys at least what it repays.
        uint256 collateralIn = Math.min(
            PriceLib.fromBaseDown(
                Math.mulDiv(assets, BPS, BPS - slippage) + SwapLib.ROUNDING_WEI,
                priceWad,
                _collateralDecimals,
                _loanDecimals
            ) + 1,
            collateral
        );
        bytes memory data = abi.encode(collateralIn, priceWad, slippage);
        // The whole debt is repaid by shares: its assets, rounded up, would convert back to more shares than the
        // position owes (Morpho's repay rounds them down) and underflow it.
        if (assets == debt) {
            morpho.repay(market, 0, morpho.position(marketId, address(this)).borrowShares, address(this), data);
        } else {
            morpho.repay(market, assets, 0, address(this), data);
        }
        uint256 left = _loanToken.balanceOf(address(this));
        if (left > 0) _loanToken.safeTransfer(vault, left);
    }

    function _poolFee() internal view returns (uint24) {
        return uint24(Math.min(_registry.getUint(_poolFeeKey), type(uint24).max));
    }

    /// @dev The Uniswap V3 leg that sells collateral for the loan token at `priceWad`.
    function _leg(uint256 priceWad) internal view returns (SwapLib.Leg memory) {
        return
            SwapLib.Leg({
                router: swapRouter,
                factory: uniswapFactory,
                risk: address(_collateralToken),
                base: address(_loanToken),
                riskDecimals: _collateralDecimals,
                baseDecimals: _loanDecimals,
                fee: _poolFee(),
                sellRisk: true,
                oraclePriceWad: priceWad
            });
    }

    /// @dev The collateral's price in the loan (base) asset, 18 decimals, from the registry's feeds.
    function _priceWad() internal view returns (uint256) {
        return PriceLib.registryPriceWad(_registry, _collateralSymbol, _loanSymbol);
    }

    function _collateralValue(uint256 collateral, uint256 priceWad) internal view returns (uint256) {
        return PriceLib.toBaseDown(collateral, priceWad, _collateralDecimals, _loanDecimals);
    }

    /// @dev Collateral that holds `debt` at `ltv` bps, rounded up by one wei.
    function _collateralFor(uint256 debt, uint256 ltv, uint256 priceWad) internal view returns (uint256) {
        if (ltv == 0) return debt == 0 ? 0 : type(uint256).max;
        return PriceLib.fromBaseDown(Math.mulDiv(debt, BPS, ltv), priceWad, _collateralDecimals, _loanDecimals) + 1;
    }

    function _ltv(uint256 debt, uint256 value) internal pure returns (uint256) {
        return value == 0 ? 0 : Math.mulDiv(debt, BPS, value);
    }
}
