import hre from "hardhat";
import { beforeAll, describe, expect, it } from "vitest";
import { parseEventLogs, parseUnits, maxUint256, type Hash } from "viem";
import { parameterKey } from "../../parameters/index.ts";
import { createRandom } from "../../sim/random.ts";
import { daySeconds, type Connection } from "../helpers/governance.ts";
import { deployVault, type VaultStack } from "../helpers/vault.ts";

const sequences = 12;
const steps = 25;
const BPS = 10_000n;

/**
 * Random sequences of deposits, withdrawals (in cash and in kind), price moves, time and keeper calls, checking
 * after every step what must always hold. A failure prints its seed and step so that it can be replayed.
 */
describe("vault invariants under random sequences", () => {
  let connection: Connection;
  let fixture: () => Promise<VaultStack>;

  beforeAll(async () => {
    connection = await hre.network.create();
    fixture = async function invariantFixture() {
      const v = await deployVault(connection);
      // Depositors get deep pockets; carol and dave are newcomers for round trips.
      for (const who of [v.accounts.alice, v.accounts.bob, v.accounts.eve, v.accounts.carol, v.accounts.dave]) {
        await v.usdc.write.mint([who.account.address, parseUnits("10000000", 6)]);
        await v.usdc.write.approve([v.vault.address, maxUint256], { account: who.account });
      }
      return v;
    };
  });

  for (let seed = 1; seed <= sequences; seed++) {
    it(`sequence ${seed}: NAV equals the positions at oracle prices, trades within slippage, LTV within max, no round-trip gain`, async () => {
      const v = await connection.networkHelpers.loadFixture(fixture);
      const random = createRandom(seed);
      const publicClient = await connection.viem.getPublicClient();
      const { alice, bob, eve, carol, dave } = v.accounts;
      const depositors = [alice, bob, eve];
      const prices = { WETH: 3_000n * 10n ** 8n, WBTC: 60_000n * 10n ** 8n };
      // Every transaction is checked for the fees it minted: never more management fee than its yearly rate
      // allows for the time since the last accrual (performance fees are checked by the fee tests).
      const managementBps = await v.registry.read.valueOf([parameterKey("fees.managementBps")]);
      const send = async (hash: Promise<Hash>) => {
        const supply = await v.vault.read.totalSupply();
        const lastAccrual = BigInt(await v.vault.read.lastFeeAccrualAt());
        const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
        const { timestamp } = await publicClient.getBlock({ blockNumber: receipt.blockNumber });
        for (const { args } of parseEventLogs({ abi: v.vault.abi, logs: receipt.logs, eventName: "FeesAccrued" })) {
          const feeTime = managementBps * (timestamp - lastAccrual);
          const bound = (supply * feeTime) / (BPS * 31_536_000n - feeTime);
          expect(args.managementShares, `seed ${seed}: management fee`).toBeLessThanOrEqual(bound);
        }
        return receipt;
      };

      for (let step = 0; step < steps; step++) {
        const roll = random.next();
        const where = `seed ${seed}, step ${step} (roll ${roll.toFixed(2)})`;
        const who = depositors[random.int(0, depositors.length - 1)]!;
        if (roll < 0.3) {
          const amount = parseUnits(String(random.int(1, 400_000)), 6);
          if (amount <= (await v.vault.read.maxDeposit([who.account.address]))) {
            await send(v.vault.write.deposit([amount, who.account.address], { account: who.account }));
          }
        } else if (roll < 0.45) {
          const shares = ((await v.vault.read.balanceOf([who.account.address])) * BigInt(random.int(1, 100))) / 100n;
          if (shares > 0n) {
            const args = [shares, who.account.address, who.account.address] as const;
            const cash = await v.vault.simulate.redeem(args, { account: who.account.address }).then(
              () => true,
              () => false,
            );
            await send(
              cash
                ? v.vault.write.redeem(args, { account: who.account })
                : v.vault.write.redeemInKind(args, { account: who.account }),
            );
          }
        } else if (roll < 0.65) {
          await connection.networkHelpers.time.increase(random.int(3_600, 2 * daySeconds));
          for (const symbol of ["WETH", "WBTC"] as const) {
            const move = BigInt(Math.round((1 + 0.08 * random.normal()) * 1e6));
            prices[symbol] = (prices[symbol] * move) / 1_000_000n;
          }
          await v.setPrices(prices);
        } else if (roll < 0.85) {
          const [due] = await v.vault.read.rebalancePlan();
          // A due rebalance fills something, or reverts having filled nothing (every pool at the slippage bound,
          // as a partial fill leaves it): then nothing happened and a later keeper tries again.
          const fills =
            due &&
            (await v.vault.simulate.rebalance({ account: eve.account.address }).then(
              () => true,
              (error: unknown) => {
                if (String(error).includes("VaultRebalanceNoFill")) return false;
                throw error;
              },
            ));
          if (fills) {
            const { logs } = await send(v.vault.write.rebalance({ account: eve.account }));
            const slippage = await v.registry.read.valueOf([
              `0x${Buffer.from("rebalance.maxSlippageBps").toString("hex").padEnd(64, "0")}`,
            ]);
            for (const t of parseEventLogs({ abi: v.vault.abi, logs, eventName: "TradeExecuted" }).map((l) => l.args)) {
              const selling = t.tokenOut.toLowerCase() === v.usdc.address.toLowerCase();
              // Selling risk: at least the oracle price less the bound; buying: at most the oracle price over (1 - bound).
              if (selling)
                expect(t.executionPriceWad * BPS, where).toBeGreaterThanOrEqual(
                  t.oraclePriceWad * (BPS - slippage) - BPS,
                );
              else
                expect(t.executionPriceWad * (BPS - slippage), where).toBeLessThanOrEqual(
                  t.oraclePriceWad * BPS + BPS * BPS,
                );
            }
          }
        } else if (roll < 0.92) {
          if ((await v.hedgeModule.read.plan())[0] !== 0) {
            await send(v.hedgeModule.write.manage({ account: eve.account }));
          }
        } else {
          for (let i = 0; i < 3 && (await v.collateralManager.read.plan())[0] !== 0; i++) {
            await send(v.collateralManager.write.manage({ account: eve.account }));
            const ltv = await v.collateralManager.read.ltvBps();
            expect(ltv, where).toBeLessThanOrEqual(4_500n);
          }
        }

        // NAV is every position at oracle prices: spot balances, collateral, less debt, and the hedge's margin
        // less its short.
        const [, collateral, debt] = await v.collateralManager.read.position();
        const [, margin, , short] = await v.hedgeModule.read.position();
        const balances = await Promise.all([v.usdc, v.weth, v.wbtc].map((t) => t.read.balanceOf([v.vault.address])));
        const answers = await Promise.all(
          [v.feeds.USDC, v.feeds.WETH, v.feeds.WBTC].map(async (f) => (await f.read.latestRoundData())[1]),
        );
        const fresh =
          (await connection.networkHelpers.time.latest()) - Number((await v.feeds.USDC.read.latestRoundData())[3]) <=
          3_600;
        if (fresh) {
          const valueOf = (amount: bigint, decimals: number, answer: bigint) =>
            (amount * answer * 10n ** 6n) / (answers[0]! * 10n ** BigInt(decimals));
          const expected =
            balances[0]! +
            valueOf(balances[1]! + collateral, 18, answers[1]!) +
            valueOf(balances[2]!, 8, answers[2]!) -
            debt +
            margin -
            valueOf(short, 18, answers[1]!);
          const nav = await v.vault.read.totalAssets();
          const detail = `${where}: NAV ${nav}, positions ${expected}`;
          expect(Number(nav - expected), detail).toBeLessThanOrEqual(3);
          expect(Number(expected - nav), detail).toBeLessThanOrEqual(3);
        }
      }

      // A newcomer's deposit and immediate redemption never returns more than it put in.
      if ((await v.vault.read.maxDeposit([carol.account.address])) > parseUnits("1000", 6)) {
        for (const [who, inKind] of [
          [carol, false],
          [dave, true],
        ] as const) {
          const before = await v.usdc.read.balanceOf([who.account.address]);
          await send(v.vault.write.deposit([parseUnits("1000", 6), who.account.address], { account: who.account }));
          const shares = await v.vault.read.balanceOf([who.account.address]);
          const args = [shares, who.account.address, who.account.address] as const;
          await send(
            inKind
              ? v.vault.write.redeemInKind(args, { account: who.account })
              : v.vault.write.redeem(args, { account: who.account }),
          );
          const cash = await v.usdc.read.balanceOf([who.account.address]);
          const weth = await v.weth.read.balanceOf([who.account.address]);
          const wbtc = await v.wbtc.read.balanceOf([who.account.address]);
          const value = cash + (weth * prices.WETH) / 10n ** 20n + (wbtc * prices.WBTC) / 10n ** 10n;
          expect(value, `seed ${seed}: round trip (${inKind ? "in kind" : "cash"})`).toBeLessThanOrEqual(before);
        }
      }
    }, 120_000);
  }
});
