import type { ChainType, NetworkConnection } from "hardhat/types/network";
import { maxUint256, parseUnits, type Address, type Hex } from "viem";
import { devnetLiquidity, devnetLltv, devnetPoolFee } from "./constants.ts";
import { devnetPositionsAt, tickOfPrice, type PoolPosition } from "./poolPositions.ts";
import { nonfungiblePositionManagerAbi } from "../sdk/abis/uniswap.ts";
import { sqrtPriceX96FromUsd } from "../sdk/uniswap/sqrtPriceX96.ts";

type Token = { address: Address; symbol: "USDC" | "WETH" | "WBTC"; decimals: number; feed: Address };

/**
 * Token wei a position of `liquidity` over its range takes in a pool at `sqrtPriceX96` (LiquidityAmounts'
 * getAmountsForLiquidity in floating point), each with a margin of a millionth and a wei: the position manager then
 * mints at least `liquidity` from them.
 */
function amountsForLiquidity(position: PoolPosition, sqrtPriceX96: bigint): [bigint, bigint] {
  const sqrtAt = (tick: number) => Math.pow(1.0001, tick / 2);
  const [lower, upper] = [sqrtAt(position.tickLower), sqrtAt(position.tickUpper)];
  const current = Math.min(Math.max(Number(sqrtPriceX96) / 2 ** 96, lower), upper);
  const amount0 = position.liquidity * (1 / current - 1 / upper);
  const amount1 = position.liquidity * (current - lower);
  const withMargin = (amount: number) => BigInt(Math.ceil(amount * (1 + 1e-6))) + 1n;
  return [withMargin(amount0), withMargin(amount1)];
}

/**
 * Creates the devnet's Uniswap V3 pools at the feeds' prices with concentrated liquidity (`devnetPoolPositions`:
 * ranges around the price, some ending within a tick spacing of it, and a thin full-range position), minted through
 * the NonfungiblePositionManager, and supplies the Morpho Blue markets, all from account 0 (the devnet operator,
 * which mints from the token faucets).
 */
export async function seedMarkets<ChainTypeT extends ChainType | string>(
  connection: NetworkConnection<ChainTypeT>,
  devnet: {
    tokens: Record<Token["symbol"], Token>;
    positionManager: Address;
    morpho: Address;
    irm: Address;
    oracles: Partial<Record<`${Token["symbol"]}_${Token["symbol"]}`, Address>>;
  },
) {
  const { viem } = connection;
  const publicClient = await viem.getPublicClient();
  const [operator] = await viem.getWalletClients();
  if (!operator) throw new Error("no operator account");
  const me = operator.account.address;
  const wait = async (hash: Promise<Hex>) => publicClient.waitForTransactionReceipt({ hash: await hash });

  const feedPrice = async (token: Token) => {
    const feed = await viem.getContractAt("DevnetFeedProxy", token.feed);
    const [, answer] = await feed.read.latestRoundData();
    return answer;
  };

  for (const { pair, amounts } of devnetLiquidity.pools) {
    const [a, b] = pair.map((s) => devnet.tokens[s]) as [Token, Token];
    const [amountA, amountB] = [parseUnits(amounts[0], a.decimals), parseUnits(amounts[1], b.decimals)];
    const [t0, t1, amount0, amount1] =
      BigInt(a.address) < BigInt(b.address) ? [a, b, amountA, amountB] : [b, a, amountB, amountA];
    const sqrtPriceX96 = sqrtPriceX96FromUsd({
      price0Usd: await feedPrice(t0),
      decimals0: t0.decimals,
      price1Usd: await feedPrice(t1),
      decimals1: t1.decimals,
    });
    await wait(
      operator.writeContract({
        address: devnet.positionManager,
        abi: nonfungiblePositionManagerAbi,
        functionName: "createAndInitializePoolIfNecessary",
        args: [t0.address, t1.address, devnetPoolFee, sqrtPriceX96],
      }),
    );
    // The depth is the full-range liquidity of the amounts (√(x·y) in wei), spread over the devnet's positions.
    const depth = Math.sqrt(Number(amount0) * Number(amount1));
    const tick = tickOfPrice((Number(sqrtPriceX96) / 2 ** 96) ** 2);
    const positions = devnetPositionsAt(tick, depth).map((position) => ({
      position,
      amounts: amountsForLiquidity(position, sqrtPriceX96),
    }));
    for (const [side, token] of [t0, t1].entries()) {
      const erc20 = await viem.getContractAt("DevnetToken", token.address);
      await wait(erc20.write.mint([me, positions.reduce((sum, { amounts }) => sum + amounts[side]!, 0n)]));
      await wait(erc20.write.approve([devnet.positionManager, maxUint256]));
    }
    const deadline = (await publicClient.getBlock()).timestamp + 3_600n;
    for (const { position, amounts } of positions) {
      await wait(
        operator.writeContract({
          address: devnet.positionManager,
          abi: nonfungiblePositionManagerAbi,
          functionName: "mint",
          args: [
            {
              token0: t0.address,
              token1: t1.address,
              fee: devnetPoolFee,
              tickLower: position.tickLower,
              tickUpper: position.tickUpper,
              amount0Desired: amounts[0],
              amount1Desired: amounts[1],
              amount0Min: 0n,
              amount1Min: 0n,
              recipient: me,
              deadline,
            },
          ],
        }),
      );
    }
  }

  const morpho = await viem.getContractAt("Morpho", devnet.morpho);
  for (const { collateral, loan, amount } of devnetLiquidity.lending) {
    const loanToken = devnet.tokens[loan];
    const oracle = devnet.oracles[`${collateral}_${loan}`];
    if (!oracle) throw new Error(`no oracle for the ${collateral}/${loan} market`);
    const assets = parseUnits(amount, loanToken.decimals);
    const erc20 = await viem.getContractAt("DevnetToken", loanToken.address);
    await wait(erc20.write.mint([me, assets]));
    await wait(erc20.write.approve([devnet.morpho, maxUint256]));
    const params = {
      loanToken: loanToken.address,
      collateralToken: devnet.tokens[collateral].address,
      oracle,
      irm: devnet.irm,
      lltv: devnetLltv,
    };
    await wait(morpho.write.supply([params, assets, 0n, me, "0x"]));
  }
}
