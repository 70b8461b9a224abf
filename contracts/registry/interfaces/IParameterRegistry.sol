// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice What a parameter's value means; it fixes how the value is checked and read.
/// @dev `None` marks an unknown key. `Bps` values are at most 10,000; `Bool` values are 0 or 1; `Address`
/// values are an address in the low 160 bits and have no bounds or step, only a minimum interval.
enum ParameterKind {
    None,
    Bps,
    Seconds,
    Amount,
    Address,
    Bool
}

/// @notice How a parameter's maximum change per update is measured.
/// @dev `None`: no step limit. `Absolute`: |new - old| <= maxStep, in the value's own unit.
/// `Relative`: |new - old| <= old * maxStep / 10,000 (maxStep in bps of the current value, rounded down);
/// a parameter whose value can be zero should use `Absolute`, since 0 allows no relative move.
enum StepKind {
    None,
    Absolute,
    Relative
}

/// @notice Which way of moving a parameter reduces risk; the guardian may only move it that way.
/// @dev `None`: the guardian cannot touch it (addresses, target weights, fee rates).
enum RiskDirection {
    None,
    Lower,
    Higher
}

/// @notice The rules governance sets on a parameter. Every update must satisfy all of them.
/// @param min Lowest allowed value.
/// @param max Highest allowed value.
/// @param stepKind How `maxStep` is measured.
/// @param maxStep Largest change in one update (value units for Absolute, bps of the value for Relative).
/// @param minIntervalSeconds Shortest time between two updates of the value.
struct ParameterRules {
    uint128 min;
    uint128 max;
    StepKind stepKind;
    uint128 maxStep;
    uint32 minIntervalSeconds;
}

/// @notice A parameter as added to the registry.
struct ParameterDefinition {
    bytes32 key;
    ParameterKind kind;
    RiskDirection saferDirection;
    uint256 value;
    ParameterRules rules;
}

/// @notice A parameter's full state, for integrators.
/// @param updatedAt When the value last changed (or when the parameter was added).
struct ParameterInfo {
    bytes32 key;
    ParameterKind kind;
    RiskDirection saferDirection;
    uint256 value;
    ParameterRules rules;
    uint48 updatedAt;
}

/// @notice One entry of an atomic batch of value updates.
struct ParameterUpdate {
    bytes32 key;
    uint256 value;
}

/// @notice A loosening of rules waiting for its delay.
/// @param executableAt When `acceptRules` may apply it (until `executableAt + RULES_ACCEPTANCE_WINDOW`); zero when
/// nothing is pending.
struct PendingRules {
    ParameterRules rules;
    uint48 executableAt;
}

/// @title IParameterRegistry
/// @notice The single store of every Trimtab strategy parameter, each inside rules that governance sets.
/// @dev Keys are short ASCII names left-aligned in a bytes32 (for example "rebalance.bandBps"), so that
/// events and errors are readable as they are. Only `governance` (the timelock) adds parameters and writes
/// values and rules. Tightening rules applies at once; loosening waits `registry.rulesDelay` seconds more.
/// The guardian may only de-risk: move a value in its safer direction within the rules, and revoke a
/// pending loosening, until its power expires.
interface IParameterRegistry {
    /* EVENTS */

    /// @notice Emitted when a parameter is added.
    /// @param key The parameter.
    /// @param kind What its value means.
    /// @param saferDirection The way the guardian may move it.
    /// @param value Its first value.
    /// @param rules Its first rules.
    event ParameterAdded(
        bytes32 indexed key,
        ParameterKind kind,
        RiskDirection saferDirection,
        uint256 value,
        ParameterRules rules
    );

    /// @notice Emitted when a parameter's value changes.
    /// @param key The parameter.
    /// @param oldValue The value before.
    /// @param newValue The value after.
    /// @param caller Who changed it: governance or the guardian.
    event ParameterSet(bytes32 indexed key, uint256 oldValue, uint256 newValue, address indexed caller);

    /// @notice Emitted when a parameter's rules change.
    /// @param key The parameter.
    /// @param oldRules The rules before.
    /// @param newRules The rules after.
    /// @param caller Who applied them: governance (tightening) or anyone accepting a due loosening.
    event RulesSet(bytes32 indexed key, ParameterRules oldRules, ParameterRules newRules, address indexed caller);

    /// @notice Emitted when governance submits rules that loosen a parameter's current ones.
    /// @param key The parameter.
    /// @param rules The submitted rules.
    /// @param executableAt When they can be accepted.
    event RulesLooseningSubmitted(bytes32 indexed key, ParameterRules rules, uint48 executableAt);

    /// @notice Emitted when a pending loosening is revoked.
    /// @param key The parameter.
    /// @param caller Governance or the guardian.
    event RulesLooseningRevoked(bytes32 indexed key, address indexed caller);

