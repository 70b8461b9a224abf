import { describe, expect, it } from "vitest";
import { devnetMarketModel, devnetStartPoint } from "../devnet/startPoint.ts";
import { secondsPerYear } from "./market/types.ts";
import { withChanges } from "./model/params.ts";
import type { VaultSetup } from "./model/types.ts";
import { stressedTables } from "./holderView.ts";
import { nilImpact, renderMarkdown, verdictOf, type ImpactReport } from "./report.ts";
import { simulateNow, type SimulationRequest } from "./simulate.ts";
import { stressLabel } from "./stressed.ts";

const start = devnetStartPoint();
const market = devnetMarketModel();
const request = (overrides: Partial<SimulationRequest> = {}): SimulationRequest => ({
  start,
  changes: { "collateral.targetLtvBps": 3_500, "collateral.maxLtvBps": 5_000 },
  market,
  paths: 200,
  steps: 90,
  seed: 7,
  ...overrides,
});

describe("Stresses beside the baseline, never folded into it", () => {
  it("keeps the baseline unstressed, bit for bit, and measures each stress as a comparison of its own", () => {
    const plain = simulateNow(request());
    const stressed = simulateNow(request({ stress: ["crash", "vol-spike", "usdc-depeg"] }));
    // The baseline is the unstressed run's, to the last bit.
    const { stressed: scenarios, ...baseline } = stressed.results;
    expect(baseline).toEqual(plain.results);
    expect(stressed.model.stress).toEqual(["crash", "vol-spike", "usdc-depeg"]);
    // A crash mid-horizon deepens the drawdowns and the tail losses of both sets, conditional on it happening.
    const crash = scenarios!.crash!;
    for (const which of ["current", "proposed"] as const) {
      expect(crash[which].maxDrawdownP95).toBeGreaterThan(plain.results[which].maxDrawdownP95 + 0.05);
      expect(crash[which].cvar95).toBeGreaterThan(plain.results[which].cvar95 + 0.05);
    }
    expect(crash.label).toBe("if WETH and WBTC fall 35%/30% on day 45");
    expect(crash.difference.cvar95!.method).toBe("paired-bootstrap");
    expect(scenarios!["vol-spike"]!.current.volatility).toBeGreaterThan(plain.results.current.volatility);
    // The markdown shows each stress in a table of its own, after the unstressed ones.
    const markdown = renderMarkdown(stressed);
    expect(markdown).toContain("stresses beside it: crash, vol-spike, usdc-depeg");
    expect(markdown).toContain("## Stress `crash`: if WETH and WBTC fall 35%/30% on day 45");
    expect(markdown.indexOf("## Stress `crash`")).toBeGreaterThan(markdown.indexOf("| CVaR 95 (loss) |"));
    expect(stressedTables(stressed, verdictOf).map((t) => t.name)).toEqual(["crash", "vol-spike", "usdc-depeg"]);
  });

  it("does not call a proposal of no impact when a stress shows a difference", () => {
    const report = simulateNow(request({ changes: {}, stress: ["crash"] }));
    expect(nilImpact(report)).toContain("no difference");
    const crash = report.results.stressed!.crash!;
    const differs: ImpactReport = {
      ...report,
      results: {
        ...report.results,
        stressed: { crash: { ...crash, proposed: { ...crash.proposed, cvar95: crash.current.cvar95 + 0.01 } } },
      },
    };
    expect(nilImpact(differs)).toBeUndefined();
  });

  it("labels each stress with what its numbers are conditional on", () => {
    const symbols = start.setup.symbols;
    expect(stressLabel("crash", symbols, 365, 86_400)).toBe("if WETH and WBTC fall 35%/30% on day 183");
    expect(stressLabel("vol-spike", symbols, 365, 86_400)).toBe(
      "if the random part of every return is ×3 for 30 days from day 183",
    );
    expect(stressLabel("usdc-depeg", symbols, 365, 86_400)).toBe(
      "if USDC trades at $0.90 for 10 days from day 183, then recovers only to $0.97 until the horizon",
    );
    expect(stressLabel("crash", symbols, 48, 3_600)).toBe("if WETH and WBTC fall 35%/30% on day 1");
    expect(stressLabel("crash", symbols, 45, 3_600)).toBe("if WETH and WBTC fall 35%/30% on step 23");
  });

  it("usdc-depeg costs a holder in dollars what the base asset held loses: 3% of its share of NAV, fee-diluted", () => {
    // A vault that holds still (rebalancing paused, no modules, no performance fee), on a market where USDC holds at
    // $1 unless stressed: its risk balances never change, so the stress moves its USD value by the base balance
    // times the base asset's lost 3 cents, and nothing else.
    const withoutModules: VaultSetup = { ...start.setup, collateral: undefined, hedge: undefined };
    const params = withChanges(
      start.params,
      { "pause.rebalance": true, "fees.performanceBps": 0 },
      start.setup.symbols,
    );
    const steady = { ...market, volatilityPerYear: [0, ...market.volatilityPerYear.slice(1)] };
    const steps = 120;
    const run = (stress: SimulationRequest["stress"]) =>
      simulateNow(
        request({ start: { ...start, setup: withoutModules, params }, market: steady, changes: {}, steps, stress }),
      );
    const report = run(["usdc-depeg"]);
    const baseline = report.results.holder!.usd.current;
    const depeg = report.results.stressed!["usdc-depeg"]!;
    const [base] = start.state.balances as [number];
    const navStart = start.state.balances.reduce((sum, b, i) => sum + b * start.pricesUsd[i]!, 0);
    // The management fee's shares pending at the horizon dilute every dollar alike: (W − f·T) / W.
    const whole = 10_000 * secondsPerYear;
    const dilution = (whole - params.managementFeeBps * steps * 86_400) / whole;
    const expected = -(1 - 0.97) * (base / navStart) * dilution;
    expect(depeg.current.returnUsdMean - baseline.returnUsdMean).toBeCloseTo(expected, 9);
    expect(expected).toBeLessThan(-0.005);
    // In base-asset tokens the same vault looks richer (its WETH and WBTC buy more of the cheaper USDC): the reason
    // the stress is read in dollars.
    expect(depeg.current.returnMean).toBeGreaterThan(report.results.current.returnMean);
    expect(depeg.current.cvar95Usd).toBeGreaterThan(report.results.holder!.usd.current.cvar95Usd);
  });

  it("usdc-depeg moves the USD return of the devnet vault as it trades through the depeg: down, by about that much", () => {
    const report = simulateNow(request({ stress: ["usdc-depeg"], changes: {}, steps: 120 }));
    const drop =
      report.results.stressed!["usdc-depeg"]!.current.returnUsdMean - report.results.holder!.usd.current.returnUsdMean;
    const baseShare =
      start.state.balances[0]! / start.state.balances.reduce((s, b, i) => s + b * start.pricesUsd[i]!, 0);
    expect(drop).toBeLessThan(0);
    // The modules' base-asset collateral and debt and the rebalances move it, but not by more than the 3% drop itself.
    expect(Math.abs(drop)).toBeLessThan(0.03);
    expect(Math.abs(drop)).toBeGreaterThan(0.03 * baseShare * 0.25);
  });
});
