// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {VaultAssetConfig, VaultConfig} from "./VaultSettingsLib.sol";

/// @notice A risk asset of the vault: its token, its decimals and its registry symbol.
/// @dev Plain types (an address, not IERC20): linked libraries take it, and their ABIs would name a contract type
/// by its Solidity name, which ABI tools reject.
struct VaultRiskAsset {
    address token;
    uint8 decimals;
    bytes11 symbol;
}

/// @notice The modules' positions (zero for a module not in place): the collateral manager's collateral and debt, the
/// hedge's collateral and short. `read` is false until they are read.
struct VaultPositions {
    bool read;
    address collateralToken;
    uint256 collateral;
    uint256 debt;
    address hedgeCollateralToken;
    uint256 hedgeCollateral;
    address shortToken;
    uint256 short;
}

/// @notice What a vault action reads once: the settings, each asset's settings (base first), the risk assets, and
/// each risk asset's oracle price in the base asset (see {PriceLib}). An entry's also holds each pool's price once
/// read (zero until then); empty for every other action. The modules' positions are read when first needed, and
/// read again after an exit's releases changed them.
struct VaultSnapshot {
    VaultConfig config;
    VaultAssetConfig[] assets;
    VaultRiskAsset[] risk;
    uint256[] priceWad;
    uint256[] poolPriceWad;
    VaultPositions positions;
}

/// @notice A module's part in a redemption: `repaid` of its debt token from the redeemer's amounts (at `debtIndex`),
/// `released` of its collateral back into them (at `collateralIndex`).
struct VaultRelease {
    address module;
    address debtToken;
    uint256 debtIndex;
    uint256 collateralIndex;
    uint256 repaid;
    uint256 released;
}

/// @notice What a redemption takes: every token (base first), the redeemer's amount of each once the modules'
/// releases are counted in, and those releases (the collateral manager's, then the hedge's).
struct VaultExitPlan {
    address[] tokens;
    uint256[] amounts;
    VaultRelease[2] releases;
}
