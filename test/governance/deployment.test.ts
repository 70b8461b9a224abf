import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import hre from "hardhat";
import { beforeAll, describe, expect, it } from "vitest";
import { getAddress, isAddress, parseEventLogs, type Address, type Hex } from "viem";
import { deployGovernanceCore } from "../../ignition/deploy.ts";
import { findDeploymentRecord, writeDeploymentRecord } from "../../sdk/deployment.ts";
import { timelockRoles } from "../../ignition/modules/Governance.ts";
import type { Connection } from "../helpers/governance.ts";

describe("deployment of the governance core", () => {
  let connection: Connection;
  let deployed: Awaited<ReturnType<typeof deployGovernanceCore>>;
  let deploymentsDir: string;

  beforeAll(async () => {
    connection = await hre.network.create();
    deploymentsDir = await mkdtemp(path.join(tmpdir(), "trimtab-deployments-"));
    deployed = await deployGovernanceCore(connection, { network: "test-net", deploymentsDir });
    await writeDeploymentRecord(deployed.record, deploymentsDir);
  });

  it("records every address and the start block in deployments/<network>.json", async () => {
    const record = JSON.parse(await readFile(path.join(deploymentsDir, "test-net.json"), "utf8"));
    expect(record).toMatchObject({
      network: "test-net",
      chainId: 31337,
      contracts: {
        TrimtabToken: getAddress(deployed.token.address),
        TimelockController: getAddress(deployed.timelock.address),
        TrimtabGovernor: getAddress(deployed.governor.address),
        ParameterRegistry: getAddress(deployed.registry.address),
      },
    });
    expect(Number.isInteger(record.startBlock)).toBe(true);
    expect(await findDeploymentRecord("test-net", deploymentsDir)).toEqual(record);
    expect(await findDeploymentRecord("elsewhere", deploymentsDir)).toBeUndefined();
  });

  it("refuses a network name that is not a plain file name", async () => {
    await expect(writeDeploymentRecord({ ...deployed.record, network: "../escape" }, deploymentsDir)).rejects.toThrow(
      /Network name "..\/escape"/,
    );
  });

  it("leaves no externally owned account with any role on the timelock", async () => {
    const publicClient = await connection.viem.getPublicClient();
    const logs = await publicClient.getLogs({ address: deployed.timelock.address, fromBlock: 0n });
    const events = parseEventLogs({ abi: deployed.timelock.abi, logs, eventName: ["RoleGranted", "RoleRevoked"] });
    const holders = new Map<Hex, Set<Address>>();
    for (const event of events) {
      const set = holders.get(event.args.role) ?? new Set<Address>();
      if (event.eventName === "RoleGranted") set.add(getAddress(event.args.account));
      else set.delete(getAddress(event.args.account));
      holders.set(event.args.role, set);
    }
    const governor = getAddress(deployed.governor.address);
    const timelock = getAddress(deployed.timelock.address);
    expect([...(holders.get(timelockRoles.DEFAULT_ADMIN_ROLE) ?? [])]).toEqual([timelock]);
    expect([...(holders.get(timelockRoles.PROPOSER_ROLE) ?? [])]).toEqual([governor]);
    expect([...(holders.get(timelockRoles.CANCELLER_ROLE) ?? [])]).toEqual([governor]);
    expect([...(holders.get(timelockRoles.EXECUTOR_ROLE) ?? [])]).toEqual([governor]);

    const [deployer] = await connection.viem.getWalletClients();
    for (const role of Object.values(timelockRoles)) {
      expect(await deployed.timelock.read.hasRole([role, deployer!.account.address])).toBe(false);
    }
    for (const account of [...holders.values()].flatMap((set) => [...set])) {
      expect(isAddress(account)).toBe(true);
      expect(await publicClient.getCode({ address: account }), `${account} is a contract`).not.toBe(undefined);
    }
  });

  it("wires the governor to the token and the timelock, and the registry to the timelock", async () => {
    expect(await deployed.governor.read.token()).toBe(getAddress(deployed.token.address));
    expect(await deployed.governor.read.timelock()).toBe(getAddress(deployed.timelock.address));
    expect(await deployed.registry.read.governance()).toBe(getAddress(deployed.timelock.address));
    expect(await deployed.governor.read.name()).toBe("Trimtab Governor");
  });
});
