import { getAddress, keccak256, stringToHex } from "viem";
import { describe, expect, it } from "vitest";
import type { Check } from "./check.ts";
import type { DryRun } from "./dryRun.ts";
import { devnetMarketModel, devnetStartPoint } from "../../devnet/startPoint.ts";
import { monteCarloErrorNote } from "../../sim/report.ts";
import { simulateNow } from "../../sim/simulate.ts";
import {
  buildProposalReport,
  checkRows,
  dryRunLines,
  proposalChecks,
  renderCheckResult,
  renderProposalReport,
} from "./report.ts";

const usdc = getAddress("0x00000000000000000000000000000000000000a1");
const weth = getAddress("0x00000000000000000000000000000000000000a2");
const unknownToken = getAddress("0x00000000000000000000000000000000000000a3");

/** A dry run as a report holds it: bigints already decimal strings (the report is JSON). */
const dryRun = JSON.parse(
  JSON.stringify(
    {
      blockNumber: 1_234n,
      calls: [],
      parameters: [
        { name: "rebalance.bandBps", kind: "bps", before: 500n, after: 400n },
        { name: "caps.depositCap", kind: "amount", before: 10_000_000_000_000n, after: 12_000_000_000_000n },
        { name: "rebalance.minIntervalSec", kind: "seconds", before: 86_400n, after: 43_200n },
      ],
      authority: [],
      invariants: [],
      keeper: [
        {
          action: "rebalance",
          status: "executed",
          gasUsed: 506_346n,
          detail: "",
          trades: [
            {
              tokenIn: weth,
              tokenOut: usdc,
              amountIn: 1_250_000_000_000_000_000n,
              amountOut: 4_100_123_456n,
              slippageBps: 33.43,
            },
            { tokenIn: usdc, tokenOut: unknownToken, amountIn: 2_000_000n, amountOut: 7n, slippageBps: 1.5 },
          ],
        },
        { action: "hedge", status: "not due", gasUsed: 0n, detail: "HedgeNothingDue()", trades: [] },
      ],
      base: { address: usdc, symbol: "USDC", decimals: 6 },
      navBaseWei: 1_128_656_521_135n,
      tokens: { [usdc]: { symbol: "USDC", decimals: 6 }, [weth.toLowerCase()]: { symbol: "WETH", decimals: 18 } },
    } satisfies DryRun,
    (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v),
  ),
) as DryRun;

/** The impact of a 4% band on the devnet's start point, over `paths` paths of `steps` days (seed 3). */
const bandImpact = (paths: number, steps: number) =>
  simulateNow({
    start: devnetStartPoint(),
    changes: { "rebalance.bandBps": 400 },
    market: devnetMarketModel(),
    paths,
    steps,
    seed: 3,
  });

