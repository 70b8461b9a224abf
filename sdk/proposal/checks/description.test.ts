import { readdir } from "node:fs/promises";
import path from "node:path";
import { encodeFunctionData } from "viem";
import { describe, expect, it } from "vitest";
import { parameterRegistryAbi } from "../../abis/contracts.ts";
import { parameterCatalog, vaultAssetParameters } from "../../../parameters/index.ts";
import { parameterKey } from "../../../parameters/parameterKey.ts";
import { checkProposal, type RegistrySnapshot } from "../check.ts";
import { loadProposal } from "../load.ts";
import type { ProposalDraft } from "../proposalFile.ts";
import { catalogSnapshot } from "../registry.ts";
import { compareDescription, describedChanges } from "./description.ts";

const now = 1_800_000_000;
/** The catalog's first values (the band at 5%, the management fee at 2%), last changed 60 days ago. */
const snapshot: RegistrySnapshot = catalogSnapshot(
  parameterCatalog,
  { earliestExecutionSeconds: now + 6 * 86_400, guardianExpiresAtSeconds: now, updatedAtSeconds: now - 60 * 86_400 },
  { symbol: "USDC", decimals: 6 },
);
/** USDC, WETH and WBTC at 40/40/20, as the examples assume. */
const vaultAssets = vaultAssetParameters(
  (["USDC", "WETH", "WBTC"] as const).map((symbol, i) => ({
    symbol,
    feed: `0x000000000000000000000000000000000000000${i + 1}` as const,
    heartbeatSec: symbol === "USDC" ? 86_400n : 3_600n,
    weightBps: symbol === "WBTC" ? 2_000n : 4_000n,
    ...(symbol === "USDC" ? {} : { poolFee: 3_000 }),
  })),
);
const table = (...rows: string[]) =>
  ["Why.", "", "| Parameter | Current | Proposed |", "|---|---|---|", ...rows, "", "More text."].join("\n");
const proposal = (body: string, changes: ProposalDraft["changes"], calls: ProposalDraft["calls"] = []) => ({
  title: "t",
  body,
  changes,
  calls,
  simulation: {},
});
const description = (p: ProposalDraft) =>
  checkProposal("p.yaml", p, snapshot).checks.find((c) => c.rule === "description");
const registry = "0x00000000000000000000000000000000000000aa" as const;
const setParameters = (updates: [string, bigint][]) => ({
  target: registry,
  value: 0n,
  data: encodeFunctionData({
    abi: parameterRegistryAbi,
    functionName: "setParameters",
    args: [updates.map(([name, value]) => ({ key: parameterKey(name), value }))],
  }),
});

describe("The body's table of changes", () => {
  it("is the first table with Parameter and Proposed columns: names without backticks, Current optional", () => {
    expect(
      describedChanges(table("| `rebalance.bandBps` | 5% | 4% |", "| fees.managementBps | — | 200 bps |")),
    ).toEqual([
      { parameter: "rebalance.bandBps", current: "5%", proposed: "4%" },
      { parameter: "fees.managementBps", proposed: "200 bps" },
    ]);
    const other =
      "| Asset | Weight |\n|---|---|\n| USDC | 40% |\n\n| Proposed | Parameter |\n| --- | --- |\n| 4% | x |";
    expect(describedChanges(other)).toEqual([{ parameter: "x", proposed: "4%" }]);
    expect(describedChanges("No table here.\n\n| a | b |\n|---|---|\n| 1 | 2 |")).toBeUndefined();
  });
});

