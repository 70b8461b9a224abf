// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {
    IParameterRegistry,
    ParameterKind,
    ParameterRules,
    RiskDirection,
    StepKind
} from "../interfaces/IParameterRegistry.sol";

/// @title ParameterRulesLib
/// @notice Pure checks of parameter values and rules: bounds, steps, intervals, kinds and rule tightening.
/// @dev Every check reverts with the registry's custom error naming the parameter and the broken rule.
library ParameterRulesLib {
    /// @dev Basis points in one whole.
    uint256 internal constant BPS = 10_000;

    /// @notice Reverts unless `rules` are consistent for a parameter of `kind` moved in `saferDirection`.
    function validateRules(
        bytes32 key,
        ParameterKind kind,
        RiskDirection saferDirection,
        ParameterRules memory rules
    ) internal pure {
        if (kind == ParameterKind.None) revert IParameterRegistry.RulesNotApplicable(key, kind);
        if (rules.stepKind == StepKind.None && rules.maxStep != 0) {
            revert IParameterRegistry.RulesNotApplicable(key, kind);
        }
        if (kind == ParameterKind.Address) {
            bool bounded = rules.min != 0 || rules.max != 0 || rules.stepKind != StepKind.None;
            if (bounded || saferDirection != RiskDirection.None)
                revert IParameterRegistry.RulesNotApplicable(key, kind);
            return;
        }
        if (rules.min > rules.max) revert IParameterRegistry.RulesMinAboveMax(key, rules.min, rules.max);
        uint256 limit = kindLimit(kind);
        if (rules.max > limit) revert IParameterRegistry.RulesMaxAboveKindLimit(key, rules.max, limit);
    }

    /// @notice Reverts unless `value` is a value of `kind` inside the bounds of `rules`.
    /// Address values have no bounds: they only need to fit in 160 bits.
    function checkBounds(bytes32 key, ParameterKind kind, uint256 min, uint256 max, uint256 value) internal pure {
        if (kind == ParameterKind.Address) {
            if (value > type(uint160).max) revert IParameterRegistry.ParameterInvalidValue(key, value);
            return;
        }
        if (value < min) revert IParameterRegistry.ParameterBelowMin(key, value, min);
        if (value > max) revert IParameterRegistry.ParameterAboveMax(key, value, max);
    }

    /// @notice Reverts unless moving from `oldValue` to `newValue` respects the step rule.
    function checkStep(
        bytes32 key,
        StepKind stepKind,
        uint256 maxStep,
        uint256 oldValue,
        uint256 newValue
    ) internal pure {
        if (stepKind == StepKind.None) return;
        uint256 maxDelta = stepKind == StepKind.Absolute ? maxStep : mulDivDown(oldValue, maxStep, BPS);
        uint256 delta = newValue > oldValue ? newValue - oldValue : oldValue - newValue;
        if (delta > maxDelta) revert IParameterRegistry.ParameterStepTooLarge(key, oldValue, newValue, maxDelta);
    }

    /// @notice Reverts unless `minIntervalSeconds` have passed since `updatedAt`.
    function checkInterval(
        bytes32 key,
        uint256 minIntervalSeconds,
        uint48 updatedAt,
        uint256 nowSeconds
    ) internal pure {
        uint256 nextUpdateAt = uint256(updatedAt) + minIntervalSeconds;
        if (nowSeconds < nextUpdateAt) revert IParameterRegistry.ParameterUpdatedTooSoon(key, updatedAt, nextUpdateAt);
    }

    /// @notice Whether `next` allows nothing that `current` forbids: a bound, step or interval at least as strict
    /// in every respect. A change of step kind between Absolute and Relative counts as loosening, since neither
    /// implies the other; adding a step limit where there was none tightens, removing one loosens.
    function isTighterOrEqual(ParameterRules memory current, ParameterRules memory next) internal pure returns (bool) {
        if (next.min < current.min || next.max > current.max) return false;
        if (next.minIntervalSeconds < current.minIntervalSeconds) return false;
        if (current.stepKind == StepKind.None) return true;
        return next.stepKind == current.stepKind && next.maxStep <= current.maxStep;
    }

    /// @notice The highest value a kind can hold.
    function kindLimit(ParameterKind kind) internal pure returns (uint256) {
        if (kind == ParameterKind.Bps) return BPS;
        if (kind == ParameterKind.Bool) return 1;
        return type(uint128).max;
    }

    /// @notice `x * y / d`, rounded down. Callers keep `x * y` below 2^256 (values and steps are 128-bit).
    function mulDivDown(uint256 x, uint256 y, uint256 d) internal pure returns (uint256) {
        return (x * y) / d;
    }
}
