import { BaseError, ContractFunctionRevertedError, decodeErrorResult, isHex, type Abi, type Hex } from "viem";
import { expect } from "vitest";

/** The revert data carried somewhere in `error`'s cause chain, for calls viem cannot decode itself (deployments). */
function revertData(error: BaseError): Hex | undefined {
  const withData = error.walk((e) => isHex((e as { data?: unknown }).data));
  return withData ? (withData as unknown as { data: Hex }).data : undefined;
}

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

/** A revert in a word or a line: the custom error's name, the `Error(string)` reason, or else viem's short message. */
export function revertReason(error: unknown): string {
  if (!(error instanceof BaseError)) return String(error);
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError) {
    const reason = reverted.data?.errorName === "Error" ? String(reverted.data.args?.[0]) : reverted.data?.errorName;
    if (reason) return reason;
    if (reverted.reason) return reverted.reason;
  }
  return error.shortMessage;
}
