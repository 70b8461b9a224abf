import { describe, expect, it } from "vitest";
import { decodeFunctionData, parseAbi } from "viem";
import { parameterKey } from "../../parameters/index.ts";
import { proposalActions, proposalDescription } from "../../sdk/proposal/actions.ts";
import type { ProposalDraft } from "../../sdk/proposal/format.ts";

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
      abi: parseAbi(["function setParameters((bytes32 key, uint256 value)[] updates)"]),
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
  });
});
