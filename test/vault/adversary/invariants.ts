import { parseEventLogs, type Address } from "viem";
import { parameterKey } from "../../../parameters/index.ts";
import { uniswapV3PoolAbi } from "../../../sdk/abis/uniswap.ts";
import {
  BPS,
  decimalsOf,
  expected,
  GAS,
  Invariant,
  refuse,
  riskSymbols,
  solidityTrace,
  symbols,
  violation,
  type Context,
  type Symbol,
} from "./context.ts";
import { revertName } from "../../helpers/revert.ts";
import { CollateralAction, HedgeAction } from "../../../sim/model/actions.ts";

/** The state every invariant reads, in one batch of calls against the latest block. */
export type Observation = {
  timestamp: bigint;
  balances: { USDC: bigint; WETH: bigint; WBTC: bigint };
  collateral: bigint;
  debt: bigint;
  margin: bigint;
  short: bigint;
  answers: { USDC: bigint; WETH: bigint; WBTC: bigint };
  updatedAt: { USDC: bigint; WETH: bigint; WBTC: bigint };
  /** Each asset's oracle guards: `oracle.maxStalenessSec.<SYMBOL>`, `heartbeat.<SYMBOL>` and the answer bounds
   * `oracle.minAnswer.<SYMBOL>`, `oracle.maxAnswer.<SYMBOL>` (USD prices, 18 decimals). */
  guards: Record<Symbol, FeedGuards>;
  supply: bigint;
  nav: bigint;
  /** Each risk pool's price over its feed's, minus one (a float: only compared with a tolerance). */
  poolGap: { WETH: number; WBTC: number };
  /** Each risk pool's price in base-asset wei per whole token, 18 decimals, rounded down as the vault's PriceLib. */
  poolPriceWad: { WETH: bigint; WBTC: bigint };
  holders: { address: Address; shares: bigint }[];
};

/** The vault's holders: the depositors and the treasury (the newcomer holds only inside a restored snapshot). */
export function holderAddresses(ctx: Context): Address[] {
  const { alice, bob, carol } = ctx.v.accounts;
  return [alice.account.address, bob.account.address, carol.account.address, ctx.v.timelock.address];
}

export async function observe(ctx: Context): Promise<Observation> {
  const { v } = ctx;
  const publicClient = await ctx.connection.viem.getPublicClient();
  const holders = holderAddresses(ctx);
  const [block, usdc, weth, wbtc, cm, cm2, hedge, hedge2, fU, fW, fB, guards, supply, nav, sW, sB, ...shares] =
    await Promise.all([
      publicClient.getBlock(),
      v.usdc.read.balanceOf([v.vault.address]),
      v.weth.read.balanceOf([v.vault.address]),
      v.wbtc.read.balanceOf([v.vault.address]),
      v.modules.collateral[0].read.position(),
      v.modules.collateral[1].read.position(),
      v.modules.hedge[0].read.position(),
      v.modules.hedge[1].read.position(),
      v.feeds.USDC.read.latestRoundData(),
      v.feeds.WETH.read.latestRoundData(),
      v.feeds.WBTC.read.latestRoundData(),
      feedGuards(ctx),
      v.vault.read.totalSupply(),
      v.vault.read.totalAssets(),
      publicClient.readContract({ address: v.pools.WETH, abi: uniswapV3PoolAbi, functionName: "slot0" }),
      publicClient.readContract({ address: v.pools.WBTC, abi: uniswapV3PoolAbi, functionName: "slot0" }),
      ...holders.map((h) => v.vault.read.balanceOf([h])),
    ]);
  const answers = { USDC: fU[1], WETH: fW[1], WBTC: fB[1] };
  const gap = (symbol: "WETH" | "WBTC", sqrtPriceX96: bigint) => {
    const token = v.tokens[symbol].address;
    const riskIsToken0 = BigInt(token) < BigInt(v.usdc.address);
    const ratio = (Number(sqrtPriceX96) / 2 ** 96) ** 2; // token1 wei per token0 wei
    const baseWeiPerRiskWei = riskIsToken0 ? ratio : 1 / ratio;
    const poolUsd = (baseWeiPerRiskWei * 10 ** (decimalsOf[symbol] - 6) * Number(answers.USDC)) / 1e8;
    const feedUsd = Number(answers[symbol]) / 1e8;
    return feedUsd > 0 ? poolUsd / feedUsd - 1 : Infinity;
  };
  const poolPrice = (symbol: "WETH" | "WBTC", sqrtPriceX96: bigint) => {
    const riskIsToken0 = BigInt(v.tokens[symbol].address) < BigInt(v.usdc.address);
    const oneRisk = 10n ** BigInt(decimalsOf[symbol]);
    const ratioX192 = sqrtPriceX96 * sqrtPriceX96;
    const quote = riskIsToken0 ? (ratioX192 * oneRisk) >> 192n : (oneRisk << 192n) / ratioX192;
    return (quote * 10n ** 18n) / 10n ** 6n;
  };
  return {
    timestamp: block.timestamp,
    balances: { USDC: usdc, WETH: weth, WBTC: wbtc },
    // Both instances of each module: at most one holds a position (the one the vault keeps in place).
    collateral: cm[1] + cm2[1],
    debt: cm[2] + cm2[2],
    margin: hedge[1] + hedge2[1],
    short: hedge[3] + hedge2[3],
    answers,
    updatedAt: { USDC: fU[3], WETH: fW[3], WBTC: fB[3] },
    guards,
    supply,
    nav,
    poolGap: { WETH: gap("WETH", sW[0]), WBTC: gap("WBTC", sB[0]) },
    poolPriceWad: { WETH: poolPrice("WETH", sW[0]), WBTC: poolPrice("WBTC", sB[0]) },
    holders: holders.map((address, i) => ({ address, shares: shares[i]! })),
  };
}
/** An asset's oracle guards as the registry holds them. */
export type FeedGuards = { maxStalenessSec: bigint; heartbeatSec: bigint; minAnswerWad: bigint; maxAnswerWad: bigint };

