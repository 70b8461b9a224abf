// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {AggregatorV3Interface} from "../oracles/interfaces/AggregatorV3Interface.sol";

/// @title DevnetFeedProxy
/// @notice A devnet stand-in for a Chainlink feed proxy (EACAggregatorProxy, without its access controller): one
/// address in front of a sequence of aggregators, one per phase. Readers call the proxy; its owner moves it to a new
/// aggregator in two steps (`proposeAggregator`, then `confirmAggregator`), which starts a new phase.
/// @dev Round ids carry the phase in their high bits, as Chainlink's do: proxy round id = (phaseId << 64) | the
/// aggregator's round id, so that ids grow across phases and any past phase's rounds stay readable. The proxy emits
/// no AnswerUpdated: its aggregators do.
contract DevnetFeedProxy is AggregatorV3Interface, Ownable2Step {
    /// @notice Thrown when confirming an aggregator other than the one proposed.
    /// @param aggregator The aggregator given.
    /// @param proposed The aggregator proposed (zero when none is).
    error FeedProxyNotProposed(address aggregator, address proposed);

    /// @notice Thrown when reading the proposed aggregator while none is proposed.
    error FeedProxyNoProposal();

    /// @notice Thrown when reading a round of a phase that has not begun (no aggregator for it).
    /// @param phaseId The round id's phase.
    error FeedProxyNoPhase(uint16 phaseId);

    uint256 private constant _PHASE_OFFSET = 64;

    uint16 private _phaseId;
    /// @notice The aggregator of each phase, from 1 to `phaseId()`.
    mapping(uint16 phaseId => AggregatorV3Interface aggregator) public phaseAggregators;
    /// @notice The aggregator proposed for the next phase, zero when none is.
    AggregatorV3Interface public proposedAggregator;

    constructor(address owner_, address aggregator_) Ownable(owner_) {
        _setAggregator(aggregator_);
    }

    // ---------------------------------------------------------------- reads

    /// @notice The current phase's aggregator.
    function aggregator() external view returns (address) {
        return address(phaseAggregators[_phaseId]);
    }

    /// @notice The current phase (1 for the first aggregator).
    function phaseId() external view returns (uint16) {
        return _phaseId;
    }

    /// @inheritdoc AggregatorV3Interface
    function decimals() external view returns (uint8) {
        return phaseAggregators[_phaseId].decimals();
    }

    /// @inheritdoc AggregatorV3Interface
    function description() external view returns (string memory) {
        return phaseAggregators[_phaseId].description();
    }

    /// @inheritdoc AggregatorV3Interface
    function version() external view returns (uint256) {
        return phaseAggregators[_phaseId].version();
    }

    /// @inheritdoc AggregatorV3Interface
    /// @dev `roundId` is a proxy round id: its phase picks the aggregator, its low 64 bits the aggregator's round.
    function getRoundData(uint80 roundId) external view returns (uint80, int256, uint256, uint256, uint80) {
        uint16 phase = uint16(roundId >> _PHASE_OFFSET);
        AggregatorV3Interface source = phaseAggregators[phase];
        if (address(source) == address(0)) revert FeedProxyNoPhase(phase);
        (uint80 id, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredIn) = source.getRoundData(
            uint64(roundId)
        );
        return _withPhase(phase, id, answer, startedAt, updatedAt, answeredIn);
    }

    /// @inheritdoc AggregatorV3Interface
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        uint16 phase = _phaseId;
        (uint80 id, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredIn) = phaseAggregators[phase]
            .latestRoundData();
        return _withPhase(phase, id, answer, startedAt, updatedAt, answeredIn);
    }

    /// @notice A round of the proposed aggregator (its own round id), to check it before confirming it.
    function proposedGetRoundData(uint80 roundId) external view returns (uint80, int256, uint256, uint256, uint80) {
        return _proposed().getRoundData(roundId);
    }

    /// @notice The proposed aggregator's latest round, to check it before confirming it.
    function proposedLatestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return _proposed().latestRoundData();
    }

    // ---------------------------------------------------------------- owner

    /// @notice Proposes `aggregator_` for the next phase (zero withdraws the proposal).
    function proposeAggregator(address aggregator_) external onlyOwner {
        proposedAggregator = AggregatorV3Interface(aggregator_);
    }

    /// @notice Moves the proxy to the proposed aggregator, `aggregator_` (named again so that a confirmation cannot
    /// take an aggregator its sender did not mean): a new phase begins.
    function confirmAggregator(address aggregator_) external onlyOwner {
        address proposed = address(proposedAggregator);
        if (aggregator_ != proposed || proposed == address(0)) revert FeedProxyNotProposed(aggregator_, proposed);
        delete proposedAggregator;
        _setAggregator(aggregator_);
    }

    // ---------------------------------------------------------------- internal

    function _setAggregator(address aggregator_) internal {
        uint16 phase = _phaseId + 1;
        _phaseId = phase;
        phaseAggregators[phase] = AggregatorV3Interface(aggregator_);
    }

    function _proposed() internal view returns (AggregatorV3Interface) {
        if (address(proposedAggregator) == address(0)) revert FeedProxyNoProposal();
        return proposedAggregator;
    }

    /// @dev An aggregator's round with its round ids moved into `phase`.
    function _withPhase(
        uint16 phase,
        uint80 roundId,
        int256 answer,
        uint256 startedAt,
        uint256 updatedAt,
        uint80 answeredInRound
    ) internal pure returns (uint80, int256, uint256, uint256, uint80) {
        return (_addPhase(phase, roundId), answer, startedAt, updatedAt, _addPhase(phase, answeredInRound));
    }

    function _addPhase(uint16 phase, uint80 aggregatorRoundId) internal pure returns (uint80) {
        return uint80((uint256(phase) << _PHASE_OFFSET) | uint64(aggregatorRoundId));
    }
}
