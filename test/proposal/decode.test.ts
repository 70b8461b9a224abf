import hre from "hardhat";
import { custom, encodeFunctionData, getAddress, parseUnits, type Address } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { parameterKey } from "../../parameters/parameterKey.ts";
import { parameterRegistryAbi, trimtabGovernorAbi, trimtabTokenAbi } from "../../sdk/abis/contracts.ts";
import { decodeActions, decodeContextOf, type DecodedCall } from "../../sdk/decode.ts";
import { propose } from "../../sdk/governance/actions.ts";
import { connectStack, describeProgress, readStackProposal, type StackProgress } from "../../sdk/proposal/deployed.ts";
import { readOnchainProposal } from "../../sdk/proposal/onchain.ts";
import type { Connection } from "../helpers/governance.ts";
import { deployVault, type VaultStack } from "../helpers/vault.ts";

describe("Decoding a proposal read back from the chain", () => {
  let connection: Connection;
  let v: VaultStack;
  beforeAll(async () => {
    connection = await hre.network.create();
    v = await deployVault(connection);
    await connection.networkHelpers.mine(); // alice's delegation counts from the block after it
  });

  it("names each target, reads its call in units, and decodes the call a governor relays", async () => {
    const { alice } = v.accounts;
    const recipient = getAddress(v.accounts.carol.account.address);
    const update = encodeFunctionData({
      abi: parameterRegistryAbi,
      functionName: "setParameters",
      args: [
        [
          { key: parameterKey("caps.depositCap"), value: parseUnits("12000000", 6) },
          { key: parameterKey("module.hedge"), value: BigInt(v.hedgeModule.address) },
        ],
      ],
    });
    const transfer = encodeFunctionData({
      abi: trimtabTokenAbi,
      functionName: "transfer",
      args: [recipient, parseUnits("2500", 18)],
    });
    const relay = encodeFunctionData({
      abi: trimtabGovernorAbi,
      functionName: "relay",
      args: [v.token.address, 0n, transfer],
    });
    const publicClient = await connection.viem.getPublicClient();
    const { proposalId } = await propose(
      { publicClient, walletClient: alice },
      {
        governor: v.governor.address,
        actions: [
          { target: v.registry.address, data: update },
          { target: v.governor.address, data: relay },
        ],
        description: "# Raise the cap, pay a grant",
      },
    );
    const stack = await connectStack(custom(connection.provider), v.record.contracts, "the test's stack");
    const onchain = await readOnchainProposal(stack.publicClient, stack.governor, proposalId);
    const actions = decodeActions(onchain, { ...decodeContextOf(v.record), registry: await stack.readSnapshot() });

    expect(actions.map((a) => [a.targetName, a.valueWei])).toEqual([
      ["ParameterRegistry", 0n],
      ["TrimtabGovernor", 0n],
    ]);
    const [registryCall, relayCall] = actions.map((a) => a.call as DecodedCall);
    expect(registryCall!.args[0]!.text).toEqual([
      "caps.depositCap = 12_000_000 USDC (12000000000000 wei)",
      `module.hedge = ${v.hedgeModule.address} (HedgeModule)`,
    ]);
    expect(relayCall!.functionName).toBe("relay");
    const relayed = relayCall!.actions![0]!;
    expect(relayed).toMatchObject({ target: v.token.address as Address, targetName: "TrimtabToken" });
    expect((relayed.call as DecodedCall).args.map((a) => a.text)).toEqual([
      recipient,
      "2,500.00 TRIM (2500000000000000000000 wei)",
    ]);
  });

  it("reads a proposal back through a node that refuses wide eth_getLogs ranges, in small ranges from the start block", async () => {
    const { alice } = v.accounts;
    const publicClient = await connection.viem.getPublicClient();
    const { proposalId } = await propose(
      { publicClient, walletClient: alice },
      {
        governor: v.governor.address,
        actions: [
          {
            target: v.registry.address,
            data: encodeFunctionData({
              abi: parameterRegistryAbi,
              functionName: "setParameters",
              args: [[{ key: parameterKey("caps.depositCap"), value: parseUnits("11000000", 6) }]],
            }),
          },
        ],
        description: "# Raise the cap a little",
      },
    );
    await connection.networkHelpers.mine(100); // the proposal sits below the head, in a range final enough to cache
    // A provider's limit: at most 50 blocks per eth_getLogs, else "block range is too wide".
    const ranges: [bigint, bigint][] = [];
    const picky = custom({
      async request({ method, params }: { method: string; params?: unknown }) {
        if (method === "eth_getLogs") {
          const [{ fromBlock, toBlock }] = params as [{ fromBlock: string; toBlock: string }];
          ranges.push([BigInt(fromBlock), BigInt(toBlock)]);
          if (BigInt(toBlock) - BigInt(fromBlock) + 1n > 50n) throw new Error("block range is too wide (max 50)");
        }
        return connection.provider.request({ method, params } as Parameters<typeof connection.provider.request>[0]);
      },
    });
    const progress: StackProgress[] = [];
    const stack = await connectStack(picky, v.record.contracts, "the test's stack", {
      startBlock: 0n,
      onProgress: (p) => progress.push(p),
    });
    const onchain = await readStackProposal(stack, proposalId);
    expect(onchain.description).toBe("# Raise the cap a little");
    const accepted = ranges.filter(([from, to]) => to - from + 1n <= 50n);
    expect(accepted[0]![0]).toBe(0n);
    accepted.slice(1).forEach(([from], i) => expect(from, "contiguous ranges").toBe(accepted[i]![1] + 1n));
    // It stopped at the range holding the proposal, not at the head.
    expect(accepted.at(-1)![1]).toBeGreaterThanOrEqual(onchain.createdBlockNumber);
    expect(accepted.at(-1)![1]).toBeLessThan(onchain.createdBlockNumber + 50n);
    expect(progress.at(-1)).toMatchObject({ kind: "logs", label: "ProposalCreated" });
    expect(describeProgress(progress.at(-1)!)).toMatch(
      /^scanning ProposalCreated logs: \d+ of \d+ blocks \(\d+%\), \d+ found$/,
    );
    // Read again on the same client: the final ranges come from its cache, only the proposal's own is asked again.
    const asked = ranges.length;
    await readStackProposal(stack, proposalId);
    expect(ranges.length - asked).toBeLessThanOrEqual(1);
  });
});
