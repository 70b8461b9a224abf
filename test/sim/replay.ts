/**
 * Replays a price path on the devnet contracts, the way the devnet's keeper runs: at each step the feeds post the
 * path's prices, an arbitrageur realigns both pools to them, then the keeper tries a rebalance, up to three
 * collateral actions and one hedge action. Every transaction gets an explicit timestamp (step start + a fixed
 * offset), so that the model can take the same decisions at the same times.
 */
import { decodeEventLog, getAddress, maxUint256, type Address, type Hex } from "viem";
import { swapRouterAbi, uniswapV3FactoryAbi, uniswapV3PoolAbi } from "../../sdk/abis/uniswap.ts";
import { sqrtPriceX96FromUsd } from "../../sdk/uniswap/sqrtPriceX96.ts";
import { keeperCycle, type KeeperTaken } from "../../sdk/keeper.ts";
import { readInitializedTicks } from "../../sim/chain.ts";
import type { Connection } from "../helpers/governance.ts";
import type { VaultStack } from "../helpers/vault.ts";

/** Offsets (seconds after a step's start) of the keeper's transactions; the model acts at `keeperOffset`. */
export const keeperOffset = 20;

export type ChainAction =
  | { kind: "rebalance"; trades: number }
  | { kind: "collateral"; action: number }
  | { kind: "hedge"; action: number }
  | { kind: "liquidation"; module: "collateral" | "hedge" };

/**
 * Offset (seconds after a step's start) of a liquidator's transactions: after the deposit and governance's vote, as
 * the model liquidates at its cycle's start.
 */
const liquidatorOffset = 12;

/** One replayed step: its keeper's time and actions, NAV and supply after them, and the shares a deposit minted. */
export type ReplayStep = {
  timeSeconds: number;
  actions: ChainAction[];
  navBase: number;
  supplyShares: number;
  depositedShares?: number;
  /** What an in-kind withdrawal paid, base first, in whole tokens. */
  redeemed?: number[];
  /** What a cash withdrawal paid, in base tokens, or "reverted" (a sale missed its minimum output). */
  redeemedCash?: number | "reverted";
  /** Initialised ticks the vault's trades crossed on both pools, between the realignment and the step's end. */
  ticksCrossed: number;
};

/** A holder's withdrawal of `shares` (wei), in kind or in cash. */
export type Withdrawal = { shares: bigint; exit: "inKind" | "cash" };

/** Offset (seconds after a step's start) of a holder's withdrawal: before the deposit. */
export const withdrawOffset = 9;

/** Offset (seconds after a step's start) of a depositor's deposit: after the pools are realigned, before the keeper. */
export const depositOffset = 10;

const symbols = ["USDC", "WETH", "WBTC"] as const;
const decimalsOf = { USDC: 6, WETH: 18, WBTC: 8 } as const;

/** Prepares the arbitrageur (account 0): funded with every token and approved on the router, once. */
export async function prepareArbitrageur(connection: Connection, v: VaultStack) {
  const { uniswap, tokens } = v.devnet.record;
  const [operator] = await connection.viem.getWalletClients();
  if (!operator) throw new Error("no operator account");
  const publicClient = await connection.viem.getPublicClient();
  for (const symbol of symbols) {
    const token = await connection.viem.getContractAt("DevnetToken", tokens[symbol].address);
    await token.write.mint([operator.account.address, 10n ** BigInt(tokens[symbol].decimals + 15)]);
    await token.write.approve([uniswap.swapRouter, maxUint256]);
    // It is also the liquidator (see `liquidate`).
    await token.write.approve([v.devnet.record.morpho.morpho, maxUint256]);
  }
  const pools = await Promise.all(
    (["WETH", "WBTC"] as const).map(async (symbol) => {
      const pool = (await publicClient.readContract({
        address: uniswap.factory,
        abi: uniswapV3FactoryAbi,
        functionName: "getPool",
        args: [tokens[symbol].address, tokens.USDC.address, uniswap.poolFee],
      })) as Address;
      const tickSpacing = await publicClient.readContract({
        address: pool,
        abi: uniswapV3PoolAbi,
        functionName: "tickSpacing",
      });
      const [, tick] = await publicClient.readContract({ address: pool, abi: uniswapV3PoolAbi, functionName: "slot0" });
      const blockNumber = await publicClient.getBlockNumber();
      // Its initialised ticks (positions do not change during a replay), to count the ticks trades cross.
      const ticks = (await readInitializedTicks(publicClient, pool, tick, tickSpacing, blockNumber)).map((t) => t.tick);
      return { symbol, pool, ticks };
    }),
  );
  return { operator, pools };
}

