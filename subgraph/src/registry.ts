import { BigInt, ByteArray, Bytes, crypto, ethereum } from "@graphprotocol/graph-ts";
import {
  GuardianSet,
  ParameterAdded,
  ParameterSet,
  RulesLooseningRevoked,
  RulesLooseningSubmitted,
  RulesSet,
} from "../generated/ParameterRegistry/ParameterRegistry";
import { GuardianAction, Parameter, ParameterChange, Proposal, Registry, RulesChange } from "../generated/schema";
import { eventId, keyName, uintToAddress } from "./helpers";

const KINDS = ["None", "Bps", "Seconds", "Amount", "Address", "Bool"];
/** ParameterKind.Address: the value is an address held as a uint256. */
const ADDRESS_KIND = "Address";
const STEP_KINDS = ["None", "Absolute", "Relative"];
const DIRECTIONS = ["None", "Lower", "Higher"];
/** OpenZeppelin Governor's `execute(targets, values, calldatas, descriptionHash)`. */
const EXECUTE_SIGNATURE = "execute(address[],uint256[],bytes[],bytes32)";
const EXECUTE_TYPES = "(address[],uint256[],bytes[],bytes32)";

function label(names: string[], value: i32): string {
  return value >= 0 && value < names.length ? names[value] : "Unknown";
}

function loadRegistry(event: ethereum.Event): Registry {
  let registry = Registry.load(event.address);
  if (registry != null) return registry;
  registry = new Registry(event.address);
  registry.guardian = Bytes.empty();
  registry.guardianExpiresAt = BigInt.zero();
  registry.parameterCount = 0;
  return registry;
}

/**
 * The proposal a transaction executed, when it called the governor's `execute` directly: the governor's proposal
 * id is keccak256(abi.encode(targets, values, calldatas, descriptionHash)), recomputed from the calldata.
 */
function executedProposal(event: ethereum.Event): Proposal | null {
  const input = event.transaction.input;
  if (input.length < 4) return null;
  const selector = crypto.keccak256(ByteArray.fromUTF8(EXECUTE_SIGNATURE));
  for (let i = 0; i < 4; i++) if (input[i] != selector[i]) return null;
  // The arguments are encoded as a tuple without the offset word a dynamic tuple value carries: add it.
  const args = Bytes.fromHexString("0x0000000000000000000000000000000000000000000000000000000000000020").concat(
    Bytes.fromUint8Array(input.subarray(4)),
  );
  const decoded = ethereum.decode(EXECUTE_TYPES, args);
  if (decoded === null) return null;
  const encoded = ethereum.encode(decoded);
  if (encoded === null) return null;
  const hash = crypto.keccak256(Bytes.fromUint8Array(encoded.subarray(32)));
  const id = BigInt.fromUnsignedBytes(Bytes.fromUint8Array(hash.reverse()));
  return Proposal.load(id.toString());
}

function applyRules(parameter: Parameter, rules: ethereum.Tuple): void {
  parameter.min = rules[0].toBigInt();
  parameter.max = rules[1].toBigInt();
  parameter.stepKind = label(STEP_KINDS, rules[2].toI32());
  parameter.maxStep = rules[3].toBigInt();
  parameter.minIntervalSeconds = rules[4].toBigInt();
}

function recordRules(event: ethereum.Event, key: Bytes, kind: string): RulesChange {
  const change = new RulesChange(eventId(event));
  change.parameter = key;
  change.kind = kind;
  change.blockNumber = event.block.number;
  change.timestamp = event.block.timestamp;
  change.transactionHash = event.transaction.hash;
  return change;
}

function withRules(change: RulesChange, rules: ethereum.Tuple): RulesChange {
  change.min = rules[0].toBigInt();
  change.max = rules[1].toBigInt();
  change.stepKind = label(STEP_KINDS, rules[2].toI32());
  change.maxStep = rules[3].toBigInt();
  change.minIntervalSeconds = rules[4].toBigInt();
  return change;
}

