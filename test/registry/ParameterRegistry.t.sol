// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {ParameterRegistry} from "../../contracts/registry/ParameterRegistry.sol";
import {
    ParameterDefinition,
    ParameterInfo,
    ParameterKind,
    ParameterRules,
    ParameterUpdate,
    RiskDirection,
    StepKind
} from "../../contracts/registry/interfaces/IParameterRegistry.sol";
import {TestBase} from "../utils/Vm.sol";

/// @notice Builds a small registry covering each kind and step rule; the test contract is its governance.
abstract contract RegistryFixture is TestBase {
    ParameterRegistry internal registry;
    address internal constant GUARDIAN = address(0x6A);
    bytes32[] internal keys;

    function _deploy(address governance) internal {
        ParameterDefinition[] memory d = new ParameterDefinition[](5);
        d[0] = _def(
            "registry.rulesDelay",
            ParameterKind.Seconds,
            RiskDirection.Higher,
            2 days,
            1 days,
            30 days,
            StepKind.Absolute,
            7 days,
            0
        );
        d[1] = _def(
            "rebalance.bandBps",
            ParameterKind.Bps,
            RiskDirection.None,
            500,
            100,
            2_000,
            StepKind.Absolute,
            250,
            1 days
        );
        d[2] = _def(
            "rebalance.minIntervalSec",
            ParameterKind.Seconds,
            RiskDirection.None,
            1 days,
            1 hours,
            7 days,
            StepKind.Relative,
            5_000,
            1 days
        );
        d[3] = _def(
            "caps.depositCap",
            ParameterKind.Amount,
            RiskDirection.Lower,
            10e12,
            0,
            1e15,
            StepKind.None,
            0,
            6 hours
        );
        d[4] = _def("pause.deposits", ParameterKind.Bool, RiskDirection.Higher, 0, 0, 1, StepKind.None, 0, 0);
        registry = new ParameterRegistry(governance, GUARDIAN, uint48(block.timestamp + 365 days), d);
        for (uint256 i; i < d.length; ++i) keys.push(d[i].key);
    }

    function _def(
        bytes32 key,
        ParameterKind kind,
        RiskDirection direction,
        uint256 value,
        uint128 min,
        uint128 max,
        StepKind stepKind,
        uint128 maxStep,
        uint32 interval
    ) internal pure returns (ParameterDefinition memory) {
        return ParameterDefinition(key, kind, direction, value, ParameterRules(min, max, stepKind, maxStep, interval));
    }
}

/// @notice Stateless fuzzing of single updates against each rule.
contract SetParameterFuzzTest is RegistryFixture {
    function setUp() public {
        _deploy(address(this));
    }

    /// @notice Any value, at any time: the update is accepted exactly when every rule holds.
    function testFuzzSetParameterAcceptsExactlyTheValuesWithinRules(
        uint256 keySeed,
        uint256 value,
        uint256 elapsed
    ) public {
        bytes32 key = keys[bound(keySeed, 0, keys.length - 1)];
        elapsed = bound(elapsed, 0, 10 days);
        vm.warp(block.timestamp + elapsed);
        ParameterInfo memory before = registry.parameter(key);
        value = bound(value, 0, uint256(before.rules.max) * 2 + 10);

        bool allowed =
            value != before.value &&
                value >= before.rules.min &&
                value <= before.rules.max &&
                _delta(before.value, value) <= _maxDelta(before) &&
                block.timestamp >= uint256(before.updatedAt) + before.rules.minIntervalSeconds;

        try registry.setParameter(key, value) {
            assertEq(allowed ? 1 : 0, 1, "an update breaking a rule was accepted");
            assertEq(registry.valueOf(key), value, "accepted value not stored");
        } catch {
            assertEq(allowed ? 1 : 0, 0, "an update within every rule was refused");
            assertEq(registry.valueOf(key), before.value, "refused update changed the value");
        }
    }

    function _delta(uint256 a, uint256 b) internal pure returns (uint256) {
        return a > b ? a - b : b - a;
    }

    function _maxDelta(ParameterInfo memory p) internal pure returns (uint256) {
        if (p.rules.stepKind == StepKind.None) return type(uint256).max;
        if (p.rules.stepKind == StepKind.Absolute) return p.rules.maxStep;
        return (p.value * p.rules.maxStep) / 10_000;
    }
}

