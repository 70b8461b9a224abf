/**
 * The postcondition guard's conditions, read from a chain: on the dry run's fork after the calls (what voters are
 * shown the proposal does), or, for a web draft that only sets parameters, from the chain as it is with the
 * parameters' new values. Browser-safe.
 */
import { getAddress, zeroAddress, type Address, type PublicClient } from "viem";
import {
  collateralManagerAbi,
  morphoAbi,
  parameterRegistryAbi,
  timelockControllerAbi,
  trimtabGovernorAbi,
} from "../abis/contracts.ts";
import { parameterKey } from "../../parameters/parameterKey.ts";
import { roleId, roleNames } from "./authority.ts";
import { defaultMaxSharePriceMoveBps, type GuardConditions, type GuardedLtv, type GuardedRole } from "./guard.ts";

type Reader = Pick<PublicClient, "readContract">;

/** The stack's contracts the conditions read. */
export type GuardAddresses = {
  registry: Address;
  timelock: Address;
  governor: Address;
  /** The vault whose share price the execution must not move (none: no share-price condition). */
  vault?: Address | undefined;
};

const timelockRoles = roleNames.filter((name) => name !== "owner");

/**
 * Who holds the timelock's roles, as the chain reads now: among the governor, the timelock, the registry's and the
 * governor's guardians, the zero address (an open role) and `accounts` (those a proposal's calls or declarations
 * name). A held role is a condition (it must still be held); so is a role one of `accounts` does not hold (it must
 * not be gained).
 */
export async function readRoleConditions(
  client: Reader,
  addresses: GuardAddresses,
  accounts: readonly Address[] = [],
): Promise<{ roles: GuardedRole[]; registryGuardian: Address }> {
  const [registryGuardian, proposalGuardian] = await Promise.all([
    client.readContract({ address: addresses.registry, abi: parameterRegistryAbi, functionName: "guardian" }),
    client.readContract({ address: addresses.governor, abi: trimtabGovernorAbi, functionName: "proposalGuardian" }),
  ]);
  const named = new Set(accounts.map((a) => getAddress(a)));
  const principals = [
    ...new Set(
      [addresses.governor, addresses.timelock, registryGuardian, proposalGuardian, zeroAddress, ...named].map((a) =>
        getAddress(a),
      ),
    ),
  ];
  const pairs = principals.flatMap((account) => timelockRoles.map((name) => ({ account, role: roleId(name) })));
  const held = await Promise.all(
    pairs.map(({ account, role }) =>
      client.readContract({
        address: addresses.timelock,
        abi: timelockControllerAbi,
        functionName: "hasRole",
        args: [role, account],
      }),
    ),
  );
  const roles = pairs
    .map((pair, i) => ({ target: getAddress(addresses.timelock), ...pair, held: held[i]! }))
    .filter((r) => r.held || named.has(r.account));
  return { roles, registryGuardian: getAddress(registryGuardian) };
}

/**
 * The collateral manager's loan-to-value bound: its Morpho market's liquidation LTV (a position above it is being
 * liquidated, and no proposal should execute on premises that gone). None when the registry names no module.
 */
export async function readLtvConditions(client: Reader, registry: Address): Promise<GuardedLtv[]> {
  const module = await client.readContract({
    address: registry,
    abi: parameterRegistryAbi,
    functionName: "getAddress",
    args: [parameterKey("module.collateral")],
  });
  if (BigInt(module) === 0n) return [];
  const read = { address: module, abi: collateralManagerAbi } as const;
  const [morpho, id] = await Promise.all([
    client.readContract({ ...read, functionName: "morpho" }),
    client.readContract({ ...read, functionName: "marketId" }),
  ]);
  const [, , , , lltv] = await client.readContract({
    address: morpho,
    abi: morphoAbi,
    functionName: "idToMarketParams",
    args: [id],
  });
  return [{ module: getAddress(module), maxLtvBps: (lltv * 10_000n) / 10n ** 18n }];
}

/**
 * The conditions of a proposal setting `parameters` (registry values before and after), with roles and the
 * registry's guardian as `authority` reads them after the calls, and the module LTV bounds.
 */
export function guardConditions(args: {
  parameters: readonly { name: string; before: bigint; after: bigint }[];
  authority: { roles: GuardedRole[]; registryGuardian: Address };
  ltvs: GuardedLtv[];
  vault?: Address | undefined;
  maxSharePriceMoveBps?: bigint;
}): GuardConditions {
  return {
    vault: args.vault ? getAddress(args.vault) : zeroAddress,
    maxSharePriceMoveBps: args.maxSharePriceMoveBps ?? defaultMaxSharePriceMoveBps,
    parameters: args.parameters.map((p) => ({ name: p.name, shown: p.before, proposed: p.after })),
    roles: args.authority.roles,
    registryGuardian: args.authority.registryGuardian,
    ltvs: args.ltvs,
  };
}

/** The conditions read from the chain as it is, for a proposal that changes only `parameters` (a web draft). */
export async function readGuardConditions(
  client: Reader,
  addresses: GuardAddresses,
  parameters: readonly { name: string; before: bigint; after: bigint }[],
): Promise<GuardConditions> {
  const [authority, ltvs] = await Promise.all([
    readRoleConditions(client, addresses),
    readLtvConditions(client, addresses.registry),
  ]);
  return guardConditions({ parameters, authority, ltvs, vault: addresses.vault });
}
