// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";

/// @title TrimtabToken
/// @notice The Trimtab governance token: ERC-20 with EIP-2612 permits and ERC-5805 votes on a timestamp clock.
/// @dev The whole supply is minted once, at deployment; there is no owner and no later minting.
/// Voting power counts only once delegated (to oneself or another), as with every ERC20Votes token.
contract TrimtabToken is ERC20, ERC20Permit, ERC20Votes {
    /// @param recipient Receives the whole supply.
    /// @param supply The fixed total supply, in wei (18 decimals).
    constructor(address recipient, uint256 supply) ERC20("Trimtab", "TRIM") ERC20Permit("Trimtab") {
        _mint(recipient, supply);
    }

    /// @notice The ERC-6372 clock: seconds since the epoch (block timestamp).
    function clock() public view override returns (uint48) {
        return Time.timestamp();
    }

    /// @notice The ERC-6372 clock mode: `mode=timestamp`.
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    /// @inheritdoc ERC20Permit
    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }
}