    /// @notice Emitted when the guardian changes (or renounces).
    /// @param oldGuardian The guardian before.
    /// @param newGuardian The guardian after (zero: none).
    /// @param expiresAt The end of the new guardian's power.
    event GuardianSet(address indexed oldGuardian, address indexed newGuardian, uint48 expiresAt);

    /* ERRORS */

    /// @notice Thrown when a caller other than governance calls a governance function.
    error RegistryUnauthorized(address caller);

    /// @notice Thrown when a caller other than the guardian calls a guardian function.
    error RegistryNotGuardian(address caller);

    /// @notice Thrown when the guardian acts after its power expired.
    error RegistryGuardianExpired(address guardian, uint48 expiresAt);

    /// @notice Thrown when a guardian expiry is not in the future.
    error RegistryGuardianExpiryInPast(uint48 expiresAt);

    /// @notice Thrown when a key is not a parameter of the registry.
    error ParameterUnknown(bytes32 key);

    /// @notice Thrown when adding a key that already exists.
    error ParameterAlreadyExists(bytes32 key);

    /// @notice Thrown when a parameter is read as another kind than its own.
    error ParameterKindMismatch(bytes32 key, ParameterKind expected, ParameterKind actual);

    /// @notice Thrown when a value is not a value of the parameter's kind (an address above 160 bits).
    error ParameterInvalidValue(bytes32 key, uint256 value);

    /// @notice Thrown when a value is below the parameter's `min` rule.
    error ParameterBelowMin(bytes32 key, uint256 value, uint256 min);

    /// @notice Thrown when a value is above the parameter's `max` rule.
    error ParameterAboveMax(bytes32 key, uint256 value, uint256 max);

    /// @notice Thrown when an update moves a value further than the parameter's `maxStep` rule allows.
    /// @param maxDelta The largest move allowed from `oldValue`.
    error ParameterStepTooLarge(bytes32 key, uint256 oldValue, uint256 newValue, uint256 maxDelta);

    /// @notice Thrown when an update comes before the parameter's `minIntervalSeconds` rule allows.
    error ParameterUpdatedTooSoon(bytes32 key, uint48 updatedAt, uint256 nextUpdateAt);

    /// @notice Thrown when an update would leave the value as it is (for governance: as governance itself left it;
    /// setting the value the guardian tightened to since is accepted, and re-baselines).
    error ParameterUnchanged(bytes32 key, uint256 value);

    /// @notice Thrown when a parameter's value changes a second time in one transaction (by governance or the
    /// guardian, in one batch or several calls): each change is held to one max step, so a value moves at most once
    /// per transaction.
    /// @param key The parameter.
    error ParameterAlreadyUpdated(bytes32 key);

    /// @notice Thrown when the guardian tries to move a parameter other than in its safer direction.
    error ParameterNotDeRisking(bytes32 key, RiskDirection saferDirection, uint256 oldValue, uint256 newValue);

    /// @notice Thrown when rules have `min` above `max`.
    error RulesMinAboveMax(bytes32 key, uint256 min, uint256 max);

    /// @notice Thrown when rules allow values above what the kind can hold (10,000 for Bps, 1 for Bool).
    error RulesMaxAboveKindLimit(bytes32 key, uint256 max, uint256 limit);

    /// @notice Thrown when rules set bounds, a step or a risk direction on a kind they do not apply to
    /// (Address), or a step amount with no step kind.
    error RulesNotApplicable(bytes32 key, ParameterKind kind);

    /// @notice Thrown when rules would leave the current value outside them.
    error RulesExcludeValue(bytes32 key, uint256 value, uint256 min, uint256 max);

    /// @notice Thrown when accepting rules while none are pending.
    error RulesNotPending(bytes32 key);

    /// @notice Thrown when accepting pending rules before their delay has passed.
    error RulesNotYetExecutable(bytes32 key, uint48 executableAt);

    /// @notice Thrown when accepting a pending loosening after its acceptance window closed: governance must submit
    /// it again (and wait the delay again).
    /// @param expiresAt When the window closed: `executableAt + RULES_ACCEPTANCE_WINDOW`.
    error RulesLooseningExpired(bytes32 key, uint256 expiresAt);

    /* GETTERS */

    /// @notice How long a pending loosening stays acceptable after its `executableAt` (14 days): a loosening nobody
    /// accepted in time lapses rather than waiting, forgotten, for a moment that suits an attacker.
    // solhint-disable-next-line func-name-mixedcase
    function RULES_ACCEPTANCE_WINDOW() external view returns (uint256);

    /// @notice The only address that adds parameters and writes values and rules: the DAO's timelock.
    function governance() external view returns (address);

    /// @notice The address that may de-risk until `guardianExpiresAt`.
    function guardian() external view returns (address);

