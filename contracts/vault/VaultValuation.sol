// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Trade} from "./interfaces/IPortfolioVault.sol";
import {ExitPlanLib} from "./libraries/ExitPlanLib.sol";
import {PriceLib} from "./libraries/PriceLib.sol";
import {SwapLib} from "./libraries/SwapLib.sol";
import {VaultAssetConfig as AssetConfig, VaultConfig as Config} from "./libraries/VaultSettingsLib.sol";
import {
    VaultPositions as Positions,
    VaultRiskAsset as RiskAsset,
    VaultSnapshot as Snapshot
} from "./libraries/VaultTypes.sol";
import {ViewPricesLib} from "./libraries/ViewPricesLib.sol";
import {VaultFees} from "./VaultFees.sol";

/// @title VaultValuation
/// @notice What the vault's holdings are worth: the oracle prices an action may use (fresh for actions, a grace
/// longer for cash exits, whatever their age for views that never revert), the entry prices that deposits pay,
/// each holding's value with the modules' positions, NAV, and what a cash exit yields at least.
/// @dev A {VaultSnapshot} carries one action's settings and prices, so that each is read once per call.
abstract contract VaultValuation is VaultFees {
    function _snapshot() internal view returns (Snapshot memory) {
        (Config memory c, AssetConfig[] memory assets) = _settings();
        return _withPrices(c, assets, false);
    }

    function _syncedSnapshot() internal returns (Snapshot memory) {
        return _withPrices(_syncConfig(), _cachedAssets(), false);
    }

    /// @dev A cash exit's prices: each answer up to its `oracle.maxStalenessSec.<SYMBOL>` or its heartbeat plus an
    /// hour old, whichever is longer, whatever the sequencer (see {ViewPricesLib}).
    function _exitSnapshot() internal view returns (Snapshot memory) {
        (Config memory c, AssetConfig[] memory assets) = _settings();
        return _withPrices(c, assets, true);
    }

    function _syncedExitSnapshot() internal returns (Snapshot memory) {
        return _withPrices(_syncConfig(), _cachedAssets(), true);
    }

    /// @dev Each risk asset's oracle price in the base asset with every guard of an action's prices, or of a cash
    /// exit's (`exit`): see {ViewPricesLib-pricesWad}.
    function _withPrices(
        Config memory c,
        AssetConfig[] memory assets,
        bool exit
    ) internal view returns (Snapshot memory s) {
        s.config = c;
        s.assets = assets;
        s.risk = _riskAssets();
        s.priceWad = ViewPricesLib.pricesWad(assets, c.sequencerFeed, c.sequencerGraceSec, exit);
    }

    /// @dev Prices for views that must not revert: each feed's latest answer whatever its age or bounds; a feed that
    /// reverts or answers zero or less prices its risk asset at zero (the base asset at one dollar). `forActions` and
    /// `forExits` say whether an action and a cash exit could price now.
    function _viewSnapshot() internal view returns (Snapshot memory s, bool forActions, bool forExits) {
        (Config memory c, AssetConfig[] memory assets) = _settings();
        return _latestSnapshot(c, assets);
    }

    function _latestSnapshot(
        Config memory c,
        AssetConfig[] memory assets
    ) internal view returns (Snapshot memory s, bool forActions, bool forExits) {
        (s.config, s.assets, s.risk) = (c, assets, _riskAssets());
        (s.priceWad, forActions, forExits) = ViewPricesLib.latestPricesWad(
            assets,
            c.sequencerFeed,
            c.sequencerGraceSec
        );
    }

    /// @dev Whether a cash exit can price now (every feed valid, within its bounds and within the exit's staleness).
    function _cashExitPrices() internal view returns (bool forExits) {
        (, , forExits) = _viewSnapshot();
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

    /// @dev The slippage bound of a cash exit's sale of risk asset `i` (see {SwapLib-deriskSlippageBps}).
    function _exitSlippageBps(Snapshot memory s, uint256 i) internal pure returns (uint256) {
        return SwapLib.deriskSlippageBps(s.config.maxSlippageBps, s.assets[i + 1].poolFee);
    }

    /// @dev The pool leg of a trade between a risk asset and the base asset (an entry price reads its pool).
    function _leg(Snapshot memory s, Trade memory t) internal view virtual returns (SwapLib.Leg memory);
}
