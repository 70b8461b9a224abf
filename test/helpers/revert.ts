import { BaseError, ContractFunctionRevertedError, decodeErrorResult, type Abi, type Hex } from "viem";
import { expect } from "vitest";
import { GovernanceError } from "../../sdk/governance/errors.ts";
import { revertData } from "../../sdk/revert.ts";

/**
 * Asserts that `call` reverts with the custom error `errorName` (and, when given, exactly `args`).
 * Fails with the real outcome when the call succeeds or reverts otherwise. `abi` decodes reverts that viem
 * leaves raw, such as a failing constructor.
 */
export async function expectRevert(
  call: Promise<unknown>,
  errorName: string,
  args?: readonly unknown[],
  abi?: Abi,
): Promise<void> {
  let caught: unknown;
  try {
    await call;
  } catch (error) {
    caught = error;
  }
  if (caught === undefined) throw new Error(`expected a revert with ${errorName}, but the call succeeded`);
  // The SDK's governance actions refuse a transaction that would revert with a GovernanceError saying why; the
  // revert itself is its cause.
  if (caught instanceof GovernanceError && caught.cause instanceof BaseError) caught = caught.cause;
  if (!(caught instanceof BaseError)) throw new Error(`expected a revert with ${errorName}, got: ${String(caught)}`);

  const reverted = caught.walk((e) => e instanceof ContractFunctionRevertedError);
  let decoded: { errorName: string; args?: readonly unknown[] } | undefined;
  if (reverted instanceof ContractFunctionRevertedError) decoded = reverted.data;
  if (!decoded && abi) {
    const data = reverted instanceof ContractFunctionRevertedError ? reverted.raw : revertData(caught);
    if (data) decoded = decodeErrorResult({ abi, data });
  }
  if (!decoded) throw new Error(`expected a revert with ${errorName}, got: ${String(caught)}`);
  expect(decoded.errorName, String(caught)).toBe(errorName);
  if (args) expect(decoded.args).toEqual(args);
}

/** The name of the error a failed call reverted with: a custom error's name, `Error(reason)`, `Panic(code)`, or
 * `unnamed: …` when the revert carried nothing decodable. */
export function revertName(error: unknown, errorAbi: Abi): string {
  if (!(error instanceof BaseError)) return `unnamed: ${String(error)}`;
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError) {
    if (reverted.data?.errorName === "Error") return `Error(${String(reverted.data.args?.[0])})`;
    if (reverted.data?.errorName === "Panic") return `Panic(${String(reverted.data.args?.[0])})`;
    if (reverted.data?.errorName) return reverted.data.errorName;
    if (reverted.reason) return `Error(${reverted.reason})`;
    if (reverted.raw) return decodeName(reverted.raw, errorAbi) ?? `unnamed: ${reverted.raw}`;
  }
  const data = revertData(error);
  if (data) return decodeName(data, errorAbi) ?? `unnamed: ${data}`;
  const reason = /reverted with reason string '([^']*)'/.exec(error.message)?.[1];
  if (reason !== undefined) return `Error(${reason})`;
  const custom = /reverted with custom error '(\w+)\(/.exec(error.message)?.[1];
  if (custom) return custom;
  return `unnamed: ${error.shortMessage}`;
}

function decodeName(data: Hex, abi: Abi): string | undefined {
  try {
    const decoded = decodeErrorResult({ abi, data });
    if (decoded.errorName === "Error") return `Error(${String(decoded.args?.[0])})`;
    if (decoded.errorName === "Panic") return `Panic(${String(decoded.args?.[0])})`;
    return decoded.errorName;
  } catch {
    return undefined;
  }
}
