import { describe, expect, it } from "vitest";
import { devnetMarketModel, devnetStartPoint } from "../../devnet/startPoint.ts";
import { simulateNow } from "../../sim/simulate.ts";
import type { DryRun } from "./dryRun.ts";
import { buildProposalReport, renderProposalReport } from "./report.ts";
import type { TransactionTrace } from "./trace.ts";

import { registry, stranger as recipient, tracedCall, usdc, word } from "../../test/fixtures/dryRunTrace.ts";

const trace: TransactionTrace = {
  call: 0,
  calls: [
    tracedCall(0, {
      contract: "ParameterRegistry",
      function: "setParameter",
      args: `["${word(1n)}","3500"]`,
      events: [{ address: registry, contract: "ParameterRegistry", name: "ParameterSet", args: '{"value":"3500"}' }],
    }),
    tracedCall(1, { from: registry, to: recipient, isStackContract: false, valueWei: 2_000_000_000_000_000_000n }),
  ],
  state: {
    storage: [
      {
        address: registry,
        contract: "ParameterRegistry",
        slots: [
          {
            slot: word(7n),
            before: word(4_000n),
            after: word(3_500n),
            name: "weight.USDC (mapping at slot 2, word 0)",
          },
        ],
      },
    ],
    balances: [{ address: recipient, beforeWei: 0n, afterWei: 2_000_000_000_000_000_000n }],
    tokens: [{ token: usdc, holder: recipient, deltaWei: 1_500_000n }],
  },
};

const dryRun: DryRun = {
  blockNumber: 1_234n,
  calls: [{ target: registry, status: "success", gasUsed: 50_000n, events: [] }],
  parameters: [],
  authority: [],
  invariants: [],
  keeper: [],
  base: { address: usdc, symbol: "USDC", decimals: 6 },
  tokens: { [usdc]: { symbol: "USDC", decimals: 6 } },
  traces: [trace],
};

describe("The proposal report's call trace and state diff", () => {
  const report = buildProposalReport({
    file: "proposal.yaml",
    title: "Pays someone",
    checked: { verdict: "PASS", checks: [], changes: [] },
    dryRun,
    impact: simulateNow({
      start: devnetStartPoint(),
      changes: {},
      market: devnetMarketModel(),
      paths: 50,
      steps: 30,
      seed: 1,
    }),
    notSimulated: [],
  });

  it("counts the trace rules in the verdict: ETH sent in a call of the tree warns", () => {
    expect(report.verdict).toBe("WARN");
    expect(report.checks.filter((c) => c.rule === "call trace").map((c) => [c.field, c.status])).toEqual([
      ["calls[0]", "warn"],
    ]);
  });

  it("keeps the traces in the JSON, amounts as decimal strings", () => {
    const json = JSON.parse(JSON.stringify(report)) as { dryRun: { traces: { calls: { valueWei: string }[] }[] } };
    expect(json.dryRun.traces[0]!.calls[1]!.valueWei).toBe("2000000000000000000");
  });

  it("renders the call tree indented, each call's events under it, and the state diff as tables, from the JSON's strings too", () => {
    const markdown = renderProposalReport(report);
    const lines = markdown.split("\n");
    const at = lines.indexOf("### Trace of `calls[0]`");
    expect(at).toBeGreaterThan(lines.indexOf("## Dry run"));
    expect(lines.slice(at + 2, at + 5)).toEqual([
      `- CALL ParameterRegistry.setParameter("${word(1n)}","3500")`,
      '  - emits ParameterSet({"value":"3500"})',
      `  - CALL ${recipient} (2 ETH)`,
    ]);
    expect(markdown).toContain(
      `| \`${word(7n)}\` weight.USDC (mapping at slot 2, word 0) | \`${word(4_000n)}\` | \`${word(3_500n)}\` |`,
    );
    expect(markdown).toContain(`| ${recipient} | 0 ETH | 2 ETH |`);
    expect(markdown).toContain(`| USDC | \`${recipient}\` | 1.5000 USDC |`);
  });
});
