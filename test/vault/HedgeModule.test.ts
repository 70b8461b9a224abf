import { describe, expect, it } from "vitest";
import { getAddress, parseUnits } from "viem";
import { parameterKey } from "../../parameters/index.ts";
import { daySeconds } from "../helpers/governance.ts";
import { expectRevert } from "../helpers/revert.ts";
import { deployInvestedVault, rebalanceUntilSettled, type VaultStack } from "../helpers/vault.ts";
import { HedgeAction as Action } from "../../sim/model/actions.ts";
import { chainFixture } from "../helpers/fixture.ts";

const usd = (n: string) => parseUnits(n, 6);

describe("HedgeModule: a delta hedge of the vault's WETH on Morpho Blue and Uniswap V3", () => {
  const chain = chainFixture(async function investedFixture(connection) {
    return deployInvestedVault(connection);
  });
  const load = chain.load;

  /** Runs the hedge's due actions until none is left, letting arbitrageurs realign the pools in between (a trade
   * stops at the slippage bound, so a large one fills over several calls). */
  async function hedgeUntilIdle(v: VaultStack): Promise<number[]> {
    const actions: number[] = [];
    for (let i = 0; i < 12; i++) {
      const [action] = await v.hedgeModule.read.plan();
      if (action === Action.None) break;
      await v.hedgeModule.write.manage({ account: v.accounts.eve.account });
      actions.push(action);
      await chain.connection.networkHelpers.time.increase(60);
      await v.setPrices();
    }
    return actions;
  }

  it("shorts half the vault's WETH exposure, within the band, at the cost of slippage only", async () => {
    const v = await load();
    const navBefore = await v.vault.read.totalAssets();
    const [exposure] = await v.hedgeModule.read.netDelta();
    const [action, amount] = await v.hedgeModule.read.plan();
    expect(action).toBe(Action.Increase);
    expect(Number(amount) / Number(exposure)).toBeCloseTo(0.5, 3);

    const actions = await hedgeUntilIdle(v);
    expect(actions.every((a) => a === Action.Increase)).toBe(true);
    const navEvents = await v.vault.getEvents.NavUpdated({ fromBlock: 0n });
    const managedEvents = await v.hedgeModule.getEvents.HedgeManaged({}, { fromBlock: 0n });
    // The vault reports its NAV in the transaction of each of the module's actions.
    const navTxs = new Set(navEvents.map((e) => e.transactionHash));
    expect(managedEvents.length).toBe(actions.length);
    expect(managedEvents.every((e) => navTxs.has(e.transactionHash))).toBe(true);
    const [, short, net, ratioBps] = await v.hedgeModule.read.netDelta();
    expect(Math.abs(Number(ratioBps) - 5_000)).toBeLessThanOrEqual(1_000);
    expect(net).toBe(BigInt(exposure) - short);
    const [collateralToken, collateral, shortToken] = await v.hedgeModule.read.position();
    expect([collateralToken, shortToken]).toEqual([getAddress(v.usdc.address), getAddress(v.weth.address)]);
    // Margin at the 50% target LTV: collateral ≈ 2 × the short's value.
    expect(Number(collateral) / 1e6 / ((Number(short) / 1e18) * 3_000)).toBeCloseTo(2, 1);
    const navAfter = await v.vault.read.totalAssets();
    expect(Number(navBefore - navAfter) / Number(navBefore)).toBeLessThan(0.005);
  });

  it("halves the vault's loss on a 20% ETH drop", async () => {
    const v = await load();
    await hedgeUntilIdle(v);
    const [exposure, short] = await v.hedgeModule.read.netDelta();
    const before = await v.vault.read.totalAssets();
    await chain.connection.networkHelpers.time.increase(3_600);
    await v.setPrices({ WETH: 2_400n * 10n ** 8n });
    const loss = Number(before - (await v.vault.read.totalAssets())) / 1e6;
    const unhedged = (Number(exposure) / 1e18) * 600;
    const hedged = (Number(exposure - short) / 1e18) * 600;
    expect(loss / hedged).toBeCloseTo(1, 2);
    expect(loss / unhedged).toBeLessThan(0.6);
  });

  it("buys back when governance lowers the hedge ratio, and returns the freed margin to the vault", async () => {
    const v = await load();
    await hedgeUntilIdle(v);
    const [, collateralBefore] = await v.hedgeModule.read.position();
    await chain.connection.networkHelpers.time.increase(daySeconds);
    await v.registry.write.setParameter([parameterKey("hedge.ratioBps"), 4_000n], v.asGov);
    await v.setPrices();
    const actions = await hedgeUntilIdle(v);
    expect(actions[0]).toBe(Action.Decrease);
    const [, , , ratioBps] = await v.hedgeModule.read.netDelta();
    expect(Math.abs(Number(ratioBps) - 4_000)).toBeLessThanOrEqual(1_000);
    const [, collateralAfter] = await v.hedgeModule.read.position();
    expect(collateralAfter).toBeLessThan(collateralBefore);
  });

  it("deleverages the short when an ETH rally brings its LTV within the health buffer of liquidation", async () => {
    const v = await load();
    await hedgeUntilIdle(v);
    await chain.connection.networkHelpers.time.increase(3_600);
    await v.setPrices({ WETH: 4_800n * 10n ** 8n }); // +60%: the short's LTV goes from 50% to 80% (> 86% - 10%)
    const [action] = await v.hedgeModule.read.plan();
    expect(action).toBe(Action.Deleverage);
    await v.hedgeModule.write.manage({ account: v.accounts.eve.account });
    const [, collateral, , short] = await v.hedgeModule.read.position();
    const ltv = ((Number(short) / 1e18) * 4_800) / (Number(collateral) / 1e6);
    expect(ltv).toBeLessThan(0.76);
  });

  it("deleverages in a rally even after the guardian tightened the slippage bound below the pool fee", async () => {
    const v = await load();
    await hedgeUntilIdle(v);
    // 50 → 25 bps with 30 bps pools: a fill within 25 bps of the oracle is impossible, a deleverage is not.
    await v.registry.write.tighten([[{ key: parameterKey("rebalance.maxSlippageBps"), value: 25n }]], {
      account: v.accounts.guardian.account,
    });
    await chain.connection.networkHelpers.time.increase(3_600);
    await v.setPrices({ WETH: 4_800n * 10n ** 8n });
    expect((await v.hedgeModule.read.plan())[0]).toBe(Action.Deleverage);
    await v.hedgeModule.write.manage({ account: v.accounts.eve.account });
    const [, collateral, , short] = await v.hedgeModule.read.position();
    expect(((Number(short) / 1e18) * 4_800) / (Number(collateral) / 1e6)).toBeLessThan(0.76);
  });

  it("an in-kind redemption repays its share of the short from its WETH and takes its share of the margin", async () => {
    const v = await load();
    await hedgeUntilIdle(v);
    const { alice, bob } = v.accounts;
    const [, collateral, , short] = await v.hedgeModule.read.position();
    await chain.connection.networkHelpers.time.increase(3 * daySeconds); // every feed is stale
    const shares = (await v.vault.read.balanceOf([alice.account.address])) / 4n;
    await v.vault.write.redeemInKind([shares, bob.account.address, alice.account.address], { account: alice.account });
    const [, collateralAfter, , shortAfter] = await v.hedgeModule.read.position();
    expect(Number(shortAfter) / Number(short)).toBeCloseTo(0.75, 2);
    expect(Number(collateralAfter) / Number(collateral)).toBeCloseTo(0.75, 2);
  });

  it("only the vault releases the hedge; nothing due is refused", async () => {
    const v = await load();
    const eve = v.accounts.eve;
    await expectRevert(
      v.hedgeModule.write.release([0n, 1n, eve.account.address], { account: eve.account }),
      "HedgeNotVault",
      [getAddress(eve.account.address)],
    );
    await hedgeUntilIdle(v);
    await expectRevert(v.hedgeModule.write.manage({ account: eve.account }), "HedgeNothingDue");
  });

  it("a dust short worth less than a wei of USDC still posts a wei of margin, so Morpho lends it", async () => {
    const v = await load();
    const { alice, eve } = v.accounts;
    // Alice leaves in kind: the vault keeps only the treasury's fee shares' part, then a dust of WETH is all it holds.
    const owner = alice.account.address;
    await v.vault.write.redeemInKind([await v.vault.read.balanceOf([owner]), owner, owner], { account: alice.account });
    const treasury = v.timelock.address;
    await v.vault.write.redeemInKind([await v.vault.read.balanceOf([treasury]), treasury, treasury], v.asGov);
    const wethLeft = await v.weth.read.balanceOf([v.vault.address]);
    await v.usdc.write.transfer([v.vault.address, usd("1")], { account: eve.account });
    const dust = 53_239_182n; // 0.000000000053 WETH, worth about a sixth of a USDC wei
    await v.weth.write.mint([v.vault.address, dust]);
    const [action, amount] = await v.hedgeModule.read.plan();
    expect(action).toBe(Action.Increase);
    expect(amount).toBeLessThan(wethLeft + dust);
    const [, marginBefore] = await v.hedgeModule.read.position();
    await v.hedgeModule.write.manage({ account: eve.account });
    const [, marginAfter] = await v.hedgeModule.read.position();
    expect(marginAfter).toBeGreaterThan(marginBefore);
  });
});