function recordGuardianAction(event: ethereum.Event, guardian: Bytes, action: string): GuardianAction {
  const entry = new GuardianAction(eventId(event));
  entry.guardian = guardian;
  entry.action = action;
  entry.blockNumber = event.block.number;
  entry.timestamp = event.block.timestamp;
  entry.transactionHash = event.transaction.hash;
  return entry;
}

export function handleParameterAdded(event: ParameterAdded): void {
  const registry = loadRegistry(event);
  registry.parameterCount = registry.parameterCount + 1;
  registry.save();
  const parameter = new Parameter(event.params.key);
  parameter.name = keyName(event.params.key);
  parameter.kind = label(KINDS, event.params.kind);
  parameter.saferDirection = label(DIRECTIONS, event.params.saferDirection);
  parameter.value = event.params.value;
  if (parameter.kind == ADDRESS_KIND) parameter.valueAddress = uintToAddress(event.params.value);
  applyRules(parameter, event.params.rules);
  parameter.changeCount = 0;
  parameter.updatedTimestamp = event.block.timestamp;
  parameter.save();
}

export function handleParameterSet(event: ParameterSet): void {
  const parameter = Parameter.load(event.params.key);
  if (parameter == null) return;
  parameter.value = event.params.newValue;
  const isAddress = parameter.kind == ADDRESS_KIND;
  if (isAddress) parameter.valueAddress = uintToAddress(event.params.newValue);
  parameter.changeCount = parameter.changeCount + 1;
  parameter.updatedTimestamp = event.block.timestamp;
  parameter.save();

  const registry = loadRegistry(event);
  const byGuardian = event.params.caller.equals(registry.guardian);
  const change = new ParameterChange(eventId(event));
  change.parameter = parameter.id;
  change.name = parameter.name;
  change.oldValue = event.params.oldValue;
  change.newValue = event.params.newValue;
  if (isAddress) {
    change.oldValueAddress = uintToAddress(event.params.oldValue);
    change.newValueAddress = uintToAddress(event.params.newValue);
  }
  change.caller = event.params.caller;
  change.byGuardian = byGuardian;
  if (!byGuardian) {
    const proposal = executedProposal(event);
    if (proposal != null) change.proposal = proposal.id;
  }
  change.blockNumber = event.block.number;
  change.timestamp = event.block.timestamp;
  change.transactionHash = event.transaction.hash;
  change.save();

  if (byGuardian) {
    const action = recordGuardianAction(event, event.params.caller, "Tighten");
    action.parameter = parameter.name;
    action.oldValue = event.params.oldValue;
    action.newValue = event.params.newValue;
    action.save();
  }
}

export function handleRulesSet(event: RulesSet): void {
  const parameter = Parameter.load(event.params.key);
  if (parameter == null) return;
  applyRules(parameter, event.params.newRules);
  parameter.save();
  const change = withRules(recordRules(event, event.params.key, "Set"), event.params.newRules);
  change.caller = event.params.caller;
  change.save();
}

export function handleRulesLooseningSubmitted(event: RulesLooseningSubmitted): void {
  if (Parameter.load(event.params.key) == null) return;
  const change = withRules(recordRules(event, event.params.key, "Submitted"), event.params.rules);
  change.executableAt = event.params.executableAt;
  change.save();
}

export function handleRulesLooseningRevoked(event: RulesLooseningRevoked): void {
  const parameter = Parameter.load(event.params.key);
  if (parameter == null) return;
  const change = recordRules(event, event.params.key, "Revoked");
  change.caller = event.params.caller;
  change.save();
  const registry = loadRegistry(event);
  if (event.params.caller.equals(registry.guardian)) {
    const action = recordGuardianAction(event, event.params.caller, "RevokeLoosening");
    action.parameter = parameter.name;
    action.save();
  }
}

export function handleGuardianSet(event: GuardianSet): void {
  const registry = loadRegistry(event);
  registry.guardian = event.params.newGuardian;
  registry.guardianExpiresAt = event.params.expiresAt;
  registry.save();
  recordGuardianAction(event, event.params.newGuardian, "GuardianSet").save();
}
