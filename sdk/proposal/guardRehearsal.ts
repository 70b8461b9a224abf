/**
 * A guarded proposal's execution rehearsed on a fork: the timelock's operation of its batch is made ready (its
 * timestamp written in the timelock's storage, as if queued and waited out), then `executeBatch` is called as the
 * governor, the executor, exactly as the governor's `execute` would: every call, the guard's `begin` and `verify`
 * included, in one transaction. Nothing is mined: the answer is the call's, a success or the revert that says which
 * condition failed.
 */
import {
  encodeAbiParameters,
  encodeFunctionData,
  keccak256,
  parseEther,
  toHex,
  zeroHash,
  type Abi,
  type Address,
  type Hex,
  type PublicClient,
  type TestClient,
} from "viem";
import { timelockControllerAbi } from "../abis/contracts.ts";
import { decodeRevert, formatRevert } from "../revert.ts";
import type { ProposalAction } from "../proposalArgs.ts";
import type { GuardRehearsal } from "./guard.ts";

/** OpenZeppelin 5's TimelockController keeps `_timestamps` at storage slot 1 (after AccessControl's `_roles`). */
const timestampsSlot = 1n;

/** Rehearses the timelock's execution of `actions` with `salt` (GovernorTimelockControl's), as `executor`. */
export async function rehearseExecution(
  clients: { publicClient: PublicClient; testClient: TestClient; abi: Abi },
  args: { timelock: Address; executor: Address; actions: readonly ProposalAction[]; salt: Hex },
): Promise<GuardRehearsal> {
  const { publicClient, testClient } = clients;
  const targets = args.actions.map((a) => a.target);
  const values = args.actions.map((a) => a.value ?? 0n);
  const calldatas = args.actions.map((a) => a.data);
  const timelock = { address: args.timelock, abi: timelockControllerAbi } as const;
  const id = await publicClient.readContract({
    ...timelock,
    functionName: "hashOperationBatch",
    args: [targets, values, calldatas, zeroHash, args.salt],
  });
  const slot = keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "uint256" }], [id, timestampsSlot]));
  // Ready: a timestamp above DONE (1) and not in the future.
  await testClient.setStorageAt({ address: args.timelock, index: slot, value: toHex(2n, { size: 32 }) });
  if (!(await publicClient.readContract({ ...timelock, functionName: "isOperationReady", args: [id] })))
    throw new Error(`the timelock at ${args.timelock} does not keep operations as OpenZeppelin 5's does`);
  await testClient.impersonateAccount({ address: args.executor });
  await testClient.setBalance({ address: args.executor, value: parseEther("10") });
  const value = values.reduce((sum, v) => sum + v, 0n);
  try {
    await publicClient.call({
      account: args.executor,
      to: args.timelock,
      value,
      data: encodeFunctionData({
        abi: timelockControllerAbi,
        functionName: "executeBatch",
        args: [targets, values, calldatas, zeroHash, args.salt],
      }),
    });
    return { status: "held" };
  } catch (error) {
    const revert = decodeRevert(error, clients.abi);
    if (!revert) throw error;
    return { status: "reverted", errorName: revert.errorName, args: revert.args, message: formatRevert(revert) };
  }
}
