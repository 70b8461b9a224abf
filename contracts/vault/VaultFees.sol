// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {IPortfolioVault} from "./interfaces/IPortfolioVault.sol";
import {FeeMathLib} from "./libraries/FeeMathLib.sol";
import {ShareMathLib} from "./libraries/ShareMathLib.sol";
import {VaultConfig} from "./libraries/VaultSettingsLib.sol";
import {VaultSettings} from "./VaultSettings.sol";

/// @title VaultFees
/// @notice The vault's fees, minted to the treasury as shares worth exactly the fee: a management fee per year of
/// the vault, and a performance fee on the share price's gain above its high-water mark.
abstract contract VaultFees is ERC4626, VaultSettings {
    uint256 internal constant WAD = 1e18;

    address public immutable treasury;
    uint256 internal _highWaterMarkWad;
    uint48 public lastFeeAccrualAt;

    /// @dev Fees due now, as shares to mint.
    struct PendingFees {
        uint256 nav;
        uint256 managementShares;
        uint256 performanceShares;
        uint256 performanceAssets;
        uint256 highWaterMarkWad;
    }

    /// @param treasury_ Receives the fees' shares.
    constructor(address treasury_) {
        treasury = treasury_;
        _highWaterMarkWad = WAD;
        lastFeeAccrualAt = uint48(block.timestamp);
    }

    /// @inheritdoc IPortfolioVault
    function highWaterMarkWad() external view returns (uint256) {
        return _highWaterMarkWad;
    }

    /// @dev The management fee since the last accrual and the performance fee above the high-water mark.
    function _pendingFees(VaultConfig memory c, uint256 nav) internal view returns (PendingFees memory f) {
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
    function _supplyAfterFees(VaultConfig memory c, uint256 nav) internal view returns (uint256) {
        PendingFees memory f = _pendingFees(c, nav);
        return totalSupply() + f.managementShares + f.performanceShares;
    }

    /// @dev Mints management and performance fees; returns NAV (fees are shares, so NAV is unchanged).
    function _accrueFees(VaultConfig memory c, uint256 nav) internal returns (uint256) {
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
            ShareMathLib.toAssetsDown(f.managementShares, f.nav, totalSupply()),
            f.performanceAssets,
            f.highWaterMarkWad
        );
        return f.nav;
    }

    /// @dev Management fee only, without prices: keeps in-kind redemptions fair when an oracle is down.
    function _accrueManagementFee(VaultConfig memory c) internal {
        uint256 supply = totalSupply();
        uint256 elapsed = block.timestamp - lastFeeAccrualAt;
        lastFeeAccrualAt = uint48(block.timestamp);
        if (supply == 0 || elapsed == 0) return;
        uint256 shares = FeeMathLib.managementFeeSharesDown(supply, c.managementFeeBps, elapsed);
        if (shares == 0) return;
        _mint(treasury, shares);
        emit FeesAccrued(shares, 0, 0, 0, _highWaterMarkWad);
    }

    /// @dev Sets the high-water mark and, when it moves without fees, reports it as an accrual of nothing.
    function _setHighWaterMark(uint256 markWad) internal {
        if (markWad == _highWaterMarkWad) return;
        _highWaterMarkWad = markWad;
        emit FeesAccrued(0, 0, 0, 0, markWad);
    }

    /// @dev The price of a whole share in WAD of the base asset's whole units, for `nav` and `supply`.
    function _sharePriceWad(uint256 nav, uint256 supply) internal view returns (uint256) {
        return ShareMathLib.priceDown(nav, supply, 10 ** (decimals() + 18 - _baseDecimals));
    }
}
