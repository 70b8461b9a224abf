// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {AggregatorV3Interface} from "../oracles/interfaces/AggregatorV3Interface.sol";

/// @title SettableAggregator
/// @notice A devnet stand-in for a Chainlink price feed: its owner (the devnet's oracle operator) posts answers.
/// @dev Only for local chains, where no Chainlink network exists. Keeps every round, like a real aggregator.
contract SettableAggregator is AggregatorV3Interface, Ownable {
    struct Round {
        int256 answer;
        uint64 updatedAt;
    }

    /// @notice Emitted when a new answer is posted (Chainlink's AnswerUpdated shape).
    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);

    /// @notice Thrown when reading a round that does not exist.
    error SettableAggregatorNoRound(uint80 roundId);

    uint8 public immutable decimals;
    string public description;
    // solhint-disable-next-line const-name-snakecase
    uint256 public constant version = 1;
    uint80 private _latestRound;
    mapping(uint80 roundId => Round) private _rounds;

    constructor(address owner_, uint8 decimals_, string memory description_, int256 initialAnswer) Ownable(owner_) {
        decimals = decimals_;
        description = description_;
        _post(initialAnswer, block.timestamp);
    }

    /// @notice Posts `answer` as the latest round, stamped now.
    function setAnswer(int256 answer) external onlyOwner {
        _post(answer, block.timestamp);
    }

    /// @notice Posts `answer` stamped `updatedAt` (to simulate a stale feed in tests and scenarios).
    function setAnswerAt(int256 answer, uint256 updatedAt) external onlyOwner {
        _post(answer, updatedAt);
    }

    /// @inheritdoc AggregatorV3Interface
    function getRoundData(uint80 roundId) external view returns (uint80, int256, uint256, uint256, uint80) {
        Round memory r = _rounds[roundId];
        if (r.updatedAt == 0) revert SettableAggregatorNoRound(roundId);
        return (roundId, r.answer, r.updatedAt, r.updatedAt, roundId);
    }

    /// @inheritdoc AggregatorV3Interface
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        uint80 id = _latestRound;
        Round memory r = _rounds[id];
        return (id, r.answer, r.updatedAt, r.updatedAt, id);
    }

    function _post(int256 answer, uint256 updatedAt) internal {
        uint80 id = ++_latestRound;
        _rounds[id] = Round(answer, uint64(updatedAt));
        emit AnswerUpdated(answer, id, updatedAt);
    }
}
