// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {ParameterRegistry} from "../../contracts/registry/ParameterRegistry.sol";
import {
    IParameterRegistry,
    ParameterDefinition,
    ParameterInfo,
    ParameterKind,
    ParameterRules,
    ParameterUpdate,
    PendingRules,
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

/// @notice A value changes at most once per transaction, whoever changes it and however the calls are split.
contract SetParametersIntegrationTest is RegistryFixture {
    bytes32 internal constant RULES_DELAY = "registry.rulesDelay";

    function setUp() public {
        _deploy(address(this));
    }

    function testSetParametersDuplicateKeyReverts() public {
        ParameterUpdate[] memory updates = new ParameterUpdate[](2);
        updates[0] = ParameterUpdate(RULES_DELAY, 9 days);
        updates[1] = ParameterUpdate(RULES_DELAY, 16 days);
        vm.expectRevert(abi.encodeWithSelector(IParameterRegistry.ParameterAlreadyUpdated.selector, RULES_DELAY));
        registry.setParameters(updates);
    }

    function testSetParameterTwiceInOneTransactionReverts() public {
        registry.setParameter(RULES_DELAY, 9 days);
        vm.expectRevert(abi.encodeWithSelector(IParameterRegistry.ParameterAlreadyUpdated.selector, RULES_DELAY));
        registry.setParameter(RULES_DELAY, 16 days);
    }

    function testTightenAfterGovernanceInOneTransactionReverts() public {
        registry.setParameter(RULES_DELAY, 9 days);
        ParameterUpdate[] memory updates = new ParameterUpdate[](1);
        updates[0] = ParameterUpdate(RULES_DELAY, 16 days);
        vm.prank(GUARDIAN);
        vm.expectRevert(abi.encodeWithSelector(IParameterRegistry.ParameterAlreadyUpdated.selector, RULES_DELAY));
        registry.tighten(updates);
    }
}

/// @notice Drives the registry as governance and as the guardian through random sequences, keeping its own record
/// (ghost state) of governance's baselines, pending loosenings and the guardian's mandate, and counting every
/// accepted action that breaks a promise. Every handler catches the registry's reverts (fail-on-revert stays on).
contract RegistryHandler is TestBase {
    uint256 internal constant ACCEPTANCE_WINDOW = 14 days;
    bytes32 internal constant RULES_DELAY = "registry.rulesDelay";

    ParameterRegistry public registry;
    address public immutable guardian;
    bytes32[] public keys;

    /// @notice Governance updates that moved a value more than one max step from governance's baseline, or before
    /// the min interval from it.
    uint256 public governanceBreaches;
    /// @notice Guardian updates against its safer direction, its step or interval from the current value, or after
    /// its expiry.
    uint256 public guardianBreaches;
    /// @notice Loosenings applied before their delay or after their acceptance window.
    uint256 public looseningBreaches;
    /// @notice Second changes of one value in one transaction that were accepted.
    uint256 public repeatBreaches;
    /// @notice Times the registry's `governanceBaseline` differed from the handler's record.
    uint256 public baselineMismatches;

    /// @notice Calls accepted per handler, to see what a campaign covered.
    mapping(bytes4 selector => uint256) public accepted;

    /// @dev Governance's baseline as the handler records it: set on additions and governance's updates only.
    mapping(bytes32 key => uint256) internal _baseValue;
    mapping(bytes32 key => uint256) internal _baseAt;
    /// @dev When a submitted loosening is due, computed from the delay at submission (zero: none pending).
    mapping(bytes32 key => uint256) internal _dueAt;
    /// @dev The guardian's mandate as governance last set it.
    bool internal _guardianSet = true;
    uint256 internal _guardianExpiresAt;

    constructor(address guardian_) {
        guardian = guardian_;
    }

    /// @notice Points the handler at the registry it governs (once, before fuzzing).
    function bind(ParameterRegistry registry_, bytes32[] memory keys_) external {
        require(address(registry) == address(0), "bound");
        registry = registry_;
        keys = keys_;
        _guardianExpiresAt = registry_.guardianExpiresAt();
        for (uint256 i; i < keys_.length; ++i) {
            ParameterInfo memory p = registry_.parameter(keys_[i]);
            (_baseValue[keys_[i]], _baseAt[keys_[i]]) = (p.value, p.updatedAt);
        }
    }

    /* GOVERNANCE */

    function setParameter(uint256 keySeed, uint256 value, uint256 elapsed) external {
        _warp(elapsed, 3 days);
        bytes32 key = _key(keySeed);
        value = _value(key, value);
        ParameterRules memory rules = registry.parameter(key).rules;
        try registry.setParameter(key, value) {
            _recordGovernanceUpdate(key, rules, value);
            ++accepted[msg.sig];
        } catch {}
    }

    /// @notice A batch of two or three entries; `duplicate` repeats the first key as the last (it must revert).
    function setParameters(uint256 keySeed, uint256[3] memory values, uint256 size, bool duplicate) external {
        ParameterUpdate[] memory updates = _batch(keySeed, values, bound(size, 2, 3), duplicate);
        ParameterRules[] memory rules = new ParameterRules[](updates.length);
        for (uint256 i; i < updates.length; ++i) rules[i] = registry.parameter(updates[i].key).rules;
        try registry.setParameters(updates) {
            if (_hasDuplicate(updates)) ++repeatBreaches;
            for (uint256 i; i < updates.length; ++i)
                _recordGovernanceUpdate(updates[i].key, rules[i], updates[i].value);
            ++accepted[msg.sig];
        } catch {}
    }

    /// @notice Two calls in one transaction, as two calls of one proposal: the second must revert.
    function setParameterTwice(uint256 keySeed, uint256 first, uint256 second, uint256 elapsed) external {
        _warp(elapsed, 3 days);
        bytes32 key = _key(keySeed);
        ParameterRules memory rules = registry.parameter(key).rules;
        first = _value(key, first);
        try registry.setParameter(key, first) {
            _recordGovernanceUpdate(key, rules, first);
            ++accepted[msg.sig];
        } catch {
            return;
        }
        try registry.setParameter(key, _value(key, second)) {
            ++repeatBreaches;
        } catch (bytes memory reason) {
            if (bytes4(reason) != IParameterRegistry.ParameterAlreadyUpdated.selector) ++repeatBreaches;
        }
    }

    /// @notice Submits rules: `mode` 0 tightens around the current value, 1 loosens, 2 draws them at random.
    function setRules(uint256 keySeed, uint8 mode, uint256[5] memory seeds) external {
        bytes32 key = _key(keySeed);
        ParameterInfo memory p = registry.parameter(key);
        ParameterRules memory rules =
            mode % 3 == 0 ? _tighter(p, seeds) : (mode % 3 == 1 ? _looser(p, seeds) : _random(seeds));
        uint256 delay = registry.valueOf(RULES_DELAY);
        try registry.setRules(key, rules) {
            PendingRules memory pending = registry.pendingRules(key);
            _dueAt[key] = pending.executableAt == 0 ? 0 : block.timestamp + delay;
            ++accepted[msg.sig];
        } catch {}
    }

    /// @notice Anyone accepts a pending loosening, before or after its delay, or after its window.
    function acceptRules(uint256 keySeed, uint256 elapsed) external {
        _warp(elapsed, 20 days);
        bytes32 key = _key(keySeed);
        uint256 dueAt = _dueAt[key];
        try registry.acceptRules(key) {
            bool inWindow = dueAt != 0 && block.timestamp >= dueAt && block.timestamp < dueAt + ACCEPTANCE_WINDOW;
            if (!inWindow) ++looseningBreaches;
            _dueAt[key] = 0;
            ++accepted[msg.sig];
        } catch {}
    }

    /// @notice Governance or the guardian revokes a pending loosening.
    function revokePendingRules(uint256 keySeed, bool byGuardian) external {
        bytes32 key = _key(keySeed);
        if (byGuardian) vm.prank(guardian);
        try registry.revokePendingRules(key) {
            _dueAt[key] = 0;
            ++accepted[msg.sig];
        } catch {}
    }

    /// @notice Governance appoints the guardian again for up to 60 days, or removes it.
    function setGuardian(uint256 term, bool remove) external {
        uint256 expiresAt = block.timestamp + bound(term, 1, 60 days);
        try registry.setGuardian(remove ? address(0) : guardian, uint48(expiresAt)) {
            (_guardianSet, _guardianExpiresAt) = (!remove, expiresAt);
            ++accepted[msg.sig];
        } catch {}
    }

    /* GUARDIAN */

    /// @notice The guardian tightens one to three entries (`duplicate` repeats the first key as the last).
    function tighten(
        uint256 keySeed,
        uint256[3] memory values,
        uint256 size,
        bool duplicate,
        uint256 elapsed
    ) external {
        _warp(elapsed, 3 days);
        ParameterUpdate[] memory updates = _batch(keySeed, values, bound(size, 1, 3), duplicate);
        ParameterInfo[] memory before = new ParameterInfo[](updates.length);
        for (uint256 i; i < updates.length; ++i) before[i] = registry.parameter(updates[i].key);
        vm.prank(guardian);
        try registry.tighten(updates) {
            if (_hasDuplicate(updates)) ++repeatBreaches;
            if (!_guardianSet || block.timestamp >= _guardianExpiresAt) ++guardianBreaches;
            for (uint256 i; i < updates.length; ++i) _checkGuardianUpdate(before[i], updates[i].value);
            ++accepted[msg.sig];
        } catch {}
    }

    /// @notice Time passes with nobody acting (expiries, delays, windows).
    function warp(uint256 elapsed) external {
        _warp(elapsed, 30 days);
    }

    /* CHECKS */

    /// @notice Whether the registry's `governanceBaseline` agrees with the handler's record for every key.
    function baselinesMatch() external view returns (bool) {
        for (uint256 i; i < keys.length; ++i) {
            (uint256 value, uint48 updatedAt) = registry.governanceBaseline(keys[i]);
            if (value != _baseValue[keys[i]] || updatedAt != _baseAt[keys[i]]) return false;
        }
        return true;
    }

    function _recordGovernanceUpdate(bytes32 key, ParameterRules memory rules, uint256 value) internal {
        uint256 from = _baseValue[key];
        bool intervalOk = block.timestamp >= _baseAt[key] + rules.minIntervalSeconds;
        if (!_withinStep(rules, from, value) || !intervalOk) ++governanceBreaches;
        (_baseValue[key], _baseAt[key]) = (value, block.timestamp);
    }

    function _checkGuardianUpdate(ParameterInfo memory before, uint256 value) internal {
        bool safer =
            (before.saferDirection == RiskDirection.Lower && value < before.value) ||
                (before.saferDirection == RiskDirection.Higher && value > before.value);
        bool intervalOk = block.timestamp >= uint256(before.updatedAt) + before.rules.minIntervalSeconds;
        if (!safer || !intervalOk || !_withinStep(before.rules, before.value, value)) ++guardianBreaches;
    }

    function _withinStep(ParameterRules memory rules, uint256 from, uint256 to) internal pure returns (bool) {
        uint256 delta = to > from ? to - from : from - to;
        if (rules.stepKind == StepKind.Absolute) return delta <= rules.maxStep;
        if (rules.stepKind == StepKind.Relative) return delta * 10_000 <= from * rules.maxStep;
        return true;
    }

    /* INPUTS */

    function _warp(uint256 elapsed, uint256 max) internal {
        vm.warp(block.timestamp + bound(elapsed, 0, max));
    }

    function _key(uint256 seed) internal view returns (bytes32) {
        return keys[bound(seed, 0, keys.length - 1)];
    }

    /// @dev A value near the parameter's range: within it mostly, a little outside sometimes.
    function _value(bytes32 key, uint256 seed) internal view returns (uint256) {
        return bound(seed, 0, uint256(registry.parameter(key).rules.max) + 1_000);
    }

    function _batch(
        uint256 keySeed,
        uint256[3] memory values,
        uint256 size,
        bool duplicate
    ) internal view returns (ParameterUpdate[] memory updates) {
        updates = new ParameterUpdate[](size);
        for (uint256 i; i < size; ++i) {
            bytes32 key = _key(keySeed / (i * 7 + 1));
            if (duplicate && i > 0 && i == size - 1) key = updates[0].key;
            updates[i] = ParameterUpdate(key, _value(key, values[i]));
        }
    }

    function _hasDuplicate(ParameterUpdate[] memory updates) internal pure returns (bool) {
        for (uint256 i; i < updates.length; ++i) {
            for (uint256 j = i + 1; j < updates.length; ++j) if (updates[i].key == updates[j].key) return true;
        }
        return false;
    }

    function _tighter(ParameterInfo memory p, uint256[5] memory seeds) internal pure returns (ParameterRules memory r) {
        r = p.rules;
        r.min = uint128(bound(seeds[0], r.min, p.value));
        r.max = uint128(bound(seeds[1], p.value, r.max));
        if (r.stepKind != StepKind.None) r.maxStep = uint128(bound(seeds[2], 0, r.maxStep));
        r.minIntervalSeconds = uint32(bound(seeds[3], r.minIntervalSeconds, uint256(r.minIntervalSeconds) + 2 days));
    }

    function _looser(ParameterInfo memory p, uint256[5] memory seeds) internal pure returns (ParameterRules memory r) {
        r = p.rules;
        r.min = uint128(bound(seeds[0], 0, r.min));
        uint256 limit = p.kind == ParameterKind.Bps ? 10_000 : (p.kind == ParameterKind.Bool ? 1 : 2e15);
        r.max = uint128(bound(seeds[1], r.max, limit > r.max ? limit : r.max));
        if (seeds[4] % 4 == 0) (r.stepKind, r.maxStep) = (StepKind.None, 0);
        else if (r.stepKind != StepKind.None) r.maxStep = uint128(bound(seeds[2], r.maxStep, uint256(r.maxStep) * 3));
        r.minIntervalSeconds = uint32(bound(seeds[3], 0, r.minIntervalSeconds));
    }

    function _random(uint256[5] memory seeds) internal pure returns (ParameterRules memory r) {
        r = ParameterRules(
            uint128(bound(seeds[0], 0, 2e15)),
            uint128(bound(seeds[1], 0, 2e15)),
            StepKind(bound(seeds[4], 0, 2)),
            uint128(bound(seeds[2], 0, 1e15)),
            uint32(bound(seeds[3], 0, 10 days))
        );
        if (r.stepKind == StepKind.None) r.maxStep = 0;
    }
}

/// @notice Random sequences of governance updates and batches (duplicate keys included), rule tightenings and
/// loosenings, acceptances, revocations, guardian tightenings and appointments, and time, against the registry's
/// promises.
contract RegistryInvariantTest is RegistryFixture {
    RegistryHandler internal handler;

    function setUp() public {
        // The handler acts as governance (and pranks as the guardian).
        handler = new RegistryHandler(GUARDIAN);
        _deploy(address(handler));
        handler.bind(registry, keys);

        bytes4[] memory selectors = new bytes4[](9);
        selectors[0] = RegistryHandler.setParameter.selector;
        selectors[1] = RegistryHandler.setParameters.selector;
        selectors[2] = RegistryHandler.setParameterTwice.selector;
        selectors[3] = RegistryHandler.setRules.selector;
        selectors[4] = RegistryHandler.acceptRules.selector;
        selectors[5] = RegistryHandler.revokePendingRules.selector;
        selectors[6] = RegistryHandler.setGuardian.selector;
        selectors[7] = RegistryHandler.tighten.selector;
        selectors[8] = RegistryHandler.warp.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector(address(handler), selectors));
    }

    /// @notice Every value lies within its parameter's current rules, which stay consistent.
    function invariantValuesWithinRules() public view {
        for (uint256 i; i < keys.length; ++i) {
            ParameterInfo memory p = registry.parameter(keys[i]);
            assertGe(p.value, p.rules.min, "value below min");
            assertLe(p.value, p.rules.max, "value above max");
            assertLe(p.rules.min, p.rules.max, "min above max");
            if (p.kind == ParameterKind.Bps) assertLe(p.rules.max, 10_000, "bps max above 10,000");
            if (p.kind == ParameterKind.Bool) assertLe(p.rules.max, 1, "bool max above 1");
        }
    }

    /// @notice No governance update moved a value more than one max step from governance's baseline or came
    /// before the min interval from it; the registry's baseline is the one governance set.
    function invariantGovernanceHeldToItsBaseline() public view {
        assertEq(handler.governanceBreaches(), 0, "governance update beyond its baseline's step or interval");
        assertEq(handler.baselinesMatch() ? 1 : 0, 1, "governanceBaseline differs from governance's last update");
    }

    /// @notice The guardian only ever moved a value in its safer direction, within step and interval from the
    /// current value, and never after its expiry or removal.
    function invariantGuardianOnlyDeRisksWhileAppointed() public view {
        assertEq(handler.guardianBreaches(), 0, "guardian update breaking its limits");
    }

    /// @notice A loosening never applied before its delay nor after its acceptance window; a value never changed
    /// twice in one transaction.
    function invariantLooseningsInWindowAndOneChangePerTransaction() public view {
        assertEq(handler.looseningBreaches(), 0, "loosening accepted outside its window");
        assertEq(handler.repeatBreaches(), 0, "a value changed twice in one transaction");
    }
}