/**
 * Plays `answers[step][asset]` (8-decimal feed answers, USDC, WETH, WBTC) from `startSeconds`, one step every
 * `stepSeconds`; returns what the keeper did and NAV (base tokens) after each step.
 */
export async function replayOnChain(
  connection: Connection,
  v: VaultStack,
  arbitrageur: Awaited<ReturnType<typeof prepareArbitrageur>>,
  answers: readonly (readonly bigint[])[],
  startSeconds: number,
  stepSeconds: number,
  /** USDC wei bob deposits at each step (at `depositOffset`), or nothing. */
  deposits: readonly (bigint | undefined)[] = [],
  /** Registry updates governance makes at each step (at `depositOffset` + 1), or none. */
  updates: readonly (readonly { key: Hex; value: bigint }[] | undefined)[] = [],
  /** Steps at which the feeds post nothing (their answers a day old: stale), and no arbitrageur acts. */
  stale: readonly boolean[] = [],
  /** What alice withdraws at each step (at `withdrawOffset`), or nothing. */
  withdrawals: readonly (Withdrawal | undefined)[] = [],
): Promise<ReplayStep[]> {
  const { networkHelpers } = connection;
  const publicClient = await connection.viem.getPublicClient();
  const { tokens, uniswap } = v.devnet.record;
  const keeper = v.accounts.eve.account;
  const steps: ReplayStep[] = [];
  /** Sends a transaction mined at `at`; a revert is a result here (Hardhat throws it, the block is mined anyway). */
  const send = async (at: number, hash: () => Promise<Hex>) => {
    await networkHelpers.time.setNextBlockTimestamp(at);
    try {
      return await publicClient.waitForTransactionReceipt({ hash: await hash() });
    } catch (error) {
      if (!String(error).includes("reverted")) throw error;
      return { status: "reverted" as const, logs: [] };
    }
  };
  const gas = 6_000_000n;

  for (let k = 0; k < answers.length; k++) {
    const t = startSeconds + (k + 1) * stepSeconds;
    const row = answers[k]!;
    let at = t;
    for (let a = 0; a < symbols.length && !stale[k]; a++) {
      await send(at++, () => v.feeds[symbols[a]!].write.setAnswer([row[a]!]));
    }
    for (const { symbol, pool } of stale[k] ? [] : arbitrageur.pools) {
      const risk = tokens[symbol];
      const base = tokens.USDC;
      const riskIsToken0 = BigInt(risk.address) < BigInt(base.address);
      const riskAnswer = row[symbols.indexOf(symbol)]!;
      const target = sqrtPriceX96FromUsd(
        riskIsToken0
          ? { price0Usd: riskAnswer, decimals0: risk.decimals, price1Usd: row[0]!, decimals1: base.decimals }
          : { price0Usd: row[0]!, decimals0: base.decimals, price1Usd: riskAnswer, decimals1: risk.decimals },
      );
      const [current] = await publicClient.readContract({
        address: pool,
        abi: uniswapV3PoolAbi,
        functionName: "slot0",
      });
      if (current === target) continue;
      const [t0, t1] = riskIsToken0 ? [risk, base] : [base, risk];
      const [tokenIn, tokenOut] = current < target ? [t1, t0] : [t0, t1];
      const receipt = await send(at++, () =>
        arbitrageur.operator.writeContract({
          address: uniswap.swapRouter,
          abi: swapRouterAbi,
          functionName: "exactInputSingle",
          args: [
            {
              tokenIn: tokenIn.address,
              tokenOut: tokenOut.address,
              fee: uniswap.poolFee,
              recipient: arbitrageur.operator.account.address,
              deadline: maxUint256,
              amountIn: 10n ** BigInt(tokenIn.decimals + 12),
              amountOutMinimum: 0n,
              sqrtPriceLimitX96: target,
            },
          ],
        }),
      );
      if (receipt.status !== "success") throw new Error(`step ${k}: aligning the ${symbol} pool reverted`);
    }

    const poolTicks = () =>
      Promise.all(
        arbitrageur.pools.map(
          async ({ pool }) =>
            (await publicClient.readContract({ address: pool, abi: uniswapV3PoolAbi, functionName: "slot0" }))[1],
        ),
      );
    const ticksAligned = await poolTicks();

    let redeemed: number[] | undefined;
    let redeemedCash: number | "reverted" | undefined;
    const withdrawal = withdrawals[k];
    if (withdrawal?.exit === "inKind") {
      const alice = v.accounts.alice.account;
      const receipt = await send(t + withdrawOffset, () =>
        v.vault.write.redeemInKind([withdrawal.shares, alice.address, alice.address], { account: alice, gas }),
      );
      if (receipt.status !== "success") {
        throw new Error(`step ${k}: the withdrawal of ${withdrawal.shares} shares in kind reverted`);
      }
      const log = receipt.logs.find((l) => eventName(v.vault.abi, l) === "RedeemedInKind");
      const decoded = decodeEventLog({ abi: v.vault.abi, data: log!.data, topics: log!.topics });
      const { amounts } = decoded.args as { amounts: readonly bigint[] };
      redeemed = amounts.map((a, i) => Number(a) / 10 ** decimalsOf[symbols[i]!]);
    } else if (withdrawal?.exit === "cash") {
      const alice = v.accounts.alice.account;
      const receipt = await send(t + withdrawOffset, () =>
        v.vault.write.redeem([withdrawal.shares, alice.address, alice.address], { account: alice, gas }),
      );
      redeemedCash = "reverted";
      const log = receipt.logs.find(
        (l) => getAddress(l.address) === getAddress(v.vault.address) && eventName(v.vault.abi, l) === "Withdraw",
      );
      if (log) {
        const decoded = decodeEventLog({ abi: v.vault.abi, data: log.data, topics: log.topics });
        redeemedCash = Number((decoded.args as { assets: bigint }).assets) / 1e6;
      }
    }

    let depositedShares: number | undefined;
    const deposit = deposits[k];
    if (deposit !== undefined) {
      const bob = v.accounts.bob.account;
      const receipt = await send(t + depositOffset, () =>
        v.vault.write.deposit([deposit, bob.address], { account: bob, gas }),
      );
      if (receipt.status !== "success") throw new Error(`step ${k}: the deposit of ${deposit} reverted`);
      const log = receipt.logs.find((l) => eventName(v.vault.abi, l) === "Deposit");
      const decoded = decodeEventLog({ abi: v.vault.abi, data: log!.data, topics: log!.topics });
      depositedShares = Number((decoded.args as { shares: bigint }).shares) / 1e12;
    }

    const update = updates[k];
    if (update !== undefined && update.length > 0) {
      const receipt = await send(t + depositOffset + 1, () =>
        v.registry.write.setParameters([update], { account: v.asGov.account }),
      );
      if (receipt.status !== "success") throw new Error(`step ${k}: governance's update reverted`);
    }

    // A liquidator takes any module position past its market's LLTV, before the keeper acts.
    const actions: ChainAction[] = await liquidate(connection, v, arbitrageur, t + liquidatorOffset);
    const keeperAt = t + keeperOffset;
    const modules = { collateral: v.collateralManager, hedge: v.hedgeModule } as const;
    const done = await keeperCycle(
      { vault: v.vault.address, collateralManager: v.collateralManager.address, hedgeModule: v.hedgeModule.address },
      async (step, _, index): Promise<KeeperTaken<ChainAction | undefined>> => {
        if (step === "rebalance") {
          const receipt = await send(keeperAt, () => v.vault.write.rebalance({ account: keeper, gas }));
          const trades = receipt.logs.filter((log) => eventName(v.vault.abi, log) === "TradeExecuted").length;
          const executed = receipt.status === "success";
          return { executed, outcome: executed ? { kind: "rebalance", trades } : undefined };
        }
        const module = modules[step];
        const manage = () =>
          step === "collateral"
            ? v.collateralManager.write.manage({ account: keeper, gas })
            : v.hedgeModule.write.manage({ account: keeper, gas });
        const receipt = await send(keeperAt + index, manage);
        if (receipt.status !== "success") return { executed: false, outcome: undefined };
        const managed = step === "collateral" ? "CollateralManaged" : "HedgeManaged";
        const log = receipt.logs.find((l) => eventName(module.abi, l) === managed);
        const decoded = decodeEventLog({ abi: module.abi, data: log!.data, topics: log!.topics });
        return { executed: true, outcome: { kind: step, action: Number((decoded.args as { action: number }).action) } };
      },
    );
    actions.push(...done.filter((action) => action !== undefined));
    const [nav, supply] = await Promise.all([v.vault.read.totalAssets(), v.vault.read.totalSupply()]);
    const ticksAfter = await poolTicks();
    const ticksCrossed = arbitrageur.pools.reduce((sum, { ticks }, i) => {
      const [from, to] = [ticksAligned[i]!, ticksAfter[i]!];
      return sum + ticks.filter((t) => t > Math.min(from, to) && t <= Math.max(from, to)).length;
    }, 0);
    steps.push({
      ticksCrossed,
      timeSeconds: keeperAt,
      actions,
      navBase: Number(nav) / 1e6,
      supplyShares: Number(supply) / 1e12,
      depositedShares,
      redeemed,
      redeemedCash,
    });
  }
  return steps;
}

