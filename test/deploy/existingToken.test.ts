import hre from "hardhat";
import { beforeAll, describe, expect, it } from "vitest";
import { getAddress, parseEther, type Address } from "viem";
import { deployGovernanceCore } from "../../ignition/deploy.ts";
import type { Connection } from "../helpers/governance.ts";

describe("the governance core over an existing votes token (the parameters file's `token`)", () => {
  let connection: Connection;
  let token: Address;
  let deployed: Awaited<ReturnType<typeof deployGovernanceCore>>;

  beforeAll(async () => {
    connection = await hre.network.create();
    const [, dao] = await connection.viem.getWalletClients();
    // A DAO's own ERC20Votes token, deployed before and apart from Trimtab.
    const existing = await connection.viem.deployContract("TrimtabToken", [dao!.account.address, parseEther("1000")]);
    token = getAddress(existing.address);
    deployed = await deployGovernanceCore(connection, { network: "existing-token", token });
  });

  it("governs with that token and deploys none of its own", async () => {
    expect(await deployed.governor.read.token()).toBe(token);
    expect(deployed.record.contracts.TrimtabToken).toBe(token);
    const publicClient = await connection.viem.getPublicClient();
    const blocks = await publicClient.getBlockNumber();
    let creations = 0;
    for (let n = 0n; n <= blocks; n++)
      for (const tx of (await publicClient.getBlock({ blockNumber: n, includeTransactions: true })).transactions)
        if (tx.to === null) creations++;
    // The token (before), then the timelock, the governor, the registry and the proposal guard.
    expect(creations).toBe(5);
  });

  it("hands the timelock to the governor as with its own token", async () => {
    const roles = await Promise.all(
      (["PROPOSER_ROLE", "EXECUTOR_ROLE", "CANCELLER_ROLE"] as const).map(async (name) =>
        deployed.timelock.read.hasRole([await deployed.timelock.read[name](), deployed.governor.address]),
      ),
    );
    expect(roles).toEqual([true, true, true]);
    expect(await deployed.registry.read.governance()).toBe(getAddress(deployed.timelock.address));
  });
});
