import { parseEventLogs, type Address, type Hex } from "viem";
import { parameterKey } from "../../../parameters/index.ts";
import { swapRouterAbi } from "../../../sdk/abis/uniswap.ts";
import { devnetHeartbeats } from "../../../devnet/constants.ts";
import { alignPool } from "../../../devnet/alignPool.ts";
import { daySeconds } from "../../helpers/governance.ts";
import { marketSwap } from "../../helpers/vault.ts";
import {
  attempt,
  BPS,
  decimalsOf,
  expected,
  GAS,
  refuse,
  riskSymbols,
  symbols,
  violation,
  Invariant,
  type Context,
  type Symbol,
} from "./context.ts";
import { revertName } from "../../helpers/revert.ts";
import { checkCollateralLtv, checkHedgeLtv, holderAddresses } from "./invariants.ts";

/** One thing an actor can do; `weight` sets how often it is picked. */
export type Action = { name: string; weight: number; run: (ctx: Context) => Promise<void> };

const pick = <T>(ctx: Context, list: readonly T[]): T => list[ctx.random.int(0, list.length - 1)]!;

/** A part of `total`: all of it, one wei, one more than all, or a random fraction. */
function part(ctx: Context, total: bigint): bigint {
  const roll = ctx.random.next();
  if (roll < 0.25) return total;
  if (roll < 0.4) return 1n;
  if (roll < 0.45) return total + 1n;
  return (total * BigInt(ctx.random.int(1, 9_999))) / 10_000n;
}

/* DEPOSITORS */

function depositor(ctx: Context) {
  const { alice, bob, carol } = ctx.v.accounts;
  return pick(ctx, [alice, bob, carol]).account.address;
}

async function deposit(ctx: Context) {
  const who = depositor(ctx);
  const roll = ctx.random.next();
  const amount =
    roll < 0.15
      ? 1n
      : roll < 0.3
        ? await ctx.v.vault.read.maxDeposit([who])
        : BigInt(ctx.random.int(1, 2_000_000)) * 10n ** 6n;
  await attempt(ctx, {
    simulate: () => ctx.v.vault.simulate.deposit([amount, who], { account: who }),
    write: () => ctx.v.vault.write.deposit([amount, who], { account: who, gas: GAS }),
    expected: expected.deposit,
    fees: "before",
  });
}

async function mint(ctx: Context) {
  const who = depositor(ctx);
  const shares = ctx.random.next() < 0.2 ? 1n : BigInt(ctx.random.int(1, 1_000_000)) * 10n ** 12n;
  await attempt(ctx, {
    simulate: () => ctx.v.vault.simulate.mint([shares, who], { account: who }),
    write: () => ctx.v.vault.write.mint([shares, who], { account: who, gas: GAS }),
    expected: expected.deposit,
    fees: "before",
  });
}

async function withdraw(ctx: Context) {
  const who = depositor(ctx);
  const max = await ctx.v.vault.read.maxWithdraw([who]);
  const assets = max === 0n ? 10n ** 6n : part(ctx, max);
  await attempt(ctx, {
    simulate: () => ctx.v.vault.simulate.withdraw([assets, who, who], { account: who }),
    write: () => ctx.v.vault.write.withdraw([assets, who, who], { account: who, gas: GAS }),
    expected: expected.cashExit,
    fees: "before",
  });
}

async function redeem(ctx: Context, inKind: boolean) {
  const who = depositor(ctx);
  const shares = part(ctx, await ctx.v.vault.read.balanceOf([who]));
  const args = [shares, who, who] as const;
  await attempt(ctx, {
    simulate: () =>
      inKind
        ? ctx.v.vault.simulate.redeemInKind(args, { account: who })
        : ctx.v.vault.simulate.redeem(args, { account: who }),
    write: () =>
      inKind
        ? ctx.v.vault.write.redeemInKind(args, { account: who, gas: GAS })
        : ctx.v.vault.write.redeem(args, { account: who, gas: GAS }),
    expected: inKind ? expected.inKind : expected.cashExit,
    fees: "before",
  });
}

