import { describe, expect, it } from "vitest";
import { devnetMarketModel, devnetStartPoint } from "../devnet/startPoint.ts";
import { costRows, hedgeLines, hedgeSentence } from "./holderView.ts";
import { hedgeValueOfSet } from "./holderMetrics.ts";
import { createPathGenerator } from "./market/paths.ts";
import { withChanges } from "./model/params.ts";
import { accumulatorLayout as A, createStrategy } from "./model/strategy.ts";
import { createRandom } from "./random.ts";
import { renderMarkdown, verdictOf } from "./report.ts";
import { simulateNow, type SimulationRequest } from "./simulate.ts";

const start = devnetStartPoint();
const market = devnetMarketModel();
const day = 86_400;

describe("The cost breakdown: what the strategy cost the holders, where it occurred", () => {
  it("accounts for every change of NAV: the market's move at fixed holdings, less interest, less the fills' costs", () => {
    const steps = 365;
    const assets = start.setup.symbols.length;
    // A busy year: a tight band and a hedge that trades often, on a volatile market.
    const params = withChanges(start.params, { "rebalance.bandBps": 100, "hedge.bandBps": 100 }, start.setup.symbols);
    const volatile = { ...market, volatilityPerYear: market.volatilityPerYear.map((v) => v * 1.5) };
    const usd = new Float64Array((steps + 1) * assets);
    createPathGenerator(volatile, [], { steps, stepSeconds: day, initialPricesUsd: start.pricesUsd })(
      createRandom(3),
      usd,
      0,
    );
    const kernel = createStrategy(start.setup, params, { liquidations: false });
    // A second kernel values the vault without touching the first one's caches.
    const valuer = createStrategy(start.setup, params, { liquidations: false });
    const vector = kernel.encode(start.state, new Float64Array(kernel.stateSize));
    const acc = new Float64Array(A.size);
    kernel.resetAccumulators(acc);
    const t0 = start.state.timeSeconds;
    const startNav = valuer.nav(vector.slice(), usd, 0, t0);
    let marketMove = 0;
    let interest = 0;
    let actions = 0;
    for (let k = 1; k <= steps; k++) {
      const [before, now] = [(k - 1) * assets, k * assets];
      const [then, time] = [t0 + (k - 1) * day, t0 + k * day];
      // The holdings the last step left, valued at the new prices: first at the old time (the prices' move alone),
      // then at the new (the interest the debts accrued meanwhile).
      const held = vector.slice();
      const navBefore = valuer.nav(held, usd, before, then);
      const atNewPrices = valuer.nav(held, usd, now, then);
      const navPreActions = valuer.nav(held, usd, now, time);
      marketMove += atNewPrices - navBefore;
      interest += atNewPrices - navPreActions;
      kernel.step(vector, usd, now, time, acc);
      actions += kernel.nav(vector, usd, now, time) - navPreActions;
    }
    const endNav = valuer.nav(vector.slice(), usd, steps * assets, t0 + steps * day);
    const fills = acc[A.poolFees]! + acc[A.slippage]!;
    expect(acc[A.rebalances]!).toBeGreaterThan(5);
    expect(acc[A.hedgeActions]!).toBeGreaterThan(5);
    expect(acc[A.poolFees]!).toBeGreaterThan(0);
    expect(acc[A.slippage]!).toBeGreaterThan(0);
    // What the keeper's actions took from the NAV is what the fills cost, to a part in a million of the NAV.
    expect(Math.abs(-actions - fills)).toBeLessThan(startNav * 1e-6);
    // The NAV's change over the year: the market's move, less the interest, less the fills' costs.
    expect(Math.abs(endNav - startNav - (marketMove - interest - fills))).toBeLessThan(startNav * 1e-6);
    // Interest is charged when a position is touched: never more than what accrued, and most of it.
    expect(interest).toBeGreaterThan(0);
    expect(acc[A.borrowCost]!).toBeLessThanOrEqual(interest * (1 + 1e-9));
    expect(acc[A.borrowCost]!).toBeGreaterThan(interest * 0.8);
    // The hedge's part of the costs is part of the whole.
    expect(acc[A.hedgeBorrowCost]!).toBeGreaterThan(0);
    expect(acc[A.hedgeBorrowCost]!).toBeLessThan(acc[A.borrowCost]!);
    expect(acc[A.hedgeTradeCost]!).toBeGreaterThan(0);
    expect(acc[A.hedgeTradeCost]!).toBeLessThan(fills);
    // The management fee is part of the fees minted.
    expect(acc[A.managementFees]!).toBeGreaterThan(0);
    expect(acc[A.managementFees]!).toBeLessThanOrEqual(acc[A.fees]! * (1 + 1e-12));
  });

  const request = (overrides: Partial<SimulationRequest> = {}): SimulationRequest => ({
    start,
    changes: { "rebalance.bandBps": 200 },
    market,
    paths: 200,
    steps: 120,
    seed: 11,
    ...overrides,
  });

  it("reports each cost per set, the total the sum of its parts, and a tighter band's pool fees as worse", () => {
    const report = simulateNow(request());
    const holder = report.results.holder!;
    for (const set of [holder.costs.current, holder.costs.proposed]) {
      const parts = set.poolFeesBase + set.slippageBase + set.borrowCostBase + set.protocolFeesBase;
      expect(set.holderCostsBase).toBeCloseTo(parts, 6);
      expect(set.protocolFeesBase).toBeCloseTo(
        set.managementFeesBase + set.performanceFeesBase + set.pendingFeesBase,
        6,
      );
    }
    // The old report fields agree with the new ones.
    expect(holder.costs.current.borrowCostBase).toBe(report.results.current.borrowCostBase);
    expect(holder.costs.current.gasCostBase).toBe(report.results.current.gasCostBase);
    expect(holder.costs.current.managementFeesBase + holder.costs.current.performanceFeesBase).toBeCloseTo(
      report.results.current.feesBase,
      6,
    );
    // A band of 2% instead of 5%: more rebalances, more pool fees, read as worse (better: lower), not as "+".
    const d = holder.costs.difference.poolFeesBase!;
    expect(d.low95).toBeGreaterThan(0);
    const rows = costRows(report, verdictOf)!;
    const poolFees = rows.find((r) => r.label === "Pool fees")!;
    expect(poolFees.better).toBe("lower");
    expect(poolFees.verdict).toBe("worse");
    expect(poolFees.current).toMatch(/^[\d,]+ USDC \(\d+\.\d{3}% of NAV\)$|^[\d,]+ USDC \(\d+\.\d{3}%\)$/);
    expect(renderMarkdown(report)).toContain("## What the strategy costs the holders");
    expect(renderMarkdown(report)).toMatch(/\| Pool fees \| lower \|.*\| worse \|/);
  });

  it("measures a hedge's value for money when the proposal changes it: what it cuts, for what it costs", () => {
    const report = simulateNow(request({ changes: { "hedge.ratioBps": 8_000 } }));
    const hedge = report.results.holder!.hedge!;
    expect(hedge.current).not.toBeNull();
    expect(hedge.proposed).not.toBeNull();
    const { proposed, current } = hedge;
    // A hedge costs something, and a larger one cuts volatility more for more.
    expect(proposed!.costPerYear).toBeGreaterThan(current!.costPerYear);
    expect(proposed!.volatilityCut).toBeGreaterThan(current!.volatilityCut);
    expect(current!.volatilityCut).toBeGreaterThan(0);
    // Its cost per year is the costs table's hedge row over the years and the start NAV.
    const years = (report.model.steps * report.model.stepSeconds) / (365 * day);
    expect(proposed!.costPerYear).toBeCloseTo(
      report.results.holder!.costs.proposed.hedgeCostBase / report.results.startNav / years,
      12,
    );
    const lines = hedgeLines(report)!;
    expect(lines.map((l) => l.set)).toEqual([
      "Current (hedge ratio 50%)",
      "Proposed (hedge ratio 80%)",
      "The proposal's change, proposed against current",
    ]);
    // Each cut carries its interval of Monte Carlo error (paired over the shared paths), around its estimate.
    for (const value of [current!, proposed!]) {
      const { volatilityCut, cvar95Cut } = value.intervals!;
      expect(volatilityCut!.estimate).toBeCloseTo(value.volatilityCut, 12);
      expect(cvar95Cut!.estimate).toBeCloseTo(value.cvar95Cut, 12);
      expect(volatilityCut!.low95).toBeLessThanOrEqual(value.volatilityCut);
      expect(volatilityCut!.high95).toBeGreaterThanOrEqual(value.volatilityCut);
      expect(volatilityCut!.low95).toBeGreaterThan(0);
    }
    expect(lines[0]!.sentence).toMatch(
      /^cuts CVaR 95 by \d+\.\d points \(95%: -?\d+\.\d to -?\d+\.\d\) and cuts volatility/,
    );
    // At the margin: what the extra 30% of hedge costs and cuts, the two sets' differences.
    expect(hedge.marginal.intervals!.cvar95Cut!.high95).toBeCloseTo(-report.results.difference.cvar95!.low95, 12);
    expect(hedge.marginal.costPerYear).toBeCloseTo(proposed!.costPerYear - current!.costPerYear, 12);
    expect(hedge.marginal.volatilityCut).toBeCloseTo(proposed!.volatilityCut - current!.volatilityCut, 12);
    expect(hedge.marginal.cvar95Cut).toBeCloseTo(report.results.current.cvar95 - report.results.proposed.cvar95, 12);
    expect(renderMarkdown(report)).toContain("## The hedge's value for money");
    // A proposal that leaves the hedge alone is not charged a second run.
    expect(simulateNow(request()).results.holder!.hedge).toBeUndefined();
  });

  it("says what a hedge buys in a sentence a holder can use", () => {
    const value = hedgeValueOfSet({
      hedged: { volatility: 0.3, cvar95: 0.2, returnMean: 0.01, hedgeCostBase: 8_000 },
      unhedged: { volatility: 0.4, cvar95: 0.231, returnMean: 0.02 },
      startNav: 1_000_000,
      years: 1,
    });
    expect(value.costPerYear).toBeCloseTo(0.008, 12);
    expect(value.cvar95CutPerCost).toBeCloseTo(0.031 / 0.008, 9);
    expect(hedgeSentence(value)).toBe(
      "cuts CVaR 95 by 3.1 points and cuts volatility by 10.0 points for 0.80% of NAV a year in interest, pool fees " +
        "and slippage (3.9 points of CVaR 95 per point of NAV a year spent); mean return −1.0 points all in",
    );
    const free = {
      hedged: { volatility: 0, cvar95: 0, returnMean: 0, hedgeCostBase: 0 },
      unhedged: { volatility: 0, cvar95: 0, returnMean: 0 },
      startNav: 1,
      years: 1,
    };
    expect(hedgeValueOfSet(free).cvar95CutPerCost).toBeNull();
    expect(() => hedgeValueOfSet({ ...free, startNav: 0 })).toThrow("startNav and years must be positive, got 0, 1");
  });
});
