// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SlotDerivation} from "@openzeppelin/contracts/utils/SlotDerivation.sol";
import {TransientSlot} from "@openzeppelin/contracts/utils/TransientSlot.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
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
} from "./interfaces/IParameterRegistry.sol";
import {ParameterRulesLib} from "./libraries/ParameterRulesLib.sol";

/// @title ParameterRegistry
/// @notice The single store of every Trimtab strategy parameter, each inside rules that governance sets.
/// @dev See {IParameterRegistry}. One parameter takes three storage slots; the first holds the value with its kind
/// and update time, so that a read costs one slot and an update writes one.
contract ParameterRegistry is IParameterRegistry {
    using SlotDerivation for bytes32;
    using TransientSlot for bytes32;
    using TransientSlot for TransientSlot.BooleanSlot;

    /// @notice The parameter holding the extra delay, in seconds, before a loosening of rules can be accepted.
    bytes32 public constant RULES_DELAY_KEY = "registry.rulesDelay";

    /// @dev Governance's baseline of a parameter the guardian moved: the value governance (or the addition) last
    /// set, and when. One slot.
    struct Baseline {
        uint160 value;
        uint48 updatedAt;
    }

    /// @dev A parameter in storage. Slot 0: value, update time, kinds, guardian flag. Slot 1: bounds. Slot 2: step
    /// and interval. Values fit in 160 bits: addresses by their kind, every other value by its `max` rule (128 bits).
    /// `movedByGuardian`: the guardian changed the value since governance last set it; governance's baseline is
    /// then in `_baselines`, otherwise it is the value and update time themselves.
    // Three full slots (30, 32 and 20 bytes); solhint's estimate miscounts the enums and the flag.
    // solhint-disable-next-line gas-struct-packing
    struct Parameter {
        uint160 value;
        uint48 updatedAt;
        ParameterKind kind;
        StepKind stepKind;
        RiskDirection saferDirection;
        bool movedByGuardian;
        uint128 min;
        uint128 max;
        uint128 maxStep;
        uint32 minIntervalSeconds;
    }

    /// @inheritdoc IParameterRegistry
    uint256 public constant RULES_ACCEPTANCE_WINDOW = 14 days;

    /// @dev Base of the transient (EIP-1153) mapping key => "value changed in this transaction".
    bytes32 private constant _UPDATED_IN_TRANSACTION = keccak256("trimtab.registry.updatedInTx");

    /// @inheritdoc IParameterRegistry
    address public immutable governance;

    address private _guardian;
    uint48 private _guardianExpiresAt;
    /// @dev Packed with the guardian: a value change reads and writes one slot.
    uint48 private _version;
    bytes32[] private _keys;
    mapping(bytes32 key => Parameter) private _parameters;
    mapping(bytes32 key => PendingRules) private _pendingRules;
    /// @dev Written only when the guardian first moves a parameter after governance's last update.
    mapping(bytes32 key => Baseline) private _baselines;

    /// @param governance_ The DAO's timelock: the only writer of values and rules.
    /// @param guardian_ The first guardian (zero: none).
    /// @param guardianExpiresAt_ When the first guardian's power ends.
    /// @param definitions The first parameters; they must include `registry.rulesDelay` (Seconds).
    constructor(
        address governance_,
        address guardian_,
        uint48 guardianExpiresAt_,
        ParameterDefinition[] memory definitions
    ) {
        governance = governance_;
        _setGuardian(guardian_, guardianExpiresAt_);
        for (uint256 i; i < definitions.length; ++i) {
            _addParameter(definitions[i]);
        }
        ParameterKind delayKind = _parameters[RULES_DELAY_KEY].kind;
        if (delayKind != ParameterKind.Seconds) {
            revert ParameterKindMismatch(RULES_DELAY_KEY, ParameterKind.Seconds, delayKind);
        }
    }

    /* MODIFIERS */

    modifier onlyGovernance() {
        if (msg.sender != governance) revert RegistryUnauthorized(msg.sender);
        _;
    }

    modifier onlyActiveGuardian() {
        _checkActiveGuardian();
        _;
    }

    /* GETTERS */

    /// @inheritdoc IParameterRegistry
    function guardian() external view returns (address) {
        return _guardian;
    }

    /// @inheritdoc IParameterRegistry
    function guardianExpiresAt() external view returns (uint48) {
        return _guardianExpiresAt;
    }

    /// @inheritdoc IParameterRegistry
    function version() external view returns (uint256) {
        return _version;
    }

    /// @inheritdoc IParameterRegistry
    function valueOf(bytes32 key) external view returns (uint256) {
        return _existing(key).value;
    }

    /// @inheritdoc IParameterRegistry
    function getUint(bytes32 key) external view returns (uint256) {
        Parameter storage p = _existing(key);
        ParameterKind kind = p.kind;
        if (kind == ParameterKind.Address || kind == ParameterKind.Bool) {
            revert ParameterKindMismatch(key, ParameterKind.Amount, kind);
        }
        return p.value;
    }

    /// @inheritdoc IParameterRegistry
    function getAddress(bytes32 key) external view returns (address) {
        return address(uint160(_valueOfKind(key, ParameterKind.Address)));
    }

    /// @inheritdoc IParameterRegistry
    function getBool(bytes32 key) external view returns (bool) {
        return _valueOfKind(key, ParameterKind.Bool) == 1;
    }

    /// @inheritdoc IParameterRegistry
    function parameter(bytes32 key) external view returns (ParameterInfo memory) {
        Parameter storage p = _existing(key);
        return ParameterInfo(key, p.kind, p.saferDirection, p.value, _rulesOf(p), p.updatedAt);
    }

    /// @inheritdoc IParameterRegistry
    function parameterKeys() external view returns (bytes32[] memory) {
        return _keys;
    }

    /// @inheritdoc IParameterRegistry
    function governanceBaseline(bytes32 key) external view returns (uint256 value, uint48 updatedAt) {
        Parameter storage p = _existing(key);
        if (!p.movedByGuardian) return (p.value, p.updatedAt);
        Baseline storage b = _baselines[key];
        return (b.value, b.updatedAt);
    }

    /// @inheritdoc IParameterRegistry
    function pendingRules(bytes32 key) external view returns (PendingRules memory) {
        return _pendingRules[key];
    }

    /* GOVERNANCE */

    /// @inheritdoc IParameterRegistry
    function addParameters(ParameterDefinition[] calldata definitions) external onlyGovernance {
        for (uint256 i; i < definitions.length; ++i) {
            _addParameter(definitions[i]);
        }
    }

    /// @inheritdoc IParameterRegistry
    function setParameter(bytes32 key, uint256 newValue) external onlyGovernance {
        _governanceSetValue(key, newValue);
    }

    /// @inheritdoc IParameterRegistry
    function setParameters(ParameterUpdate[] calldata updates) external onlyGovernance {
        for (uint256 i; i < updates.length; ++i) {
            _governanceSetValue(updates[i].key, updates[i].value);
        }
    }

    /// @inheritdoc IParameterRegistry
    function setRules(bytes32 key, ParameterRules calldata rules) external onlyGovernance {
        Parameter storage p = _existing(key);
        ParameterRulesLib.validateRules(key, p.kind, p.saferDirection, rules);
        bool tighter = ParameterRulesLib.isTighterOrEqual(_rulesOf(p), rules);
        // A loosening is checked against the value when it is accepted; tighter rules apply now.
        if (tighter) _fitValueToRules(key, p, rules);
        else _checkRulesKeepValue(key, p, rules);

        delete _pendingRules[key];
        if (tighter) {
            _writeRules(key, p, rules);
        } else {
            // Saturating: a delay beyond the uint48 clock never becomes executable, rather than wrapping early.
            uint256 due = block.timestamp + _parameters[RULES_DELAY_KEY].value;
            uint48 executableAt = uint48(Math.min(due, type(uint48).max));
            _pendingRules[key] = PendingRules(rules, executableAt);
            emit RulesLooseningSubmitted(key, rules, executableAt);
        }
    }

    /// @inheritdoc IParameterRegistry
    function acceptRules(bytes32 key) external {
        Parameter storage p = _existing(key);
        PendingRules memory pending = _pendingRules[key];
        if (pending.executableAt == 0) revert RulesNotPending(key);
        if (Time.timestamp() < pending.executableAt) revert RulesNotYetExecutable(key, pending.executableAt);
        uint256 expiresAt = uint256(pending.executableAt) + RULES_ACCEPTANCE_WINDOW;
        if (block.timestamp >= expiresAt) revert RulesLooseningExpired(key, expiresAt);
        _fitValueToRules(key, p, pending.rules);

        delete _pendingRules[key];
        _writeRules(key, p, pending.rules);
    }

    /// @inheritdoc IParameterRegistry
    function revokePendingRules(bytes32 key) external {
        if (msg.sender != governance) _checkActiveGuardian();
        if (_pendingRules[key].executableAt == 0) revert RulesNotPending(key);

        delete _pendingRules[key];
        emit RulesLooseningRevoked(key, msg.sender);
    }

    /// @inheritdoc IParameterRegistry
    function setGuardian(address newGuardian, uint48 expiresAt) external onlyGovernance {
        _setGuardian(newGuardian, expiresAt);
    }

    /* GUARDIAN */

    /// @inheritdoc IParameterRegistry
    function tighten(ParameterUpdate[] calldata updates) external onlyActiveGuardian {
        for (uint256 i; i < updates.length; ++i) {
            _guardianSetValue(updates[i].key, updates[i].value);
        }
    }

    /// @inheritdoc IParameterRegistry
    function renounceGuardian() external {
        if (msg.sender != _guardian) revert RegistryNotGuardian(msg.sender);
        _setGuardian(address(0), 0);
    }

    /* INTERNAL */

    function _addParameter(ParameterDefinition memory d) internal {
        if (_parameters[d.key].kind != ParameterKind.None) revert ParameterAlreadyExists(d.key);
        ParameterRulesLib.validateRules(d.key, d.kind, d.saferDirection, d.rules);
        ParameterRulesLib.checkBounds(d.key, d.kind, d.rules.min, d.rules.max, d.value);

        _keys.push(d.key);
        ++_version;
        _parameters[d.key] = Parameter({
            value: uint160(d.value),
            min: d.rules.min,
            max: d.rules.max,
            maxStep: d.rules.maxStep,
            minIntervalSeconds: d.rules.minIntervalSeconds,
            updatedAt: Time.timestamp(),
            kind: d.kind,
            stepKind: d.rules.stepKind,
            saferDirection: d.saferDirection,
            movedByGuardian: false
        });
        emit ParameterAdded(d.key, d.kind, d.saferDirection, d.value, d.rules);
    }

    /// @dev Governance's update: the step and interval count from governance's baseline, so that the guardian's
    /// moves since then neither fail a queued proposal nor restart the interval. Writing re-baselines.
    function _governanceSetValue(bytes32 key, uint256 newValue) internal {
        Parameter storage p = _existing(key);
        _markUpdated(key);
        uint256 oldValue = p.value;
        bool movedByGuardian = p.movedByGuardian;
        (uint256 baseValue, uint48 baseAt) = (oldValue, p.updatedAt);
        if (movedByGuardian) {
            Baseline storage b = _baselines[key];
            (baseValue, baseAt) = (b.value, b.updatedAt);
        } else if (newValue == oldValue) {
            revert ParameterUnchanged(key, newValue);
        }
        _checkValueRules(key, p, baseValue, baseAt, newValue);

        if (movedByGuardian) {
            p.movedByGuardian = false;
            delete _baselines[key];
        }
        _writeValue(key, p, oldValue, newValue);
    }

    /// @dev The guardian's update: only in the safer direction, with the step and interval counted from the current
    /// value and its last change by anyone. Saves governance's baseline on its first move since governance's.
    function _guardianSetValue(bytes32 key, uint256 newValue) internal {
        Parameter storage p = _existing(key);
        _markUpdated(key);
        RiskDirection direction = p.saferDirection;
        uint256 oldValue = p.value;
        bool safer =
            (direction == RiskDirection.Lower && newValue < oldValue) ||
                (direction == RiskDirection.Higher && newValue > oldValue);
        if (!safer) revert ParameterNotDeRisking(key, direction, oldValue, newValue);
        uint48 updatedAt = p.updatedAt;
        _checkValueRules(key, p, oldValue, updatedAt, newValue);

        if (!p.movedByGuardian) {
            _baselines[key] = Baseline(uint160(oldValue), updatedAt);
            p.movedByGuardian = true;
        }
        _writeValue(key, p, oldValue, newValue);
    }

    /// @dev Bounds, then the step from `fromValue` and the interval from `fromTime`.
    function _checkValueRules(
        bytes32 key,
        Parameter storage p,
        uint256 fromValue,
        uint48 fromTime,
        uint256 newValue
    ) internal view {
        ParameterRulesLib.checkBounds(key, p.kind, p.min, p.max, newValue);
        ParameterRulesLib.checkStep(key, p.stepKind, p.maxStep, fromValue, newValue);
        ParameterRulesLib.checkInterval(key, p.minIntervalSeconds, fromTime, block.timestamp);
    }

    /// @dev Writes the value and its update time, moves the version and emits.
    function _writeValue(bytes32 key, Parameter storage p, uint256 oldValue, uint256 newValue) internal {
        p.value = uint160(newValue);
        p.updatedAt = Time.timestamp();
        ++_version;
        emit ParameterSet(key, oldValue, newValue, msg.sender);
    }

    /// @dev Records that `key`'s value changes in this transaction; reverts if it already did.
    function _markUpdated(bytes32 key) internal {
        TransientSlot.BooleanSlot updated = _UPDATED_IN_TRANSACTION.deriveMapping(key).asBoolean();
        if (updated.tload()) revert ParameterAlreadyUpdated(key);
        updated.tstore(true);
    }

    function _writeRules(bytes32 key, Parameter storage p, ParameterRules memory rules) internal {
        ParameterRules memory oldRules = _rulesOf(p);
        p.min = rules.min;
        p.max = rules.max;
        p.maxStep = rules.maxStep;
        p.stepKind = rules.stepKind;
        p.minIntervalSeconds = rules.minIntervalSeconds;
        emit RulesSet(key, oldRules, rules, msg.sender);
    }

    function _setGuardian(address newGuardian, uint48 expiresAt) internal {
        if (newGuardian != address(0) && expiresAt <= Time.timestamp()) revert RegistryGuardianExpiryInPast(expiresAt);
        emit GuardianSet(_guardian, newGuardian, expiresAt);
        _guardian = newGuardian;
        _guardianExpiresAt = expiresAt;
    }

    function _checkActiveGuardian() internal view {
        if (msg.sender != _guardian) revert RegistryNotGuardian(msg.sender);
        if (Time.timestamp() >= _guardianExpiresAt) revert RegistryGuardianExpired(msg.sender, _guardianExpiresAt);
    }

    /// @dev Reverts unless the value lies within `rules`: governance's baseline, where the guardian moved it since.
    function _checkRulesKeepValue(bytes32 key, Parameter storage p, ParameterRules memory rules) internal view {
        if (p.kind == ParameterKind.Address) return;
        uint256 value = p.movedByGuardian ? _baselines[key].value : p.value;
        if (value < rules.min || value > rules.max) revert RulesExcludeValue(key, value, rules.min, rules.max);
    }

    /// @dev Before rules apply: the value must lie within them. Where only the guardian's move put it outside
    /// (governance's baseline lies within), the value is brought to the nearest bound instead, so that the guardian's
    /// tightening cannot make governance's rule change fail; the bound is what governance's rules allow.
    function _fitValueToRules(bytes32 key, Parameter storage p, ParameterRules memory rules) internal {
        _checkRulesKeepValue(key, p, rules);
        if (p.kind == ParameterKind.Address) return;
        uint256 value = p.value;
        if (value >= rules.min && value <= rules.max) return;
        _writeValue(key, p, value, value < rules.min ? rules.min : rules.max);
    }

    function _existing(bytes32 key) internal view returns (Parameter storage p) {
        p = _parameters[key];
        if (p.kind == ParameterKind.None) revert ParameterUnknown(key);
    }

    function _valueOfKind(bytes32 key, ParameterKind expected) internal view returns (uint256) {
        Parameter storage p = _existing(key);
        if (p.kind != expected) revert ParameterKindMismatch(key, expected, p.kind);
        return p.value;
    }

    function _rulesOf(Parameter storage p) internal view returns (ParameterRules memory) {
        return ParameterRules(p.min, p.max, p.stepKind, p.maxStep, p.minIntervalSeconds);
    }
}
