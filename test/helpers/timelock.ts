import { parseEther, type Address } from "viem";
import type { Connection } from "./governance.ts";

/**
 * Lets tests send transactions from the timelock's address, as an executed proposal would, without running a
 * full vote for each registry rule. The governance path itself is covered by the lifecycle tests.
 */
export async function actAsTimelock(connection: Connection, timelock: Address): Promise<{ account: Address }> {
  await connection.networkHelpers.impersonateAccount(timelock);
  await connection.networkHelpers.setBalance(timelock, parseEther("10"));
  return { account: timelock };
}