/** A depositor sends tokens to the vault outright (a donation: nobody's shares change). */
async function donate(ctx: Context) {
  const who = depositor(ctx);
  const symbol = pick(ctx, symbols);
  const whole = 10n ** BigInt(decimalsOf[symbol]);
  const amount = ctx.random.next() < 0.3 ? 1n : (whole * BigInt(ctx.random.int(1, 100))) / 100n;
  const publicClient = await ctx.connection.viem.getPublicClient();
  await publicClient.waitForTransactionReceipt({
    hash: await ctx.v.tokens[symbol].write.transfer([ctx.v.vault.address, amount], { account: who }),
  });
}

/* TRADERS */

/** The trader swaps `amountIn` through the SwapRouter (first simulated, to learn what it receives). */
async function swap(ctx: Context, tokenIn: Address, tokenOut: Address, amountIn: bigint) {
  const { eve } = ctx.v.accounts;
  const params = marketSwap(tokenIn, tokenOut, eve.account.address, amountIn);
  const publicClient = await ctx.connection.viem.getPublicClient();
  const router = ctx.v.devnet.record.uniswap.swapRouter;
  let received: bigint;
  try {
    ({ result: received } = await publicClient.simulateContract({
      address: router,
      abi: swapRouterAbi,
      functionName: "exactInputSingle",
      args: [params],
      account: eve.account.address,
    }));
  } catch (error) {
    refuse(ctx, error, expected.trade);
    return undefined;
  }
  const hash = await eve.writeContract({
    address: router,
    abi: swapRouterAbi,
    functionName: "exactInputSingle",
    args: [params],
    gas: GAS,
  });
  await publicClient.waitForTransactionReceipt({ hash });
  return received;
}

/** A trader pushes a pool, within the deviation bound (up to ~1.5%) or past it (3–10%), either way. */
async function push(ctx: Context) {
  const symbol = pick(ctx, riskSymbols);
  const beyond = ctx.random.next() < 0.4;
  const usd = BigInt(beyond ? ctx.random.int(1_000_000, 3_000_000) : ctx.random.int(20_000, 450_000));
  const risk = ctx.v.tokens[symbol].address;
  const usdc = ctx.v.usdc.address;
  const up = ctx.random.next() < 0.5;
  const amountIn = up ? usd * 10n ** 6n : (usd * 10n ** BigInt(decimalsOf[symbol]) * 10n ** 8n) / ctx.truth[symbol];
  const [tokenIn, tokenOut] = up ? [usdc, risk] : [risk, usdc];
  const received = await swap(ctx, tokenIn, tokenOut, amountIn);
  if (received !== undefined) ctx.lastPush = { tokenIn, tokenOut, received };
}

/** The trader swaps the last push back (or, with none, an arbitrageur realigns a pool to its feed). */
async function swapBack(ctx: Context) {
  const last = ctx.lastPush;
  ctx.lastPush = undefined;
  if (last && last.received > 0n) {
    await swap(ctx, last.tokenOut, last.tokenIn, last.received);
    return;
  }
  // Arbitrageurs price a pool at its feeds, which they can do only while those answer a price.
  const symbol = pick(ctx, riskSymbols);
  const answers = await Promise.all([ctx.v.feeds.USDC, ctx.v.feeds[symbol]].map((f) => f.read.latestRoundData()));
  if (answers.every(([, answer]) => answer > 0n)) await alignPool(ctx.connection, ctx.v.devnet.record, symbol);
}

/* FEEDS */

async function setAnswer(ctx: Context, symbol: Symbol, answer: bigint, updatedAt?: bigint) {
  const publicClient = await ctx.connection.viem.getPublicClient();
  const feed = ctx.v.feeds[symbol];
  const hash =
    updatedAt === undefined ? await feed.write.setAnswer([answer]) : await feed.write.setAnswerAt([answer, updatedAt]);
  await publicClient.waitForTransactionReceipt({ hash });
}

/** The market moves a risk asset by a few percent; only its feed follows (the pool lags until arbitraged). */
async function feedMoves(ctx: Context) {
  const symbol = pick(ctx, riskSymbols);
  const move = BigInt(Math.round((1 + 0.04 * ctx.random.normal()) * 1e6));
  ctx.truth[symbol] = (ctx.truth[symbol] * (move > 500_000n ? move : 500_000n)) / 1_000_000n;
  await setAnswer(ctx, symbol, ctx.truth[symbol]);
}

