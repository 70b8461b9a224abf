/**
 * A call's registry parameter updates: calldata of the registry's `setParameters` or `setParameter`, decoded into
 * parameter names and registry values. One home for the decoding the on-chain reader and the checks share.
 */
import { decodeFunctionData, type Hex } from "viem";
import { parameterRegistryAbi } from "../abis/contracts.ts";
import { parameterName } from "../../parameters/parameterKey.ts";

/** One parameter update a call makes: the parameter's name and its new registry value. */
export type RegistryUpdate = { name: string; value: bigint };

/** The updates `data` makes when it is a `setParameters`/`setParameter` call, else undefined (another function). */
export function registryUpdatesOf(data: Hex): RegistryUpdate[] | undefined {
  let decoded;
  try {
    decoded = decodeFunctionData({ abi: parameterRegistryAbi, data });
  } catch {
    return undefined; // not a registry call
  }
  if (decoded.functionName === "setParameters")
    return decoded.args[0].map(({ key, value }) => ({ name: parameterName(key), value }));
  if (decoded.functionName === "setParameter")
    return [{ name: parameterName(decoded.args[0]), value: decoded.args[1] }];
  return undefined;
}
