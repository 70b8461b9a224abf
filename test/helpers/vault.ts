import { maxUint256, parseUnits, type Address } from "viem";
import { deployStack } from "../../devnet/stack.ts";
import { alignPool } from "../../devnet/alignPool.ts";
import { postFeedAnswer } from "../../devnet/feeds.ts";
import { daySeconds, holdings, type Connection } from "./governance.ts";
import { revertName } from "./revert.ts";
import { actAsTimelock } from "./timelock.ts";

/** Deploys the whole stack on the in-process network and funds depositors with devnet USDC. */
/**
 * The whole stack on `connection`, with a vault, its modules and seeded markets. On a node over HTTP, Ignition keeps
 * a journal under ignition/deployments/<deploymentId>: give one of the test's own, and remove it first.
 */
export async function deployVault(connection: Connection, options: { deploymentId?: string } = {}) {
  const { viem, networkHelpers } = connection;
  const [deployer, guardian, alice, bob, carol, dave, eve] = await viem.getWalletClients();
  if (!deployer || !guardian || !alice || !bob || !carol || !dave || !eve) throw new Error("need 7 accounts");
  const guardianExpiresAt = BigInt((await networkHelpers.time.latest()) + 365 * daySeconds);
  const stack = await deployStack(connection, {
    network: "test",
    ...(options.deploymentId ? { deploymentId: options.deploymentId } : {}),
    governance: {
      proposalGuardian: guardian.account.address,
      registryGuardian: guardian.account.address,
      registryGuardianExpiresAt: guardianExpiresAt,
    },
  });
  const { tokens } = stack.devnet.record;
  const usdc = await viem.getContractAt("DevnetToken", tokens.USDC.address);
  const weth = await viem.getContractAt("DevnetToken", tokens.WETH.address);
  const wbtc = await viem.getContractAt("DevnetToken", tokens.WBTC.address);
  // The feeds as on Chainlink: the proxies the registry names (what the vault and the oracles read), and the
  // aggregators behind them at deployment (where tests post answers; setPrices follows a proxy to a later one).
  const feedProxies = {
    USDC: await viem.getContractAt("DevnetFeedProxy", tokens.USDC.feed),
    WETH: await viem.getContractAt("DevnetFeedProxy", tokens.WETH.feed),
    WBTC: await viem.getContractAt("DevnetFeedProxy", tokens.WBTC.feed),
  };
  const feeds = {
    USDC: await viem.getContractAt("SettableAggregator", await feedProxies.USDC.read.aggregator()),
    WETH: await viem.getContractAt("SettableAggregator", await feedProxies.WETH.read.aggregator()),
    WBTC: await viem.getContractAt("SettableAggregator", await feedProxies.WBTC.read.aggregator()),
  };
  const feedWriter = { publicClient: await viem.getPublicClient(), walletClient: deployer };
  /** Posts `answer` to the current aggregator of `symbol`'s proxy, stamped now or at `updatedAt`. */
  const postAnswer = (symbol: "USDC" | "WETH" | "WBTC", answer: bigint, updatedAt?: bigint) =>
    postFeedAnswer(feedWriter, feedProxies[symbol].address, answer, updatedAt);
  for (const who of [alice, bob, eve]) {
    await usdc.write.mint([who.account.address, parseUnits("1000000", 6)]);
    await usdc.write.approve([stack.vault.address, maxUint256], { account: who.account });
  }
  for (const [holder, amount] of [
    [alice, holdings.alice],
    [bob, holdings.bob],
  ] as const) {
    await stack.token.write.transfer([holder.account.address, amount]);
    await stack.token.write.delegate([holder.account.address], { account: holder.account });
  }
  const asGov = await actAsTimelock(connection, stack.timelock.address);

  /**
   * Posts each feed's answer again, stamped now, to its proxy's current aggregator (prices in 8 decimals; unchanged
   * when not given).
   */
  async function setPrices(prices: Partial<Record<"USDC" | "WETH" | "WBTC", bigint>> = {}) {
    for (const symbol of ["USDC", "WETH", "WBTC"] as const) {
      const [, current] = await feedProxies[symbol].read.latestRoundData();
      await postAnswer(symbol, prices[symbol] ?? current);
    }
    await alignPool(connection, stack.devnet.record, "WETH");
    await alignPool(connection, stack.devnet.record, "WBTC");
  }

  const collateralManager = await viem.getContractAt("CollateralManager", stack.collateralManager.address);
  const hedgeModule = await viem.getContractAt("HedgeModule", stack.hedgeModule.address);
  return {
    ...stack,
    collateralManager,
    hedgeModule,
    usdc,
    weth,
    wbtc,
    feeds,
    feedProxies,
    postAnswer,
    setPrices,
    asGov,
    guardianExpiresAt,
    accounts: { deployer, guardian, alice, bob, carol, dave, eve },
    address: (a: { account: { address: Address } }) => a.account.address,
  };
}