async function feedGuards(ctx: Context): Promise<Record<Symbol, FeedGuards>> {
  const value = (name: string) => ctx.v.registry.read.valueOf([parameterKey(name)]);
  const entries = await Promise.all(
    symbols.map(async (s) => {
      const [maxStalenessSec, heartbeatSec, minAnswerWad, maxAnswerWad] = await Promise.all([
        value(`oracle.maxStalenessSec.${s}`),
        value(`heartbeat.${s}`),
        value(`oracle.minAnswer.${s}`),
        value(`oracle.maxAnswer.${s}`),
      ]);
      return [s, { maxStalenessSec, heartbeatSec, minAnswerWad, maxAnswerWad }] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<Symbol, FeedGuards>;
}

/** Whether every feed answers a positive price no older than its asset's `oracle.maxStalenessSec.<SYMBOL>`. */
export function feedsFresh(o: Observation): boolean {
  return symbols.every((s) => o.answers[s] > 0n && o.timestamp - o.updatedAt[s] <= o.guards[s].maxStalenessSec);
}

/**
 * Whether a cash exit must be able to price now: every feed's answer strictly within its bounds (8-decimal answers
 * as 18-decimal USD prices) and no older than its staleness limit or its heartbeat plus an hour, whichever is longer.
 * The sequencer does not matter, nor any parameter the guardian can reach.
 */
export function exitPricesOpen(o: Observation): boolean {
  return symbols.every((s) => {
    const { maxStalenessSec, heartbeatSec, minAnswerWad, maxAnswerWad } = o.guards[s];
    const priceWad = o.answers[s] * 10n ** 10n;
    const limit = maxStalenessSec > heartbeatSec + 3_600n ? maxStalenessSec : heartbeatSec + 3_600n;
    // A minute's slack: the views run in a block after the observed one.
    return priceWad > minAnswerWad && priceWad < maxAnswerWad && o.timestamp - o.updatedAt[s] + 60n <= limit;
  });
}

/** While a cash exit can price, every holder may redeem all their shares in cash: `maxRedeem` says so. */
export async function checkCashExitOpen(ctx: Context, o: Observation): Promise<void> {
  if (!exitPricesOpen(o)) return;
  await Promise.all(
    o.holders
      .filter((h) => h.shares > 0n)
      .map(async (h) => {
        const max = await ctx.v.vault.read.maxRedeem([h.address]);
        if (max !== h.shares) {
          violation(ctx, Invariant.cashExitOpen, `maxRedeem(${h.address}) = ${max} of ${h.shares} shares`);
        }
      }),
  );
}

/** A risk asset's price in base-asset wei per whole token, 18 decimals, as the vault derives it from two feeds. */
export function priceWad(o: Observation, symbol: "WETH" | "WBTC"): bigint {
  return (o.answers[symbol] * 10n ** 18n) / o.answers.USDC;
}

/** Base-asset wei that `amount` of `symbol` is worth at the feeds (or at `price`), rounded down as the vault rounds. */
export function toBase(
  o: Observation,
  symbol: "USDC" | "WETH" | "WBTC",
  amount: bigint,
  price: (o: Observation, symbol: "WETH" | "WBTC") => bigint = priceWad,
): bigint {
  if (symbol === "USDC") return amount;
  return (amount * price(o, symbol) * 10n ** 6n) / 10n ** BigInt(18 + decimalsOf[symbol]);
}

/** The dearer of a risk asset's feed and pool prices: whichever the market is, tokens are worth no more. */
export function dearerPriceWad(o: Observation, symbol: "WETH" | "WBTC"): bigint {
  const feed = priceWad(o, symbol);
  return o.poolPriceWad[symbol] > feed ? o.poolPriceWad[symbol] : feed;
}

/** Every holder can take their whole balance out in kind, whatever the prices, pools and parameters. */
export async function checkExitInKind(ctx: Context, o: Observation): Promise<void> {
  const { vault } = ctx.v;
  await Promise.all(
    o.holders
      .filter((h) => h.shares > 0n)
      .map((h) =>
        vault.simulate.redeemInKind([h.shares, h.address, h.address], { account: h.address }).catch((error) => {
          violation(
            ctx,
            Invariant.exitInKind,
            `${h.address} (${h.shares} shares): ${revertName(error, ctx.v.errorAbi)}${solidityTrace(error)}`,
          );
        }),
      ),
  );
}

/** With every feed fresh and valid, NAV is the spot balances, collateral less debt, and the hedge's margin less its
 * short, each at the feeds' prices (a few wei of rounding). */
export function checkNav(ctx: Context, o: Observation): void {
  if (!feedsFresh(o)) return;
  const gross =
    o.balances.USDC + toBase(o, "WETH", o.balances.WETH + o.collateral) + toBase(o, "WBTC", o.balances.WBTC);
  const long = gross > o.debt ? gross - o.debt : 0n;
  const withMargin = long + o.margin;
  const shortValue = toBase(o, "WETH", o.short);
  const positions = withMargin > shortValue ? withMargin - shortValue : 0n;
  const gap = o.nav > positions ? o.nav - positions : positions - o.nav;
  if (gap > 3n) violation(ctx, Invariant.nav, `NAV ${o.nav}, positions ${positions}`);
}

/**
 * A newcomer deposits and at once redeems everything, in cash and in kind (simulated on the deposit's state, which
 * is then restored): neither returns more than was put in, valuing tokens at the dearer of their feed and pool
 * prices (the feeds may lag the market, within the deviation bound deposits keep to).
 */
export async function checkRoundTrip(ctx: Context, o: Observation, maxDeposit: bigint): Promise<void> {
  const { v, random } = ctx;
  const dave = v.accounts.dave.account.address;
  const amount = [1n, 10n ** 6n, BigInt(random.int(1, 250_000)) * 10n ** 6n][random.int(0, 2)]!;
  if (amount > maxDeposit) return;
  const snapshot = await ctx.connection.networkHelpers.takeSnapshot();
  try {
    // maxDeposit allows it: sent without a simulation (a revert is a violation of EIP-4626's maxDeposit).
    let shares: bigint;
    try {
      const publicClient = await ctx.connection.viem.getPublicClient();
      const hash = await v.vault.write.deposit([amount, dave], { account: dave, gas: GAS });
      const { logs } = await publicClient.waitForTransactionReceipt({ hash });
      shares = parseEventLogs({ abi: v.vault.abi, logs, eventName: "Deposit" })[0]!.args.shares;
    } catch (error) {
      violation(
        ctx,
        Invariant.erc4626,
        `deposit(${amount}) ≤ maxDeposit ${maxDeposit} reverted: ${revertName(error, v.errorAbi)}`,
      );
      return;
    }
    if (shares === 0n) return;
    const args = [shares, dave, dave] as const;
    const [cash, inKind] = await Promise.all([
      v.vault.simulate.redeem(args, { account: dave }).then(
        (r) => r.result,
        (error: unknown) => refuse(ctx, error, expected.cashExit),
      ),
      v.vault.simulate.redeemInKind(args, { account: dave }).then(
        (r) => r.result,
        (error: unknown) => {
          violation(ctx, Invariant.exitInKind, `newcomer's in-kind exit: ${revertName(error, v.errorAbi)}`);
          return undefined;
        },
      ),
    ]);
    if (typeof cash === "bigint" && cash > amount) {
      const gaps = `pool gaps WETH ${o.poolGap.WETH.toExponential(2)}, WBTC ${o.poolGap.WBTC.toExponential(2)}`;
      violation(ctx, Invariant.roundTrip, `deposited ${amount}, redeemed in cash ${cash} (${gaps})`);
    }
    if (inKind) {
      const [tokens, amounts] = inKind;
      let value = 0n;
      tokens.forEach((token, i) => {
        const symbol = (["USDC", "WETH", "WBTC"] as const).find(
          (s) => v.tokens[s].address.toLowerCase() === token.toLowerCase(),
        )!;
        value += toBase(o, symbol, amounts[i]!, dearerPriceWad);
      });
      if (value > amount) {
        violation(
          ctx,
          Invariant.roundTrip,
          `deposited ${amount}, redeemed in kind ${amounts.join("/")} worth ${value}`,
        );
      }
    }
  } finally {
    await snapshot.restore();
  }
}

/**
 * EIP-4626: max* and conversions never revert; conversions round down; previewMint rounds up; previewDeposit and
 * previewRedeem promise no more than deposit and redeem give. Returns the newcomer's maxDeposit for the round trip.
 */
export async function checkErc4626(ctx: Context, o: Observation): Promise<bigint> {
  const { v, random } = ctx;
  const vault = v.vault;
  const dave = v.accounts.dave.account.address;
  // The views are one code path for every owner: each step asks them of a random holder and of the newcomer.
  const holder = o.holders[random.int(0, o.holders.length - 1)]!;
  const who = [holder.address, dave];
  const failed = (view: string) => (error: unknown) => {
    violation(ctx, Invariant.erc4626, `${view} reverted: ${revertName(error, v.errorAbi)}`);
    return 0n;
  };
  const assets = BigInt(random.int(0, 1_000_000)) * 10n ** BigInt(random.int(0, 6));
  const shares = BigInt(random.int(0, 1_000_000)) * 10n ** BigInt(random.int(0, 12));
  const [maxima, toShares, toAssets] = await Promise.all([
    Promise.all(
      who.map((h) =>
        Promise.all([
          vault.read.maxDeposit([h]).catch(failed(`maxDeposit(${h})`)),
          vault.read.maxMint([h]).catch(failed(`maxMint(${h})`)),
          vault.read.maxWithdraw([h]).catch(failed(`maxWithdraw(${h})`)),
          vault.read.maxRedeem([h]).catch(failed(`maxRedeem(${h})`)),
        ]),
      ),
    ),
    vault.read.convertToShares([assets]).catch(failed("convertToShares")),
    vault.read.convertToAssets([shares]).catch(failed("convertToAssets")),
  ]);
  const virtual = 10n ** 6n;
  const sharesDown = (assets * (o.supply + virtual)) / (o.nav + 1n);
  if (toShares !== sharesDown) {
    violation(ctx, Invariant.erc4626, `convertToShares(${assets}) = ${toShares}, rounded down ${sharesDown}`);
  }
  const assetsDown = (shares * (o.nav + 1n)) / (o.supply + virtual);
  if (toAssets !== assetsDown) {
    violation(ctx, Invariant.erc4626, `convertToAssets(${shares}) = ${toAssets}, rounded down ${assetsDown}`);
  }
  const maxDeposit = maxima[who.length - 1]![0];

  const checks: Promise<void>[] = [];
  if (maxDeposit > 0n) {
    // previewMint rounds up: its assets buy at least the shares, one wei less buys fewer.
    const wanted = BigInt(random.int(1, 1_000_000)) * 10n ** BigInt(random.int(0, 12));
    checks.push(
      (async () => {
        const cost = await vault.read.previewMint([wanted]);
        const [got, gotLess] = await Promise.all([
          vault.read.previewDeposit([cost]),
          cost > 0n ? vault.read.previewDeposit([cost - 1n]) : Promise.resolve(-1n),
        ]);
        if (got < wanted || gotLess >= wanted) {
          violation(ctx, Invariant.erc4626, `previewMint(${wanted}) = ${cost} buys ${got}, one wei less ${gotLess}`);
        }
      })(),
    );
    // previewDeposit promises no more shares than deposit mints.
    const deposit = BigInt(random.int(1, 200_000)) * 10n ** 6n;
    const amount = deposit < maxDeposit ? deposit : maxDeposit;
    checks.push(
      (async () => {
        const [preview, minted] = await Promise.all([
          vault.read.previewDeposit([amount]),
          vault.simulate.deposit([amount, dave], { account: dave }).then(
            (r) => r.result,
            (error: unknown) => {
              violation(
                ctx,
                Invariant.erc4626,
                `deposit(${amount}) ≤ maxDeposit ${maxDeposit} reverted: ${revertName(error, v.errorAbi)}`,
              );
              return undefined;
            },
          ),
        ]);
        if (minted !== undefined && minted < preview) {
          violation(ctx, Invariant.erc4626, `previewDeposit(${amount}) = ${preview} > deposit mints ${minted}`);
        }
      })(),
    );
  }
  // previewRedeem promises no more than redeem pays, for a random part of that holder's shares.
  if (maxima[0]![3] > 0n) {
    const roll = random.next();
    const part =
      roll < 0.2 ? holder.shares : roll < 0.35 ? 1n : (holder.shares * BigInt(random.int(1, 10_000))) / 10_000n || 1n;
    checks.push(
      (async () => {
        const [preview, paid] = await Promise.all([
          vault.read.previewRedeem([part]),
          vault.simulate.redeem([part, holder.address, holder.address], { account: holder.address }).then(
            (r) => r.result,
            (error: unknown) => refuse(ctx, error, expected.cashExit),
          ),
        ]);
        if (typeof paid === "bigint" && paid < preview) {
          violation(ctx, Invariant.erc4626, `previewRedeem(${part}) = ${preview} > redeem pays ${paid}`);
        }
      })(),
    );
  }
  await Promise.all(checks);
  return maxDeposit;
}

/** After the collateral manager's own manage(): its LTV is within the maximum, or a deleverage is due (a borrow
 * never leaves it above). The hedge's short likewise within the market's LTV less the health buffer. */
export async function checkCollateralLtv(
  ctx: Context,
  manager: Context["v"]["collateralManager"],
  actionTaken: number,
): Promise<void> {
  const { v } = ctx;
  const [ltv, [due], maxLtv, buffer] = await Promise.all([
    manager.read.ltvBps(),
    manager.read.plan(),
    v.registry.read.valueOf([key("collateral.maxLtvBps")]),
    v.registry.read.valueOf([key("collateral.healthBufferBps")]),
  ]);
  const max = maxLtv < v.lltvBps - buffer ? maxLtv : v.lltvBps - buffer;
  if (ltv > max && (due !== CollateralAction.Deleverage || actionTaken === CollateralAction.Borrow)) {
    violation(ctx, Invariant.ltv, `collateral LTV ${ltv} bps > max ${max} after action ${actionTaken}, next ${due}`);
  }
}

export async function checkHedgeLtv(ctx: Context, hedge: Context["v"]["hedgeModule"]): Promise<void> {
  const { v } = ctx;
  const [[, margin, , short], [due], buffer, [, wethAnswer], [, usdcAnswer]] = await Promise.all([
    hedge.read.position(),
    hedge.read.plan(),
    v.registry.read.valueOf([key("collateral.healthBufferBps")]),
    v.feeds.WETH.read.latestRoundData(),
    v.feeds.USDC.read.latestRoundData(),
  ]);
  if (short === 0n) return;
  const shortValue = (short * ((wethAnswer * 10n ** 18n) / usdcAnswer) * 10n ** 6n) / 10n ** 36n;
  const max = v.lltvBps - buffer;
  if (shortValue * BPS > max * margin && due !== HedgeAction.Deleverage) {
    violation(ctx, Invariant.ltv, `hedge short ${shortValue} on margin ${margin} above ${max} bps, next ${due}`);
  }
}

const key = (name: string) => `0x${Buffer.from(name).toString("hex").padEnd(64, "0")}` as const;

/** Every invariant, after a step. */
export async function checkInvariants(ctx: Context): Promise<void> {
  const o = await observe(ctx);
  checkNav(ctx, o);
  const [, , maxDeposit] = await Promise.all([
    checkExitInKind(ctx, o),
    checkCashExitOpen(ctx, o),
    checkErc4626(ctx, o),
  ]);
  await checkRoundTrip(ctx, o, maxDeposit);
}
