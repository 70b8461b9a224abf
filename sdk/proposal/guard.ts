/**
 * The postcondition guard (contracts/governance/ProposalGuard.sol): what a submitted proposal asserts at execution,
 * so that it executes only as its voters were shown. `proposal submit` (CLI and web) wraps the proposal's calls as
 * `[guard.begin(…), …calls…, guard.verify(…)]`; the conditions are read back from any proposal's calldata and said
 * in words ("executes only if …"), so that what a voter reads is what the chain will check.
 *
 * Pure and browser-safe: the conditions' values come from guardState.ts's reads.
 */
import {
  decodeFunctionData,
  encodeFunctionData,
  getAddress,
  keccak256,
  toHex,
  zeroAddress,
  type Address,
  type Hex,
} from "viem";
import { proposalGuardAbi } from "../abis/contracts.ts";
import { parameterKey, parameterName } from "../../parameters/parameterKey.ts";
import type { ProposalAction } from "../proposalArgs.ts";
import { roleName } from "./authority.ts";
import { formatRecordedValue } from "./units.ts";

/** A parameter the proposal sets: its registry value as voters were shown it, and the one it sets. */
export type GuardedParameter = { name: string; shown: bigint; proposed: bigint };

/** Whether `account` holds `role` on `target` after execution. */
export type GuardedRole = { target: Address; role: Hex; account: Address; held: boolean };

/** A module's loan-to-value after execution, at most `maxLtvBps`. */
export type GuardedLtv = { module: Address; maxLtvBps: bigint };

/** What a guarded proposal asserts; `vault` zero: no share-price condition. */
export type GuardConditions = {
  vault: Address;
  maxSharePriceMoveBps: bigint;
  parameters: GuardedParameter[];
  roles: GuardedRole[];
  registryGuardian: Address;
  ltvs: GuardedLtv[];
};

/**
 * How far the execution itself may move the share price: 10 bps, the after-execution invariant's WARN line (a
 * parameter change moves it by nothing; a NAV read that a change breaks, or value taken, moves it).
 */
export const defaultMaxSharePriceMoveBps = 10n;

/**
 * The timelock salt OpenZeppelin's GovernorTimelockControl gives a proposal: the governor's address (as the high
 * 20 bytes) XOR the description hash.
 */
export function timelockSalt(governor: Address, descriptionHash: Hex): Hex {
  return toHex((BigInt(governor) << 96n) ^ BigInt(descriptionHash), { size: 32 });
}

/**
 * The proposal's calls wrapped by the guard at `guard`: `begin` first (the shown values, the share price before),
 * the calls, then `verify` (the payload's binding and the postconditions). The description must be the one
 * proposed: the binding hashes the batch with its salt.
 */
export function guardedActions(args: {
  guard: Address;
  governor: Address;
  actions: readonly ProposalAction[];
  description: string;
  conditions: GuardConditions;
}): ProposalAction[] {
  const { guard, conditions } = args;
  const parameters = conditions.parameters.map((p) => ({
    key: parameterKey(p.name),
    shown: p.shown,
    proposed: p.proposed,
  }));
  const begin: ProposalAction = {
    target: guard,
    data: encodeFunctionData({ abi: proposalGuardAbi, functionName: "begin", args: [conditions.vault, parameters] }),
  };
  const before = [begin, ...args.actions];
  const verify = encodeFunctionData({
    abi: proposalGuardAbi,
    functionName: "verify",
    args: [
      {
        parameters,
        roles: conditions.roles,
        registryGuardian: conditions.registryGuardian,
        ltvs: conditions.ltvs,
        maxSharePriceMoveBps: conditions.maxSharePriceMoveBps,
      },
      before.map((a) => a.target),
      before.map((a) => a.value ?? 0n),
      before.map((a) => a.data),
      timelockSalt(args.governor, keccak256(toHex(args.description))),
    ],
  });
  return [...before, { target: guard, data: verify }];
}

/** A guarded proposal's calls read back: its conditions, the guard, and the calls between `begin` and `verify`. */
export type GuardedProposal = { guard: Address; conditions: GuardConditions; payload: ProposalAction[] };

