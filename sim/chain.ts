/**
 * The simulation's starting point read from the chain with viem (browser, Node and CLI alike): the vault's holdings
 * and share accounting, its registry parameters, its pools' liquidity and initialised ticks, its modules' positions and their Morpho
 * Blue markets, and the feeds' prices now.
 */
import { secondsPerYear as YEAR_SECONDS } from "./market/types.ts";
import { erc20Abi, type Address, type PublicClient } from "viem";
import {
  aggregatorV3Abi,
  collateralManagerAbi,
  hedgeModuleAbi,
  irmMockAbi,
  morphoAbi,
  parameterRegistryAbi,
  portfolioVaultAbi,
} from "../sdk/abis/contracts.ts";
import { uniswapV3FactoryAbi, uniswapV3PoolAbi } from "../sdk/abis/uniswap.ts";
import { parameterKey } from "../parameters/parameterKey.ts";
import { arbitrum } from "../networks/arbitrum.ts";
import { base as baseNetwork } from "../networks/base.ts";
import { mainnet } from "../networks/mainnet.ts";
import { modelParameterNames, paramsFromRegistry } from "./model/params.ts";
import type { FeeTierPool } from "./coverage.ts";
import type {
  BorrowRateModel,
  LendingMarket,
  ModulePosition,
  Pool,
  StrategyParams,
  VaultSetup,
  VaultState,
} from "./model/types.ts";

/** The two Morpho modules answer `morpho()` and `marketId()` alike. */
const moduleAbis = { "module.collateral": collateralManagerAbi, "module.hedge": hedgeModuleAbi } as const;

/** AdaptiveCurveIrm's getter of a market's rate at target (WAD per second, as of the market's last update). */
const adaptiveCurveIrmAbi = [
  {
    type: "function",
    name: "rateAtTarget",
    stateMutability: "view",
    inputs: [{ name: "id", type: "bytes32" }],
    outputs: [{ name: "", type: "int256" }],
  },
] as const;

/** The AdaptiveCurveIrm deployments the real networks' address books name (lowercase). */
export const knownAdaptiveCurveIrms: readonly Address[] = [mainnet, baseNetwork, arbitrum]
  .filter((book) => book.morpho.irm.kind === "adaptiveCurve")
  .map((book) => book.morpho.irm.address.toLowerCase() as Address);

/** Everything a simulation starts from. */
export type StartPoint = {
  setup: VaultSetup;
  state: VaultState;
  params: StrategyParams;
  /** The feeds' USD prices now, base first. */
  pricesUsd: number[];
  /** Where it was read: chain id, block and the vault's address. */
  source: { chainId: number; blockNumber: string; vault: Address };
  /**
   * Each risk asset's pools at the other fee tiers (`options.feeTiersPpm`), null where the factory has none: the pool a
   * proposed `poolFee.<SYMBOL>` trades on (sim/coverage.ts).
   */
  feeTierPools?: readonly FeeTierPool[];
};

/** The fee tiers Uniswap V3's factory enables (hundredths of a bp): 0.01%, 0.05%, 0.3% and 1%. */
export const uniswapFeeTiersPpm = [100, 500, 3_000, 10_000] as const;

const zeroAddress = "0x0000000000000000000000000000000000000000";

/**
 * The Uniswap V3 pool of `pair` at `feePpm` (the factory's `getPool`) as the simulator reads it: its liquidity, tick
 * and initialised ticks in whole-token units; null when the factory has no pool at that tier.
 */
