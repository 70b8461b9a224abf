import { describe, expect, it } from "vitest";
import { maxUint256, parseUnits, type Address } from "viem";
import { readStartPoint } from "../../sim/chain.ts";
import {
  liquidityCurve,
  priceOfSqrt,
  sqrtPriceAtTick,
  swapAcrossTicks,
  type LiquidityCurve,
} from "../../sim/model/uniswapV3.ts";
import { swapRouterAbi, uniswapV3FactoryAbi, uniswapV3PoolAbi } from "../../sdk/abis/uniswap.ts";
import { devnetPoolPositions } from "../../devnet/constants.ts";
import { chainFixture } from "../helpers/fixture.ts";
import { deployVault, marketSwap } from "../helpers/vault.ts";

/**
 * The simulator's Uniswap V3 math against the devnet's pools, whose liquidity is concentrated (several positions,
 * some ending within a tick spacing of the price, and a thin full range): the pool the start point reads, swapped
 * on in the model and on chain through the SwapRouter, at sizes that cross no tick, one, and several.
 */
describe("The simulator's pools cross ticks as the devnet's Uniswap V3 pools do", () => {
  const network = chainFixture(async (connection) => deployVault(connection));

  type Case = { symbol: "WETH" | "WBTC"; sell: boolean; usd: number };
  const cases: Case[] = [
    ...[1_000, 20_000, 150_000, 1_000_000, 5_000_000].flatMap((usd) => [
      { symbol: "WETH" as const, sell: true, usd },
      { symbol: "WETH" as const, sell: false, usd },
    ]),
    ...[1_000, 60_000, 400_000, 2_000_000].flatMap((usd) => [
      { symbol: "WBTC" as const, sell: true, usd },
      { symbol: "WBTC" as const, sell: false, usd },
    ]),
  ];

  /** The initialised ticks strictly between two √prices: those a swap from one to the other crossed. */
  const crossed = (curve: LiquidityCurve, from: number, to: number) =>
    curve.sqrtPrices.filter((s) => s > Math.min(from, to) && s < Math.max(from, to)).length;

  it(`pays within 1e-9 of the pool (and a unit per step), and leaves it at the same price and liquidity, over ${cases.length} swaps crossing 0 to many ticks`, async () => {
    const crossings: number[] = [];
    let worst = 0;
    for (const { symbol, sell, usd } of cases) {
      const v = await network.load();
      const { viem } = network.connection;
      const publicClient = await viem.getPublicClient();
      const [trader] = await viem.getWalletClients();
      const start = await readStartPoint(publicClient, v.vault.address);
      const risk = start.setup.symbols.indexOf(symbol);
      const pool = start.setup.pools[risk - 1]!;
      const [decimalsRisk, decimalsBase] = [start.setup.decimals[risk]!, start.setup.decimals[0]!];
      const [decimals0, decimals1] = pool.riskIsToken0 ? [decimalsRisk, decimalsBase] : [decimalsBase, decimalsRisk];
      const curve = liquidityCurve(pool, decimals0, decimals1);
      const { tokens, uniswap } = v.devnet.record;
      const poolAddress = (await publicClient.readContract({
        address: uniswap.factory,
        abi: uniswapV3FactoryAbi,
        functionName: "getPool",
        args: [tokens[symbol].address, tokens.USDC.address, uniswap.poolFee],
      })) as Address;
      const toWhole = 10 ** ((decimals0 - decimals1) / 2) / 2 ** 96;
      const slot0 = async () =>
        publicClient.readContract({ address: poolAddress, abi: uniswapV3PoolAbi, functionName: "slot0" });
      const sqrtBefore = Number((await slot0())[0]) * toWhole;

      // In the model: exact input, no price limit.
      const [tokenIn, tokenOut] = sell ? [tokens[symbol], tokens.USDC] : [tokens.USDC, tokens[symbol]];
      const amountIn = sell ? usd / start.pricesUsd[risk]! : usd;
      const amountInWei = parseUnits(amountIn.toFixed(tokenIn.decimals), tokenIn.decimals);
      const zeroForOne = sell === pool.riskIsToken0;
      const model = swapAcrossTicks(
        curve,
        sqrtBefore,
        zeroForOne,
        Number(amountInWei) / 10 ** tokenIn.decimals,
        uniswap.poolFee,
        zeroForOne ? sqrtBefore * 1e-6 : sqrtBefore * 1e6,
        { amountIn: 0, amountOut: 0, sqrtPriceAfter: 0 },
      );

      // On chain.
      const token = await viem.getContractAt("DevnetToken", tokenIn.address);
      await token.write.mint([trader!.account.address, amountInWei]);
      await token.write.approve([uniswap.swapRouter, maxUint256]);
      const out = await viem.getContractAt("DevnetToken", tokenOut.address);
      const outBefore = await out.read.balanceOf([trader!.account.address]);
      await publicClient.waitForTransactionReceipt({
        hash: await trader!.writeContract({
          address: uniswap.swapRouter,
          abi: swapRouterAbi,
          functionName: "exactInputSingle",
          args: [marketSwap(tokenIn.address, tokenOut.address, trader!.account.address, amountInWei)],
        }),
      });
      const paid = Number((await out.read.balanceOf([trader!.account.address])) - outBefore) / 10 ** tokenOut.decimals;
      const sqrtAfter = Number((await slot0())[0]) * toWhole;
      const liquidityAfter = await publicClient.readContract({
        address: poolAddress,
        abi: uniswapV3PoolAbi,
        functionName: "liquidity",
      });

      const context = `${sell ? "selling" : "buying"} $${usd} of ${symbol}`;
      // The pool works in integers: each step floors its input net of the fee to a unit of the input token (a
      // satoshi of WBTC is $0.0006, 6e-7 of a $1,000 sale), and its output to a unit of the output token.
      const steps = crossed(curve, sqrtBefore, sqrtAfter) + 1;
      const unitsWorth = steps * ((10 ** -tokenIn.decimals * paid) / amountIn + 10 ** -tokenOut.decimals);
      const gap = Math.abs(model.amountOut - paid);
      worst = Math.max(worst, gap / paid);
      expect(gap, `${context}: model pays ${model.amountOut}, the pool ${paid}`).toBeLessThanOrEqual(
        1e-9 * paid + unitsWorth,
      );
      expect(model.sqrtPriceAfter / sqrtAfter, `${context}: price after`).toBeCloseTo(1, 9);
      // The pool's liquidity after the swap is the curve's in the range the swap ended in (entered going its way).
      const rangeAfter = zeroForOne
        ? curve.sqrtPrices.filter((s) => s < sqrtAfter).length
        : curve.sqrtPrices.filter((s) => s <= sqrtAfter).length;
      const modelLiquidity = curve.liquidities[rangeAfter]! * Math.sqrt(10 ** decimals0 * 10 ** decimals1);
      expect(modelLiquidity / Number(liquidityAfter), `${context}: liquidity after`).toBeCloseTo(1, 9);
      crossings.push(steps - 1);
    }
    console.log(`pool swaps: ticks crossed ${crossings.join(", ")}; worst output difference ${worst.toExponential(2)}`);
    expect(crossings).toContain(0);
    expect(crossings).toContain(1);
    expect(Math.max(...crossings)).toBeGreaterThanOrEqual(3);
  });

  const fullRangeBps = devnetPoolPositions.find((p) => p.spacings === "full")!.shareBps;

  it("reads every initialised tick near the price, with the liquidityNet the positions put there", async () => {
    const v = await network.load();
    const publicClient = await network.connection.viem.getPublicClient();
    const start = await readStartPoint(publicClient, v.vault.address);
    for (const [i, pool] of start.setup.pools.entries()) {
      const ticks = pool.ticks!;
      // The devnet's positions: the full range's two ticks lie beyond the window read, the other twelve within it;
      // beyond them only the thin full range is left. Every position covers the price.
      expect(ticks.length).toBe(12);
      const curve = liquidityCurve(
        pool,
        start.setup.decimals[pool.riskIsToken0 ? i + 1 : 0]!,
        start.setup.decimals[pool.riskIsToken0 ? 0 : i + 1]!,
      );
      const thin = fullRangeBps / devnetPoolPositions.reduce((sum, p) => sum + p.shareBps, 0);
      expect(curve.liquidities[0]! / pool.liquidity).toBeCloseTo(thin, 6);
      expect(curve.liquidities[ticks.length]! / pool.liquidity).toBeCloseTo(thin, 6);
      const below = ticks.filter((t) => t.tick <= pool.tick!);
      const above = ticks.filter((t) => t.tick > pool.tick!);
      // Ranges end within a tick spacing on both sides of the price.
      expect(pool.tick! - below.at(-1)!.tick).toBeLessThan(60);
      expect(above[0]!.tick - pool.tick!).toBeLessThanOrEqual(60);
    }
  });

  it("realigns a pool to its feeds across every tick between (alignPool), and reads the same tick structure there", async () => {
    const v = await network.load();
    const publicClient = await network.connection.viem.getPublicClient();
    const before = await readStartPoint(publicClient, v.vault.address);
    const [, weth] = await v.feeds.WETH.read.latestRoundData();
    const [, wbtc] = await v.feeds.WBTC.read.latestRoundData();
    // WETH to 0.45x (past the ±16% and narrow ranges, inside the wide one), WBTC to 3x (past the wide range too).
    await v.setPrices({ WETH: (weth * 45n) / 100n, WBTC: wbtc * 3n });
    const after = await readStartPoint(publicClient, v.vault.address);
    for (const [i, symbol] of (["WETH", "WBTC"] as const).entries()) {
      const [was, is] = [before.setup.pools[i]!, after.setup.pools[i]!];
      const [decimals0, decimals1] = is.riskIsToken0
        ? [after.setup.decimals[i + 1]!, after.setup.decimals[0]!]
        : [after.setup.decimals[0]!, after.setup.decimals[i + 1]!];
      // The pool sits at the feeds' price (to within its tick, a bp).
      const poolPrice = priceOfSqrt(sqrtPriceAtTick(is.tick!, decimals0, decimals1), is.riskIsToken0);
      const feedPrice = after.pricesUsd[i + 1]! / after.pricesUsd[0]!;
      expect(Math.abs(poolPrice / feedPrice - 1), symbol).toBeLessThan(1.0001e-4);
      // Its liquidity there is that of the range holding its new tick in the curve read at the old price: the price
      // moved along the structure, which stayed as it was.
      const range = was.ticks!.filter((t) => t.tick <= is.tick!).length;
      expect(liquidityCurve(was, decimals0, decimals1).liquidities[range]! / is.liquidity, symbol).toBeCloseTo(1, 9);
      // The window read moved with the price: every tick read at both prices has the same liquidityNet.
      const nets = new Map(was.ticks!.map((t) => [t.tick, t.liquidityNet]));
      const shared = is.ticks!.filter((t) => nets.has(t.tick));
      expect(shared.length, symbol).toBeGreaterThan(0);
      for (const t of shared) expect(t.liquidityNet, `${symbol} tick ${t.tick}`).toBe(nets.get(t.tick));
    }
    expect(after.setup.pools[1]!.liquidity / before.setup.pools[1]!.liquidity).toBeCloseTo(
      fullRangeBps / devnetPoolPositions.reduce((sum, p) => sum + p.shareBps, 0),
      6,
    );
  });
});