/** The market moves and both feeds and pools follow (feeds posted, arbitrageurs realign the pools). */
async function marketMoves(ctx: Context) {
  await ctx.connection.networkHelpers.time.increase(ctx.random.int(60, 6 * 3_600));
  for (const symbol of riskSymbols) {
    const move = BigInt(Math.round((1 + 0.03 * ctx.random.normal()) * 1e6));
    ctx.truth[symbol] = (ctx.truth[symbol] * (move > 500_000n ? move : 500_000n)) / 1_000_000n;
  }
  await ctx.v.setPrices({ ...ctx.truth });
}

/** A feed posts its answer stamped in the past (a lagging round): up to its heartbeat plus two hours back. */
async function feedLags(ctx: Context) {
  const symbol = pick(ctx, symbols);
  const [, answer] = await ctx.v.feeds[symbol].read.latestRoundData();
  const now = BigInt(await ctx.connection.networkHelpers.time.latest());
  const heartbeat = Number(devnetHeartbeats[symbol]);
  await setAnswer(ctx, symbol, answer, now - BigInt(ctx.random.int(1, heartbeat + 2 * 3_600)));
}

/** Time passes without any feed update: answers go stale (up to past a cash exit's limit on USDC's day-long
 * heartbeat, 25 hours). */
async function feedsGoStale(ctx: Context) {
  await ctx.connection.networkHelpers.time.increase(ctx.random.int(600, 30 * 3_600));
}

/** A feed answers zero or a negative price. */
async function feedBreaks(ctx: Context) {
  const symbol = pick(ctx, symbols);
  await setAnswer(ctx, symbol, pick(ctx, [0n, -1n, -ctx.truth[symbol]]));
}

/** A feed's aggregator clamps: it answers exactly its asset's `oracle.minAnswer.<SYMBOL>` or `oracle.maxAnswer.<SYMBOL>`
 * (the devnet's bounds are whole cents: exact in the feed's 8 decimals). */
async function feedClamps(ctx: Context) {
  const symbol = pick(ctx, symbols);
  const bound = ctx.random.next() < 0.5 ? "minAnswer" : "maxAnswer";
  const wad = await ctx.v.registry.read.valueOf([parameterKey(`oracle.${bound}.${symbol}`)]);
  await setAnswer(ctx, symbol, wad / 10n ** 10n);
}

/** The L2's sequencer posts `status` (0 up, 1 down) when it is not already its status. */
async function setSequencer(ctx: Context, status: bigint) {
  const { sequencer } = ctx.v;
  const [, current] = await sequencer.read.latestRoundData();
  if (current === status) return;
  const publicClient = await ctx.connection.viem.getPublicClient();
  await publicClient.waitForTransactionReceipt({ hash: await sequencer.write.setAnswer([status]) });
}

/** The L2's sequencer goes down (it comes back when the feeds recover, its grace period starting then). */
async function sequencerGoesDown(ctx: Context) {
  await setSequencer(ctx, 1n);
}

/** Every feed posts the market's price afresh and the pools are realigned; a sequencer down comes back up. */
async function feedsRecover(ctx: Context) {
  await setSequencer(ctx, 0n);
  await ctx.v.setPrices({ ...ctx.truth });
}

/* KEEPERS */

/** SwapLib.ROUNDING_WEI: wei of input, and of output, a fill may lose to the pool's roundings. */
const roundingWei = 2n;

