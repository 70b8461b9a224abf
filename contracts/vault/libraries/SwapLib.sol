// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IUniswapV3PoolState} from "@uniswap/v3-core/contracts/interfaces/pool/IUniswapV3PoolState.sol";
import {ISwapRouter} from "@uniswap/v3-periphery/contracts/interfaces/ISwapRouter.sol";
import {IPortfolioVault} from "../interfaces/IPortfolioVault.sol";
import {PriceLib} from "./PriceLib.sol";

/// @title SwapLib
/// @notice Oracle-guarded trades between a risk asset and the base asset on a Uniswap V3 pool, for the vault and
/// its modules: the pool must price within a deviation bound of the oracle, and the fill within a slippage bound.
/// @dev The caller holds a standing approval of the router for `tokenIn`.
library SwapLib {
    uint256 internal constant BPS = 10_000;
    /// @dev See {deriskSlippageBps}.
    uint256 internal constant DERISK_SLIPPAGE_OVER_FEE_BPS = 20;
    /// @dev Wei of input, and wei of output, that a fill may lose to the pool's roundings beyond its prices (its fee
    /// and input rounded up, its output rounded down): without this allowance, a fill of a few wei (a dust trade, or
    /// a pool pushed to just inside the limit) would fail its minimum output and revert the whole rebalance.
    uint256 internal constant ROUNDING_WEI = 2;

    /// @notice One direction of trade on one pool, priced by the oracle.
    /// @param sellRisk True to sell the risk asset for the base asset, false to buy it.
    /// @param oraclePriceWad The risk asset's price in the base asset, 18 decimals, per whole token.
    struct Leg {
        ISwapRouter router;
        address factory;
        address risk;
        address base;
        uint8 riskDecimals;
        uint8 baseDecimals;
        uint24 fee;
        bool sellRisk;
        uint256 oraclePriceWad;
    }

    /// @notice The pool's relative price, after checking the pool exists and prices within `maxDeviationBps`.
    function checkedPoolPrice(Leg memory leg, uint256 maxDeviationBps) internal view returns (uint256 poolPrice) {
        (poolPrice, ) = _checkedPoolPrice(leg, maxDeviationBps);
    }

    /// @dev {checkedPoolPrice} and the pool's sqrtPriceX96.
    function _checkedPoolPrice(
        Leg memory leg,
        uint256 maxDeviationBps
    ) private view returns (uint256 poolPrice, uint160 sqrtPriceX96) {
        address pool = PriceLib.poolAddress(leg.factory, leg.risk, leg.base, leg.fee);
        if (pool.code.length == 0) revert IPortfolioVault.VaultPoolMissing(leg.risk, leg.fee);
        (sqrtPriceX96, , , , , , ) = IUniswapV3PoolState(pool).slot0();
        poolPrice = PriceLib.poolPriceWad(sqrtPriceX96, leg.risk < leg.base, leg.riskDecimals, leg.baseDecimals);
        PriceLib.checkDeviation(pool, poolPrice, leg.oraclePriceWad, maxDeviationBps);
    }

    /// @notice The slippage bound of a sale that de-risks or exits (a cash exit, a deleverage): `maxSlippageBps`,
    /// but never less than the pool's fee plus `DERISK_SLIPPAGE_OVER_FEE_BPS`, so that no bound the guardian can
    /// tighten (below the fee, every sale would be refused) closes an exit or stops a deleverage.
    function deriskSlippageBps(uint256 maxSlippageBps, uint24 fee) internal pure returns (uint256) {
        return Math.max(maxSlippageBps, fee / 100 + DERISK_SLIPPAGE_OVER_FEE_BPS);
    }

    /// @notice What `amountIn` is worth in the output token at the oracle price, rounded down.
    function fairOutDown(Leg memory leg, uint256 amountIn) internal pure returns (uint256) {
        return
            leg.sellRisk
                ? PriceLib.toBaseDown(amountIn, leg.oraclePriceWad, leg.riskDecimals, leg.baseDecimals)
                : PriceLib.fromBaseDown(amountIn, leg.oraclePriceWad, leg.riskDecimals, leg.baseDecimals);
    }

    /// @notice Swaps exactly `amountIn` for at least `minAmountOut`, or reverts (all or nothing).
    /// @dev No deviation guard: the minimum output, set from the oracle, already bounds what the trade can lose, and
    /// a guard the guardian can tighten must not close the exits this serves. The pool must exist.
    function swapExact(Leg memory leg, uint256 amountIn, uint256 minAmountOut) internal returns (uint256 amountOut) {
        address pool = PriceLib.poolAddress(leg.factory, leg.risk, leg.base, leg.fee);
        if (pool.code.length == 0) revert IPortfolioVault.VaultPoolMissing(leg.risk, leg.fee);
        amountOut = _swap(leg, amountIn, minAmountOut, 0);
    }

    /// @notice Swaps up to `amountIn`, stopping where the pool's marginal price (before its fee) is
    /// `maxSlippageBps` less the pool fee away from the oracle, so that the fill as a whole stays within the
    /// slippage bound (less `ROUNDING_WEI` of input and of output, the pool's roundings). Fills partly when the pool
    /// is too thin, and not at all (0, 0) when its price is already past that point, as in a sandwich. Returns the
    /// input used and the output.
    function swapWithinSlippage(
        Leg memory leg,
        uint256 amountIn,
        uint256 maxSlippageBps,
        uint256 maxDeviationBps
    ) internal returns (uint256 used, uint256 amountOut) {
        (uint256 poolPrice, uint160 sqrtNow) = _checkedPoolPrice(leg, maxDeviationBps);
        uint256 feeBps = leg.fee / 100;
        if (maxSlippageBps <= feeBps || amountIn == 0) return (0, 0);
        uint256 limitPrice =
            leg.sellRisk
                ? PriceLib.lessBpsDown(leg.oraclePriceWad, maxSlippageBps - feeBps)
                : Math.mulDiv(leg.oraclePriceWad, BPS + maxSlippageBps - feeBps, BPS);
        if (leg.sellRisk ? poolPrice <= limitPrice : poolPrice >= limitPrice) return (0, 0);
        bool riskIsToken0 = leg.risk < leg.base;
        uint160 sqrtLimit = PriceLib.sqrtPriceX96(limitPrice, riskIsToken0, leg.riskDecimals, leg.baseDecimals);
        // Compared in the pool's own terms too: a pool left at the limit by an earlier partial fill can read a wei
        // above it in price terms while its sqrtPriceX96 is already there, and the pool refuses such a limit.
        if (leg.sellRisk == riskIsToken0 ? sqrtLimit >= sqrtNow : sqrtLimit <= sqrtNow) return (0, 0);

        (address tokenIn, ) = tokens(leg);
        uint256 balanceBefore = IERC20(tokenIn).balanceOf(address(this));
        amountOut = _swap(leg, amountIn, 0, sqrtLimit);
        used = balanceBefore - IERC20(tokenIn).balanceOf(address(this));
        uint256 minOut = PriceLib.lessBpsDown(
            fairOutDown(leg, used > ROUNDING_WEI ? used - ROUNDING_WEI : 0),
            maxSlippageBps
        );
        if (amountOut + ROUNDING_WEI < minOut) {
            (, address tokenOut) = tokens(leg);
            revert IPortfolioVault.VaultSlippageExceeded(tokenIn, tokenOut, used, amountOut, minOut);
        }
    }

    /// @notice Base-asset wei per whole risk token the trade executed at, 18 decimals. A buy of a few wei that the
    /// pool's roundings left with no output is priced as if it had brought one wei.
    function executionPriceWad(Leg memory leg, uint256 amountIn, uint256 amountOut) internal pure returns (uint256) {
        (uint256 riskAmount, uint256 baseAmount) = leg.sellRisk ? (amountIn, amountOut) : (amountOut, amountIn);
        return
            Math.mulDiv(
                baseAmount,
                10 ** (18 + uint256(leg.riskDecimals)),
                Math.max(riskAmount, 1) * 10 ** leg.baseDecimals
            );
    }

    /// @notice The leg's input and output tokens.
    function tokens(Leg memory leg) internal pure returns (address tokenIn, address tokenOut) {
        return leg.sellRisk ? (leg.risk, leg.base) : (leg.base, leg.risk);
    }

    function _swap(
        Leg memory leg,
        uint256 amountIn,
        uint256 minAmountOut,
        uint160 sqrtPriceLimitX96
    ) private returns (uint256) {
        (address tokenIn, address tokenOut) = tokens(leg);
        return
            leg.router.exactInputSingle(
                ISwapRouter.ExactInputSingleParams({
                    tokenIn: tokenIn,
                    tokenOut: tokenOut,
                    fee: leg.fee,
                    recipient: address(this),
                    deadline: block.timestamp,
                    amountIn: amountIn,
                    amountOutMinimum: minAmountOut,
                    sqrtPriceLimitX96: sqrtPriceLimitX96
                })
            );
    }
}