export type VaultStack = Awaited<ReturnType<typeof deployVault>>;

/** A SwapRouter `exactInputSingle` of `amountIn` in a devnet 0.3% pool, at any price (a trader pushing a pool). */
export function marketSwap(tokenIn: Address, tokenOut: Address, recipient: Address, amountIn: bigint) {
  return {
    tokenIn,
    tokenOut,
    fee: 3_000,
    recipient,
    deadline: maxUint256,
    amountIn,
    amountOutMinimum: 0n,
    sqrtPriceLimitX96: 0n,
  };
}

/** Runs rebalances a day apart (feeds refreshed, pools realigned) until none is due; returns how many ran. */
export async function rebalanceUntilSettled(connection: Connection, v: VaultStack): Promise<number> {
  let runs = 0;
  for (; runs < 20; runs++) {
    await connection.networkHelpers.time.increase(daySeconds);
    await v.setPrices();
    if (!(await v.vault.read.rebalancePlan())[0]) break;
    await v.vault.write.rebalance({ account: v.accounts.eve.account });
  }
  return runs;
}

/** The stack with alice's $1,000,000 deposited and invested at the target weights. */
export async function deployInvestedVault(connection: Connection): Promise<VaultStack> {
  const v = await deployVault(connection);
  await v.vault.write.deposit([parseUnits("1000000", 6), v.accounts.alice.account.address], {
    account: v.accounts.alice.account,
  });
  await rebalanceUntilSettled(connection, v);
  return v;
}

/** How a round trip leaves the vault: its holdings in kind, or sold for the base asset. */
export type RoundTripExit = "inKind" | "cash";

/**
 * The oracle-lag round trip: the pools of WETH and WBTC stay at the market (the feeds' answers before the move) while
 * their feeds move so that the market is `lagBps` above the feeds (negative: below them), measured from the feed as
 * the vault's deviation bound is; then bob deposits `deposit` USDC and at once exits all his new shares. Returns his gain valued at the market (what he received less what he paid, in
 * USDC wei; negative is a loss), or the exit's revert when it cannot go through.
 */
export async function oracleLagRoundTrip(
  connection: Connection,
  v: VaultStack,
  args: { lagBps: bigint; exit: RoundTripExit; deposit: bigint },
): Promise<{ gainUsdc: bigint } | { reverted: string }> {
  const { bob } = v.accounts;
  const answer = async (symbol: "USDC" | "WETH" | "WBTC") => (await v.feedProxies[symbol].read.latestRoundData())[1];
  const market = { USDC: await answer("USDC"), WETH: await answer("WETH"), WBTC: await answer("WBTC") };
  for (const symbol of ["WETH", "WBTC"] as const) {
    // Rounded toward the market, so that a lag of exactly the bound stays within it.
    const divisor = 10_000n + args.lagBps;
    const feedAnswer = (market[symbol] * 10_000n + (args.lagBps > 0n ? divisor - 1n : 0n)) / divisor;
    await v.postAnswer(symbol, feedAnswer);
  }
  const balances = async () =>
    Promise.all([v.usdc, v.weth, v.wbtc].map((token) => token.read.balanceOf([bob.account.address])));
  const before = await balances();
  await v.vault.write.deposit([args.deposit, bob.account.address], { account: bob.account });
  const shares = await v.vault.read.balanceOf([bob.account.address]);
  const owner = bob.account.address;
  try {
    await (args.exit === "inKind"
      ? v.vault.write.redeemInKind([shares, owner, owner], { account: bob.account })
      : v.vault.write.redeem([shares, owner, owner], { account: bob.account }));
  } catch (error) {
    return { reverted: revertName(error, v.vault.abi) };
  }
  const [usdc, weth, wbtc] = (await balances()).map((balance, i) => balance - before[i]!) as [bigint, bigint, bigint];
  // Token wei at the market's USD answers (8 decimals), in USDC wei: WETH has 18 decimals, WBTC 8.
  const inUsdc = (amount: bigint, usd: bigint, decimals: bigint) =>
    (amount * usd * 10n ** 6n) / (market.USDC * 10n ** decimals);
  return { gainUsdc: usdc + inUsdc(weth, market.WETH, 18n) + inUsdc(wbtc, market.WBTC, 8n) };
}
