// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {ShareMathLib} from "../../contracts/vault/libraries/ShareMathLib.sol";
import {TestBase} from "../utils/Vm.sol";

/// @notice The vault's share conversions round the way their names say, and never in the caller's favour.
contract ShareMathLibTest is TestBase {
    uint256 internal constant MAX_ASSETS = 1e30;
    uint256 internal constant MAX_SHARES = 1e36;

    function _vault(uint256 totalAssets, uint256 totalShares) internal pure returns (uint256, uint256) {
        return (bound(totalAssets, 0, MAX_ASSETS), bound(totalShares, 0, MAX_SHARES));
    }

    /// Each conversion rounded up is the same conversion rounded down, or one more.
    function testFuzz_upIsDownOrOneMore(
        uint256 assets,
        uint256 shares,
        uint256 totalAssets,
        uint256 totalShares
    ) public pure {
        (totalAssets, totalShares) = _vault(totalAssets, totalShares);
        assets = bound(assets, 0, MAX_ASSETS);
        shares = bound(shares, 0, MAX_SHARES);
        uint256[2] memory down = [
            ShareMathLib.toSharesDown(assets, totalAssets, totalShares),
            ShareMathLib.toAssetsDown(shares, totalAssets, totalShares)
        ];
        uint256[2] memory up = [
            ShareMathLib.toSharesUp(assets, totalAssets, totalShares),
            ShareMathLib.toAssetsUp(shares, totalAssets, totalShares)
        ];
        for (uint256 k; k < 2; ++k) {
            assertLe(down[k], up[k], "down <= up");
            assertLe(up[k], down[k] + 1, "up <= down + 1");
        }
    }

    /// A deposit's shares, redeemed at once, pay back at most the deposit.
    function testFuzz_depositThenRedeemNeverGains(
        uint256 assets,
        uint256 totalAssets,
        uint256 totalShares
    ) public pure {
        (totalAssets, totalShares) = _vault(totalAssets, totalShares);
        assets = bound(assets, 0, MAX_ASSETS);
        uint256 shares = ShareMathLib.toSharesDown(assets, totalAssets, totalShares);
        uint256 back = ShareMathLib.toAssetsDown(shares, totalAssets + assets, totalShares + shares);
        assertLe(back, assets, "redeemed <= deposited");
    }

    /// A mint costs at least what the shares then withdraw: the shares a withdrawal of the cost burns are at least
    /// the shares minted.
    function testFuzz_mintThenWithdrawNeverGains(uint256 shares, uint256 totalAssets, uint256 totalShares) public pure {
        (totalAssets, totalShares) = _vault(totalAssets, totalShares);
        shares = bound(shares, 0, MAX_SHARES);
        uint256 cost = ShareMathLib.toAssetsUp(shares, totalAssets, totalShares);
        uint256 burned = ShareMathLib.toSharesUp(cost, totalAssets + cost, totalShares + shares);
        assertGe(burned, shares, "burned >= minted");
    }

    /// A donation before the first deposit (an inflation attack) cannot round the first deposit down to no shares
    /// unless it is a million times the deposit: the virtual shares own the donation's part.
    function testFuzz_firstDepositSurvivesDonation(uint256 assets, uint256 donation) public pure {
        assets = bound(assets, 1, 1e30);
        donation = bound(donation, 0, assets * ShareMathLib.VIRTUAL_SHARES - 2);
        assertGe(ShareMathLib.toSharesDown(assets, donation, 0), 1, "shares minted");
    }

    function test_emptyVaultPricesOneAssetAtTheVirtualShares() public pure {
        assertEq(ShareMathLib.toSharesDown(1, 0, 0), ShareMathLib.VIRTUAL_SHARES, "one wei buys 1e6 shares");
        assertEq(ShareMathLib.priceDown(0, 0, 1e18), 1e18 / ShareMathLib.VIRTUAL_SHARES, "price of one share");
        assertEq(ShareMathLib.toSharesUp(1, 2, 0), 333_334, "1e6 / 3 rounded up");
        assertEq(ShareMathLib.toSharesDown(1, 2, 0), 333_333, "1e6 / 3 rounded down");
    }
}