describe("The proposal report as people read it", () => {
  it("writes each trade in its tokens' units with their symbols, and each parameter change in its unit", () => {
    expect(dryRunLines(dryRun)).toEqual([
      "- `rebalance.bandBps`: 5% → 4%",
      "- `caps.depositCap`: 10_000_000 USDC → 12_000_000 USDC",
      "- `rebalance.minIntervalSec`: 1d → 12h",
      "",
      "One keeper cycle after it:",
      "",
      "- rebalance: executed (506346 gas); sell 1.2500 WETH → 4,100.12 USDC, slippage 33.43 bps; " +
        `sell 2.0000 USDC → 7 wei of ${unknownToken}, slippage 1.5 bps`,
      "- hedge: not due",
    ]);
  });

  it("names the file (a proposal's 77-digit id) once, in the header, and never in a check's row", () => {
    const file = `proposal ${"1".repeat(77)}`;
    const checks: Check[] = [
      {
        rule: "max step",
        field: 'changes."weight.USDC"',
        status: "pass",
        message: `${file}: changes."weight.USDC": 40% → 35% moves 5%; one update may move it at most 10%`,
      },
      { rule: "weights sum", field: "changes", status: "fail", message: `${file}: changes: a | b` },
      { rule: "solvency", field: "vault", status: "pass", message: "NAV reads 1,128,656.52 USDC" },
    ];
    const rows = checkRows(checks, file);
    expect(rows).toEqual([
      "| Status | Rule | Field | Detail |",
      "|---|---|---|---|",
      '| PASS | max step | `changes."weight.USDC"` | 40% → 35% moves 5%; one update may move it at most 10% |',
      "| FAIL | weights sum | `changes` | a \\| b |",
      "| PASS | solvency | `vault` | NAV reads 1,128,656.52 USDC |",
    ]);
    expect(rows.join("\n")).not.toContain("1".repeat(77));
    expect(renderCheckResult(file, { verdict: "FAIL", checks, changes: [] })).toBe(
      [
        `checks of ${file}`,
        "",
        'PASS  max step           changes."weight.USDC": 40% → 35% moves 5%; one update may move it at most 10%',
        "FAIL  weights sum        changes: a | b",
        "PASS  solvency           vault: NAV reads 1,128,656.52 USDC",
        "",
        "FAIL",
      ].join("\n"),
    );
  });

  it("shows the impact's every metric with its Monte Carlo interval and verdict, and says what the intervals cover", () => {
    const impact = bandImpact(100, 60);
    const report = buildProposalReport({
      file: "proposal.json",
      title: "Tighter band",
      checked: { verdict: "PASS", checks: [], changes: [] },
      dryRun,
      impact,
      notSimulated: [],
    });
    const markdown = renderProposalReport(report);
    expect(markdown).toContain(
      "| Metric | Better | Current | Proposed | Difference (95% interval, Monte Carlo error) | Reads |",
    );
    expect(markdown).toMatch(
      /\| Median return \| higher \| .+ \| .+ \| [+-][\d.]+% \(95%: [+-][\d.]+% to [+-][\d.]+%\) \| (better|worse|can't tell|no difference) \|/,
    );
    expect(markdown).toMatch(/\| CVaR 99 \(loss\) \| lower \| .+ \(95%: .+\) \|/);
    expect(markdown).toContain("| P(liquidation) | lower | 0.00% (95%: 0.00% to 3.62%) |");
    expect(markdown).toContain(monteCarloErrorNote(impact));
  });
});

describe("The permissions policy in the report", () => {
  const newcomer = getAddress("0x00000000000000000000000000000000000000b0");
  const timelock = getAddress("0x0000000000000000000000000000000000000071");
  const granting: DryRun = {
    ...dryRun,
    calls: [
      {
        target: timelock,
        status: "success",
        gasUsed: 50_000n,
        events: [
          {
            address: timelock,
            name: "RoleGranted",
            args: { role: keccak256(stringToHex("PROPOSER_ROLE")), account: newcomer, sender: timelock },
          },
        ],
      },
    ],
  };
  const checked = { verdict: "PASS" as const, checks: [], changes: [] };
  const permissions = (checks: Check[]) => checks.filter((c) => c.rule === "permissions").map((c) => c.status);

  it("fails a proposal whose calls grant a role the file does not declare, and only warns once it is declared", () => {
    expect(permissions(proposalChecks(checked, dryRun))).toEqual(["pass"]);
    expect(permissions(proposalChecks(checked, granting))).toEqual(["fail"]);
    expect(permissions(proposalChecks(checked, granting, [{ grant: "PROPOSER_ROLE", to: newcomer }]))).toEqual([
      "warn",
    ]);
  });

  it("takes the policy's findings from the dry run's events, in place of those the calldata gave before it", () => {
    // `proposal check` failed a grant in the calldata; the dry run, which sees what the calls did, finds none here.
    const fromCalldata: Check = {
      rule: "permissions",
      field: "permissions",
      status: "fail",
      message: `p.yaml: permissions: PROPOSER_ROLE granted to ${newcomer} on ${timelock} (not declared: …)`,
    };
    const checkedCalldata = { verdict: "FAIL" as const, checks: [fromCalldata], changes: [] };
    expect(permissions(proposalChecks(checkedCalldata, dryRun))).toEqual(["pass"]);
    expect(proposalChecks(checkedCalldata, granting).filter((c) => c.rule === "permissions")).toEqual([
      expect.objectContaining({ status: "fail", message: expect.not.stringContaining("p.yaml") }),
    ]);
  });

  it("writes the policy under the checks, each rule with its undeclared and declared status", () => {
    const impact = bandImpact(20, 10);
    const args = { file: "p.yaml", title: "Grant", checked, dryRun: granting, impact, notSimulated: [] };
    const report = buildProposalReport(args);
    expect(report.verdict).toBe("FAIL");
    expect(buildProposalReport({ ...args, permissions: [{ grant: "PROPOSER_ROLE", to: newcomer }] }).verdict).toBe(
      "WARN",
    );
    const markdown = renderProposalReport(report);
    expect(markdown).toContain(
      `| FAIL | permissions | \`permissions\` | PROPOSER_ROLE granted to ${newcomer} on ${timelock}`,
    );
    expect(markdown).toContain("| Change | Undeclared | Declared |");
    expect(markdown).toContain("| a role or ownership granted | FAIL | WARN |");
  });
});
