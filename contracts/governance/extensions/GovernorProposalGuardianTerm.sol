// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {GovernorProposalGuardian} from "@openzeppelin/contracts/governance/extensions/GovernorProposalGuardian.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {IGovernorProposalGuardianTerm} from "../interfaces/IGovernorProposalGuardianTerm.sol";

/// @title GovernorProposalGuardianTerm
/// @notice OpenZeppelin's proposal guardian with an expiry, unable to cancel a proposal that changes guardians.
/// @dev See {IGovernorProposalGuardianTerm}. Keeps every OpenZeppelin signature: `proposalGuardian()` reads zero
/// once the term ends, so OpenZeppelin's own cancel rules apply. Only direct calls are recognised as guardian
/// changes: the same call wrapped in `relay`, a timelock operation or a multicall is not.
abstract contract GovernorProposalGuardianTerm is GovernorProposalGuardian, IGovernorProposalGuardianTerm {
    uint48 private _proposalGuardianExpiresAt;

    /// @param termSeconds How long, from deployment, the proposal guardian may cancel.
    constructor(uint48 termSeconds) {
        _setProposalGuardianExpiry(Time.timestamp() + termSeconds);
    }

    /// @inheritdoc IGovernorProposalGuardianTerm
    function proposalGuardianExpiresAt() public view virtual returns (uint48) {
        return _proposalGuardianExpiresAt;
    }

    /// @inheritdoc IGovernorProposalGuardianTerm
    function setProposalGuardianExpiry(uint48 expiresAt) public virtual onlyGovernance {
        _setProposalGuardianExpiry(expiresAt);
    }

    /// @notice The proposal guardian while its term lasts; zero once it has ended.
    function proposalGuardian() public view virtual override returns (address) {
        return Time.timestamp() < _proposalGuardianExpiresAt ? super.proposalGuardian() : address(0);
    }

    /// @notice Cancels a proposal, as OpenZeppelin's Governor does, except that the proposal guardian cannot
    /// cancel a proposal with a direct call that changes guardians (`GovernorGuardianCannotCancelGuardianChange`).
    function cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) public virtual override returns (uint256) {
        address guardian = proposalGuardian();
        if (guardian != address(0) && _msgSender() == guardian) {
            for (uint256 i; i < calldatas.length; ++i) {
                bytes4 selector = bytes4(calldatas[i]);
                if (_isGuardianChange(selector)) {
                    uint256 proposalId = getProposalId(targets, values, calldatas, descriptionHash);
                    revert GovernorGuardianCannotCancelGuardianChange(proposalId, i, selector);
                }
            }
        }
        return super.cancel(targets, values, calldatas, descriptionHash);
    }

    /// @dev Whether a call with `selector` changes a guardian; extend it for the guardians of other contracts.
    function _isGuardianChange(bytes4 selector) internal view virtual returns (bool) {
        return
            selector == GovernorProposalGuardian.setProposalGuardian.selector ||
            selector == IGovernorProposalGuardianTerm.setProposalGuardianExpiry.selector;
    }

    function _setProposalGuardianExpiry(uint48 expiresAt) internal virtual {
        emit ProposalGuardianExpirySet(_proposalGuardianExpiresAt, expiresAt);
        _proposalGuardianExpiresAt = expiresAt;
    }
}
