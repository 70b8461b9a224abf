import { describe, expect, it } from "vitest";
import { decodeFunctionData } from "viem";
import { parameterKey } from "../../parameters/index.ts";
import { parameterCatalog } from "../../parameters/index.ts";
import { proposalActions, proposalDescription } from "./actions.ts";
import { decodeOnchainProposal, reportCitationOf, reportHashOf } from "./onchain.ts";
import { catalogSnapshot } from "./registry.ts";
import { keccak256, stringToHex } from "viem";
import { parameterRegistryAbi } from "../abis/contracts.ts";
import type { ProposalDraft } from "./proposalFile.ts";

const registry = "0x00000000000000000000000000000000000000aa";
const proposal: ProposalDraft = {
  title: "Hedge more",
  body: "Raise the hedge ratio.",
  changes: { "hedge.ratioBps": "60%", "hedge.bandBps": "8%" },
  calls: [{ target: "0x00000000000000000000000000000000000000bb", data: "0x1234", value: 5n }],
  simulation: {},
};

describe("What a proposal sends on chain", () => {
  it("one atomic setParameters batch with every change, then its raw calls", () => {
    const actions = proposalActions(
      proposal,
      [
        { name: "hedge.ratioBps", kind: "bps", before: 5_000n, after: 6_000n },
        { name: "hedge.bandBps", kind: "bps", before: 1_000n, after: 800n },
      ],
      registry,
    );
    expect(actions).toHaveLength(2);
    expect(actions[0]!.target).toBe(registry);
    const { functionName, args } = decodeFunctionData({
      abi: parameterRegistryAbi,
      data: actions[0]!.data,
    });
    expect(functionName).toBe("setParameters");
    expect(args[0]).toEqual([
      { key: parameterKey("hedge.ratioBps"), value: 6_000n },
      { key: parameterKey("hedge.bandBps"), value: 800n },
    ]);
    expect(actions[1]).toEqual({ target: "0x00000000000000000000000000000000000000bb", data: "0x1234", value: 5n });
  });

  it("describes it with its title, body and the impact report's hash for voters to verify", () => {
    const hash = `0x${"ab".repeat(32)}` as const;
    expect(proposalDescription(proposal, hash)).toBe(
      `# Hedge more\n\nRaise the hedge ratio.\n\nImpact report: ${hash}\n`,
    );
    expect(proposalDescription({ ...proposal, body: "# Own heading\n\nText" })).toBe("# Own heading\n\nText\n");
    expect(proposalDescription(proposal, hash, 1234n)).toBe(
      `# Hedge more\n\nRaise the hedge ratio.\n\nImpact report: ${hash} (block 1234)\n`,
    );
  });

  it("decodes a proposal on chain back into parameter changes in human units, and finds the report it cites", () => {
    const hash = `0x${"cd".repeat(32)}` as const;
    const description = proposalDescription(proposal, hash);
    const [setParameters, raw] = proposalActions(
      proposal,
      [{ name: "hedge.ratioBps", kind: "bps", before: 5_000n, after: 6_000n }],
      registry,
    );
    const snapshot = catalogSnapshot(
      parameterCatalog,
      { earliestExecutionSeconds: 0, guardianExpiresAtSeconds: 0 },
      {
        symbol: "USDC",
        decimals: 6,
      },
    );
    const decoded = decodeOnchainProposal(
      {
        id: 7n,
        proposer: registry,
        targets: [setParameters!.target, raw!.target],
        values: [0n, 5n],
        calldatas: [setParameters!.data, raw!.data],
        description,
        descriptionHash: keccak256(stringToHex(description)),
        voteStart: 0n,
        voteEnd: 0n,
        createdBlockNumber: 1n,
      },
      registry,
      snapshot,
      {}, // a deployment without a proposal guard
    );
    expect(decoded.title).toBe("Hedge more");
    expect(decoded.changes).toEqual({ "hedge.ratioBps": "60%" });
    expect(decoded.calls).toEqual([
      {
        target: "0x00000000000000000000000000000000000000bb",
        data: "0x1234",
        value: 5n,
        note: "decoded from the proposal",
      },
    ]);
    expect(reportHashOf(description)).toBe(hash);
    expect(reportHashOf("# No report")).toBeUndefined();
    expect(reportCitationOf(description)).toEqual({ hash });
    expect(reportCitationOf(proposalDescription(proposal, hash, "1234"))).toEqual({ hash, blockNumber: 1234n });
  });
});