/** A keeper rebalances; every trade it made is within the slippage bound of its oracle price. */
async function rebalance(ctx: Context) {
  const { v } = ctx;
  const eve = v.accounts.eve.account.address;
  const receipt = await attempt(ctx, {
    simulate: () => v.vault.simulate.rebalance({ account: eve }),
    write: () => v.vault.write.rebalance({ account: eve, gas: GAS }),
    expected: expected.rebalance,
  });
  if (!receipt) return;
  const slippage = await v.registry.read.valueOf([parameterKey("rebalance.maxSlippageBps")]);
  for (const { args: t } of parseEventLogs({ abi: v.vault.abi, logs: receipt.logs, eventName: "TradeExecuted" })) {
    const selling = t.tokenOut.toLowerCase() === v.usdc.address.toLowerCase();
    const risk = (selling ? t.tokenIn : t.tokenOut).toLowerCase() === v.weth.address.toLowerCase() ? "WETH" : "WBTC";
    // Output at least the input's value at the oracle price less the bound, in exact terms, less the allowance for
    // the pool's roundings (SwapLib.ROUNDING_WEI of input and of output) and the two roundings down of the vault's
    // own minimum (under two wei of output): a dust trade's price may read far off.
    const riskUnit = 10n ** BigInt(18 + decimalsOf[risk]);
    const baseUnit = 10n ** 6n;
    const input = t.amountIn > roundingWei ? t.amountIn - roundingWei : 0n;
    const output = t.amountOut + roundingWei + 2n;
    const within = selling
      ? output * BPS * riskUnit >= input * t.oraclePriceWad * baseUnit * (BPS - slippage)
      : output * BPS * t.oraclePriceWad * baseUnit >= input * riskUnit * (BPS - slippage);
    if (!within) {
      violation(
        ctx,
        Invariant.slippage,
        `${selling ? "sold" : "bought"} ${t.amountIn} for ${t.amountOut} at ${t.executionPriceWad}, oracle ${t.oraclePriceWad}, bound ${slippage} bps`,
      );
    }
  }
}

/** The keeper manages one of the two collateral managers (the registry's, or the one it replaced, unwinding). */
async function manageCollateral(ctx: Context) {
  const { v } = ctx;
  const eve = v.accounts.eve.account.address;
  const manager = pick(ctx, v.modules.collateral);
  const [action] = await manager.read.plan().catch(() => [0] as const);
  try {
    await manager.simulate.manage({ account: eve });
  } catch (error) {
    refuse(ctx, error, expected.collateral);
    return;
  }
  const receipt = await attempt(ctx, {
    simulate: async () => undefined,
    write: () => manager.write.manage({ account: eve, gas: GAS }),
    expected: expected.collateral,
    fees: "after",
  });
  if (receipt) await checkCollateralLtv(ctx, manager, action);
}

/** The keeper manages one of the two hedges. */
async function manageHedge(ctx: Context) {
  const eve = ctx.v.accounts.eve.account.address;
  const hedge = pick(ctx, ctx.v.modules.hedge);
  const receipt = await attempt(ctx, {
    simulate: () => hedge.simulate.manage({ account: eve }),
    write: () => hedge.write.manage({ account: eve, gas: GAS }),
    expected: expected.hedge,
    fees: "after",
  });
  if (receipt) await checkHedgeLtv(ctx, hedge);
}

async function accrueFees(ctx: Context) {
  const eve = ctx.v.accounts.eve.account.address;
  await attempt(ctx, {
    simulate: () => ctx.v.vault.simulate.accrueFees({ account: eve }),
    write: () => ctx.v.vault.write.accrueFees({ account: eve, gas: GAS }),
    expected: expected.accrue,
    fees: "before",
  });
}

/* GUARDIAN AND GOVERNANCE */

/** Parameters the guardian may move (each has a safer direction). */
const guardianKeys = [
  "registry.rulesDelay",
  "pause.deposits",
  "pause.rebalance",
  "pause.leverage",
  "rebalance.maxTradeBps",
  "rebalance.maxSlippageBps",
  "collateral.targetLtvBps",
  "collateral.maxLtvBps",
  "collateral.healthBufferBps",
  "collateral.postedBps",
  "hedge.ltvBps",
  "caps.depositCap",
  "oracle.maxStalenessSec.USDC",
  "oracle.maxStalenessSec.WETH",
  "oracle.maxStalenessSec.WBTC",
  "oracle.sequencerGraceSec",
  "oracle.maxDeviationBps",
] as const;

/** Parameters governance moves in the suite: every value but the addresses and pool fees (module and feed
 * repoints are out of scope: a module swap strands the old module's position, an open item). */