/**
 * Liquidates, as a Morpho liquidator would, each module's position that Morpho finds unhealthy at `at`: repays the
 * whole debt for its collateral and Morpho's incentive; when the collateral does not cover that, seizes all of it and
 * Morpho writes the rest off as bad debt. Returns what it liquidated.
 */
async function liquidate(
  connection: Connection,
  v: VaultStack,
  arbitrageur: Awaited<ReturnType<typeof prepareArbitrageur>>,
  at: number,
): Promise<ChainAction[]> {
  const { networkHelpers, viem } = connection;
  const publicClient = await viem.getPublicClient();
  const morpho = await viem.getContractAt("Morpho", v.devnet.record.morpho.morpho);
  const liquidator = arbitrageur.operator.account.address;
  const done: ChainAction[] = [];
  const modules = [
    {
      module: "collateral" as const,
      address: v.collateralManager.address,
      id: await v.collateralManager.read.marketId(),
    },
    { module: "hedge" as const, address: v.hedgeModule.address, id: await v.hedgeModule.read.marketId() },
  ];
  for (const { module, address, id } of modules) {
    const [, borrowShares, collateral] = await morpho.read.position([id, address]);
    if (borrowShares === 0n) continue;
    const market = await morpho.read.idToMarketParams([id]);
    const params = {
      loanToken: market[0],
      collateralToken: market[1],
      oracle: market[2],
      irm: market[3],
      lltv: market[4],
    };
    let refused: unknown;
    for (const [seized, repaidShares] of [
      [0n, borrowShares],
      [collateral, 0n],
    ] as const) {
      try {
        await morpho.simulate.liquidate([params, address, seized, repaidShares, "0x"], { account: liquidator });
      } catch (error) {
        if (String(error).includes("position is healthy")) break;
        refused = error; // the collateral does not cover the whole debt: seize all of it instead
        continue;
      }
      await networkHelpers.time.setNextBlockTimestamp(at++);
      const hash = await morpho.write.liquidate([params, address, seized, repaidShares, "0x"], { account: liquidator });
      await publicClient.waitForTransactionReceipt({ hash });
      done.push({ kind: "liquidation", module });
      refused = undefined;
      break;
    }
    if (refused !== undefined) throw new Error(`liquidating the ${module}'s position failed: ${String(refused)}`);
  }
  return done;
}

function eventName(abi: readonly unknown[], log: { data: Hex; topics: readonly Hex[] }): string | undefined {
  try {
    return String(decodeEventLog({ abi: abi as never, data: log.data, topics: log.topics as never }).eventName);
  } catch {
    return undefined;
  }
}