export async function readPoolAtFee(
  client: PublicClient,
  factory: Address,
  pair: { risk: Address; base: Address },
  feePpm: number,
  at: { riskDecimals: number; baseDecimals: number; blockNumber: bigint },
): Promise<Pool | null> {
  const { blockNumber } = at;
  const pool = await client.readContract({
    address: factory,
    abi: uniswapV3FactoryAbi,
    functionName: "getPool",
    args: [pair.risk, pair.base, feePpm],
    blockNumber,
  });
  if (pool.toLowerCase() === zeroAddress) return null;
  const [liquidity, token0, slot0, tickSpacing] = await Promise.all([
    client.readContract({ address: pool, abi: uniswapV3PoolAbi, functionName: "liquidity", blockNumber }),
    client.readContract({ address: pool, abi: uniswapV3PoolAbi, functionName: "token0", blockNumber }),
    client.readContract({ address: pool, abi: uniswapV3PoolAbi, functionName: "slot0", blockNumber }),
    client.readContract({ address: pool, abi: uniswapV3PoolAbi, functionName: "tickSpacing", blockNumber }),
  ]);
  const riskIsToken0 = token0.toLowerCase() === pair.risk.toLowerCase();
  const [d0, d1] = riskIsToken0 ? [at.riskDecimals, at.baseDecimals] : [at.baseDecimals, at.riskDecimals];
  const toWhole = Math.sqrt(10 ** d0 * 10 ** d1);
  const tick = slot0[1];
  const ticks = await readInitializedTicks(client, pool, tick, tickSpacing, blockNumber);
  return {
    liquidity: Number(liquidity) / toWhole,
    riskIsToken0,
    tick,
    ticks: ticks.map(({ tick: at, liquidityNet }) => ({ tick: at, liquidityNet: Number(liquidityNet) / toWhole })),
  };
}

const toNumber = (value: bigint, decimals: number) => Number(value) / 10 ** decimals;

/**
 * How many tickBitmap words the start point reads on either side of the word holding a pool's tick. A word maps 256
 * tick spacings (at the 0.3% tier's spacing of 60, 15,360 ticks: a factor of 4.65 in price), so two words reach at
 * least 512 spacings, a factor of 21 in price, above and below the price: wider than a simulated year's moves at the
 * volatilities calibrated. Beyond the window the simulator takes the outermost range's liquidity as constant.
 */
export const tickWordsEachSide = 2;

/**
 * The initialised ticks of `pool` within `tickWordsEachSide` bitmap words of `tick`, ascending, with their
 * liquidityNet (raw): the words' bits from `tickBitmap`, then `ticks(i)` for each bit set.
 */
export async function readInitializedTicks(
  client: PublicClient,
  pool: Address,
  tick: number,
  tickSpacing: number,
  blockNumber: bigint,
): Promise<{ tick: number; liquidityNet: bigint }[]> {
  const poolRead = { address: pool, abi: uniswapV3PoolAbi, blockNumber } as const;
  // TickBitmap.position: the word of a compressed tick is its top bits (rounding toward −∞).
  const word = Math.floor(Math.floor(tick / tickSpacing) / 256);
  const words = Array.from({ length: 2 * tickWordsEachSide + 1 }, (_, k) => word - tickWordsEachSide + k);
  const bitmaps = await Promise.all(
    words.map((w) => client.readContract({ ...poolRead, functionName: "tickBitmap", args: [w] })),
  );
  const initialized: number[] = [];
  words.forEach((w, k) => {
    const bitmap = bitmaps[k]!;
    for (let bit = 0; bit < 256; bit++) {
      if ((bitmap >> BigInt(bit)) & 1n) initialized.push((w * 256 + bit) * tickSpacing);
    }
  });
  return Promise.all(
    initialized.map(async (at) => {
      const [, liquidityNet] = await client.readContract({ ...poolRead, functionName: "ticks", args: [at] });
      return { tick: at, liquidityNet };
    }),
  );
}

/**
 * Reads the vault at `vault` at the latest block. `symbols` overrides the tokens' own `symbol()` (registry names).
 * A module's market is modelled by its IRM: an AdaptiveCurveIrm (one of `knownAdaptiveCurveIrms`, or of
 * `adaptiveCurveIrms`, e.g. on a fork) from its rate at target now; Morpho Blue's IrmMock as utilization; any other
 * at today's rate, held fixed.
 */
