import { describe, expect, it } from "vitest";
import { parameterCatalog, parameterKey } from "../../parameters/index.ts";
import { readStartPoint } from "../../sim/chain.ts";
import { readPriceHistory } from "../../sim/history.ts";
import { withChanges } from "../../sim/model/params.ts";
import { accumulatorLayout, createStrategy, type ActionRecord } from "../../sim/model/strategy.ts";
import { createRandom } from "../../sim/random.ts";
import { chainFixture } from "../helpers/fixture.ts";
import { deployInvestedVault, type VaultStack } from "../helpers/vault.ts";
import {
  depositOffset,
  keeperOffset,
  prepareArbitrageur,
  replayOnChain,
  type Withdrawal,
  withdrawOffset,
  type ChainAction,
} from "./replay.ts";
import { CollateralAction, HedgeAction } from "../../sim/model/actions.ts";

const scenarios = Number(process.env.TRIMTAB_DIFFERENTIAL_SCENARIOS ?? "50");
const stepSeconds = 86_400;

/**
 * A random scenario: a parameter set within one step of the defaults' rules, and a daily price path (8-decimal feed
 * answers for USDC, WETH, WBTC) with high volatility, and in some scenarios a crash (to make the collateral manager
 * deleverage) or a rally (to make the hedge deleverage).
 */
function scenario(seed: number) {
  const random = createRandom(seed);
  const pick = (min: number, max: number) => random.int(min, max);
  const changes: Record<string, bigint> = {
    "rebalance.bandBps": BigInt(pick(300, 700)),
    "rebalance.maxTradeBps": BigInt(pick(600, 1_500)),
    "rebalance.maxSlippageBps": BigInt(pick(40, 75)),
    "collateral.targetLtvBps": BigInt(pick(2_500, 3_500)),
    "collateral.ltvBandBps": BigInt(pick(300, 700)),
    "hedge.ratioBps": BigInt(pick(4_000, 6_000)),
    "hedge.bandBps": BigInt(pick(600, 1_400)),
    "hedge.ltvBps": BigInt(pick(4_500, 6_000)),
  };
  const steps = pick(10, 16);
  const volatility = [0.002, 0.6 + random.next(), 0.5 + random.next()];
  const shock = random.next();
  const shockStep = pick(3, steps - 2);
  const prices = [1, 3_000, 60_000];
  const answers: bigint[][] = [];
  for (let k = 0; k < steps; k++) {
    const z = [random.normal(), random.normal(), random.normal()];
    const z2 = 0.7 * z[1]! + Math.sqrt(1 - 0.49) * z[2]!;
    const moves = [z[0]!, z[1]!, z2];
    for (let a = 0; a < 3; a++) {
      prices[a] =
        a === 0
          ? 1 + volatility[0]! * moves[a]!
          : prices[a]! * Math.exp(volatility[a]! * Math.sqrt(1 / 365) * moves[a]!);
    }
    if (k === shockStep && shock < 0.3) {
      prices[1] = prices[1]! * 0.6; // a crash: the collateral manager's LTV passes its maximum
      prices[2] = prices[2]! * 0.7;
    } else if (k === shockStep && shock < 0.5) {
      prices[1] = prices[1]! * 1.6; // a rally: the hedge's short nears the liquidation LTV
    }
    answers.push(prices.map((p) => BigInt(Math.round(p * 1e8))));
  }
  return { changes, answers };
}

/** Parameters governance moves mid-path: name, largest move (within the rules' max step), and the rules' bounds. */
const midPathMoves: readonly (readonly [string, number, bigint, bigint])[] = [
  ["rebalance.bandBps", 200, 100n, 2_000n],
  ["rebalance.maxTradeBps", 400, 100n, 5_000n],
  ["rebalance.maxSlippageBps", 20, 30n, 300n],
  ["collateral.targetLtvBps", 400, 0n, 6_000n],
  ["hedge.ratioBps", 800, 0n, 10_000n],
];

/** Feeds refreshed, then the collateral manager posts and borrows until nothing is due. */
async function leverUp(v: VaultStack): Promise<void> {
  await v.setPrices();
  for (let i = 0; i < 3 && (await v.collateralManager.read.plan())[0] !== 0; i++) {
    await v.collateralManager.write.manage({ account: v.accounts.eve.account });
  }
}

