// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice A registry parameter a proposal sets: the value voters were shown before and the value it sets.
/// @param key The parameter's registry key.
/// @param shown The value before execution that voters were shown (checked by `begin`).
/// @param proposed The value the proposal sets (checked by `verify`).
struct ParameterCondition {
    bytes32 key;
    uint256 shown;
    uint256 proposed;
}

/// @notice Whether `account` holds `role` on the AccessControl contract `target` after execution.
struct RoleCondition {
    address target;
    bytes32 role;
    address account;
    bool held;
}

/// @notice A module's loan-to-value after execution, at most `maxLtvBps` (read with the module's `ltvBps()`; not
/// checked while its oracles cannot price it).
struct LtvCondition {
    address module;
    uint256 maxLtvBps;
}

/// @notice What a guarded proposal asserts once its calls have run.
/// @param parameters The registry values the proposal sets, each as shown and as proposed.
/// @param roles Who holds each role after execution: the holders voters were shown, with the declared changes.
/// @param registryGuardian The registry's guardian after execution.
/// @param ltvs Each module's loan-to-value bound after execution.
/// @param maxSharePriceMoveBps How far the vault's share price may move during the execution itself (bps of the
/// price before); the vault is `begin`'s. Not checked when the vault cannot be priced before the calls (an oracle
/// outage never blocks governance); priced before, it must be priced after.
struct Postconditions {
    ParameterCondition[] parameters;
    RoleCondition[] roles;
    address registryGuardian;
    LtvCondition[] ltvs;
    uint256 maxSharePriceMoveBps;
}

/// @title IProposalGuard
/// @notice Binds a proposal's execution to what its voters were shown. A guarded proposal's batch is
/// `[guard.begin(…), …the proposal's calls…, guard.verify(…)]`: `begin` checks the registry still holds the values
/// voters saw and records the vault's share price; `verify` checks that the batch being executed is exactly the one
/// proposed (the timelock's operation of these calls is ready, so the guard call cannot be moved to another payload),
/// then every postcondition. A failed condition reverts the whole execution with an error that names it.
/// @dev Stateless between transactions: what `begin` records lives in transient storage (EIP-1153) for the one
/// execution. Only the timelock calls it. The conditions that need prices (share price, LTV) are skipped while the
/// oracles cannot answer, so that a guarded proposal (one replacing a dead feed, say) still executes in an outage.
interface IProposalGuard {
    /// @notice Emitted when a guarded execution's postconditions hold.
    /// @param operationId The timelock operation executed (its `hashOperationBatch`).
    /// @param conditions How many conditions were checked, `begin`'s and `verify`'s.
    event PostconditionsHeld(bytes32 indexed operationId, uint256 conditions);

    /// @notice Thrown when a caller other than the timelock calls the guard.
    error GuardNotTimelock(address caller);

    /// @notice Thrown by `verify` when `begin` did not run earlier in the same execution.
    error GuardNotBegun();

    /// @notice Thrown by `verify` when the batch being executed is not the timelock's ready operation of the calls
    /// it names: the guard call was attached to a payload other than the one proposed.
    error GuardPayloadMismatch(bytes32 operationId);

    /// @notice Thrown by `begin` when a parameter no longer holds the value voters were shown.
    error GuardParameterNotAsShown(bytes32 key, uint256 shown, uint256 actual);

    /// @notice Thrown by `verify` when a parameter does not hold the value the proposal sets.
    error GuardParameterNotAsProposed(bytes32 key, uint256 proposed, uint256 actual);

    /// @notice Thrown by `verify` when an account's role is not as declared.
    error GuardRoleNotAsDeclared(address target, bytes32 role, address account, bool held);

    /// @notice Thrown by `verify` when the registry's guardian is not the one declared.
    error GuardGuardianNotAsDeclared(address expected, address actual);

    /// @notice Thrown by `verify` when the execution moved the vault's share price beyond its tolerance.
    error GuardSharePriceMoved(uint256 beforeWad, uint256 afterWad, uint256 maxMoveBps);

    /// @notice Thrown by `verify` when the vault was priced before the calls and cannot be after them.
    error GuardSharePriceUnreadable(address vault);

    /// @notice Thrown by `verify` when a module's loan-to-value is above its bound.
    error GuardLtvAboveBound(address module, uint256 ltvBps, uint256 maxLtvBps);

    /// @notice The timelock whose executions this guard checks (its only caller).
    function timelock() external view returns (address);

    /// @notice The parameter registry whose values it checks.
    function registry() external view returns (address);

    /// @notice The first call of a guarded batch: the registry still holds the values voters were shown, and the
    /// vault's share price before the calls (none when `vault` is zero or cannot be priced now).
    /// @dev Only the timelock. Reverts with `GuardParameterNotAsShown` on the first parameter that moved.
    /// @param vault The vault whose share price `verify` compares (zero: no share-price condition).
    /// @param parameters The parameters the proposal sets; only `key` and `shown` are read here.
    function begin(address vault, ParameterCondition[] calldata parameters) external;

    /// @notice The last call of a guarded batch: the batch is the proposed one, and every postcondition holds.
    /// @dev Only the timelock, after `begin` in the same execution. The operation checked is
    /// `hashOperationBatch(targets ++ [guard], values ++ [0], calldatas ++ [this call's data], 0, salt)`; it must be
    /// ready (the timelock marks it done only after its last call). Emits `PostconditionsHeld`.
    /// @param conditions What must hold after the calls.
    /// @param targets The batch's calls before this one (`begin` first), as proposed.
    /// @param values Their ETH values.
    /// @param calldatas Their calldata.
    /// @param salt The timelock salt of the proposal (the governor's: its address XOR the description hash).
    function verify(
        Postconditions calldata conditions,
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas,
        bytes32 salt
    ) external;
}
