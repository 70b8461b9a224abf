// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {TransientSlot} from "@openzeppelin/contracts/utils/TransientSlot.sol";
import {IParameterRegistry} from "../registry/interfaces/IParameterRegistry.sol";
import {
    IProposalGuard,
    LtvCondition,
    ParameterCondition,
    Postconditions,
    RoleCondition
} from "./interfaces/IProposalGuard.sol";

/// @dev The timelock's functions the guard reads (OpenZeppelin's TimelockController).
interface ITimelockOperations {
    function hashOperationBatch(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata payloads,
        bytes32 predecessor,
        bytes32 salt
    ) external pure returns (bytes32);

    function isOperationReady(bytes32 id) external view returns (bool);
}

/// @dev What the guard reads from the vault and the modules.
interface ISharePrice {
    function sharePriceWad() external view returns (uint256);
}

interface ILtv {
    function ltvBps() external view returns (uint256);
}

/// @title ProposalGuard
/// @notice Makes a proposal execute only as its voters were shown: see {IProposalGuard}.
/// @dev One per timelock; it holds no state between transactions.
contract ProposalGuard is IProposalGuard {
    using TransientSlot for bytes32;
    using TransientSlot for TransientSlot.BooleanSlot;
    using TransientSlot for TransientSlot.AddressSlot;
    using TransientSlot for TransientSlot.Uint256Slot;

    uint256 private constant _BPS = 10_000;
    /// @dev Transient slots: `begin` ran in this execution, its vault, its share price, its condition count.
    bytes32 private constant _BEGUN = keccak256("trimtab.guard.begun");
    bytes32 private constant _VAULT = keccak256("trimtab.guard.vault");
    bytes32 private constant _PRICE = keccak256("trimtab.guard.sharePriceWad");
    bytes32 private constant _COUNT = keccak256("trimtab.guard.conditions");

    /// @inheritdoc IProposalGuard
    address public immutable timelock;
    /// @inheritdoc IProposalGuard
    address public immutable registry;

    /// @param timelock_ The DAO's timelock: the executor of the proposals this guard checks.
    /// @param registry_ The parameter registry.
    constructor(address timelock_, address registry_) {
        timelock = timelock_;
        registry = registry_;
    }

    modifier onlyTimelock() {
        if (msg.sender != timelock) revert GuardNotTimelock(msg.sender);
        _;
    }

    /// @inheritdoc IProposalGuard
    function begin(address vault, ParameterCondition[] calldata parameters) external onlyTimelock {
        for (uint256 i; i < parameters.length; ++i) {
            uint256 actual = IParameterRegistry(registry).valueOf(parameters[i].key);
            if (actual != parameters[i].shown) {
                revert GuardParameterNotAsShown(parameters[i].key, parameters[i].shown, actual);
            }
        }
        _BEGUN.asBoolean().tstore(true);
        // A price the oracles cannot give now (an outage) is no condition: governance is never blocked by one.
        (bool priced, uint256 price) = _sharePriceOf(vault);
        _VAULT.asAddress().tstore(priced ? vault : address(0));
        if (priced) _PRICE.asUint256().tstore(price);
        _COUNT.asUint256().tstore(parameters.length + (priced ? 1 : 0));
    }

    /// @inheritdoc IProposalGuard
    function verify(
        Postconditions calldata conditions,
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas,
        bytes32 salt
    ) external onlyTimelock {
        if (!_BEGUN.asBoolean().tload()) revert GuardNotBegun();
        bytes32 operationId = _operationOf(targets, values, calldatas, salt);
        if (!ITimelockOperations(timelock).isOperationReady(operationId)) revert GuardPayloadMismatch(operationId);

        _checkParameters(conditions.parameters);
        _checkRoles(conditions.roles);
        address guardian = IParameterRegistry(registry).guardian();
        if (guardian != conditions.registryGuardian) {
            revert GuardGuardianNotAsDeclared(conditions.registryGuardian, guardian);
        }
        _checkLtvs(conditions.ltvs);
        address vault = _VAULT.asAddress().tload();
        if (vault != address(0)) _checkSharePrice(vault, conditions.maxSharePriceMoveBps);

        uint256 count =
            _COUNT.asUint256().tload() +
                conditions.parameters.length +
                conditions.roles.length +
                conditions.ltvs.length +
                1;
        _BEGUN.asBoolean().tstore(false);
        emit PostconditionsHeld(operationId, count);
    }

    /// @dev The timelock's id of the batch `targets ++ [this]` with this call's own calldata last.
    function _operationOf(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas,
        bytes32 salt
    ) private view returns (bytes32) {
        uint256 n = targets.length;
        address[] memory allTargets = new address[](n + 1);
        uint256[] memory allValues = new uint256[](n + 1);
        bytes[] memory allCalldatas = new bytes[](n + 1);
        for (uint256 i; i < n; ++i) {
            allTargets[i] = targets[i];
            allValues[i] = values[i];
            allCalldatas[i] = calldatas[i];
        }
        allTargets[n] = address(this);
        allCalldatas[n] = msg.data;
        return ITimelockOperations(timelock).hashOperationBatch(allTargets, allValues, allCalldatas, bytes32(0), salt);
    }

    function _checkParameters(ParameterCondition[] calldata parameters) private view {
        for (uint256 i; i < parameters.length; ++i) {
            uint256 actual = IParameterRegistry(registry).valueOf(parameters[i].key);
            if (actual != parameters[i].proposed) {
                revert GuardParameterNotAsProposed(parameters[i].key, parameters[i].proposed, actual);
            }
        }
    }

    function _checkRoles(RoleCondition[] calldata roles) private view {
        for (uint256 i; i < roles.length; ++i) {
            RoleCondition calldata c = roles[i];
            if (IAccessControl(c.target).hasRole(c.role, c.account) != c.held) {
                revert GuardRoleNotAsDeclared(c.target, c.role, c.account, c.held);
            }
        }
    }

    /// @dev A module whose LTV the oracles cannot give now (an outage) is not checked: see `begin`.
    function _checkLtvs(LtvCondition[] calldata ltvs) private view {
        for (uint256 i; i < ltvs.length; ++i) {
            try ILtv(ltvs[i].module).ltvBps() returns (uint256 ltv) {
                if (ltv > ltvs[i].maxLtvBps) revert GuardLtvAboveBound(ltvs[i].module, ltv, ltvs[i].maxLtvBps);
            } catch {} // solhint-disable-line no-empty-blocks
        }
    }

    /// @dev Priced before the calls: the price after must be readable too (the calls did not break pricing) and
    /// within the tolerance.
    function _checkSharePrice(address vault, uint256 maxMoveBps) private view {
        uint256 beforeWad = _PRICE.asUint256().tload();
        (bool priced, uint256 afterWad) = _sharePriceOf(vault);
        if (!priced) revert GuardSharePriceUnreadable(vault);
        uint256 moved = afterWad > beforeWad ? afterWad - beforeWad : beforeWad - afterWad;
        if (moved * _BPS > beforeWad * maxMoveBps) revert GuardSharePriceMoved(beforeWad, afterWad, maxMoveBps);
    }

    /// @dev The vault's share price, or false when there is no vault or it cannot be priced now.
    function _sharePriceOf(address vault) private view returns (bool priced, uint256 priceWad) {
        if (vault == address(0)) return (false, 0);
        try ISharePrice(vault).sharePriceWad() returns (uint256 price) {
            return (true, price);
        } catch {
            return (false, 0);
        }
    }
}