export async function readStartPoint(
  client: PublicClient,
  vault: Address,
  options: {
    symbols?: readonly string[];
    blockNumber?: bigint;
    adaptiveCurveIrms?: readonly Address[];
    feeTiersPpm?: readonly number[];
  } = {},
): Promise<StartPoint> {
  const adaptiveCurveIrms = new Set(
    [...knownAdaptiveCurveIrms, ...(options.adaptiveCurveIrms ?? [])].map((a) => a.toLowerCase()),
  );
  const block = await client.getBlock(options.blockNumber === undefined ? {} : { blockNumber: options.blockNumber });
  const blockNumber = block.number;
  const vaultRead = { address: vault, abi: portfolioVaultAbi, blockNumber } as const;
  const erc20 = (address: Address) => ({ address, abi: erc20Abi, blockNumber }) as const;
  const [base, risks, registry, factory] = await Promise.all([
    client.readContract({ ...vaultRead, functionName: "asset" }),
    client.readContract({ ...vaultRead, functionName: "riskAssets" }),
    client.readContract({ ...vaultRead, functionName: "registry" }),
    client.readContract({ ...vaultRead, functionName: "uniswapFactory" }),
  ]);
  const tokens = [base, ...risks];
  const registryRead = { address: registry, abi: parameterRegistryAbi, blockNumber } as const;
  const decimals = await Promise.all(tokens.map((t) => client.readContract({ ...erc20(t), functionName: "decimals" })));
  const symbols =
    options.symbols ??
    (await Promise.all(tokens.map((t) => client.readContract({ ...erc20(t), functionName: "symbol" }))));
  if (symbols.length !== tokens.length)
    throw new Error(`symbols must name the vault's ${tokens.length} assets, got ${symbols.length}`);

  const names = [...modelParameterNames(symbols)];
  const values = await Promise.all(
    names.map((name) => client.readContract({ ...registryRead, functionName: "valueOf", args: [parameterKey(name)] })),
  );
  const params = paramsFromRegistry(Object.fromEntries(names.map((n, i) => [n, values[i]!])), symbols);

  const pricesUsd = await Promise.all(
    symbols.map(async (symbol) => {
      const feed = await client.readContract({
        ...registryRead,
        functionName: "getAddress",
        args: [parameterKey(`feed.${symbol}`)],
      });
      const [feedDecimals, round] = await Promise.all([
        client.readContract({ address: feed, abi: aggregatorV3Abi, functionName: "decimals", blockNumber }),
        client.readContract({ address: feed, abi: aggregatorV3Abi, functionName: "latestRoundData", blockNumber }),
      ]);
      return toNumber(round[1], feedDecimals);
    }),
  );

  const poolAt = (i: number, feePpm: number) =>
    readPoolAtFee(client, factory, { risk: risks[i]!, base }, feePpm, {
      riskDecimals: decimals[i + 1]!,
      baseDecimals: decimals[0]!,
      blockNumber,
    });
  const pools = await Promise.all(
    risks.map(async (_, i) => {
      const pool = await poolAt(i, params.poolFeesPpm[i]!);
      if (!pool)
        throw new Error(`no ${symbols[i + 1]}/${symbols[0]} pool at the fee in force (${params.poolFeesPpm[i]})`);
      return pool;
    }),
  );
  // The other tiers' pools, which a proposed poolFee.<SYMBOL> would trade on (null: none at that tier).
  const feeTierPools = await Promise.all(
    risks.flatMap((_, i) =>
      (options.feeTiersPpm ?? uniswapFeeTiersPpm)
        .filter((feePpm) => feePpm !== params.poolFeesPpm[i])
        .map(async (feePpm): Promise<FeeTierPool> => ({
          symbol: symbols[i + 1]!,
          feePpm,
          pool: await poolAt(i, feePpm),
        })),
    ),
  );

  const balances = await Promise.all(
    tokens.map(async (t, i) =>
      toNumber(await client.readContract({ ...erc20(t), functionName: "balanceOf", args: [vault] }), decimals[i]!),
    ),
  );
  const [supply, shareDecimals, hwm, lastFee, lastRebalance] = await Promise.all([
    client.readContract({ ...vaultRead, functionName: "totalSupply" }),
    client.readContract({ ...vaultRead, functionName: "decimals" }),
    client.readContract({ ...vaultRead, functionName: "highWaterMarkWad" }),
    client.readContract({ ...vaultRead, functionName: "lastFeeAccrualAt" }),
    client.readContract({ ...vaultRead, functionName: "lastRebalanceAt" }),
  ]);

  const readModule = async (name: "module.collateral" | "module.hedge") => {
    const address = await client.readContract({
      ...registryRead,
      functionName: "getAddress",
      args: [parameterKey(name)],
    });
    if (BigInt(address) === 0n) return undefined;
    const [morpho, id] = await Promise.all([
      client.readContract({ address, abi: moduleAbis[name], functionName: "morpho", blockNumber }),
      client.readContract({ address, abi: moduleAbis[name], functionName: "marketId", blockNumber }),
    ]);
    const morphoRead = { address: morpho, abi: morphoAbi, blockNumber } as const;
    const [marketParams, market, position] = await Promise.all([
      client.readContract({ ...morphoRead, functionName: "idToMarketParams", args: [id] }),
      client.readContract({ ...morphoRead, functionName: "market", args: [id] }),
      client.readContract({ ...morphoRead, functionName: "position", args: [id, address] }),
    ]);
    const [loanToken, collateralToken, , irm, lltv] = marketParams;
    const [totalSupplyAssets, totalSupplyShares, totalBorrowAssets, totalBorrowShares, lastUpdate, fee] = market;
    const loanIndex = tokens.findIndex((t) => t.toLowerCase() === loanToken.toLowerCase());
    const collateralIndex = tokens.findIndex((t) => t.toLowerCase() === collateralToken.toLowerCase());
    if (loanIndex < 0 || collateralIndex < 0)
      throw new Error(`${name}'s market trades a token the vault does not hold`);
    const readRate = async (): Promise<BorrowRateModel> => {
      if (adaptiveCurveIrms.has(irm.toLowerCase())) {
        const rateAtTarget = await client.readContract({
          address: irm,
          abi: adaptiveCurveIrmAbi,
          functionName: "rateAtTarget",
          args: [id],
          blockNumber,
        });
        return { kind: "adaptiveCurve", rateAtTargetPerYear: (Number(rateAtTarget) / 1e18) * YEAR_SECONDS };
      }
      const rateWad = await client.readContract({
        address: irm,
        abi: irmMockAbi,
        functionName: "borrowRateView",
        args: [
          { loanToken, collateralToken, oracle: marketParams[2], irm, lltv },
          { totalSupplyAssets, totalSupplyShares, totalBorrowAssets, totalBorrowShares, lastUpdate, fee },
        ],
        blockNumber,
      });
      const utilizationRateWad =
        totalSupplyAssets === 0n ? 0n : (totalBorrowAssets * 10n ** 18n) / totalSupplyAssets / BigInt(YEAR_SECONDS);
      // Morpho's IrmMock sets the yearly rate to utilization: model it as such; any other IRM at today's rate.
      return rateWad === utilizationRateWad
        ? { kind: "utilization" }
        : { kind: "fixed", ratePerYear: (Number(rateWad) / 1e18) * YEAR_SECONDS };
    };
    const rate = await readRate();
    const loanDecimals = decimals[loanIndex]!;
    const lending: LendingMarket = {
      totalSupplyAssets: toNumber(totalSupplyAssets, loanDecimals),
      totalBorrowAssets: toNumber(totalBorrowAssets, loanDecimals),
      lastUpdateSeconds: Number(lastUpdate),
      rate,
      lltv: Number(lltv) / 1e18,
    };
    const [, borrowShares, collateral] = position;
    const debtAssets =
      totalBorrowShares === 0n ? 0 : (Number(borrowShares) / Number(totalBorrowShares)) * lending.totalBorrowAssets;
    const modulePosition: ModulePosition = {
      collateral: toNumber(collateral, decimals[collateralIndex]!),
      debt: debtAssets,
      marketSupplyAssets: lending.totalSupplyAssets,
      marketBorrowAssets: lending.totalBorrowAssets,
      marketLastUpdateSeconds: lending.lastUpdateSeconds,
    };
    return { lending, position: modulePosition, loanIndex, collateralIndex };
  };
  const [collateral, hedge] = await Promise.all([readModule("module.collateral"), readModule("module.hedge")]);

  const setup: VaultSetup = {
    symbols,
    decimals,
    pools,
    ...(collateral ? { collateral: { assetIndex: collateral.collateralIndex, market: collateral.lending } } : {}),
    ...(hedge ? { hedge: { assetIndex: hedge.loanIndex, market: hedge.lending } } : {}),
  };
  const state: VaultState = {
    timeSeconds: Number(block.timestamp),
    balances,
    supply: toNumber(supply, shareDecimals),
    highWaterMark: Number(hwm) / 1e18,
    lastFeeAccrualSeconds: lastFee,
    lastRebalanceSeconds: lastRebalance,
    ...(collateral ? { collateral: collateral.position } : {}),
    ...(hedge ? { hedge: hedge.position } : {}),
  };
  return {
    setup,
    state,
    params,
    pricesUsd,
    feeTierPools,
    source: { chainId: await client.getChainId(), blockNumber: block.number.toString(), vault },
  };
}
