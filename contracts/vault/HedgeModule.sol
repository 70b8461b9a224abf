// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IMorpho, MarketParams} from "@morpho-org/morpho-blue/src/interfaces/IMorpho.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ISwapRouter} from "@uniswap/v3-periphery/contracts/interfaces/ISwapRouter.sol";
import {ICollateralManager} from "./interfaces/ICollateralManager.sol";
import {HedgeAction, IHedgeModule} from "./interfaces/IHedgeModule.sol";
import {IPortfolioVault} from "./interfaces/IPortfolioVault.sol";
import {IVaultModule} from "./interfaces/IVaultModule.sol";
import {MorphoModule} from "./MorphoModule.sol";
import {PriceLib} from "./libraries/PriceLib.sol";
import {SwapLib} from "./libraries/SwapLib.sol";
import {ParameterKeys} from "../registry/ParameterKeys.sol";

/// @title HedgeModule
/// @notice Trimtab's delta hedge on Morpho Blue and Uniswap V3. See {IHedgeModule}.
contract HedgeModule is MorphoModule, IHedgeModule {
    using SafeERC20 for IERC20;

    bytes32 internal immutable _poolFeeKey;

    /// @param market The Morpho Blue market: collateral the vault's base asset, loan the hedged risk asset. In this
    /// contract the market's collateral token is the base asset and its loan token the risk asset.
    constructor(
        address vault_,
        IMorpho morpho_,
        MarketParams memory market,
        ISwapRouter swapRouter_,
        address uniswapFactory_,
        string memory riskSymbol,
        string memory baseSymbol
    ) MorphoModule(vault_, morpho_, market, baseSymbol, riskSymbol, swapRouter_, uniswapFactory_) {
        _poolFeeKey = ParameterKeys.poolFee(riskSymbol);
        IERC20(market.collateralToken).forceApprove(address(swapRouter_), type(uint256).max);
        IERC20(market.loanToken).forceApprove(address(swapRouter_), type(uint256).max);
    }

    /* VIEWS */

    /// @inheritdoc IHedgeModule
    function position()
        public
        view
        returns (address collateralToken, uint256 collateral, address shortToken, uint256 short)
    {
        collateralToken = address(_collateralToken);
        shortToken = address(_loanToken);
        (collateral, short) = _position();
    }

    /// @inheritdoc IHedgeModule
    function netDelta() public view returns (uint256 exposure, uint256 short, int256 net, uint256 ratioBps) {
        exposure = _exposure();
        (, , , short) = position();
        net = int256(exposure) - int256(short);
        ratioBps = exposure == 0 ? 0 : Math.mulDiv(short, BPS, exposure);
    }

    /// @inheritdoc IHedgeModule
    function plan() public view returns (HedgeAction action, uint256 amount) {
        (action, amount, ) = _plan();
    }

    /// @dev {plan}, and the price it was made at (zero while retiring: that plan needs none).
    function _plan() internal view returns (HedgeAction, uint256, uint256 priceWad) {
        (, uint256 collateral, , uint256 short) = position();
        // Retiring (governance named another hedge): buy back the whole short, and give every margin back.
        if (_registry.getAddress(ParameterKeys.HEDGE_MODULE) != address(this)) {
            return short > 0 || collateral > 0 ? (HedgeAction.Deleverage, short, 0) : (HedgeAction.None, 0, 0);
        }
        uint256 price = _priceWad();
        // Deleverage first: the short's LTV within the health buffer of the liquidation LTV.
        uint256 shortValue = PriceLib.toBaseDown(short, price, _loanDecimals, _collateralDecimals);
        uint256 lltvBps = _lltv / 1e14;
        uint256 buffer = _registry.getUint(ParameterKeys.HEALTH_BUFFER);
        uint256 maxLtv = lltvBps > buffer ? lltvBps - buffer : 0;
        if (short > 0 && shortValue * BPS > maxLtv * collateral) {
            uint256 keep = PriceLib.fromBaseDown(
                Math.mulDiv(collateral, _registry.getUint(ParameterKeys.HEDGE_LTV), BPS),
                price,
                _loanDecimals,
                _collateralDecimals
            );
            return (HedgeAction.Deleverage, short - Math.min(short, keep), price);
        }
        uint256 exposure = _exposure();
        uint256 target = Math.mulDiv(exposure, _registry.getUint(ParameterKeys.HEDGE_RATIO), BPS);
        uint256 gap = target > short ? target - short : short - target;
        if (gap * BPS <= _registry.getUint(ParameterKeys.HEDGE_BAND) * exposure || gap == 0)
            return (HedgeAction.None, 0, price);
        return (target > short ? HedgeAction.Increase : HedgeAction.Decrease, gap, price);
    }

    /* ACTIONS */

    /// @inheritdoc IHedgeModule
    function manage() external returns (HedgeAction action, uint256 amount) {
        uint256 price;
        (action, amount, price) = _plan();
        if (action == HedgeAction.None) revert HedgeNothingDue();
        // The plan's price (the feeds cannot move within the transaction); a retiring hedge's plan read none.
        if (price == 0) price = _priceWad();
        amount = action == HedgeAction.Increase ? _increase(amount, price) : _decrease(amount, price);
        (, uint256 collateral, , uint256 short) = position();
        emit HedgeManaged(action, amount, collateral, short, _exposure());
        // The vault emits its NAV after this action too (minting the fees due). Best effort: a price the vault
        // cannot read elsewhere never blocks an action here, least of all a deleverage.
        try IPortfolioVault(vault).accrueFees() {} catch {}
    }

    /// @inheritdoc IVaultModule
    function release(uint256 repayAssets, uint256 collateralAssets, address receiver) external {
        if (msg.sender != vault) revert HedgeNotVault(msg.sender);
        _release(repayAssets, collateralAssets, receiver);
        emit HedgeReleased(repayAssets, collateralAssets, receiver);
    }

    /* INTERNAL */

    /// @dev Shorts up to `amount` more: posts margin from the vault's base asset so that the short sits at
    /// `hedge.ltvBps`, borrows, sells within the slippage bound, repays what did not sell and sends the proceeds to
    /// the vault. Returns the amount shorted.
    function _increase(uint256 amount, uint256 price) internal returns (uint256 sold) {
        MarketParams memory market = _market();
        (, uint256 collateral, , uint256 short) = position();
        uint256 ltv = _registry.getUint(ParameterKeys.HEDGE_LTV);
        uint256 baseAvailable = _collateralToken.balanceOf(vault);
        // Margin for the whole short at the target LTV, limited by the vault's base asset; rounded up, so that a dust
        // short worth less than a wei of the base asset still posts one (none would be a borrow Morpho refuses).
        uint256 needed = Math.mulDiv(
            PriceLib.toBaseUp(short + amount, price, _loanDecimals, _collateralDecimals),
            BPS,
            ltv,
            Math.Rounding.Ceil
        );
        uint256 margin = needed > collateral ? Math.min(needed - collateral, baseAvailable) : 0;
        if (margin < needed - Math.min(needed, collateral)) {
            uint256 affordable = PriceLib.fromBaseDown(
                Math.mulDiv(collateral + margin, ltv, BPS),
                price,
                _loanDecimals,
                _collateralDecimals
            );
            amount = affordable > short ? affordable - short : 0;
        }
        if (amount == 0) return 0;
        if (margin > 0) {
            IPortfolioVault(vault).moduleTransfer(address(_collateralToken), margin);
            morpho.supplyCollateral(market, margin, address(this), "");
        }
        morpho.borrow(market, amount, 0, address(this), address(this));
        uint256 proceeds;
        (sold, proceeds) = SwapLib.swapWithinSlippage(
            _leg(true, price),
            amount,
            _registry.getUint(ParameterKeys.MAX_SLIPPAGE),
            _registry.getUint(ParameterKeys.MAX_DEVIATION)
        );
        if (sold < amount) _repay(market, amount - sold);
        if (proceeds > 0) _collateralToken.safeTransfer(vault, proceeds);
    }

    /// @dev Buys back up to `amount` with the vault's base asset within the de-risking slippage bound (see
    /// {SwapLib-deriskSlippageBps}; no deviation guard: the bound already stops a fill at a price past it, and no
    /// bound the guardian tightens may turn a deleverage into a no-op), repays it, and returns the margin no longer
    /// needed (and anything left over) to the vault. Returns the amount bought.
    function _decrease(uint256 amount, uint256 price) internal returns (uint256 bought) {
        MarketParams memory market = _market();
        SwapLib.Leg memory leg = _leg(false, price);
        uint256 slippage = SwapLib.deriskSlippageBps(_registry.getUint(ParameterKeys.MAX_SLIPPAGE), leg.fee);
        uint256 cost = Math.mulDiv(
            PriceLib.toBaseDown(amount, price, _loanDecimals, _collateralDecimals),
            BPS + slippage,
            BPS
        );
        cost = Math.min(cost, _collateralToken.balanceOf(vault));
        if (cost > 0) {
            IPortfolioVault(vault).moduleTransfer(address(_collateralToken), cost);
            (, bought) = SwapLib.swapWithinSlippage(leg, cost, slippage, BPS);
            if (bought > 0) _repay(market, bought);
        }
        // Margin above the target LTV goes back to the vault.
        (, uint256 collateral, , uint256 short) = position();
        uint256 needed = Math.mulDiv(
            PriceLib.toBaseDown(short, price, _loanDecimals, _collateralDecimals),
            BPS,
            _registry.getUint(ParameterKeys.HEDGE_LTV)
        );
        // One wei more than needed stays while there is a short (rounding); none once it is closed.
        uint256 keep = short == 0 ? 0 : needed + 1;
        if (collateral > keep) morpho.withdrawCollateral(market, collateral - keep, address(this), vault);
        uint256 leftover = _collateralToken.balanceOf(address(this));
        if (leftover > 0) _collateralToken.safeTransfer(vault, leftover);
    }

    /// @dev The vault's exposure to the hedged asset: its own balance and what its collateral manager posted.
    function _exposure() internal view returns (uint256 exposure) {
        exposure = _loanToken.balanceOf(vault);
        address manager = _registry.getAddress(ParameterKeys.COLLATERAL_MODULE);
        if (manager != address(0)) {
            (address token, uint256 collateral, ) = ICollateralManager(manager).position();
            if (token == address(_loanToken)) exposure += collateral;
        }
    }

    function _leg(bool sellRisk, uint256 price) internal view returns (SwapLib.Leg memory) {
        return
            SwapLib.Leg({
                router: swapRouter,
                factory: uniswapFactory,
                risk: address(_loanToken),
                base: address(_collateralToken),
                riskDecimals: _loanDecimals,
                baseDecimals: _collateralDecimals,
                fee: uint24(_registry.getUint(_poolFeeKey)),
                sellRisk: sellRisk,
                oraclePriceWad: price
            });
    }

    /// @dev The hedged asset's price in the base asset, 18 decimals, from the registry's feeds.
    function _priceWad() internal view returns (uint256) {
        return PriceLib.registryPriceWad(_registry, _loanSymbol, _collateralSymbol);
    }
}
