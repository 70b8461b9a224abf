import { describe, expect, it } from "vitest";
import { getAddress, maxUint256, parseEventLogs, parseUnits, type Address } from "viem";
import { parameterKey } from "../../parameters/index.ts";
import { swapRouterAbi } from "../../sdk/abis/uniswap.ts";
import { daySeconds } from "../helpers/governance.ts";
import { expectRevert } from "../helpers/revert.ts";
import { deployVault, rebalanceUntilSettled as settle, type VaultStack } from "../helpers/vault.ts";
import { chainFixture } from "../helpers/fixture.ts";

const usd = (n: string) => parseUnits(n, 6);
const key = parameterKey;

describe("PortfolioVault", () => {
  const chain = chainFixture(async function vaultFixture(connection) {
    return deployVault(connection);
  });
  const load = chain.load;
  const increase = (s: number) => chain.connection.networkHelpers.time.increase(s);

  const rebalanceUntilSettled = (v: VaultStack) => settle(chain.connection, v);

  describe("deposits", () => {
    it("mints shares worth the deposit at NAV, with 6 more decimals than the base asset", async () => {
      const v = await load();
      const { alice } = v.accounts;
      await v.vault.write.deposit([usd("100000"), alice.account.address], { account: alice.account });
      expect(await v.vault.read.decimals()).toBe(12);
      expect(await v.vault.read.balanceOf([alice.account.address])).toBe(parseUnits("100000", 12));
      expect(await v.vault.read.totalAssets()).toBe(usd("100000"));
      expect(await v.vault.read.sharePriceWad()).toBe(10n ** 18n);
    });

    it("refuses deposits while paused by the guardian, with the pause's own error", async () => {
      const v = await load();
      await v.registry.write.tighten([[{ key: key("pause.deposits"), value: 1n }]], {
        account: v.accounts.guardian.account,
      });
      expect(await v.vault.read.maxDeposit([v.accounts.alice.account.address])).toBe(0n);
      await expectRevert(
        v.vault.write.deposit([usd("1"), v.accounts.alice.account.address], { account: v.accounts.alice.account }),
        "VaultDepositsPaused",
      );
    });

    it("refuses deposits beyond the deposit cap, naming the room left", async () => {
      const v = await load();
      const { alice } = v.accounts;
      await increase(daySeconds);
      await v.setPrices();
      await v.registry.write.setParameter([key("caps.depositCap"), usd("5000000")], v.asGov);
      await v.vault.write.deposit([usd("900000"), alice.account.address], { account: alice.account });
      await v.usdc.write.mint([alice.account.address, usd("5000000")]);
      await expectRevert(
        v.vault.write.deposit([usd("4100001"), alice.account.address], { account: alice.account }),
        "VaultDepositCapExceeded",
        [usd("4100001"), usd("4100000")],
      );
    });

    it("sees a registry change in its views at once and acts on it at the next call, without redeploying", async () => {
      const v = await load();
      const { alice } = v.accounts;
      const client = await chain.connection.viem.getPublicClient();
      const gasOf = async (hash: Promise<`0x${string}`>) =>
        (await client.waitForTransactionReceipt({ hash: await hash })).gasUsed;
      await v.vault.write.deposit([usd("100000"), alice.account.address], { account: alice.account });
      const cached = await gasOf(
        v.vault.write.deposit([usd("100000"), alice.account.address], { account: alice.account }),
      );

      await v.registry.write.setParameter([key("caps.depositCap"), usd("5200000")], v.asGov);
      expect(await v.vault.read.maxDeposit([alice.account.address])).toBe(usd("5000000"));
      // The first action after a change refills the vault's cache of settings; the next one reads the cache.
      const refill = await gasOf(v.vault.write.deposit([usd("1"), alice.account.address], { account: alice.account }));
      const again = await gasOf(v.vault.write.deposit([usd("1"), alice.account.address], { account: alice.account }));
      expect(refill).toBeGreaterThan(again + 20_000n);
      expect(again).toBeLessThanOrEqual(cached);
      await expectRevert(
        v.vault.write.deposit([usd("5000000"), alice.account.address], { account: alice.account }),
        "VaultDepositCapExceeded",
        [usd("5000000"), usd("4999998")],
      );
    });

    /** Deploys a second vault on the stack's registry and pools with these risk assets; returns the attempt. */
    async function deployWith(v: VaultStack, riskTokens: Address[], riskSymbols: string[]) {
      const libraries = {
        VaultSettingsLib: (await chain.connection.viem.deployContract("VaultSettingsLib")).address,
        ViewPricesLib: (await chain.connection.viem.deployContract("ViewPricesLib")).address,
        RebalancePlanLib: (await chain.connection.viem.deployContract("RebalancePlanLib")).address,
        ExitPlanLib: (await chain.connection.viem.deployContract("ExitPlanLib")).address,
      };
      const args = [
        v.usdc.address,
        "USDC",
        riskTokens,
        riskSymbols,
        v.registry.address,
        v.timelock.address,
        v.devnet.record.uniswap.swapRouter,
        v.devnet.record.uniswap.factory,
        "Trimtab Portfolio",
        "TTP",
      ] as const;
      return chain.connection.viem.deployContract("PortfolioVault", [...args], { libraries });
    }

    it("refuses a registry symbol its keys cannot hold (longer than 8 bytes: oracle.maxStalenessSec.<SYMBOL>) at deployment", async () => {
      const v = await load();
      for (const symbol of ["WRAPPEDETHER", "WRAPPEDET"]) {
        await expectRevert(deployWith(v, [v.weth.address], [symbol]), "VaultSymbolTooLong", [symbol], v.vault.abi);
      }
    });

    it("refuses more risk assets than one vault holds (4: each is an immutable) at deployment", async () => {
      const v = await load();
      const five = [v.weth.address, v.wbtc.address, v.weth.address, v.wbtc.address, v.weth.address];
      await expectRevert(
        deployWith(v, five, ["A", "B", "C", "D", "E"]),
        "VaultTooManyRiskAssets",
        [5n, 4n],
        v.vault.abi,
      );
      // Four is the most, in their order.
      const four = await deployWith(v, five.slice(0, 4), ["A", "B", "C", "D"]);
      expect(await four.read.riskAssets()).toEqual(five.slice(0, 4).map((a) => getAddress(a)));
    });

    it("reports no room to deposit or mint, without reverting, while a price is stale", async () => {
      const v = await load();
      await increase(2 * 3_600);
      expect(await v.vault.read.maxDeposit([v.accounts.alice.account.address])).toBe(0n);
      expect(await v.vault.read.maxMint([v.accounts.alice.account.address])).toBe(0n);
    });

    it("refuses deposits on a stale price, with the feed, its answer's time and its limit (oracle.maxStalenessSec.WETH)", async () => {
      const v = await load();
      // WETH's limit is its hourly heartbeat plus an hour; USDC's, its daily heartbeat plus an hour, is still far.
      await increase(2 * 3_600 + 60);
      const [, , , updatedAt] = await v.feeds.WETH.read.latestRoundData();
      await expectRevert(
        v.vault.write.deposit([usd("1"), v.accounts.alice.account.address], { account: v.accounts.alice.account }),
        "VaultOracleStale",
        [getAddress(v.feedProxies.WETH.address), updatedAt, 3_600n + 3_600n],
      );
    });
  });

  describe("rebalancing through Uniswap V3", () => {
    it("from all cash, trades toward 40/40/20 in capped steps until every weight is within its band", async () => {
      const v = await load();
      const { alice } = v.accounts;
      await v.vault.write.deposit([usd("500000"), alice.account.address], { account: alice.account });
      const [due, plan] = await v.vault.read.rebalancePlan();
      expect(due).toBe(true);
      // Trades are capped at 10% of NAV: two buys of $50,000.
      expect(plan.map((t) => [getAddress(t.tokenIn), getAddress(t.tokenOut), t.amountIn])).toEqual([
        [getAddress(v.usdc.address), getAddress(v.weth.address), usd("50000")],
        [getAddress(v.usdc.address), getAddress(v.wbtc.address), usd("50000")],
      ]);

      const runs = await rebalanceUntilSettled(v);
      expect(runs).toBeGreaterThanOrEqual(4);
      const holdings = await v.vault.read.holdings();
      for (const h of holdings) {
        expect(Math.abs(Number(h.weightBps) - Number(h.targetBps)), h.token).toBeLessThanOrEqual(500);
      }
      // NAV lost only fees and slippage: under 1%.
      expect(await v.vault.read.totalAssets()).toBeGreaterThan(usd("495000"));
    });

    it("executes the trades its plan view announced, each at or above its minimum output", async () => {
      const v = await load();
      await v.vault.write.deposit([usd("200000"), v.accounts.alice.account.address], {
        account: v.accounts.alice.account,
      });
      const [, plan] = await v.vault.read.rebalancePlan();
      const publicClient = await chain.connection.viem.getPublicClient();
      const hash = await v.vault.write.rebalance({ account: v.accounts.eve.account });
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      const trades = parseEventLogs({ abi: v.vault.abi, logs: receipt.logs, eventName: "TradeExecuted" });
      expect(trades.map((t) => [t.args.tokenIn, t.args.tokenOut, t.args.amountIn])).toEqual(
        plan.map((t) => [t.tokenIn, t.tokenOut, t.amountIn]),
      );
      trades.forEach((t, i) => expect(t.args.amountOut).toBeGreaterThanOrEqual(plan[i]!.minAmountOut));
      const [rebalanced] = parseEventLogs({ abi: v.vault.abi, logs: receipt.logs, eventName: "Rebalanced" });
      expect(rebalanced?.args.trades).toBe(2n);
      // The NAV it reports after the trades is the vault's NAV, to a few wei of rounding.
      const nav = await v.vault.read.totalAssets();
      expect(Number(rebalanced!.args.navAfter - nav)).toBeLessThanOrEqual(3);
      expect(Number(nav - rebalanced!.args.navAfter)).toBeLessThanOrEqual(3);
    });

    it("fills a trade only as far as the pool allows within the slippage bound, and carries on next time", async () => {
      const v = await load();
      await v.usdc.write.mint([v.accounts.alice.account.address, usd("5000000")]);
      await v.vault.write.deposit([usd("5000000"), v.accounts.alice.account.address], {
        account: v.accounts.alice.account,
      });
      // Trades of $500,000 move the devnet pools by more than the 0.2% marginal limit (0.5% bound less 0.3% fee).
      const [, plan] = await v.vault.read.rebalancePlan();
      const publicClient = await chain.connection.viem.getPublicClient();
      const hash = await v.vault.write.rebalance({ account: v.accounts.eve.account });
      const { logs } = await publicClient.waitForTransactionReceipt({ hash });
      const trades = parseEventLogs({ abi: v.vault.abi, logs, eventName: "TradeExecuted" });
      expect(trades).toHaveLength(2);
      trades.forEach((t, i) => {
        expect(t.args.amountIn).toBeGreaterThan(0n);
        expect(t.args.amountIn).toBeLessThan(plan[i]!.amountIn);
        // Execution price no more than 0.5% above the oracle's.
        expect(Number(t.args.executionPriceWad) / Number(t.args.oraclePriceWad)).toBeLessThanOrEqual(1.005);
      });
      expect(await rebalanceUntilSettled(v)).toBeGreaterThan(1);
    });

    it("refuses a keeper calling again within the interval, and when nothing is out of band", async () => {
      const v = await load();
      await v.vault.write.deposit([usd("200000"), v.accounts.alice.account.address], {
        account: v.accounts.alice.account,
      });
      await v.vault.write.rebalance({ account: v.accounts.eve.account });
      const last = await v.vault.read.lastRebalanceAt();
      await expectRevert(v.vault.write.rebalance({ account: v.accounts.eve.account }), "VaultRebalanceTooSoon", [
        BigInt(last),
        BigInt(last + daySeconds),
      ]);
      await rebalanceUntilSettled(v);
      await increase(daySeconds);
      await v.setPrices();
      await expectRevert(v.vault.write.rebalance({ account: v.accounts.eve.account }), "VaultRebalanceNotDue");
    });

    it("refuses to trade while paused by the guardian", async () => {
      const v = await load();
      await v.vault.write.deposit([usd("200000"), v.accounts.alice.account.address], {
        account: v.accounts.alice.account,
      });
      await v.registry.write.tighten([[{ key: key("pause.rebalance"), value: 1n }]], {
        account: v.accounts.guardian.account,
      });
      expect((await v.vault.read.rebalancePlan())[0]).toBe(false);
      await expectRevert(v.vault.write.rebalance({ account: v.accounts.eve.account }), "VaultRebalancePaused");
    });

    it("refuses to trade in a pool whose price strays from the oracle beyond the deviation bound", async () => {
      const v = await load();
      await v.vault.write.deposit([usd("200000"), v.accounts.alice.account.address], {
        account: v.accounts.alice.account,
      });
      // The ETH feed says $3,300 but the pool still trades at $3,000: a 10% gap, over the 2% bound.
      await v.feeds.WETH.write.setAnswer([3_300n * 10n ** 8n]);
      await expectRevert(v.vault.write.rebalance({ account: v.accounts.eve.account }), "VaultPoolPriceDeviates");
    });

    it("a sandwich around rebalance() gets nothing: the trade whose pool was pushed past the bound is skipped", async () => {
      const v = await load();
      const { alice, eve } = v.accounts;
      await v.vault.write.deposit([usd("200000"), alice.account.address], { account: alice.account });
      // The attacker buys WETH first, lifting its pool price about 1.5% (within the 2% deviation bound but over
      // the 0.5% slippage bound): the vault skips its WETH buy rather than overpay, and still buys WBTC.
      await v.usdc.write.mint([eve.account.address, usd("10000000")]);
      await v.usdc.write.approve([v.devnet.record.uniswap.swapRouter, maxUint256], { account: eve.account });
      await eve.writeContract({
        address: v.devnet.record.uniswap.swapRouter,
        abi: swapRouterAbi,
        functionName: "exactInputSingle",
        args: [
          {
            tokenIn: v.usdc.address,
            tokenOut: v.weth.address,
            fee: 3_000,
            recipient: eve.account.address,
            deadline: maxUint256,
            amountIn: usd("450000"),
            amountOutMinimum: 0n,
            sqrtPriceLimitX96: 0n,
          },
        ],
      });
      const publicClient = await chain.connection.viem.getPublicClient();
      const hash = await v.vault.write.rebalance({ account: eve.account });
      const { logs } = await publicClient.waitForTransactionReceipt({ hash });
      const trades = parseEventLogs({ abi: v.vault.abi, logs, eventName: "TradeExecuted" });
      expect(trades.map((t) => t.args.tokenOut)).toEqual([getAddress(v.wbtc.address)]);
      expect(await v.weth.read.balanceOf([v.vault.address])).toBe(0n);
    });
  });

  describe("withdrawals: never paused", () => {
    it("redeem unwinds pro rata within the slippage bound, even with deposits and trading paused", async () => {
      const v = await load();
      const { alice, guardian } = v.accounts;
      await v.vault.write.deposit([usd("300000"), alice.account.address], { account: alice.account });
      await rebalanceUntilSettled(v);
      await v.registry.write.tighten(
        [
          [
            { key: key("pause.deposits"), value: 1n },
            { key: key("pause.rebalance"), value: 1n },
          ],
        ],
        { account: guardian.account },
      );
      const shares = (await v.vault.read.balanceOf([alice.account.address])) / 3n;
      const preview = await v.vault.read.previewRedeem([shares]);
      const before = await v.usdc.read.balanceOf([alice.account.address]);
      await v.vault.write.redeem([shares, alice.account.address, alice.account.address], { account: alice.account });
      const received = (await v.usdc.read.balanceOf([alice.account.address])) - before;
      expect(received).toBeGreaterThanOrEqual(preview);
      expect(Number(received)).toBeGreaterThan(Number(usd("99000")));
    });

    it("withdraw pays exactly the assets asked for and burns the shares previewWithdraw announced", async () => {
      const v = await load();
      const { alice, bob } = v.accounts;
      await v.vault.write.deposit([usd("300000"), alice.account.address], { account: alice.account });
      for (const settled of [false, true]) {
        if (settled) await rebalanceUntilSettled(v);
        const shares = await v.vault.read.previewWithdraw([usd("12345.678901")]);
        const before = await v.vault.read.balanceOf([alice.account.address]);
        const cash = await v.usdc.read.balanceOf([bob.account.address]);
        await v.vault.write.withdraw([usd("12345.678901"), bob.account.address, alice.account.address], {
          account: alice.account,
        });
        expect((await v.usdc.read.balanceOf([bob.account.address])) - cash).toBe(usd("12345.678901"));
        // The preview includes fees up to its block; the withdrawal's block is one second later.
        const burned = before - (await v.vault.read.balanceOf([alice.account.address]));
        expect(Number(burned - shares) / Number(shares)).toBeLessThan(1e-8);
        expect(burned).toBeGreaterThanOrEqual(shares);
      }
    });

    it("redeemInKind pays a pro-rata share of every holding even when every oracle is stale", async () => {
      const v = await load();
      const { alice, bob } = v.accounts;
      await v.vault.write.deposit([usd("300000"), alice.account.address], { account: alice.account });
      await rebalanceUntilSettled(v);
      const navFresh = await v.vault.read.totalAssets();
      await increase(3 * daySeconds); // every feed is now stale, beyond even a cash exit's 25 hours
      // EIP-4626: totalAssets never reverts (it counts the stale answers); the max* views say no cash exit is open.
      expect(await v.vault.read.totalAssets()).toBe(navFresh);
      expect(await v.vault.read.maxRedeem([alice.account.address])).toBe(0n);
      expect(await v.vault.read.maxWithdraw([alice.account.address])).toBe(0n);
      await expectRevert(
        v.vault.write.redeem([1n, alice.account.address, alice.account.address], { account: alice.account }),
        "VaultOracleStale",
      );
      const shares = await v.vault.read.balanceOf([alice.account.address]);
      const balances = await Promise.all([v.usdc, v.weth, v.wbtc].map((t) => t.read.balanceOf([v.vault.address])));
      const supply = await v.vault.read.totalSupply();
      const tokens = [v.usdc, v.weth, v.wbtc];
      const before = await Promise.all(tokens.map((t) => t.read.balanceOf([bob.account.address])));
      await v.vault.write.redeemInKind([shares / 2n, bob.account.address, alice.account.address], {
        account: alice.account,
      });
      const after = await Promise.all(tokens.map((t) => t.read.balanceOf([bob.account.address])));
      const received = after.map((a, i) => a - before[i]!);
      balances.forEach((b, i) => {
        // shares/2 of the supply (which grew by the management fee), less the virtual shares' sliver.
        const expected = (b * (shares / 2n)) / (supply + 10n ** 6n);
        expect(Number(received[i])).toBeGreaterThanOrEqual(Number(expected) * 0.999);
        expect(received[i]).toBeLessThanOrEqual(expected);
      });
    });

    it("refuses to redeem more than the owner holds, or for someone without allowance", async () => {
      const v = await load();
      const { alice, eve } = v.accounts;
      await v.vault.write.deposit([usd("1000"), alice.account.address], { account: alice.account });
      const shares = await v.vault.read.balanceOf([alice.account.address]);
      await expectRevert(
        v.vault.write.redeemInKind([shares + 1n, alice.account.address, alice.account.address], {
          account: alice.account,
        }),
        "VaultExceededMaxRedeem",
        [getAddress(alice.account.address), shares + 1n, shares],
      );
      await expectRevert(
        v.vault.write.redeemInKind([shares, eve.account.address, alice.account.address], { account: eve.account }),
        "ERC20InsufficientAllowance",
      );
      await expectRevert(
        v.vault.write.redeem([0n, alice.account.address, alice.account.address], { account: alice.account }),
        "VaultZeroShares",
      );
    });
  });

  describe("fees", () => {
    it("streams the management fee: 2% a year of NAV, minted as shares to the treasury", async () => {
      const v = await load();
      await v.vault.write.deposit([usd("1000000"), v.accounts.alice.account.address], {
        account: v.accounts.alice.account,
      });
      await increase(365 * daySeconds);
      await v.setPrices();
      await v.vault.write.accrueFees();
      const treasuryShares = await v.vault.read.balanceOf([v.timelock.address]);
      const value = await v.vault.read.convertToAssets([treasuryShares]);
      expect(Number(value) / 1e6).toBeCloseTo(20_000, -1);
    });

    it("charges the performance fee only on gains above the high-water mark", async () => {
      const v = await load();
      const { alice } = v.accounts;
      await v.vault.write.deposit([usd("1000000"), alice.account.address], { account: alice.account });
      await rebalanceUntilSettled(v);
      // ETH +20%: the portfolio gains; 10% of the gain goes to the treasury.
      await v.setPrices({ WETH: 3_600n * 10n ** 8n });
      const publicClient = await chain.connection.viem.getPublicClient();
      const hash = await v.vault.write.accrueFees();
      const [fees] = parseEventLogs({
        abi: v.vault.abi,
        logs: (await publicClient.waitForTransactionReceipt({ hash })).logs,
        eventName: "FeesAccrued",
      });
      expect(fees?.args.performanceShares).toBeGreaterThan(0n);
      const hwm = await v.vault.read.highWaterMarkWad();
      expect(hwm).toBe(await v.vault.read.sharePriceWad());
      // Back down: no performance fee until the price is above the mark again.
      await v.setPrices({ WETH: 3_000n * 10n ** 8n });
      const hash2 = await v.vault.write.accrueFees();
      const [fees2] = parseEventLogs({
        abi: v.vault.abi,
        logs: (await publicClient.waitForTransactionReceipt({ hash: hash2 })).logs,
        eventName: "FeesAccrued",
      });
      expect(fees2?.args.performanceShares ?? 0n).toBe(0n);
      expect(await v.vault.read.highWaterMarkWad()).toBe(hwm);
    });
  });

  describe("attacks", () => {
    it("the guardian, tightening everything it may, cannot stop a holder from leaving in kind", async () => {
      const v = await load();
      const { alice, guardian } = v.accounts;
      await v.vault.write.deposit([usd("300000"), alice.account.address], { account: alice.account });
      await rebalanceUntilSettled(v);
      const asGuardian = { account: guardian.account };
      const tightest: [string, bigint][] = [
        ["pause.deposits", 1n],
        ["pause.rebalance", 1n],
        ["pause.leverage", 1n],
        ["rebalance.maxSlippageBps", 25n],
        ["oracle.maxStalenessSec.USDC", 45_000n],
        ["oracle.maxStalenessSec.WETH", 3_600n],
        ["oracle.maxStalenessSec.WBTC", 3_600n],
        ["oracle.sequencerGraceSec", 5_400n],
        ["oracle.maxDeviationBps", 100n],
        ["caps.depositCap", 5_000_000n * 10n ** 6n],
      ];
      await v.registry.write.tighten([tightest.map(([name, value]) => ({ key: key(name), value }))], asGuardian);
      await increase(3 * daySeconds); // and every feed goes stale
      const shares = await v.vault.read.balanceOf([alice.account.address]);
      await v.vault.write.redeemInKind([shares, alice.account.address, alice.account.address], {
        account: alice.account,
      });
      expect(await v.vault.read.balanceOf([alice.account.address])).toBe(0n);
      expect(await v.weth.read.balanceOf([alice.account.address])).toBeGreaterThan(0n);
    });

    it("ERC-4626 inflation: a donation before the first deposit costs the attacker, not the victim", async () => {
      const v = await load();
      const { alice, eve } = v.accounts;
      await v.vault.write.deposit([1n, eve.account.address], { account: eve.account });
      await v.usdc.write.transfer([v.vault.address, usd("100000")], { account: eve.account });
      await v.vault.write.deposit([usd("1000"), alice.account.address], { account: alice.account });
      const aliceValue = await v.vault.read.convertToAssets([await v.vault.read.balanceOf([alice.account.address])]);
      expect(aliceValue).toBeGreaterThan(usd("999"));
      const eveValue = await v.vault.read.convertToAssets([await v.vault.read.balanceOf([eve.account.address])]);
      expect(eveValue).toBeLessThan(usd("100000"));
    });
  });
});