/**
 * The guard of a proposal's calls, when its first call is a guard's `begin` and its last that guard's `verify`, with
 * the same parameters in both; undefined otherwise (an unguarded proposal, or guard calls that do not agree, which are
 * then only calls like any other: a dry run shows what they do).
 */
export function readGuard(actions: readonly ProposalAction[]): GuardedProposal | undefined {
  const first = actions[0];
  const last = actions[actions.length - 1];
  if (!first || !last || actions.length < 2 || getAddress(first.target) !== getAddress(last.target)) return undefined;
  const begin = decodeGuardCall(first.data);
  const verify = decodeGuardCall(last.data);
  if (begin?.functionName !== "begin" || verify?.functionName !== "verify") return undefined;
  const [vault, shown] = begin.args;
  const [post] = verify.args;
  if (shown.length !== post.parameters.length || shown.some((p, i) => p.key !== post.parameters[i]!.key))
    return undefined;
  return {
    guard: getAddress(first.target),
    payload: actions.slice(1, -1).map((a) => ({ ...a })),
    conditions: {
      vault: getAddress(vault),
      maxSharePriceMoveBps: post.maxSharePriceMoveBps,
      parameters: post.parameters.map((p, i) => ({
        name: parameterName(p.key),
        shown: shown[i]!.shown,
        proposed: p.proposed,
      })),
      roles: post.roles.map((r) => ({ ...r, target: getAddress(r.target), account: getAddress(r.account) })),
      registryGuardian: getAddress(post.registryGuardian),
      ltvs: post.ltvs.map((l) => ({ module: getAddress(l.module), maxLtvBps: l.maxLtvBps })),
    },
  };
}

function decodeGuardCall(data: Hex) {
  try {
    return decodeFunctionData({ abi: proposalGuardAbi, data });
  } catch {
    return undefined;
  }
}

/** How the words name things: contracts and accounts by name, parameter values in their units. */
export type GuardWording = {
  nameOf: (address: Address) => string;
  formatParameter: (name: string, value: bigint) => string;
};

const percentOfBps = (bps: bigint) => `${(Number(bps) / 100).toFixed(2)}%`;

/** Each condition in words, for the report and the proposal page: the proposal executes only if all of them hold. */
export function guardConditionsInWords(conditions: GuardConditions, wording: GuardWording): string[] {
  const { nameOf, formatParameter } = wording;
  const words: string[] = [];
  for (const p of conditions.parameters)
    words.push(
      `${p.name} still reads ${formatParameter(p.name, p.shown)} (as shown) before the calls, and ` +
        `${formatParameter(p.name, p.proposed)} after them`,
    );
  for (const r of conditions.roles)
    words.push(`${nameOf(r.account)} ${r.held ? "holds" : "does not hold"} ${roleName(r.role)} on ${nameOf(r.target)}`);
  words.push(
    conditions.registryGuardian === zeroAddress
      ? "the registry has no guardian"
      : `the registry's guardian is ${nameOf(conditions.registryGuardian)}`,
  );
  // The conditions that need prices hold vacuously in an oracle outage: governance is never blocked by one.
  for (const l of conditions.ltvs)
    words.push(`${nameOf(l.module)}'s loan-to-value is at most ${percentOfBps(l.maxLtvBps)} (when its oracles answer)`);
  if (conditions.vault !== zeroAddress)
    words.push(
      `the execution moves ${nameOf(conditions.vault)}'s share price by at most ` +
        `${percentOfBps(conditions.maxSharePriceMoveBps)}, and leaves it priced (when its oracles answer before the calls)`,
    );
  words.push("the calls executed are exactly these, in this order (the guard is bound to this proposal)");
  return words;
}

