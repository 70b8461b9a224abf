/**
 * The permissions policy on a real dry run: a proposal whose call grants the timelock's PROPOSER_ROLE to a new
 * address fails unless its file declares the grant, then warns, the role decoded from the timelock's event by name.
 */
import hre from "hardhat";
import { createWalletClient, custom, encodeFunctionData, getAddress, keccak256, stringToHex } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { timelockControllerAbi } from "../../sdk/abis/contracts.ts";
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
    const stack = await connectStack(custom(connection.provider), v.record.contracts, "the test's stack");
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

/** A registry snapshot with no parameters: the proposal changes none (its one call is a raw call). */
const stubSnapshot: RegistrySnapshot = {
  baseSymbol: "USDC",
  baseDecimals: 6,
  parameters: {},
  earliestExecutionSeconds: 0,
  guardianExpiresAtSeconds: 0,
};
