import type { ChainType, NetworkConnection } from "hardhat/types/network";
import { maxUint256, parseUnits, type Address, type Hex } from "viem";
import { devnetLiquidity, devnetLltv, devnetPoolFee } from "./constants.ts";
import { nonfungiblePositionManagerAbi } from "../sdk/abis/uniswap.ts";
import { sqrtPriceX96FromUsd } from "../sdk/uniswap/sqrtPriceX96.ts";

/** The tick spacing of the devnet pools' fee tier (`devnetPoolFee`, 0.3%). */
const tickSpacing = 60;
/** Full-range ticks for that spacing. */
const maxTick = Math.floor(887_272 / tickSpacing) * tickSpacing;

type Token = { address: Address; symbol: "USDC" | "WETH" | "WBTC"; decimals: number; feed: Address };

/**
 * Creates the devnet's Uniswap V3 pools at the feeds' prices with full-range liquidity, and supplies the Morpho
 * Blue markets, all from account 0 (the devnet operator, which mints from the token faucets).
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
    for (const [token, amount] of [
      [t0, amount0],
      [t1, amount1],
    ] as const) {
      const erc20 = await viem.getContractAt("DevnetToken", token.address);
      await wait(erc20.write.mint([me, amount]));
      await wait(erc20.write.approve([devnet.positionManager, maxUint256]));
    }
    await wait(
      operator.writeContract({
        address: devnet.positionManager,
        abi: nonfungiblePositionManagerAbi,
        functionName: "createAndInitializePoolIfNecessary",
        args: [t0.address, t1.address, devnetPoolFee, sqrtPriceX96],
      }),
    );
    const deadline = (await publicClient.getBlock()).timestamp + 3_600n;
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
            tickLower: -maxTick,
            tickUpper: maxTick,
            amount0Desired: amount0,
            amount1Desired: amount1,
            amount0Min: 0n,
            amount1Min: 0n,
            recipient: me,
            deadline,
          },
        ],
      }),
    );
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