/// @notice Drives the registry as governance and guardian through random sequences; records rule breaches.
contract RegistryHandler is TestBase {
    ParameterRegistry public registry;
    address public immutable guardian;
    bytes32[] public keys;
    /// @notice Count of accepted updates that broke a step or interval rule (must stay zero).
    uint256 public ruleBreaches;
    uint256 public acceptedUpdates;

    constructor(address guardian_) {
        guardian = guardian_;
    }

    /// @notice Points the handler at the registry it governs (once, before fuzzing).
    function bind(ParameterRegistry registry_, bytes32[] memory keys_) external {
        require(address(registry) == address(0), "bound");
        registry = registry_;
        keys = keys_;
    }

    function setParameter(uint256 keySeed, uint256 value, uint256 elapsed) external {
        vm.warp(block.timestamp + bound(elapsed, 0, 3 days));
        bytes32 key = keys[bound(keySeed, 0, keys.length - 1)];
        ParameterInfo memory before = registry.parameter(key);
        value = bound(value, 0, uint256(before.rules.max) + 1_000);
        // Governance's step and interval count from its baseline, which the guardian's moves leave in place.
        (uint256 baseValue, uint48 baseAt) = registry.governanceBaseline(key);
        try registry.setParameter(key, value) {
            _recordUpdate(before.rules, baseValue, baseAt, value);
        } catch {}
    }

    function tighten(uint256 keySeed, uint256 value, uint256 elapsed) external {
        vm.warp(block.timestamp + bound(elapsed, 0, 3 days));
        bytes32 key = keys[bound(keySeed, 0, keys.length - 1)];
        ParameterInfo memory before = registry.parameter(key);
        ParameterUpdate[] memory updates = new ParameterUpdate[](1);
        updates[0] = ParameterUpdate(key, bound(value, 0, uint256(before.rules.max) + 1_000));
        vm.prank(guardian);
        try registry.tighten(updates) {
            _recordUpdate(before.rules, before.value, before.updatedAt, updates[0].value);
        } catch {}
    }

    function setRules(
        uint256 keySeed,
        uint128 min,
        uint128 max,
        uint8 stepKind,
        uint128 maxStep,
        uint32 interval
    ) external {
        bytes32 key = keys[bound(keySeed, 0, keys.length - 1)];
        ParameterRules memory rules = ParameterRules(
            uint128(bound(min, 0, 2e15)),
            uint128(bound(max, 0, 2e15)),
            StepKind(bound(stepKind, 0, 2)),
            uint128(bound(maxStep, 0, 1e15)),
            uint32(bound(interval, 0, 10 days))
        );
        if (rules.stepKind == StepKind.None) rules.maxStep = 0;
        try registry.setRules(key, rules) {} catch {}
    }

    function acceptRules(uint256 keySeed, uint256 elapsed) external {
        vm.warp(block.timestamp + bound(elapsed, 0, 10 days));
        try registry.acceptRules(keys[bound(keySeed, 0, keys.length - 1)]) {} catch {}
    }

    function _recordUpdate(ParameterRules memory rules, uint256 from, uint48 fromTime, uint256 value) internal {
        ++acceptedUpdates;
        uint256 delta = value > from ? value - from : from - value;
        bool stepOk =
            rules.stepKind == StepKind.None ||
                (rules.stepKind == StepKind.Absolute && delta <= rules.maxStep) ||
                (rules.stepKind == StepKind.Relative && delta * 10_000 <= from * rules.maxStep);
        bool intervalOk = block.timestamp >= uint256(fromTime) + rules.minIntervalSeconds;
        if (!stepOk || !intervalOk) ++ruleBreaches;
    }
}

/// @notice Random sequences of updates, rule changes and guardian actions never leave a value outside its rules.
contract RegistryInvariantTest is RegistryFixture {
    RegistryHandler internal handler;

    function setUp() public {
        // The handler acts as governance (and pranks as the guardian).
        handler = new RegistryHandler(GUARDIAN);
        _deploy(address(handler));
        handler.bind(registry, keys);

        bytes4[] memory selectors = new bytes4[](4);
        selectors[0] = RegistryHandler.setParameter.selector;
        selectors[1] = RegistryHandler.tighten.selector;
        selectors[2] = RegistryHandler.setRules.selector;
        selectors[3] = RegistryHandler.acceptRules.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector(address(handler), selectors));
    }

    /// @notice Every value lies within its parameter's current min and max.
    function invariantValuesWithinBounds() public view {
        for (uint256 i; i < keys.length; ++i) {
            ParameterInfo memory p = registry.parameter(keys[i]);
            assertGe(p.value, p.rules.min, "value below min");
            assertLe(p.value, p.rules.max, "value above max");
        }
    }

    /// @notice No accepted update broke its step or interval rule.
    function invariantNoAcceptedUpdateBrokeARule() public view {
        assertEq(handler.ruleBreaches(), 0, "accepted updates breaking step or interval");
    }

    /// @notice Rules stay consistent: min <= max within the kind's limit.
    function invariantRulesConsistent() public view {
        for (uint256 i; i < keys.length; ++i) {
            ParameterInfo memory p = registry.parameter(keys[i]);
            assertLe(p.rules.min, p.rules.max, "min above max");
            if (p.kind == ParameterKind.Bps) assertLe(p.rules.max, 10_000, "bps max above 10,000");
            if (p.kind == ParameterKind.Bool) assertLe(p.rules.max, 1, "bool max above 1");
        }
    }
}