describe("Description against calldata: the table says what the calls do", () => {
  it("passes when they agree, in the parameter's units: 200 bps is 2%, 0.04 is 4%", () => {
    const p = proposal(table("| `rebalance.bandBps` | 5% | 0.04 |", "| `fees.managementBps` | 2% | 150 bps |"), {
      "rebalance.bandBps": "4%",
      "fees.managementBps": "1.5%",
    });
    expect(description(p)).toMatchObject({
      status: "pass",
      field: "body",
      message: "p.yaml: body: the table states the 2 changes the calls make",
    });
  });

  it("fails for a change the calls make that the table omits, including a raw call to setParameters", () => {
    const omitted = proposal(table("| `rebalance.bandBps` | 5% | 4% |"), {
      "rebalance.bandBps": "4%",
      "fees.managementBps": "1.5%",
    });
    expect(description(omitted)).toMatchObject({
      status: "fail",
      message: "p.yaml: body: the calls set fees.managementBps to 1.5%; the table does not state it",
    });
    const raw = proposal(table("| `rebalance.bandBps` | 5% | 4% |"), { "rebalance.bandBps": "4%" }, [
      setParameters([["rebalance.maxTradeBps", 1_500n]]),
    ]);
    expect(description(raw)?.message).toBe(
      "p.yaml: body: the calls set rebalance.maxTradeBps to 15%; the table does not state it",
    );
    const stated = proposal(table("| rebalance.bandBps | 5% | 4% |", "| rebalance.maxTradeBps | 10% | 1500 bps |"), {
      "rebalance.bandBps": "4%",
    });
    expect(description({ ...stated, calls: raw.calls })?.status).toBe("pass");
  });

  it("fails for a value other than the calls', and for a change the calls do not make", () => {
    const other = proposal(table("| `rebalance.bandBps` | 5% | 4.5% |"), { "rebalance.bandBps": "4%" });
    expect(description(other)?.message).toBe(
      "p.yaml: body: the table states rebalance.bandBps → 4.5%; the calls set 4%",
    );
    const extra = proposal(table("| `rebalance.bandBps` | 5% | 4% |", "| `hedge.ratioBps` | 50% | 60% |"), {
      "rebalance.bandBps": "4%",
    });
    expect(description(extra)).toMatchObject({
      status: "fail",
      message: "p.yaml: body: the table states hedge.ratioBps → 60%; the calls do not change it",
    });
    const unknown = proposal(table("| `rebalance.bandBps` | 5% | 4% |", "| `rebalance.band` | | 4% |"), {
      "rebalance.bandBps": "4%",
    });
    expect(description(unknown)?.message).toBe(
      "p.yaml: body: the table states rebalance.band, which is no registry parameter",
    );
    const badUnits = proposal(table("| `rebalance.bandBps` | 5% | 4 days |"), { "rebalance.bandBps": "4%" });
    expect(description(badUnits)?.status).toBe("fail");
    expect(description(badUnits)?.message).toContain('the table\'s rebalance.bandBps "4 days": unknown unit "days"');
  });

  it("warns when the body has no table, or a row's current value is not the registry's", () => {
    expect(description(proposal("Lower the band.", { "rebalance.bandBps": "4%" }))).toMatchObject({
      status: "warn",
      message:
        "p.yaml: body: the body has no table of the changes (| Parameter | Current | Proposed |): voters cannot see " +
        "that it says what the calls do",
    });
    const stale = proposal(table("| `rebalance.bandBps` | 6% | 4% |"), { "rebalance.bandBps": "4%" });
    expect(description(stale)).toMatchObject({
      status: "warn",
      message: "p.yaml: body: the table's current rebalance.bandBps is 6%; the registry has 5%",
    });
  });

  it("leaves a change other checks fail to them, and says nothing of a proposal that changes no parameter", () => {
    const typo = proposal(table("| `rebalance.band` | | 4% |"), { "rebalance.band": "4%" });
    expect(description(typo)).toBeUndefined();
    const call = { target: registry, value: 0n, data: "0x1234" as const };
    expect(description(proposal("Only a call.", {}, [call]))).toBeUndefined();
    expect(compareDescription(undefined, new Map(), snapshot)).toBeUndefined();
  });

  it("passes for every example proposal, whose bodies state their changes", async () => {
    const root = path.resolve(import.meta.dirname, "../../../proposals/examples");
    const assets = catalogSnapshot(
      [...parameterCatalog, ...vaultAssets],
      {
        earliestExecutionSeconds: now + 6 * 86_400,
        guardianExpiresAtSeconds: now,
        updatedAtSeconds: now - 60 * 86_400,
      },
      { symbol: "USDC", decimals: 6 },
    );
    for (const entry of await readdir(root)) {
      const found = checkProposal(entry, await loadProposal(path.join(root, entry)), assets).checks.find(
        (c) => c.rule === "description",
      );
      expect(found, entry).toMatchObject({ status: "pass" });
    }
  });
});
