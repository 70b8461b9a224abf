import { describe, expect, it } from "vitest";
import { getAddress, parseEventLogs, parseUnits } from "viem";
import { parameterKey } from "../../parameters/index.ts";
import { daySeconds } from "../helpers/governance.ts";
import { expectRevert } from "../helpers/revert.ts";
import { deployInvestedVault, deployVault, rebalanceUntilSettled, type VaultStack } from "../helpers/vault.ts";
import { CollateralAction as Action } from "../../sim/model/actions.ts";
import { chainFixture } from "../helpers/fixture.ts";

const usd = (n: string) => parseUnits(n, 6);

describe("CollateralManager: leverage on Morpho Blue within governance's LTV rules", () => {
  const chain = chainFixture(async function investedFixture(connection) {
    return deployInvestedVault(connection);
  });
  const load = chain.load;

  /** Runs the manager's due actions until none is left; returns them in order. */
  async function manageUntilIdle(v: VaultStack): Promise<number[]> {
    const actions: number[] = [];
    for (let i = 0; i < 10; i++) {
      const [action] = await v.collateralManager.read.plan();
      if (action === Action.None) break;
      await v.collateralManager.write.manage({ account: v.accounts.eve.account });
      actions.push(action);
    }
    return actions;
  }

  it("posts half the vault's WETH as collateral, then borrows USDC to the 30% target LTV; NAV is unchanged", async () => {
    const v = await load();
    const navBefore = await v.vault.read.totalAssets();
    const wethBefore = await v.weth.read.balanceOf([v.vault.address]);
    expect(await manageUntilIdle(v)).toEqual([Action.PostCollateral, Action.Borrow]);

    const [token, collateral, debt] = await v.collateralManager.read.position();
    expect(token).toBe(getAddress(v.weth.address));
    expect(Number(collateral) / Number(wethBefore)).toBeCloseTo(0.5, 2);
    expect(Number(await v.collateralManager.read.ltvBps())).toBeCloseTo(3_000, -1);
    expect(debt).toBeGreaterThan(0n);
    // Collateral still counts in NAV and the borrowed USDC sits in the vault: NAV moves only by interest.
    expect(Number(await v.vault.read.totalAssets()) / Number(navBefore)).toBeCloseTo(1, 4);
  });

  it("the rebalancer invests the borrowed cash: gross exposure above NAV is the leverage", async () => {
    const v = await load();
    await manageUntilIdle(v);
    await rebalanceUntilSettled(chain.connection, v);
    const holdings = await v.vault.read.holdings();
    const gross = holdings.reduce((sum, h) => sum + h.valueInBase, 0n);
    const nav = await v.vault.read.totalAssets();
    expect(Number(gross) / Number(nav)).toBeGreaterThan(1.05);
  });

  it("deleverages when an ETH crash pushes LTV past the 45% maximum, long before Morpho's 86% liquidation LTV", async () => {
    const v = await load();
    await manageUntilIdle(v);
    await chain.connection.networkHelpers.time.increase(3_600);
    await v.setPrices({ WETH: 1_800n * 10n ** 8n }); // -40%: LTV 30% -> 50%
    expect(Number(await v.collateralManager.read.ltvBps())).toBeGreaterThan(4_500);
    const [action, amount] = await v.collateralManager.read.plan();
    expect(action).toBe(Action.Deleverage);

    const publicClient = await chain.connection.viem.getPublicClient();
    const hash = await v.collateralManager.write.manage({ account: v.accounts.eve.account });
    const { logs } = await publicClient.waitForTransactionReceipt({ hash });
    const [managed] = parseEventLogs({ abi: v.collateralManager.abi, logs, eventName: "CollateralManaged" });
    // The vault reports its NAV after the module's action, as after its own.
    const [nav] = parseEventLogs({ abi: v.vault.abi, logs, eventName: "NavUpdated" });
    expect(nav?.args.totalAssets).toBe(await v.vault.read.totalAssets());
    expect(nav?.args.totalSupply).toBe(await v.vault.read.totalSupply());
    expect(managed?.args.action).toBe(Action.Deleverage);
    // The plan was read a block earlier: the debt has accrued a second of interest since.
    expect(Number(managed?.args.amount) / Number(amount)).toBeCloseTo(1, 6);
    expect(Number(managed?.args.ltvBps)).toBeCloseTo(3_000, -1);
    expect(Number(managed?.args.ltvBps)).toBeLessThan(8_600);
  });

  it("deleverages with no USDC at hand by selling collateral (through Morpho's repay callback) within the bound", async () => {
    const v = await load();
    await manageUntilIdle(v);
    // Every USDC the vault held leaves (as if all of it were margin or invested elsewhere).
    const vault = v.vault.address;
    await chain.connection.networkHelpers.impersonateAccount(vault);
    await chain.connection.networkHelpers.setBalance(vault, 10n ** 18n);
    await v.usdc.write.transfer([v.accounts.eve.account.address, await v.usdc.read.balanceOf([vault])], {
      account: vault,
    });
    await chain.connection.networkHelpers.time.increase(3_600);
    await v.setPrices({ WETH: 1_800n * 10n ** 8n }); // -40%: LTV 30% -> 50%
    const [, collateralBefore, debtBefore] = await v.collateralManager.read.position();
    const [action, amount] = await v.collateralManager.read.plan();
    expect(action).toBe(Action.Deleverage);

    await v.collateralManager.write.manage({ account: v.accounts.eve.account });
    const [, collateral, debt] = await v.collateralManager.read.position();
    // Selling collateral shrinks the value the 30% target applies to: it repays the plan's amount scaled by
    // (1 - 0.5%) / (1 - 0.5% - 30%), and the LTV lands on the target.
    expect(Number(debtBefore - debt) / Number(amount)).toBeCloseTo(0.995 / 0.695, 3);
    expect(Number(await v.collateralManager.read.ltvBps())).toBeCloseTo(3_000, -1);
    // The collateral sold was worth at most the repayment over 1 - 0.5% at the oracle price ($1,800).
    const soldValue = ((collateralBefore - collateral) * 1_800n) / 10n ** 12n; // WETH wei → USDC wei
    expect(Number(soldValue) / Number(debtBefore - debt)).toBeLessThanOrEqual(1 / (1 - 0.005) + 1e-6);
    expect((await v.collateralManager.read.plan())[0]).not.toBe(Action.Deleverage);
  });

  it("deleverages even while an unrelated feed is stale: only the vault's NAV report after it is skipped", async () => {
    const v = await load();
    await manageUntilIdle(v);
    await chain.connection.networkHelpers.time.increase(2 * 3_600); // every feed goes stale
    await v.feeds.USDC.write.setAnswer([10n ** 8n]);
    await v.feeds.WETH.write.setAnswer([1_800n * 10n ** 8n]); // WBTC stays stale
    // The vault cannot act on the stale price (its views still answer: EIP-4626's totalAssets never reverts).
    await expectRevert(v.vault.simulate.accrueFees(), "VaultOracleStale");

    const publicClient = await chain.connection.viem.getPublicClient();
    const hash = await v.collateralManager.write.manage({ account: v.accounts.eve.account });
    const { logs } = await publicClient.waitForTransactionReceipt({ hash });
    const [managed] = parseEventLogs({ abi: v.collateralManager.abi, logs, eventName: "CollateralManaged" });
    expect(managed?.args.action).toBe(Action.Deleverage);
    expect(parseEventLogs({ abi: v.vault.abi, logs, eventName: "NavUpdated" })).toEqual([]);
  });

  it("the guardian's leverage pause stops new borrowing but not deleveraging", async () => {
    const v = await load();
    const pause = [[{ key: parameterKey("pause.leverage"), value: 1n }]] as const;
    const asGuardian = { account: v.accounts.guardian.account };
    await v.registry.write.tighten(pause, asGuardian);
    expect(await manageUntilIdle(v)).toEqual([Action.PostCollateral]);
    expect((await v.collateralManager.read.position())[2]).toBe(0n);

    // Governance lifts the pause; the manager borrows; the guardian pauses again and ETH crashes.
    await chain.connection.networkHelpers.time.increase(daySeconds);
    await v.registry.write.setParameter([parameterKey("pause.leverage"), 0n], v.asGov);
    await v.setPrices();
    expect(await manageUntilIdle(v)).toEqual([Action.Borrow]);
    await v.registry.write.tighten(pause, asGuardian);
    await v.setPrices({ WETH: 1_800n * 10n ** 8n });
    expect(await manageUntilIdle(v)).toEqual([Action.Deleverage]);
  });

  it("an in-kind redemption takes its share of the collateral net of its share of the debt, with stale oracles", async () => {
    const v = await load();
    await manageUntilIdle(v);
    const { alice, bob } = v.accounts;
    const [, collateral, debt] = await v.collateralManager.read.position();
    await chain.connection.networkHelpers.time.increase(3 * daySeconds); // feeds go stale
    const shares = (await v.vault.read.balanceOf([alice.account.address])) / 4n;
    const wethSpot = await v.weth.read.balanceOf([v.vault.address]);
    await v.vault.write.redeemInKind([shares, bob.account.address, alice.account.address], { account: alice.account });
    const received = await v.weth.read.balanceOf([bob.account.address]);
    // The spot share plus the collateral share, of the supply the redemption saw: the management fee due since the
    // last accrual is minted first, then the shares burn.
    const supply = (await v.vault.read.totalSupply()) + shares + 10n ** 6n;
    const expected = Number(((wethSpot + collateral) * shares) / supply);
    expect(Number(received) / expected).toBeCloseTo(1, 5);
    const [, collateralAfter, debtAfter] = await v.collateralManager.read.position();
    expect(Number(collateralAfter) / Number(collateral)).toBeCloseTo(0.75, 2);
    expect(Number(debtAfter) / Number(debt)).toBeCloseTo(0.75, 2);
  });

  it("only the vault releases collateral; only the registered module draws on the vault; nothing due is refused", async () => {
    const v = await load();
    const eve = v.accounts.eve;
    await expectRevert(
      v.collateralManager.write.release([0n, 1n, eve.account.address], { account: eve.account }),
      "CollateralNotVault",
      [getAddress(eve.account.address)],
    );
    await expectRevert(v.vault.write.moduleTransfer([v.weth.address, 1n], { account: eve.account }), "VaultNotModule", [
      getAddress(eve.account.address),
    ]);
    await manageUntilIdle(v);
    await expectRevert(v.collateralManager.write.manage({ account: eve.account }), "CollateralNothingDue");
  });

  it("on dust collateral (worth a wei of USDC) a borrow that rounds to nothing is not due", async () => {
    const v = await chain.connection.networkHelpers.loadFixture(async function freshFixture() {
      return deployVault(chain.connection);
    });
    const { eve } = v.accounts;
    // WETH worth 3 USDC-wei: half of it posted is worth a wei, and 30% of that rounds to no debt.
    const [, answer] = await v.feeds.WETH.read.latestRoundData();
    const dust = (3n * 10n ** 18n * 100n) / answer;
    await v.weth.write.mint([v.vault.address, dust]);
    expect(await manageUntilIdle(v)).toEqual([Action.PostCollateral]);
    const [, collateral, debt] = await v.collateralManager.read.position();
    expect(collateral).toBeGreaterThan(0n);
    expect(debt).toBe(0n);
    expect(await v.collateralManager.read.plan()).toEqual([Action.None, 0n]);
    await expectRevert(v.collateralManager.write.manage({ account: eve.account }), "CollateralNothingDue");
  });
});
