import { describe, expect, it } from "vitest";
import { parameterCatalog, vaultAssetParameters } from "../../parameters/index.ts";
import { checkProposal, type RegistrySnapshot } from "./check.ts";
import { parseProposal } from "./proposalFile.ts";
import { catalogSnapshot } from "./registry.ts";
import { scaffoldParameter, scaffoldProposal } from "./scaffold.ts";

const day = 86_400;
const now = 1_800_000_000;
const assets = vaultAssetParameters(
  (["USDC", "WETH", "WBTC"] as const).map((symbol, i) => ({
    symbol,
    feed: `0x000000000000000000000000000000000000000${i + 1}` as const,
    heartbeatSec: 3_600n,
    weightBps: symbol === "WBTC" ? 2_000n : 4_000n,
    ...(symbol === "USDC" ? {} : { poolFee: 3_000 }),
  })),
);
/** The catalog's values (the band at 5%, moving at most 2.5% an update), last changed 60 days ago. */
const registry: RegistrySnapshot = catalogSnapshot(
  [...parameterCatalog, ...assets],
  {
    earliestExecutionSeconds: now + 6 * day,
    guardianExpiresAtSeconds: now + 365 * day,
    updatedAtSeconds: now - 60 * day,
  },
  { symbol: "USDC", decimals: 6 },
);
/** The registry with the band at `value` (and governance's baseline at `baseline` when the guardian moved it). */
const withBand = (value: bigint, baseline?: bigint): RegistrySnapshot => {
  const band = registry.parameters[scaffoldParameter]!;
  return {
    ...registry,
    parameters: {
      ...registry.parameters,
      [scaffoldParameter]: {
        ...band,
        value,
        ...(baseline === undefined
          ? {}
          : { governanceBaseline: { value: baseline, updatedAtSeconds: band.updatedAtSeconds } }),
      },
    },
  };
};
const scaffolded = (at: RegistrySnapshot) =>
  parseProposal("new.yaml", scaffoldProposal("tighter-band", { from: "registry", registry: at }));

describe("A new proposal (trimtab proposal new)", () => {
  it("moves the band half a step from the value in force, and passes its checks where it is written", () => {
    const text = scaffoldProposal("tighter-band", { from: "registry", registry });
    expect(text).toContain("# rebalance.bandBps: 5% in force; the rules allow 1% to 20%, at most 2.5% per update.");
    const proposal = parseProposal("new.yaml", text);
    expect(proposal.title).toBe("tighter band");
    expect(proposal.changes).toEqual({ [scaffoldParameter]: "3.75%" });
    expect(proposal.simulation.drift).toBe("zero"); // the drift assumed is written out, to be seen and changed
    const failing = checkProposal("new.yaml", proposal, registry).checks.filter((c) => c.status === "fail");
    expect(failing).toEqual([]);
  });

  it("states its change in the body's table, which the description check finds equal to the calldata", () => {
    const proposal = scaffolded(registry);
    expect(proposal.body).toContain("| `rebalance.bandBps` | 5% | 3.75% |");
    const description = checkProposal("new.yaml", proposal, registry).checks.find((c) => c.rule === "description");
    expect(description).toMatchObject({ status: "pass", field: "body" });
  });

  it("never writes the value in force: at the rules' minimum it moves up", () => {
    expect(scaffolded(withBand(100n)).changes).toEqual({ [scaffoldParameter]: "2.25%" });
    const atMinimum = checkProposal("new.yaml", scaffolded(withBand(100n)), withBand(100n));
    expect(atMinimum.verdict).not.toBe("FAIL");
  });

  it("stays within one step of governance's value when the guardian has tightened the band since", () => {
    // Governance set 5%, the guardian tightened to 3%: 1.75% would move 3.25% from governance's 5%.
    const tightened = withBand(300n, 500n);
    expect(scaffolded(tightened).changes).toEqual({ [scaffoldParameter]: "4.25%" });
    expect(
      checkProposal("new.yaml", scaffolded(tightened), tightened).checks.filter((c) => c.status === "fail"),
    ).toEqual([]);
  });

  it("starts from the catalog's first value when the chain cannot be read, and says so", () => {
    const text = scaffoldProposal("tighter-band", {
      from: "catalog",
      context: { baseSymbol: "USDC", baseDecimals: 6 },
    });
    expect(text).toContain("5% is the catalog's first value (the chain could not be read)");
    expect(parseProposal("new.yaml", text).changes).toEqual({ [scaffoldParameter]: "3.75%" });
  });

  it("refuses a name that is not lowercase words joined by dashes", () => {
    expect(() => scaffoldProposal("Tighter Band", { from: "registry", registry })).toThrow(
      'proposal names are lowercase words joined by dashes, e.g. tighter-band; got "Tighter Band"',
    );
  });
});
