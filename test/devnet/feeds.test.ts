import { describe, expect, it } from "vitest";
import { custom, getAddress, zeroAddress } from "viem";
import { upgradeDevnetFeed } from "../../devnet/feeds.ts";
import { seedVoters } from "../../devnet/seedVoters.ts";
import { feedUpgradeDay, playScenario, upgradedFeeds } from "../../devnet/scenario.ts";
import { connectStack, simulationBase } from "../../sdk/proposal/deployed.ts";
import { parsePriceHistoryFile } from "../../sim/historyFile.ts";
import { parseProxyRoundId, proxyRoundId, readPriceHistory } from "../../sim/history.ts";
import { chainFixture } from "../helpers/fixture.ts";
import { daySeconds } from "../helpers/governance.ts";
import { expectRevert } from "../helpers/revert.ts";
import { deployVault, type VaultStack } from "../helpers/vault.ts";

const symbols = ["USDC", "WETH", "WBTC"] as const;
const usd = (dollars: number) => BigInt(Math.round(dollars * 1e8));

describe("devnet feeds as on Chainlink: a proxy in front of aggregators, one per phase", () => {
  const chain = chainFixture(deployVault);

  /**
   * Five days of answers posted through the proxies' current aggregators, each day's block times fixed (day k from
   * `start + k days`), the WETH feed moved to a new aggregator before day 3's answers. Returns what was posted.
   */
  async function fiveDaysWithAnUpgrade(v: VaultStack) {
    const { networkHelpers } = chain.connection;
    const start = (await networkHelpers.time.latest()) + 100;
    const posted: bigint[][] = [];
    for (let day = 1; day <= 5; day++) {
      await networkHelpers.time.increaseTo(start + day * daySeconds);
      if (day === 3) await upgradeDevnetFeed(chain.connection, v.feedProxies.WETH.address);
      const row = [usd(1 + day / 1e4), usd(3_000 + 10 * day), usd(60_000 + 100 * day)];
      for (const [a, symbol] of symbols.entries()) await v.postAnswer(symbol, row[a]!);
      posted.push(row);
    }
    await networkHelpers.time.increase(60);
    return { start, posted };
  }

  it("round ids carry the phase in their high 16 bits: (phaseId << 64) | the aggregator's round id", () => {
    expect(proxyRoundId(2, 7n)).toBe((2n << 64n) | 7n);
    expect(parseProxyRoundId((3n << 64n) | 12n)).toEqual({ phaseId: 3, aggregatorRoundId: 12n });
  });

  it("the proxy reads its current aggregator, with the phase in the round ids it returns", async () => {
    const v = await chain.load();
    const proxy = v.feedProxies.WETH;
    expect(await proxy.read.phaseId()).toBe(1);
    expect(await proxy.read.aggregator()).toBe(getAddress(v.feeds.WETH.address));
    expect(await proxy.read.phaseAggregators([1])).toBe(getAddress(v.feeds.WETH.address));
    expect(await proxy.read.decimals()).toBe(8);
    expect(await proxy.read.description()).toBe("ETH / USD");
    expect(await proxy.read.version()).toBe(1n);
    const [aggregatorRound, answer, , updatedAt] = await v.feeds.WETH.read.latestRoundData();
    expect(await proxy.read.latestRoundData()).toEqual([
      proxyRoundId(1, aggregatorRound),
      answer,
      updatedAt,
      updatedAt,
      proxyRoundId(1, aggregatorRound),
    ]);
  });

  it("an upgrade starts a new phase; the old phase's rounds stay readable through getRoundData", async () => {
    const v = await chain.load();
    const proxy = v.feedProxies.WETH;
    const [oldRound, oldAnswer, , oldUpdatedAt] = await proxy.read.latestRoundData();
    const { phaseId, aggregator } = await upgradeDevnetFeed(chain.connection, proxy.address);
    expect(phaseId).toBe(2);
    expect(await proxy.read.aggregator()).toBe(getAddress(aggregator));
    expect(await proxy.read.phaseAggregators([1])).toBe(getAddress(v.feeds.WETH.address));
    expect(await proxy.read.phaseAggregators([2])).toBe(getAddress(aggregator));
    // The new aggregator's first round carries the last answer on; the proxy numbers it in phase 2.
    const [newRound, newAnswer] = await proxy.read.latestRoundData();
    expect(newRound).toBe(proxyRoundId(2, 1n));
    expect(newAnswer).toBe(oldAnswer);
    await v.postAnswer("WETH", usd(3_333));
    expect((await proxy.read.latestRoundData())[0]).toBe(proxyRoundId(2, 2n));
    expect((await proxy.read.latestRoundData())[1]).toBe(usd(3_333));
    // The old aggregator no longer answers the proxy's latest, but its rounds are there under phase 1's ids.
    expect(await proxy.read.getRoundData([oldRound])).toEqual([
      oldRound,
      oldAnswer,
      oldUpdatedAt,
      oldUpdatedAt,
      oldRound,
    ]);
    expect(oldRound >> 64n).toBe(1n);
    await expectRevert(proxy.read.getRoundData([proxyRoundId(3, 1n)]), "FeedProxyNoPhase", [3]);
    await expectRevert(
      proxy.read.getRoundData([proxyRoundId(2, 99n)]),
      "SettableAggregatorNoRound",
      [99n],
      v.feeds.WETH.abi,
    );
  });

  it("only the aggregator proposed can be confirmed, and only by the owner", async () => {
    const v = await chain.load();
    const proxy = v.feedProxies.WBTC;
    const { eve } = v.accounts;
    await expectRevert(proxy.read.proposedLatestRoundData(), "FeedProxyNoProposal");
    await expectRevert(proxy.write.confirmAggregator([v.feeds.USDC.address]), "FeedProxyNotProposed", [
      getAddress(v.feeds.USDC.address),
      zeroAddress,
    ]);
    await proxy.write.proposeAggregator([v.feeds.USDC.address]);
    expect(await proxy.read.proposedLatestRoundData()).toEqual(await v.feeds.USDC.read.latestRoundData());
    await expectRevert(
      proxy.write.confirmAggregator([v.feeds.USDC.address], { account: eve.account }),
      "OwnableUnauthorizedAccount",
      [getAddress(eve.account.address)],
    );
    await expectRevert(proxy.write.confirmAggregator([v.feeds.WETH.address]), "FeedProxyNotProposed", [
      getAddress(v.feeds.WETH.address),
      getAddress(v.feeds.USDC.address),
    ]);
    await proxy.write.confirmAggregator([v.feeds.USDC.address]);
    expect(await proxy.read.phaseId()).toBe(2);
    expect(await proxy.read.proposedAggregator()).toBe(zeroAddress);
  });

  it("the price history walks getRoundData back across a phase change: both phases' answers, on the grid", async () => {
    const v = await chain.load();
    const { start, posted } = await fiveDaysWithAnUpgrade(v);
    const publicClient = await chain.connection.viem.getPublicClient();
    const phases: number[] = [];
    const history = await readPriceHistory(publicClient, v.registry.address, symbols, {
      fromSeconds: start + daySeconds + 10,
      onProgress: ({ symbol, phaseId }) => symbol === "WETH" && phases.push(phaseId),
    });
    expect(history.timestamps).toEqual([1, 2, 3, 4, 5].map((day) => start + day * daySeconds + 10));
    expect(history.pricesUsd).toEqual(posted.map((row) => row.map((answer) => Number(answer) / 1e8)));
    expect(await v.feedProxies.WETH.read.phaseId()).toBe(2);
    expect(new Set(phases)).toEqual(new Set([0, 1, 2]));
    // The vault reads the proxy too: it values the portfolio at the new phase's answer.
    expect((await v.feedProxies.WETH.read.latestRoundData())[1]).toBe(posted[4]![1]);
    expect(await v.vault.read.totalAssets()).toBeGreaterThanOrEqual(0n);
  });

  it("finds each grid time by binary search over a phase's rounds: far fewer calls than rounds", async () => {
    const v = await chain.load();
    const { networkHelpers } = chain.connection;
    const start = (await networkHelpers.time.latest()) + 100;
    // Four days of a busy WETH feed: 64 answers a day (one block each, a second apart).
    const busy = 64;
    for (let day = 1; day <= 4; day++) {
      await networkHelpers.time.increaseTo(start + day * daySeconds);
      for (const symbol of ["USDC", "WBTC"] as const) await v.postAnswer(symbol, usd(symbol === "USDC" ? 1 : 60_000));
      for (let k = 0; k < busy; k++) await v.postAnswer("WETH", usd(3_000 + day + k / 100));
    }
    await networkHelpers.time.increase(3_600);
    const publicClient = await chain.connection.viem.getPublicClient();
    let calls = 0;
    const history = await readPriceHistory(publicClient, v.registry.address, symbols, {
      fromSeconds: start + daySeconds + 3_600,
      onProgress: (progress) => (calls = progress.calls),
    });
    expect(history.pricesUsd.map((row) => row[1])).toEqual([1, 2, 3, 4].map((day) => 3_000 + day + (busy - 1) / 100));
    expect(calls).toBeLessThan(busy);
    await expect(
      readPriceHistory(publicClient, v.registry.address, symbols, { fromSeconds: start + daySeconds, maxCalls: 10 }),
    ).rejects.toThrow("reading the feeds' history would take more than 10 calls");
  });

  it("the scenario moves the ETH and BTC feeds to new aggregators mid-way; the vault and calibration carry on", async () => {
    const v = await chain.load();
    const days = 32;
    await seedVoters(chain.connection, v.token);
    const result = await playScenario(chain.connection, v.record, { days, seed: 3 });
    for (const symbol of upgradedFeeds) expect(await v.feedProxies[symbol].read.phaseId(), symbol).toBe(2);
    expect(await v.feedProxies.USDC.read.phaseId()).toBe(1);
    // The vault values the portfolio through the proxies, at the new phase's answers, and takes deposits.
    expect(result.deposits).toBeGreaterThan(0);
    expect(await v.vault.read.maxDeposit([v.accounts.alice.account.address])).toBeGreaterThan(0n);
    const stack = await connectStack(custom(chain.connection.provider), v.record.contracts, "the test's record");
    const { history, market } = await simulationBase(stack);
    expect(history.pricesUsd.length).toBeGreaterThanOrEqual(days);
    // Every WETH round of both phases, read one by one: the history is the last of them at or before each grid time.
    const rounds: { updatedAt: number; priceUsd: number }[] = [];
    for (const phase of [1, 2]) {
      const aggregator = await chain.connection.viem.getContractAt(
        "SettableAggregator",
        await v.feedProxies.WETH.read.phaseAggregators([phase]),
      );
      const [last] = await aggregator.read.latestRoundData();
      for (let r = 1n; r <= last; r++) {
        const [, answer, , updatedAt] = await v.feedProxies.WETH.read.getRoundData([proxyRoundId(phase, r)]);
        rounds.push({ updatedAt: Number(updatedAt), priceUsd: Number(answer) / 1e8 });
      }
    }
    const expected = history.timestamps.map((t) => rounds.filter((r) => r.updatedAt <= t).at(-1)!.priceUsd);
    expect(history.pricesUsd.map((row) => row[1])).toEqual(expected);
    // Days on both sides of the upgrade (day 16) moved: calibration sees volatility in each phase.
    const upgrade = feedUpgradeDay(days);
    const weth = history.pricesUsd.map((row) => row[1]!);
    expect(new Set(weth.slice(upgrade - 10, upgrade)).size).toBeGreaterThan(5);
    expect(new Set(weth.slice(upgrade + 1, upgrade + 11)).size).toBeGreaterThan(5);
    expect(market.kind).toBe("gbm");

    // A history file given instead: calibration uses it, not the feeds.
    const rows = Array.from(
      { length: 40 },
      (_, d) => `${1_735_689_600 + d * daySeconds},1,${3_000 + 10 * d},${60_000 - d}`,
    );
    const table = parsePriceHistoryFile(["time,USDC,WETH,WBTC", ...rows].join("\n"), "prices.csv");
    const fromFile = await connectStack(custom(chain.connection.provider), v.record.contracts, "the test's record", {
      historyFile: { name: "prices.csv", table },
    });
    const given = await simulationBase(fromFile);
    expect(given.history.pricesUsd).toHaveLength(40);
    expect(given.history.pricesUsd[39]).toEqual([1, 3_390, 59_961]);
    const short = { name: "short.csv", table: { ...table, rows: table.rows.slice(0, 20) } };
    await expect(
      simulationBase(
        await connectStack(custom(chain.connection.provider), v.record.contracts, "r", { historyFile: short }),
      ),
    ).rejects.toThrow("short.csv holds 20 daily prices; calibrating the market needs 31");
  });
});
