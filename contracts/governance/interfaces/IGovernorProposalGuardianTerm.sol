// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IGovernorProposalGuardianTerm
/// @notice A term for OpenZeppelin's proposal guardian, and a limit on what it may cancel.
/// @dev Until `proposalGuardianExpiresAt` the proposal guardian may cancel any proposal except one that changes
/// guardians; from then on `proposalGuardian()` reads zero and cancelling falls back to OpenZeppelin's behaviour
/// without a guardian: only the proposer cancels its own proposals. Only governance moves the expiry.
interface IGovernorProposalGuardianTerm {
    /// @notice Emitted when the proposal guardian's expiry changes (at deployment, then only by proposal).
    /// @param oldExpiresAt The expiry before (zero at deployment).
    /// @param newExpiresAt The new expiry (seconds since the epoch).
    event ProposalGuardianExpirySet(uint48 oldExpiresAt, uint48 newExpiresAt);

    /// @notice Thrown when the proposal guardian tries to cancel a proposal that changes guardians: it calls
    /// `setProposalGuardian`, `setProposalGuardianExpiry` or the parameter registry's `setGuardian` directly.
    /// @param proposalId The proposal.
    /// @param index The position of the guardian-changing call among the proposal's calls.
    /// @param selector That call's function selector.
    error GovernorGuardianCannotCancelGuardianChange(uint256 proposalId, uint256 index, bytes4 selector);

    /// @notice When the proposal guardian's power to cancel ends (seconds since the epoch).
    function proposalGuardianExpiresAt() external view returns (uint48);

    /// @notice Sets when the proposal guardian's power to cancel ends; a time not in the future ends it now.
    /// @dev Only governance (a proposal executed through the timelock). Emits `ProposalGuardianExpirySet`.
    function setProposalGuardianExpiry(uint48 expiresAt) external;
}