const governedKeys = [
  ...guardianKeys,
  "rebalance.bandBps",
  "rebalance.minIntervalSec",
  "collateral.ltvBandBps",
  "hedge.ratioBps",
  "hedge.bandBps",
  "fees.managementBps",
  "fees.performanceBps",
  "heartbeat.USDC",
  "heartbeat.WETH",
  "heartbeat.WBTC",
] as const;

type Info = { value: bigint; min: bigint; max: bigint; maxDelta: bigint; direction: number };

async function info(ctx: Context, key: Hex): Promise<Info> {
  const p = await ctx.v.registry.read.parameter([key]);
  const { min, max, stepKind, maxStep } = p.rules;
  const maxDelta = stepKind === 1 ? maxStep : stepKind === 2 ? (p.value * maxStep) / 10_000n : max - min;
  return { value: p.value, min, max, maxDelta, direction: p.saferDirection };
}

/** A step of up to the rule's maximum (a fifth of the time up to twice it: a refused update). */
function delta(ctx: Context, i: Info): bigint {
  const limit = ctx.random.next() < 0.2 ? 2n * i.maxDelta + 1n : i.maxDelta;
  if (limit === 0n) return 1n;
  return 1n + (limit * BigInt(ctx.random.int(0, 9_999))) / 10_000n;
}

/** The guardian tightens one parameter in its safer direction (now and then the wrong way: refused). */
async function tighten(ctx: Context) {
  const { v } = ctx;
  const key = parameterKey(pick(ctx, guardianKeys));
  const i = await info(ctx, key);
  const lower = (i.direction === 1) !== ctx.random.next() < 0.1;
  const d = delta(ctx, i);
  const value = lower ? (i.value > d ? i.value - d : 0n) : i.value + d;
  const guardian = v.accounts.guardian.account.address;
  const updates = [{ key, value }];
  await attempt(ctx, {
    simulate: () => v.registry.simulate.tighten([updates], { account: guardian }),
    write: () => v.registry.write.tighten([updates], { account: guardian, gas: GAS }),
    expected: expected.tighten,
  });
}

/** Governance (the timelock) sets a batch of values within the rules: one to three keys, a pair of target weights
 * moved together, now and then the same key twice in one batch. */
async function govern(ctx: Context) {
  const { v, random } = ctx;
  const updates: { key: Hex; value: bigint }[] = [];
  const roll = random.next();
  if (roll < 0.15) {
    // A module repoint, whatever the module in place holds: to its twin, or to none.
    const kind = random.next() < 0.5 ? "collateral" : "hedge";
    const twins = v.modules[kind];
    const key = parameterKey(`module.${kind}`);
    const current = await v.registry.read.valueOf([key]);
    const choices = [0n, ...twins.map((m) => BigInt(m.address))].filter((a) => a !== current);
    updates.push({ key, value: pick(ctx, choices) });
  } else if (roll < 0.3) {
    const [from, to] = random.next() < 0.5 ? (["USDC", "WETH"] as const) : (["WETH", "WBTC"] as const);
    const [a, b] = await Promise.all([
      info(ctx, parameterKey(`weight.${from}`)),
      info(ctx, parameterKey(`weight.${to}`)),
    ]);
    const d = BigInt(random.int(1, 800));
    if (a.value >= d && b.value + d <= 10_000n) {
      updates.push({ key: parameterKey(`weight.${from}`), value: a.value - d });
      updates.push({ key: parameterKey(`weight.${to}`), value: b.value + d });
    }
  } else {
    const count = random.int(1, 3);
    const duplicate = random.next() < 0.2;
    for (let k = 0; k < count; k++) {
      const name = pick(ctx, governedKeys);
      const key = parameterKey(name);
      const i = await info(ctx, key);
      for (let n = 0; n < (duplicate && k === 0 ? 2 : 1); n++) {
        let value: bigint;
        if (name.startsWith("pause.")) value = random.next() < 0.8 ? 0n : 1n;
        else {
          const d = delta(ctx, i);
          value = random.next() < 0.5 ? (i.value > d ? i.value - d : 0n) : i.value + d;
          if (random.next() < 0.9) value = value < i.min ? i.min : value > i.max ? i.max : value;
        }
        updates.push({ key, value });
      }
    }
  }
  if (updates.length === 0) return;
  const timelock = v.timelock.address;
  await attempt(ctx, {
    simulate: () => v.registry.simulate.setParameters([updates], { account: timelock }),
    write: () => v.registry.write.setParameters([updates], { account: timelock, gas: GAS }),
    expected: expected.govern,
  });
}