    /// @notice When the guardian's power ends (seconds since the epoch).
    function guardianExpiresAt() external view returns (uint48);

    /// @notice A counter that increases whenever a parameter is added or any value changes (rules changes leave it):
    /// a reader may cache values and trust the cache while the version it read them at is current.
    function version() external view returns (uint256);

    /// @notice A parameter's value, whatever its kind. Reverts with `ParameterUnknown` for an unknown key.
    function valueOf(bytes32 key) external view returns (uint256);

    /// @notice A numeric (Bps, Seconds or Amount) parameter's value.
    /// @dev Reverts with `ParameterKindMismatch` for an Address or Bool parameter.
    function getUint(bytes32 key) external view returns (uint256);

    /// @notice An Address parameter's value.
    function getAddress(bytes32 key) external view returns (address);

    /// @notice A Bool parameter's value.
    function getBool(bytes32 key) external view returns (bool);

    /// @notice A parameter's full state.
    function parameter(bytes32 key) external view returns (ParameterInfo memory);

    /// @notice Every parameter key, in the order they were added.
    function parameterKeys() external view returns (bytes32[] memory);

    /// @notice Governance's baseline of a parameter: the value governance (or the parameter's addition) last set,
    /// and when. Governance's updates move at most one max step from this value and wait the min interval from
    /// this time, whatever the guardian did since: the guardian can slow risk, never governance.
    /// @dev Equal to the current value and update time unless the guardian moved the value since.
    function governanceBaseline(bytes32 key) external view returns (uint256 value, uint48 updatedAt);

    /// @notice The loosening waiting for `key`, if any (`executableAt` zero when none).
    function pendingRules(bytes32 key) external view returns (PendingRules memory);

    /* GOVERNANCE */

    /// @notice Adds parameters, each with its kind, safer direction, first value and rules.
    /// @dev Only governance. Reverts if a key exists or a definition is inconsistent.
    function addParameters(ParameterDefinition[] calldata definitions) external;

    /// @notice Sets one parameter's value within its rules, the step and interval counted from
    /// `governanceBaseline(key)`: a guardian's tightening since then cannot fail the update nor delay it.
    /// @dev Only governance. Emits `ParameterSet`. Setting the current value is refused (`ParameterUnchanged`)
    /// unless the guardian moved it since the baseline: then it is accepted and becomes the new baseline. A value
    /// changes at most once per transaction (`ParameterAlreadyUpdated`).
    function setParameter(bytes32 key, uint256 newValue) external;

    /// @notice Sets several values atomically, each as `setParameter` does: one entry breaking a rule reverts
    /// them all.
    /// @dev Only governance. Entries apply in order; a key appearing twice reverts with `ParameterAlreadyUpdated`,
    /// as does a second change of a value in the same transaction (two calls of one proposal).
    function setParameters(ParameterUpdate[] calldata updates) external;

    /// @notice Sets a parameter's rules: at once when they are at least as tight in every respect,
    /// otherwise as a pending loosening that anyone may accept after `registry.rulesDelay` seconds, within
    /// `RULES_ACCEPTANCE_WINDOW` (a delay reaching past the uint48 clock saturates: never acceptable).
    /// @dev Only governance. Replaces any pending loosening of the same key. Governance's value (its baseline,
    /// where the guardian has moved the value since) must satisfy the new rules, or `RulesExcludeValue`; a value
    /// only the guardian's move put outside them is brought to the nearest bound when they apply (`ParameterSet`),
    /// so that the guardian cannot make a rules change fail.
    function setRules(bytes32 key, ParameterRules calldata rules) external;

    /// @notice Applies a pending loosening once its delay has passed and before `RULES_ACCEPTANCE_WINDOW` more
    /// seconds have: at or after `executableAt + RULES_ACCEPTANCE_WINDOW` it reverts with `RulesLooseningExpired`.
    /// Anyone may call it. The value is checked and fitted to the rules as in `setRules`.
    function acceptRules(bytes32 key) external;

    /// @notice Revokes a pending loosening. Governance or the (unexpired) guardian.
    function revokePendingRules(bytes32 key) external;

    /// @notice Sets the guardian and when its power ends.
    /// @dev Only governance. A zero guardian removes it.
    function setGuardian(address newGuardian, uint48 expiresAt) external;

    /* GUARDIAN */

    /// @notice Moves values in their safer direction (pause flags on, caps down, buffers up), within all
    /// their rules, atomically: the step from the current value, the interval from its last change by anyone.
    /// Governance's baseline stays where governance left it (see `governanceBaseline`).
    /// @dev Only the unexpired guardian. A value changes at most once per transaction (`ParameterAlreadyUpdated`).
    function tighten(ParameterUpdate[] calldata updates) external;

    /// @notice The guardian gives up its power.
    function renounceGuardian() external;
}
