// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IMorpho, Id, MarketParams, Position} from "@morpho-org/morpho-blue/src/interfaces/IMorpho.sol";
import {MarketParamsLib} from "@morpho-org/morpho-blue/src/libraries/MarketParamsLib.sol";
import {MorphoBalancesLib} from "@morpho-org/morpho-blue/src/libraries/periphery/MorphoBalancesLib.sol";
import {IERC20, IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ISwapRouter} from "@uniswap/v3-periphery/contracts/interfaces/ISwapRouter.sol";
import {IParameterRegistry} from "../registry/interfaces/IParameterRegistry.sol";
import {IPortfolioVault} from "./interfaces/IPortfolioVault.sol";
import {IVaultModule} from "./interfaces/IVaultModule.sol";
import {LendingLib} from "./libraries/LendingLib.sol";

/// @title MorphoModule
/// @notice What Trimtab's two modules on a Morpho Blue market share: the vault they serve and its registry, the
/// market (its tokens, decimals and each token's feed keys in the registry), Uniswap V3 for their trades, the
/// position read from Morpho, and repaying with leftovers returned to the vault.
abstract contract MorphoModule is IVaultModule {
    using SafeERC20 for IERC20;
    using MarketParamsLib for MarketParams;
    using MorphoBalancesLib for IMorpho;

    uint256 internal constant BPS = 10_000;

    /// @inheritdoc IVaultModule
    address public immutable vault;
    IParameterRegistry internal immutable _registry;
    IMorpho public immutable morpho;
    ISwapRouter public immutable swapRouter;
    address public immutable uniswapFactory;
    Id public immutable marketId;
    IERC20 internal immutable _collateralToken;
    IERC20 internal immutable _loanToken;
    address internal immutable _oracle;
    address internal immutable _irm;
    uint256 internal immutable _lltv;
    uint8 internal immutable _collateralDecimals;
    uint8 internal immutable _loanDecimals;
    /// @dev Registry symbols of the market's tokens, for their oracle parameters (`feed.<SYMBOL>`,
    /// `oracle.maxStalenessSec.<SYMBOL>`, `oracle.minAnswer.<SYMBOL>`, `oracle.maxAnswer.<SYMBOL>`).
    bytes11 internal immutable _collateralSymbol;
    bytes11 internal immutable _loanSymbol;

    /// @param market The Morpho Blue market the module borrows on.
    /// @param collateralSymbol, loanSymbol Registry symbols of its two tokens (for `feed.<SYMBOL>` and the feed's
    /// guards), at most 8 bytes each as the vault's.
    /// @param swapRouter_, uniswapFactory_ Uniswap V3, where the module trades.
    constructor(
        address vault_,
        IMorpho morpho_,
        MarketParams memory market,
        string memory collateralSymbol,
        string memory loanSymbol,
        ISwapRouter swapRouter_,
        address uniswapFactory_
    ) {
        vault = vault_;
        _registry = IParameterRegistry(IPortfolioVault(vault_).registry());
        morpho = morpho_;
        swapRouter = swapRouter_;
        uniswapFactory = uniswapFactory_;
        marketId = market.id();
        _collateralToken = IERC20(market.collateralToken);
        _loanToken = IERC20(market.loanToken);
        _oracle = market.oracle;
        _irm = market.irm;
        _lltv = market.lltv;
        _collateralDecimals = IERC20Metadata(market.collateralToken).decimals();
        _loanDecimals = IERC20Metadata(market.loanToken).decimals();
        (_collateralSymbol, _loanSymbol) = (bytes11(bytes(collateralSymbol)), bytes11(bytes(loanSymbol)));
        IERC20(market.collateralToken).forceApprove(address(morpho_), type(uint256).max);
        IERC20(market.loanToken).forceApprove(address(morpho_), type(uint256).max);
    }

    /// @dev The module's collateral and debt on its market. A position without borrow shares owes nothing: no need
    /// to accrue the market's interest to know it.
    function _position() internal view returns (uint256 collateral, uint256 debt) {
        Position memory p = morpho.position(marketId, address(this));
        collateral = p.collateral;
        debt = p.borrowShares == 0 ? 0 : morpho.expectedBorrowAssets(_market(), address(this));
    }

    /// @dev For a redemption: repays `repayAssets` with the vault's loan token and sends `collateralAssets` of the
    /// collateral to `receiver`.
    function _release(uint256 repayAssets, uint256 collateralAssets, address receiver) internal {
        MarketParams memory market = _market();
        if (repayAssets > 0) {
            IERC20(market.loanToken).safeTransferFrom(vault, address(this), repayAssets);
            _repay(market, repayAssets);
        }
        if (collateralAssets > 0) morpho.withdrawCollateral(market, collateralAssets, address(this), receiver);
    }

    /// @dev Repays `assets` of the debt (all of it when they cover it); leftovers go back to the vault.
    function _repay(MarketParams memory market, uint256 assets) internal {
        LendingLib.repayAndReturn(morpho, market, assets, vault);
    }

    function _market() internal view returns (MarketParams memory) {
        return MarketParams(address(_loanToken), address(_collateralToken), _oracle, _irm, _lltv);
    }
}