/** The values in force after a scenario's own changes, for the parameters moved mid-path. */
function defaultsOf(changes: Record<string, bigint>): Record<string, bigint> {
  const defaults = new Map(parameterCatalog.map((p) => [p.name, p.value]));
  return Object.fromEntries(midPathMoves.map(([name]) => [name, changes[name] ?? defaults.get(name)!]));
}

describe("The strategy model takes the contracts' decisions (differential replay on the devnet)", () => {
  const network = chainFixture(async (connection) => {
    const v = await deployInvestedVault(connection);
    await connection.networkHelpers.time.increase(2 * stepSeconds);
    return v;
  });

  type Coverage = Record<
    | "rebalance"
    | "deleverage"
    | "hedgeDeleverage"
    | "borrow"
    | "repay"
    | "hedge"
    | "liquidation"
    | "steps"
    | "ticksCrossed",
    number
  >;
  const newCoverage = (): Coverage => ({
    rebalance: 0,
    deleverage: 0,
    hedgeDeleverage: 0,
    borrow: 0,
    repay: 0,
    hedge: 0,
    liquidation: 0,
    steps: 0,
    ticksCrossed: 0,
  });

  /**
   * Plays `answers` on the model and on the chain from `v`'s state, with `changes` set by governance first and
   * `deposits` (USDC wei, by step) made, and `midPath` changes (by registry name, by step) voted in, between the
   * pools' realignment and the keeper; expects the same actions at every step, NAV and supply within 1e-6, and each
   * deposit's shares within 1e-6. Returns the worst differences.
   */
  async function compare(
    v: VaultStack,
    seed: number,
    changes: Record<string, bigint>,
    answers: bigint[][],
    coverage: Coverage,
    deposits: readonly (bigint | undefined)[] = [],
    midPath: readonly (Record<string, bigint> | undefined)[] = [],
    stale: readonly boolean[] = [],
    withdrawals: readonly (Withdrawal | undefined)[] = [],
  ): Promise<{ worst: number; worstSupply: number; worstShares: number; worstRedeemed: number; cashReverts: number }> {
    let cashReverts = 0;
    let worstShares = 0;
    let worstRedeemed = 0;
    let worst = 0;
    let worstSupply = 0;
    const arbitrageur = await prepareArbitrageur(network.connection, v);
    const defaults = new Map(parameterCatalog.map((p) => [p.name, p.value]));
    const updates = Object.entries(changes)
      .filter(([name, value]) => defaults.get(name) !== value)
      .map(([name, value]) => ({ key: parameterKey(name), value }));
    if (updates.length > 0) await v.registry.write.setParameters([updates], { account: v.asGov.account });
    const publicClient = await network.connection.viem.getPublicClient();
    const start = await readStartPoint(publicClient, v.vault.address);
    const startSeconds = Math.ceil(start.state.timeSeconds / stepSeconds) * stepSeconds;

    // The model.
    const modelActions: ChainAction[][] = answers.map(() => []);
    let current: ChainAction[] = [];
    const onAction = (r: ActionRecord) => {
      if (r.kind === "liquidation") {
        current.push({ kind: "liquidation", module: r.module });
        return;
      }
      if (r.reverted) return;
      current.push(r.kind === "rebalance" ? { kind: r.kind, trades: r.trades } : { kind: r.kind, action: r.action });
    };
    let params = start.params;
    const strategy = createStrategy(start.setup, params, { liquidations: true, onAction });
    const vector = strategy.encode(start.state, new Float64Array(strategy.stateSize));
    const acc = new Float64Array(accumulatorLayout.size);
    strategy.resetAccumulators(acc);
    const usd = Float64Array.from(answers.flat().map((a) => Number(a) / 1e8));
    const modelNav: number[] = [];
    const modelSupply: number[] = [];
    const modelShares: (number | undefined)[] = [];
    const modelRedeemed: (number[] | undefined)[] = [];
    const modelCash: (number | undefined)[] = [];
    answers.forEach((_, k) => {
      current = modelActions[k]!;
      const stepStart = startSeconds + (k + 1) * stepSeconds;
      const withdrawal = withdrawals[k];
      const out = new Float64Array(3);
      const shares = Number(withdrawal?.shares) / 1e12;
      const at = stepStart + withdrawOffset;
      modelRedeemed.push(undefined);
      modelCash.push(undefined);
      if (withdrawal?.exit === "inKind") {
        // A cash exit accepts answers up to their heartbeat plus an hour: after two days without answers, the exit
        // cannot price and accrues the management fee alone.
        const exitPricesValid = !(stale[k] && stale[k - 1]);
        strategy.redeemInKind(vector, usd, k * 3, at, shares, out, acc, exitPricesValid);
        modelRedeemed[k] = [...out];
      } else if (withdrawal?.exit === "cash") {
        modelCash[k] = strategy.redeem(vector, usd, k * 3, at, shares, out, acc);
      }
      const deposit = deposits[k];
      modelShares.push(
        deposit === undefined
          ? undefined
          : strategy.deposit(vector, usd, k * 3, stepStart + depositOffset, Number(deposit) / 1e6, acc),
      );
      const changed = midPath[k];
      if (changed) {
        params = withChanges(params, changed, start.setup.symbols);
        strategy.load(params);
      }
      const t = stepStart + keeperOffset;
      strategy.step(vector, usd, k * 3, t, acc, !stale[k]);
      modelNav.push(strategy.nav(vector, usd, k * 3, t));
      modelSupply.push(strategy.decode(vector, t).supply);
    });

    // The chain.
    const votes = midPath.map(
      (c) => c && Object.entries(c).map(([name, value]) => ({ key: parameterKey(name), value })),
    );
    const chain = await replayOnChain(
      network.connection,
      v,
      arbitrageur,
      answers,
      startSeconds,
      stepSeconds,
      deposits,
      votes,
      stale,
      withdrawals,
    );
    if (seed === 1) {
      // The feeds' answers come back as a daily price history, one row per replayed day.
      const history = await readPriceHistory(publicClient, v.registry.address, start.setup.symbols, {
        fromSeconds: chain[0]!.timeSeconds,
      });
      expect(history.pricesUsd).toEqual(answers.map((row) => row.map((a) => Number(a) / 1e8)));
      expect(history.timestamps).toEqual(chain.map((step) => step.timeSeconds));
    }
    chain.forEach((step, k) => {
      const context = `seed ${seed}, step ${k + 1} (params ${JSON.stringify(changes, (_, x) => (typeof x === "bigint" ? Number(x) : x))})`;
      expect(modelActions[k], context).toEqual(step.actions);
      const relative = Math.abs(modelNav[k]! - step.navBase) / step.navBase;
      worst = Math.max(worst, relative);
      expect(relative, `${context}: NAV model ${modelNav[k]} vs chain ${step.navBase}`).toBeLessThan(1e-6);
      // Fees are shares: the same supply means the same management and performance fees were minted.
      const supplyGap = Math.abs(modelSupply[k]! - step.supplyShares) / step.supplyShares;
      worstSupply = Math.max(worstSupply, supplyGap);
      expect(supplyGap, `${context}: supply model ${modelSupply[k]} vs chain ${step.supplyShares}`).toBeLessThan(1e-6);
      expect(modelShares[k] === undefined, `${context}: a deposit on one side only`).toBe(
        step.depositedShares === undefined,
      );
      if (step.depositedShares !== undefined) {
        const sharesGap = Math.abs(modelShares[k]! - step.depositedShares) / step.depositedShares;
        worstShares = Math.max(worstShares, sharesGap);
        expect(
          sharesGap,
          `${context}: deposit's shares model ${modelShares[k]} vs chain ${step.depositedShares}`,
        ).toBeLessThan(1e-6);
      }
      expect(modelRedeemed[k] === undefined, `${context}: a withdrawal on one side only`).toBe(
        step.redeemed === undefined,
      );
      expect(modelCash[k] === undefined, `${context}: a cash withdrawal on one side only`).toBe(
        step.redeemedCash === undefined,
      );
      if (step.redeemedCash !== undefined) {
        expect(modelCash[k] === -1, `${context}: cash withdrawal reverted, model ${modelCash[k]}`).toBe(
          step.redeemedCash === "reverted",
        );
        if (step.redeemedCash === "reverted") cashReverts++;
        else {
          const gap = Math.abs(modelCash[k]! - step.redeemedCash) / step.redeemedCash;
          worstRedeemed = Math.max(worstRedeemed, gap);
          expect(gap, `${context}: paid in cash, model ${modelCash[k]} vs chain ${step.redeemedCash}`).toBeLessThan(
            1e-6,
          );
        }
      }
      step.redeemed?.forEach((paid, i) => {
        // Each token within 1e-6, or within two of its smallest units (the chain floors each part).
        const gap = Math.abs(modelRedeemed[k]![i]! - paid);
        const dust = 2 * 10 ** -[6, 18, 8][i]!;
        worstRedeemed = Math.max(worstRedeemed, paid > 0 ? gap / paid : 0);
        expect(
          gap,
          `${context}: token ${i} paid in kind, model ${modelRedeemed[k]![i]} vs chain ${paid}`,
        ).toBeLessThanOrEqual(1e-6 * paid + dust);
      });
      for (const a of step.actions) {
        if (a.kind === "rebalance") coverage.rebalance++;
        else if (a.kind === "collateral") {
          if (a.action === CollateralAction.Deleverage) coverage.deleverage++;
          if (a.action === CollateralAction.Repay) coverage.repay++;
          if (a.action === CollateralAction.Borrow) coverage.borrow++;
        } else if (a.kind === "hedge") {
          coverage.hedge++;
          if (a.action === HedgeAction.Deleverage) coverage.hedgeDeleverage++;
        } else coverage.liquidation++;
      }
      coverage.steps++;
      coverage.ticksCrossed += step.ticksCrossed;
    });
    return { worst, worstSupply, worstShares, worstRedeemed, cashReverts };
  }

  it(`acts on the same steps and keeps NAV within 1e-6 of the chain's at every step, over ${scenarios} random scenarios`, async () => {
    const coverage = newCoverage();
    let worst = 0;
    let worstSupply = 0;
    for (let seed = 1; seed <= scenarios; seed++) {
      const v = await network.load();
      const { changes, answers } = scenario(seed);
      const result = await compare(v, seed, changes, answers, coverage);
      worst = Math.max(worst, result.worst);
      worstSupply = Math.max(worstSupply, result.worstSupply);
    }
    console.log(
      `differential replay: ${scenarios} scenarios, worst NAV difference ${worst.toExponential(2)}, worst supply difference ${worstSupply.toExponential(2)}`,
      coverage,
    );
    expect(coverage.rebalance).toBeGreaterThan(0);
    expect(coverage.deleverage).toBeGreaterThan(0);
    expect(coverage.hedgeDeleverage).toBeGreaterThan(0);
    expect(coverage.hedge).toBeGreaterThan(0);
    // The devnet's pools hold concentrated liquidity: the vault's trades cross initialised ticks.
    expect(coverage.ticksCrossed).toBeGreaterThan(0);
  });

  it("mints the same shares for deposits made mid-path, and then takes the same decisions, over 12 scenarios", async () => {
    const coverage = newCoverage();
    let worstShares = 0;
    let deposits = 0;
    for (let seed = 101; seed <= 112; seed++) {
      const v = await network.load();
      const { changes, answers } = scenario(seed);
      // Bob deposits on about a third of the steps, from $1 to $200,000 each.
      const random = createRandom(seed * 7);
      const amounts = answers.map(() =>
        random.next() < 0.35 ? BigInt(random.int(1, 200_000)) * 10n ** 6n + BigInt(random.int(0, 999_999)) : undefined,
      );
      deposits += amounts.filter((a) => a !== undefined).length;
      await v.usdc.write.mint([v.accounts.bob.account.address, 5_000_000n * 10n ** 6n]);
      const result = await compare(v, seed, changes, answers, coverage, amounts);
      worstShares = Math.max(worstShares, result.worstShares);
    }
    console.log(`differential deposits: ${deposits} deposits, worst shares difference ${worstShares.toExponential(2)}`);
    expect(deposits).toBeGreaterThan(12);
    expect(coverage.rebalance).toBeGreaterThan(0);
  });

  /**
   * Replays 12 scenarios from `firstSeed` in which alice takes 1% to 15% of her first holding out (`exit`) on about a
   * third of the steps; returns how many withdrawals, how many reverted on both sides, the worst difference paid and
   * the actions covered.
   */
  async function withdrawalScenarios(exit: Withdrawal["exit"], firstSeed: number, seedFactor: number) {
    const coverage = newCoverage();
    let [withdrawals, reverted, worst] = [0, 0, 0];
    for (let seed = firstSeed; seed < firstSeed + 12; seed++) {
      const v = await network.load();
      const { changes, answers } = scenario(seed);
      const random = createRandom(seed * seedFactor);
      const holding = await v.vault.read.balanceOf([v.accounts.alice.account.address]);
      const shares = answers.map((_, k): Withdrawal | undefined =>
        k > 0 && random.next() < 0.35
          ? { shares: (holding * BigInt(random.int(100, 1_500))) / 10_000n, exit }
          : undefined,
      );
      withdrawals += shares.filter((a) => a !== undefined).length;
      const result = await compare(v, seed, changes, answers, coverage, [], [], [], shares);
      worst = Math.max(worst, result.worstRedeemed);
      reverted += result.cashReverts;
    }
    console.log(
      `differential withdrawals: ${withdrawals} ${exit === "cash" ? "in cash" : "in kind"} (${reverted} reverted on both), worst difference paid ${worst.toExponential(2)}`,
      coverage,
    );
    return { withdrawals, coverage };
  }

  it("pays the same in kind for withdrawals made mid-path, and then takes the same decisions, over 12 scenarios", async () => {
    const { withdrawals, coverage } = await withdrawalScenarios("inKind", 401, 17);
    expect(withdrawals).toBeGreaterThan(12);
    expect(coverage.hedge).toBeGreaterThan(0);
  });

  it("pays the same in cash for withdrawals made mid-path (selling on the pools), and then takes the same decisions, over 12 scenarios", async () => {
    const { withdrawals, coverage } = await withdrawalScenarios("cash", 501, 19);
    expect(withdrawals).toBeGreaterThan(12);
    expect(coverage.rebalance).toBeGreaterThan(0);
  });

  it("follows governance's parameter changes voted in mid-path, over 12 scenarios", async () => {
    const coverage = newCoverage();
    let changes = 0;
    for (let seed = 201; seed <= 212; seed++) {
      const v = await network.load();
      const scenarioOf = scenario(seed);
      const random = createRandom(seed * 11);
      // Two votes on the path, a day or more after the scenario's own changes (each parameter's interval is a
      // day), each moving three parameters within their max step from the values then in force.
      const current = { ...defaultsOf(scenarioOf.changes) };
      const midPath = scenarioOf.answers.map((_, k) => {
        if (k !== 2 && k !== 6) return undefined;
        const vote: Record<string, bigint> = {};
        for (const [name, step, min, max] of midPathMoves) {
          if (random.next() < 0.4) continue;
          const next = current[name]! + BigInt(random.int(-step, step));
          vote[name] = next < min ? min : next > max ? max : next;
          if (vote[name] === current[name]) delete vote[name];
          else current[name] = vote[name]!;
        }
        changes += Object.keys(vote).length;
        return Object.keys(vote).length > 0 ? vote : undefined;
      });
      await compare(v, seed, scenarioOf.changes, scenarioOf.answers, coverage, [], midPath);
    }
    console.log(`differential mid-path votes: ${changes} parameter changes`, coverage);
    expect(changes).toBeGreaterThan(12);
    expect(coverage.rebalance).toBeGreaterThan(0);
  });

  it("refuses every action while the feeds are stale, as the contracts do, pays exits in kind with the fees a cash exit would take, and then takes the same decisions, over 12 scenarios", async () => {
    const coverage = newCoverage();
    let staleSteps = 0;
    let unpricedExits = 0;
    for (let seed = 301; seed <= 312; seed++) {
      const v = await network.load();
      const { changes, answers } = scenario(seed);
      const random = createRandom(seed * 13);
      // One or two days on which the feeds post nothing: their answers are then a day old (past the hour allowed).
      const stale = answers.map((_, k) => k > 0 && random.next() < 0.2);
      // The first scenario has two such days in a row, the second past what a cash exit accepts (25 hours).
      if (seed === 301) stale[3] = stale[4] = true;
      stale.forEach((isStale, k) => {
        if (isStale) answers[k] = answers[k - 1]!;
      });
      staleSteps += stale.filter(Boolean).length;
      // Alice takes 1% of her first holding out in kind on about a third of the steps, and on the second stale day.
      const holding = await v.vault.read.balanceOf([v.accounts.alice.account.address]);
      const shares = answers.map((_, k): Withdrawal | undefined =>
        (k > 0 && random.next() < 0.35) || (seed === 301 && k === 4)
          ? { shares: holding / 100n, exit: "inKind" }
          : undefined,
      );
      unpricedExits += shares.filter((a, k) => a !== undefined && stale[k] && stale[k - 1]).length;
      await compare(v, seed, changes, answers, coverage, [], [], stale, shares);
    }
    console.log(`differential stale feeds: ${staleSteps} stale steps, ${unpricedExits} unpriced exits`, coverage);
    expect(staleSteps).toBeGreaterThan(6);
    expect(unpricedExits).toBeGreaterThan(0);
    expect(coverage.rebalance).toBeGreaterThan(0);
  });

  it("liquidates as a Morpho liquidator does when a crash takes the collateral manager past its LLTV", async () => {
    const coverage = newCoverage();
    for (let seed = 1; seed <= 3; seed++) {
      const v = await network.load();
      // The collateral manager posts and borrows; rebalancing and leverage are paused so that only the crash moves
      // its LTV, to 88%, 92% or 97% (the last past what the collateral covers with Morpho's incentive: bad debt).
      await leverUp(v);
      await v.registry.write.tighten(
        [
          [
            { key: parameterKey("pause.rebalance"), value: 1n },
            { key: parameterKey("pause.leverage"), value: 1n },
          ],
        ],
        { account: v.accounts.guardian.account },
      );
      const [, collateral, debt] = await v.collateralManager.read.position();
      const ltv = [0.88, 0.92, 0.97][seed - 1]!;
      // WETH's price (8 decimals, USDC at $1) at which debt / collateral value is `ltv`.
      const weth = (debt * 10n ** 12n * 10n ** 8n * 100n) / (collateral * BigInt(Math.round(ltv * 100)));
      const answers = [weth, weth, (weth * 102n) / 100n].map((p) => [10n ** 8n, p, 60_000n * 10n ** 8n]);
      await compare(v, seed, {}, answers, coverage);
      const [, , debtAfter] = await v.collateralManager.read.position();
      expect(debtAfter, `seed ${seed}: the liquidation repaid the whole debt`).toBe(0n);
    }
    expect(coverage.liquidation).toBeGreaterThanOrEqual(3);
  });

  it("repays from collateral as the chain does when the vault has no USDC at hand (crashes with rebalancing paused)", async () => {
    const coverage = newCoverage();
    for (let seed = 1; seed <= 3; seed++) {
      const v = await network.load();
      // The collateral manager posts and borrows first; then the vault's USDC leaves, and the guardian pauses
      // rebalancing so that nothing brings it back.
      await leverUp(v);
      await network.connection.networkHelpers.impersonateAccount(v.vault.address);
      await network.connection.networkHelpers.setBalance(v.vault.address, 10n ** 18n);
      await v.usdc.write.transfer([v.accounts.eve.account.address, await v.usdc.read.balanceOf([v.vault.address])], {
        account: v.vault.address,
      });
      await v.registry.write.tighten([[{ key: parameterKey("pause.rebalance"), value: 1n }]], {
        account: v.accounts.guardian.account,
      });
      const random = createRandom(seed);
      const weth = [3_000, 3_000 * (0.6 + 0.05 * random.next()), 1_700, 1_650];
      const answers = weth.map((p) => [10n ** 8n, BigInt(Math.round(p * 1e8)), 60_000n * 10n ** 8n]);
      const [, collateralBefore] = await v.collateralManager.read.position();
      await compare(v, seed, {}, answers, coverage);
      // The deleverage sold collateral: the vault had no USDC to repay with.
      const [, collateralAfter] = await v.collateralManager.read.position();
      expect(collateralAfter, `seed ${seed}`).toBeLessThan(collateralBefore);
    }
    expect(coverage.deleverage).toBeGreaterThan(0);
  });
});