/** The guard's revert in words ("a guarded condition failed: …"), or undefined when it is not the guard's. */
export function guardFailureInWords(
  error: { errorName?: string | undefined; args?: readonly unknown[] | undefined },
  wording: GuardWording,
): string | undefined {
  const { nameOf, formatParameter } = wording;
  const a = error.args ?? [];
  const name = (key: unknown) => parameterName(key as Hex);
  switch (error.errorName) {
    case "GuardParameterNotAsShown":
      return `${name(a[0])} reads ${formatParameter(name(a[0]), a[2] as bigint)}, not ${formatParameter(name(a[0]), a[1] as bigint)} as voters were shown`;
    case "GuardParameterNotAsProposed":
      return `${name(a[0])} reads ${formatParameter(name(a[0]), a[2] as bigint)} after the calls, not ${formatParameter(name(a[0]), a[1] as bigint)} as proposed`;
    case "GuardRoleNotAsDeclared":
      return `${nameOf(a[2] as Address)} ${a[3] ? "does not hold" : "holds"} ${roleName(a[1] as Hex)} on ${nameOf(a[0] as Address)}`;
    case "GuardGuardianNotAsDeclared":
      return `the registry's guardian is ${nameOf(a[1] as Address)}, not ${nameOf(a[0] as Address)}`;
    case "GuardSharePriceMoved": {
      const [before, after] = [a[0] as bigint, a[1] as bigint];
      const movedBps = before === 0n ? 0n : ((after - before) * 10_000n) / before;
      const wad = (v: bigint) => (Number(v) / 1e18).toFixed(6);
      return (
        `the execution moved the share price by ${movedBps > 0n ? "+" : ""}${percentOfBps(movedBps)} ` +
        `(${wad(before)} → ${wad(after)}), beyond ${percentOfBps(a[2] as bigint)}`
      );
    }
    case "GuardSharePriceUnreadable":
      return `the calls left ${nameOf(a[0] as Address)} unable to price its shares, which it could before them`;
    case "GuardLtvAboveBound":
      return `${nameOf(a[0] as Address)}'s loan-to-value is ${percentOfBps(a[1] as bigint)}, above ${percentOfBps(a[2] as bigint)}`;
    case "GuardPayloadMismatch":
      return "the calls executed are not the ones proposed with this guard";
    case "GuardNotBegun":
      return "the guard's begin call did not run first";
    case "GuardNotTimelock":
      return `the guard was called by ${nameOf(a[0] as Address)}, not the timelock`;
    default:
      return undefined;
  }
}

/** A guard's rehearsal on the dry run's fork: the batch executes (its conditions hold), or the revert. */
export type GuardRehearsal =
  | { status: "held" }
  | { status: "reverted"; errorName?: string | undefined; args: readonly unknown[]; message: string };

/** What the dry run says of a proposal's guard: its conditions, its whole batch, and the rehearsal of that batch. */
export type GuardReport = {
  guard: Address;
  conditions: GuardConditions;
  /** The batch as proposed (or to propose): `begin`, the calls, `verify`. */
  actions: ProposalAction[];
  rehearsal: GuardRehearsal;
};

/**
 * The words of a stack: contracts and accounts by the deployment record's names (the zero address as anyone), and
 * parameter values in their units as `snapshot` (the registry's) knows them.
 */
export function stackWording(
  contracts: Readonly<Record<string, Address | undefined>>,
  snapshot: Parameters<typeof formatRecordedValue>[2],
): GuardWording {
  const names = new Map(
    Object.entries(contracts).flatMap(([name, address]) => (address ? [[getAddress(address), name] as const] : [])),
  );
  return {
    nameOf: (address) =>
      address === zeroAddress ? "anyone (the zero address)" : (names.get(getAddress(address)) ?? address),
    formatParameter: (name, value) => formatRecordedValue(name, value.toString(), snapshot),
  };
}

/** A report's guard: the words of its conditions, and what its rehearsal on the dry run's fork found. */
export type GuardSection = {
  address: Address;
  /** The proposal executes only if each of these holds. */
  executesOnlyIf: string[];
  rehearsal: GuardRehearsal;
  /** The failed condition in words, when the rehearsal reverted with a guard's error. */
  failure?: string;
};

/** The report's guard section of a dry run's guard, in `wording`'s words. */
export function guardSection(report: GuardReport, wording: GuardWording): GuardSection {
  const failure = report.rehearsal.status === "reverted" ? guardFailureInWords(report.rehearsal, wording) : undefined;
  return {
    address: report.guard,
    executesOnlyIf: guardConditionsInWords(report.conditions, wording),
    rehearsal: report.rehearsal,
    ...(failure ? { failure } : {}),
  };
}
