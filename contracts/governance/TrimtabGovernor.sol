// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {GovernorCountingSimple} from "@openzeppelin/contracts/governance/extensions/GovernorCountingSimple.sol";
import {GovernorPreventLateQuorum} from "@openzeppelin/contracts/governance/extensions/GovernorPreventLateQuorum.sol";
import {GovernorProposalGuardian} from "@openzeppelin/contracts/governance/extensions/GovernorProposalGuardian.sol";
import {GovernorSettings} from "@openzeppelin/contracts/governance/extensions/GovernorSettings.sol";
import {GovernorTimelockControl} from "@openzeppelin/contracts/governance/extensions/GovernorTimelockControl.sol";
import {GovernorVotes} from "@openzeppelin/contracts/governance/extensions/GovernorVotes.sol";
import {GovernorVotesQuorumFraction} from "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IParameterRegistry} from "../registry/interfaces/IParameterRegistry.sol";
import {GovernorProposalGuardianTerm} from "./extensions/GovernorProposalGuardianTerm.sol";

/// @title TrimtabGovernor
/// @notice The Trimtab DAO: an OpenZeppelin 5 Governor whose proposals execute through a TimelockController.
/// @dev Composed of OpenZeppelin extensions and one of Trimtab's that keeps their signatures (it only adds a function
/// and an event), so Governor indexers (Tally, OpenZeppelin's subgraphs) read it as any OZ Governor:
/// - GovernorSettings: voting delay, voting period and proposal threshold, changed only by proposal;
/// - GovernorCountingSimple: For / Against / Abstain, with Abstain counting toward quorum;
/// - GovernorVotes + GovernorVotesQuorumFraction: votes from the token's checkpoints at the proposal snapshot,
///   quorum a fraction of the past total supply;
/// - GovernorTimelockControl: queued in and executed by the timelock, which owns the protocol;
/// - GovernorPreventLateQuorum: a vote that reaches quorum late extends the deadline;
/// - GovernorProposalGuardian: a guardian that can only cancel proposals, with GovernorProposalGuardianTerm: until
///   an expiry only governance moves, and never a proposal that changes guardians (here or in the registry).
/// The clock is the token's (timestamps), so every duration here is in seconds.
contract TrimtabGovernor is
    Governor,
    GovernorSettings,
    GovernorCountingSimple,
    GovernorVotes,
    GovernorVotesQuorumFraction,
    GovernorTimelockControl,
    GovernorPreventLateQuorum,
    GovernorProposalGuardianTerm
{
    /// @notice The governor's settings at deployment; all of them change later only by proposal.
    /// @param votingDelaySeconds Time between a proposal and the start of its vote (the snapshot).
    /// @param votingPeriodSeconds Length of the vote.
    /// @param proposalThreshold Voting power (token wei) needed to propose.
    /// @param quorumNumerator Quorum as a percentage of the total supply at the snapshot (denominator 100).
    /// @param lateQuorumExtensionSeconds Minimum time left to vote after quorum is reached.
    /// @param proposalGuardian The address that may cancel any proposal (zero: proposers cancel their own).
    /// @param proposalGuardianTermSeconds How long from deployment the proposal guardian may cancel; then only
    /// governance extends it (`setProposalGuardianExpiry`).
    struct Settings {
        uint48 votingDelaySeconds;
        uint32 votingPeriodSeconds;
        uint256 proposalThreshold;
        uint256 quorumNumerator;
        uint48 lateQuorumExtensionSeconds;
        address proposalGuardian;
        uint48 proposalGuardianTermSeconds;
    }

    constructor(
        IVotes token,
        TimelockController timelock,
        Settings memory settings
    )
        Governor("Trimtab Governor")
        GovernorSettings(settings.votingDelaySeconds, settings.votingPeriodSeconds, settings.proposalThreshold)
        GovernorVotes(token)
        GovernorVotesQuorumFraction(settings.quorumNumerator)
        GovernorTimelockControl(timelock)
        GovernorPreventLateQuorum(settings.lateQuorumExtensionSeconds)
        GovernorProposalGuardianTerm(settings.proposalGuardianTermSeconds)
    {
        _setProposalGuardian(settings.proposalGuardian);
    }

    // The overrides below only resolve Solidity's multiple inheritance; each calls the linearised parents.

    function votingDelay() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.votingDelay();
    }

    function votingPeriod() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.votingPeriod();
    }

    function proposalThreshold() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.proposalThreshold();
    }

    function quorum(uint256 timepoint) public view override(Governor, GovernorVotesQuorumFraction) returns (uint256) {
        return super.quorum(timepoint);
    }

    function state(uint256 proposalId) public view override(Governor, GovernorTimelockControl) returns (ProposalState) {
        return super.state(proposalId);
    }

    function proposalNeedsQueuing(
        uint256 proposalId
    ) public view override(Governor, GovernorTimelockControl) returns (bool) {
        return super.proposalNeedsQueuing(proposalId);
    }

    function proposalDeadline(
        uint256 proposalId
    ) public view override(Governor, GovernorPreventLateQuorum) returns (uint256) {
        return super.proposalDeadline(proposalId);
    }

    /// @dev The registry's guardian, too, is changed only by a proposal the proposal guardian cannot cancel.
    function _isGuardianChange(bytes4 selector) internal view override returns (bool) {
        return selector == IParameterRegistry.setGuardian.selector || super._isGuardianChange(selector);
    }

    function _tallyUpdated(uint256 proposalId) internal override(Governor, GovernorPreventLateQuorum) {
        super._tallyUpdated(proposalId);
    }

    function _validateCancel(
        uint256 proposalId,
        address caller
    ) internal view override(Governor, GovernorProposalGuardian) returns (bool) {
        return super._validateCancel(proposalId, caller);
    }

    function _queueOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint48) {
        return super._queueOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _executeOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) {
        super._executeOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) public override(Governor, GovernorProposalGuardianTerm) returns (uint256) {
        return super.cancel(targets, values, calldatas, descriptionHash);
    }

    function _cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint256) {
        return super._cancel(targets, values, calldatas, descriptionHash);
    }

    function _executor() internal view override(Governor, GovernorTimelockControl) returns (address) {
        return super._executor();
    }
}