/** Time passes so that the registry's intervals elapse (one to three days; feeds go stale meanwhile). */
async function timePasses(ctx: Context) {
  await ctx.connection.networkHelpers.time.increase(ctx.random.int(daySeconds, 3 * daySeconds));
}

/* EXITS */

/** Every holder, the treasury last, redeems in kind down to zero supply; then a depositor enters again. */
async function fullExit(ctx: Context) {
  const { v } = ctx;
  const treasury = v.timelock.address;
  for (const who of holderAddresses(ctx).filter((h) => h !== treasury)) {
    const shares = await v.vault.read.balanceOf([who]);
    if (shares === 0n) continue;
    await attempt(ctx, {
      simulate: () => v.vault.simulate.redeemInKind([shares, who, who], { account: who }),
      write: () => v.vault.write.redeemInKind([shares, who, who], { account: who, gas: GAS }),
      expected: [],
      fees: "before",
    });
  }
  // Each exit mints the management fee due since the last one to the treasury: it leaves last, until none is due.
  for (let i = 0; i < 8; i++) {
    const shares = await v.vault.read.balanceOf([treasury]);
    if (shares === 0n) break;
    await attempt(ctx, {
      simulate: () => v.vault.simulate.redeemInKind([shares, treasury, treasury], { account: treasury }),
      write: () => v.vault.write.redeemInKind([shares, treasury, treasury], { account: treasury, gas: GAS }),
      expected: [],
      fees: "before",
    });
  }
  const supply = await v.vault.read.totalSupply();
  if (supply !== 0n) violation(ctx, Invariant.exitInKind, `supply ${supply} left after every holder exited in kind`);
  if (ctx.random.next() < 0.7) await deposit(ctx);
}

/** Every action, by actor, with how often it is picked. */
export const actions: readonly Action[] = [
  { name: "depositor: deposit", weight: 10, run: deposit },
  { name: "depositor: mint", weight: 4, run: mint },
  { name: "depositor: withdraw", weight: 4, run: withdraw },
  { name: "depositor: redeem", weight: 5, run: (ctx) => redeem(ctx, false) },
  { name: "depositor: redeemInKind", weight: 4, run: (ctx) => redeem(ctx, true) },
  { name: "depositor: donate", weight: 3, run: donate },
  { name: "trader: push a pool", weight: 6, run: push },
  { name: "trader: swap back", weight: 4, run: swapBack },
  { name: "feeds: one moves", weight: 4, run: feedMoves },
  { name: "feeds: market moves, pools follow", weight: 8, run: marketMoves },
  { name: "feeds: one lags", weight: 3, run: feedLags },
  { name: "feeds: go stale", weight: 3, run: feedsGoStale },
  { name: "feeds: one breaks", weight: 2, run: feedBreaks },
  { name: "feeds: one clamps at a bound", weight: 2, run: feedClamps },
  { name: "feeds: recover", weight: 7, run: feedsRecover },
  { name: "sequencer: goes down", weight: 1, run: sequencerGoesDown },
  { name: "keeper: rebalance", weight: 8, run: rebalance },
  { name: "keeper: collateral manage", weight: 6, run: manageCollateral },
  { name: "keeper: hedge manage", weight: 5, run: manageHedge },
  { name: "keeper: accrue fees", weight: 2, run: accrueFees },
  { name: "guardian: tighten", weight: 4, run: tighten },
  { name: "governance: set parameters", weight: 5, run: govern },
  { name: "governance: time passes", weight: 2, run: timePasses },
  { name: "exits: all to zero supply, then re-entry", weight: 1, run: fullExit },
];

/** An action picked at random by weight. */
export function pickAction(ctx: Context): Action {
  const total = actions.reduce((sum, a) => sum + a.weight, 0);
  let roll = ctx.random.next() * total;
  for (const a of actions) {
    roll -= a.weight;
    if (roll < 0) return a;
  }
  return actions[actions.length - 1]!;
}
