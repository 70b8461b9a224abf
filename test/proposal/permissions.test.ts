/**
 * The permissions policy on a real dry run: a proposal whose call grants the timelock's PROPOSER_ROLE to a new
 * address fails unless its file declares the grant, then warns, the role decoded from the timelock's event by name;
 * and before any dry run (`proposal check`), the same policy on the calldata, against the settings on chain.
 */
import hre from "hardhat";
import { createWalletClient, custom, encodeFunctionData, getAddress, keccak256, stringToHex } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { timelockControllerAbi, trimtabGovernorAbi } from "../../sdk/abis/contracts.ts";
import { stackAbi } from "../../sdk/proposal/abis.ts";
import { checkProposal, type RegistrySnapshot } from "../../sdk/proposal/check.ts";
import { connectStack } from "../../sdk/proposal/deployed.ts";
import { dryRun as dryRunOn, type DryRun } from "../../sdk/proposal/dryRun.ts";
import { dryRunKeeper } from "../../sdk/proposal/dryRunProposal.ts";
import { parseProposal } from "../../sdk/proposal/proposalFile.ts";
import { proposalChecks } from "../../sdk/proposal/report.ts";
import type { Connection } from "../helpers/governance.ts";
import { deployVault, type VaultStack } from "../helpers/vault.ts";

const newcomer = getAddress("0x00000000000000000000000000000000000000b0");

describe("The permissions policy on a proposal's dry run", () => {
  let connection: Connection;
  let v: VaultStack;
  let dryRun: DryRun;
  let grant: `0x${string}`;
  let stack: Awaited<ReturnType<typeof connectStack>>;
  const file = (permissions: string) =>
    parseProposal(
      "grant.yaml",
      `title: A second proposer\nbody: Adds a proposer to the timelock.\ncalls:\n` +
        `  - target: "${v.timelock.address}"\n    data: "${grant}"\n${permissions}`,
    );

  beforeAll(async () => {
    connection = await hre.network.create();
    v = await deployVault(connection);
    grant = encodeFunctionData({
      abi: timelockControllerAbi,
      functionName: "grantRole",
      args: [keccak256(stringToHex("PROPOSER_ROLE")), newcomer],
    });
    stack = await connectStack(custom(connection.provider), v.record.contracts, "the test's stack");
    dryRun = await dryRunOn(
      {
        publicClient: stack.publicClient,
        testClient: await connection.viem.getTestClient(),
        walletClient: createWalletClient({ transport: custom(connection.provider) }),
        abi: stackAbi,
        addresses: { timelock: v.timelock.address, vault: stack.vault, base: stack.base },
        keeper: dryRunKeeper,
        readSnapshot: stack.readSnapshot,
      },
      [{ target: v.timelock.address, data: grant, value: 0n }],
    );
  }, 300_000);

  it("collects the grant the call made, its role named", () => {
    expect(dryRun.calls.map((c) => c.status)).toEqual(["success"]);
    expect(dryRun.authority.map((e) => e.name)).toEqual(["RoleGranted"]);
  });

  it("fails the grant when the file does not declare it, and warns when it does", () => {
    const permissions = (text: string) => {
      const proposal = file(text);
      const checked = checkProposal("grant.yaml", proposal, stubSnapshot);
      return proposalChecks(checked, dryRun, proposal.permissions).filter((c) => c.rule === "permissions");
    };
    const undeclared = permissions("");
    expect(undeclared.map((c) => [c.status, c.message.split(" (")[0]])).toEqual([
      ["fail", `PROPOSER_ROLE granted to ${newcomer} on ${v.timelock.address}`],
    ]);
    const declared = permissions(`permissions:\n  - { grant: PROPOSER_ROLE, to: "${newcomer}" }\n`);
    expect(declared.map((c) => [c.status, c.field])).toEqual([["warn", "permissions[0]"]]);
  });
});

describe("The permissions policy before any dry run, on the calldata against the chain's settings", () => {
  it("fails the grant in the calldata, and a timelock delay lowered from the chain's, and warns of one raised", async () => {
    const connection = await hre.network.create();
    const v = await deployVault(connection);
    const stack = await connectStack(custom(connection.provider), v.record.contracts, "the test's stack");
    const snapshot = await stack.readSnapshot();
    const minDelay = await stack.publicClient.readContract({
      address: v.timelock.address,
      abi: timelockControllerAbi,
      functionName: "getMinDelay",
    });
    expect(snapshot.authority?.timelock).toBe(v.timelock.address);
    expect(snapshot.authority?.settings.minDelay).toBe(minDelay);
    const threshold = await stack.publicClient.readContract({
      address: stack.governor,
      abi: trimtabGovernorAbi,
      functionName: "proposalThreshold",
    });
    expect(snapshot.authority?.settings.proposalThreshold).toBe(threshold);
    const check = (data: `0x${string}`) =>
      checkProposal(
        "p.yaml",
        parseProposal(
          "p.yaml",
          `title: t\nbody: b\ncalls:\n  - target: "${v.timelock.address}"\n    data: "${data}"\n`,
        ),
        snapshot,
      )
        .checks.filter((c) => c.rule === "permissions")
        .map((c) => [c.status, c.message.replace("p.yaml: permissions: ", "").split(" (")[0]]);
    const grant = encodeFunctionData({
      abi: timelockControllerAbi,
      functionName: "grantRole",
      args: [keccak256(stringToHex("PROPOSER_ROLE")), newcomer],
    });
    expect(check(grant)).toEqual([["fail", `PROPOSER_ROLE granted to ${newcomer} on ${v.timelock.address}`]]);
    const delay = (seconds: bigint) =>
      encodeFunctionData({ abi: timelockControllerAbi, functionName: "updateDelay", args: [seconds] });
    expect(check(delay(minDelay - 1n))).toEqual([
      ["fail", `minDelay changed on ${v.timelock.address}: ${minDelay} → ${minDelay - 1n}`],
    ]);
    expect(check(delay(minDelay + 1n))).toEqual([
      ["warn", `minDelay changed on ${v.timelock.address}: ${minDelay} → ${minDelay + 1n}`],
    ]);
  }, 300_000);
});

/** A registry snapshot with no parameters: the proposal changes none (its one call is a raw call). */
const stubSnapshot: RegistrySnapshot = {
  baseSymbol: "USDC",
  baseDecimals: 6,
  parameters: {},
  earliestExecutionSeconds: 0,
  guardianExpiresAtSeconds: 0,
};
