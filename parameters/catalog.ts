import type { ParameterRules, ParameterSpec, StepKind } from "./types.ts";

const hourSeconds = 3_600;
const daySeconds = 86_400;
/** Base-asset (6-decimal stablecoin) units in one whole token. */
const baseUnit = 1_000_000n;

function rules(
  min: bigint,
  max: bigint,
  stepKind: StepKind,
  maxStep: bigint,
  minIntervalSeconds: number,
): ParameterRules {
  return { min, max, stepKind, maxStep, minIntervalSeconds };
}

/** A pause flag: 0 = running, 1 = paused; the guardian may only pause. */
function pauseFlag(name: string, description: string): ParameterSpec {
  return { name, kind: "bool", saferDirection: "higher", description, value: 0n, rules: rules(0n, 1n, "none", 0n, 0) };
}

/**
 * Trimtab's strategy parameters and their first rules: the single list the deployment, the CLI and the web app
 * read. The registry on chain is the truth once deployed; this is what a new deployment starts from.
 * The vault reads them by name (docs/protocol.md, "Every parameter").
 */
export const parameterCatalog: readonly ParameterSpec[] = [
  {
    name: "registry.rulesDelay",
    kind: "seconds",
    saferDirection: "higher",
    description: "Extra delay before a loosening of any parameter's rules can be accepted",
    value: BigInt(2 * daySeconds),
    rules: rules(BigInt(daySeconds), BigInt(30 * daySeconds), "absolute", BigInt(7 * daySeconds), 0),
  },
  pauseFlag("pause.deposits", "New deposits and mints are refused (withdrawals never are)"),
  pauseFlag("pause.rebalance", "Keepers cannot rebalance"),
  pauseFlag("pause.leverage", "No new borrowing on the lending market (deleveraging still runs)"),
  {
    name: "rebalance.bandBps",
    kind: "bps",
    saferDirection: "none",
    description: "Drift from target weight, in bps of NAV, that makes a rebalance due",
    value: 500n,
    rules: rules(100n, 2_000n, "absolute", 250n, daySeconds),
  },
  {
    name: "rebalance.minIntervalSec",
    kind: "seconds",
    saferDirection: "none",
    description: "Shortest time between two rebalances",
    value: BigInt(daySeconds),
    rules: rules(BigInt(hourSeconds), BigInt(7 * daySeconds), "relative", 5_000n, daySeconds),
  },
  {
    name: "rebalance.maxTradeBps",
    kind: "bps",
    saferDirection: "lower",
    description: "Largest trade in one rebalance, in bps of NAV",
    value: 1_000n,
    rules: rules(100n, 5_000n, "absolute", 500n, daySeconds),
  },
  {
    name: "rebalance.maxSlippageBps",
    kind: "bps",
    saferDirection: "lower",
    description: "Largest shortfall of a trade's output versus the oracle price",
    value: 50n,
    rules: rules(5n, 300n, "absolute", 25n, daySeconds),
  },
  {
    name: "collateral.targetLtvBps",
    kind: "bps",
    saferDirection: "lower",
    description: "Loan-to-value the collateral manager steers to",
    value: 3_000n,
    rules: rules(0n, 7_000n, "absolute", 500n, daySeconds),
  },
  {
    name: "collateral.maxLtvBps",
    kind: "bps",
    saferDirection: "lower",
    description: "Loan-to-value above which the collateral manager deleverages",
    value: 4_500n,
    rules: rules(0n, 8_000n, "absolute", 500n, daySeconds),
  },
  {
    name: "collateral.healthBufferBps",
    kind: "bps",
    saferDirection: "higher",
    description: "Smallest distance, in bps of LTV, kept below the lending market's liquidation LTV",
    value: 1_000n,
    rules: rules(200n, 5_000n, "absolute", 500n, daySeconds),
  },
  {
    name: "collateral.ltvBandBps",
    kind: "bps",
    saferDirection: "none",
    description: "Drift of LTV from its target, in bps, that makes a borrow or repay due",
    value: 500n,
    rules: rules(100n, 2_000n, "absolute", 250n, daySeconds),
  },
  {
    name: "collateral.postedBps",
    kind: "bps",
    saferDirection: "lower",
    description: "Share of the vault's exposure to the collateral asset posted on the lending market",
    value: 5_000n,
    rules: rules(0n, 10_000n, "absolute", 2_500n, daySeconds),
  },
  {
    name: "module.collateral",
    kind: "address",
    saferDirection: "none",
    description: "The collateral manager the vault lends its collateral asset to (zero: none)",
    value: 0n,
    rules: rules(0n, 0n, "none", 0n, daySeconds),
  },
  {
    name: "hedge.ratioBps",
    kind: "bps",
    saferDirection: "none",
    description: "Share of a risk asset's exposure the hedge offsets",
    value: 5_000n,
    rules: rules(0n, 10_000n, "absolute", 1_000n, daySeconds),
  },
  {
    name: "hedge.bandBps",
    kind: "bps",
    saferDirection: "none",
    description: "Drift of the hedge ratio, in bps, that makes a hedge adjustment due",
    value: 1_000n,
    rules: rules(100n, 5_000n, "absolute", 500n, daySeconds),
  },
  {
    name: "hedge.ltvBps",
    kind: "bps",
    saferDirection: "lower",
    description: "Loan-to-value of the hedge's short: its margin is the short's value over this",
    value: 5_000n,
    rules: rules(1_000n, 7_000n, "absolute", 1_000n, daySeconds),
  },
  {
    name: "module.hedge",
    kind: "address",
    saferDirection: "none",
    description: "The hedging module that shorts the vault's exposure (zero: none)",
    value: 0n,
    rules: rules(0n, 0n, "none", 0n, daySeconds),
  },
  {
    name: "fees.managementBps",
    kind: "bps",
    saferDirection: "none",
    description: "Yearly management fee, streamed per second, in bps of NAV",
    value: 200n,
    rules: rules(0n, 500n, "absolute", 50n, 30 * daySeconds),
  },
  {
    name: "fees.performanceBps",
    kind: "bps",
    saferDirection: "none",
    description: "Performance fee on share-price gains above the high-water mark",
    value: 1_000n,
    rules: rules(0n, 3_000n, "absolute", 250n, 30 * daySeconds),
  },
  {
    name: "caps.depositCap",
    kind: "amount",
    saferDirection: "lower",
    description: "Largest NAV the vault accepts deposits up to, in base-asset units (6 decimals)",
    value: 10_000_000n * baseUnit,
    rules: rules(0n, 1_000_000_000n * baseUnit, "absolute", 5_000_000n * baseUnit, daySeconds),
  },
  {
    name: "oracle.sequencerFeed",
    kind: "address",
    saferDirection: "none",
    description:
      "Chainlink L2 sequencer uptime feed (zero: none, as on L1): while it reports the sequencer down, and for oracle.sequencerGraceSec after it is back, no action prices (cash and in-kind exits stay open)",
    value: 0n,
    rules: rules(0n, 0n, "none", 0n, daySeconds),
  },
  {
    name: "oracle.sequencerGraceSec",
    kind: "seconds",
    saferDirection: "higher",
    description:
      "How long after the L2 sequencer comes back up the vault and its modules still refuse to price, while the feeds catch up",
    value: BigInt(hourSeconds),
    rules: rules(60n, BigInt(daySeconds), "relative", 5_000n, daySeconds),
  },
  {
    name: "oracle.maxDeviationBps",
    kind: "bps",
    saferDirection: "lower",
    description: "Largest gap between the DEX price and the oracle price the vault trades or takes deposits at",
    value: 200n,
    rules: rules(10n, 1_000n, "absolute", 100n, daySeconds),
  },
];

/** The longest registry symbol: the vault's keys (`oracle.maxStalenessSec.<SYMBOL>`) must fit in 31 characters, as
 * the vault checks (ParameterKeys.sol, MAX_SYMBOL_LENGTH). */
export const maxAssetSymbolLength = 8;

/** What a chain changes in the catalog: on an L2, its sequencer uptime feed and the grace period after it is back. */
export type ChainOracleSettings = {
  /** Chainlink's L2 sequencer uptime feed (none on L1). */
  sequencerFeed?: `0x${string}`;
  sequencerGraceSec?: bigint;
};

/**
 * The catalog as a chain starts from: `oracle.sequencerFeed` and `oracle.sequencerGraceSec` from the chain's address
 * book on an L2 (e.g. networks/base.ts `sequencerUptimeFeed`), the catalog's own values otherwise.
 * @example parameterCatalogFor({ sequencerFeed: "0xBCF8…6433", sequencerGraceSec: 3_600n })
 */
export function parameterCatalogFor(chain: ChainOracleSettings): ParameterSpec[] {
  const values: Record<string, bigint | undefined> = {
    "oracle.sequencerFeed": chain.sequencerFeed === undefined ? undefined : BigInt(chain.sequencerFeed),
    "oracle.sequencerGraceSec": chain.sequencerGraceSec,
  };
  return parameterCatalog.map((spec) => {
    const value = values[spec.name];
    if (value === undefined) return spec;
    const { min, max } = spec.rules;
    if (spec.kind !== "address" && (value < min || value > max))
      throw new Error(`${spec.name} ${value} is outside its rules (${min} to ${max})`);
    return { ...spec, value };
  });
}

/** A vault asset's settings: the base asset has a weight and a feed; a risk asset also a Uniswap V3 fee tier. */
export type VaultAssetSettings = {
  symbol: string;
  feed: `0x${string}`;
  /** The feed's heartbeat as its provider publishes it: the longest time between two answers. */
  heartbeatSec: bigint;
  /** The oldest answer the vault's actions accept; default: the heartbeat plus an hour. */
  maxStalenessSec?: bigint;
  /**
   * The bounds the feed's answers must stay strictly within, as USD prices with 18 decimals (an OCR aggregator clamps
   * its answers at its own minAnswer and maxAnswer); default: none (0 and $10^12).
   */
  minAnswerWad?: bigint;
  maxAnswerWad?: bigint;
  weightBps: bigint;
  /** Uniswap V3 fee tier of its pool against the base asset, in hundredths of a bip (3000 = 0.3%). */
  poolFee?: number;
};

/** The grace past a feed's heartbeat that `oracle.maxStalenessSec.<SYMBOL>` starts from (a cash exit's floor too). */
const stalenessGraceSec = BigInt(hourSeconds);

/** The highest `oracle.maxAnswer.<SYMBOL>`: a trillion dollars, as an 18-decimal USD price. */
export const answerCeilingWad = 10n ** 30n;

/**
 * The registry parameters of the vault's assets: `weight.<SYMBOL>`, `feed.<SYMBOL>`, `heartbeat.<SYMBOL>`,
 * `oracle.maxStalenessSec.<SYMBOL>`, `oracle.minAnswer.<SYMBOL>`, `oracle.maxAnswer.<SYMBOL>`, `poolFee.<SYMBOL>`.
 */
export function vaultAssetParameters(assets: readonly VaultAssetSettings[]): ParameterSpec[] {
  for (const { symbol } of assets) {
    if (symbol.length > maxAssetSymbolLength)
      throw new Error(
        `Asset symbol "${symbol}" is ${symbol.length} characters long; the limit is ${maxAssetSymbolLength} (oracle.maxStalenessSec.${symbol} must fit a registry key)`,
      );
  }
  return assets.flatMap((a): ParameterSpec[] => [
    {
      name: `weight.${a.symbol}`,
      kind: "bps",
      saferDirection: "none",
      description: `Target share of NAV held in ${a.symbol}`,
      value: a.weightBps,
      rules: rules(0n, 10_000n, "absolute", 1_000n, daySeconds),
    },
    {
      name: `feed.${a.symbol}`,
      kind: "address",
      saferDirection: "none",
      description: `Chainlink-compatible ${a.symbol}/USD price feed`,
      value: BigInt(a.feed),
      rules: rules(0n, 0n, "none", 0n, daySeconds),
    },
    {
      name: `heartbeat.${a.symbol}`,
      kind: "seconds",
      // It describes the feed, as its address does: no direction de-risks it, so the guardian cannot move it.
      saferDirection: "none",
      description: `Heartbeat of the ${a.symbol}/USD feed: the longest time between two of its answers, as its provider publishes it (cash exits accept answers up to this plus 1h old)`,
      value: a.heartbeatSec,
      rules: rules(60n, BigInt(2 * daySeconds), "none", 0n, daySeconds),
    },
    {
      name: `oracle.maxStalenessSec.${a.symbol}`,
      kind: "seconds",
      saferDirection: "lower",
      description: `Oldest ${a.symbol}/USD answer the vault and its modules act on (cash exits on at least heartbeat.${a.symbol} plus 1h)`,
      value: a.maxStalenessSec ?? a.heartbeatSec + stalenessGraceSec,
      rules: rules(60n, BigInt(3 * daySeconds), "relative", 5_000n, daySeconds),
    },
    {
      name: `oracle.minAnswer.${a.symbol}`,
      kind: "amount",
      // Like the heartbeat, the bounds describe the feed (its aggregator's clamp): the guardian cannot move them, so
      // they cannot close cash exits.
      saferDirection: "none",
      description: `Lowest ${a.symbol}/USD answer, as a USD price: an answer at or below it may be the aggregator's clamp and prices nothing`,
      value: a.minAnswerWad ?? 0n,
      rules: rules(0n, answerCeilingWad, "none", 0n, daySeconds),
    },
    {
      name: `oracle.maxAnswer.${a.symbol}`,
      kind: "amount",
      saferDirection: "none",
      description: `Highest ${a.symbol}/USD answer, as a USD price: an answer at or above it may be the aggregator's clamp and prices nothing`,
      value: a.maxAnswerWad ?? answerCeilingWad,
      rules: rules(1n, answerCeilingWad, "none", 0n, daySeconds),
    },
    ...(a.poolFee === undefined
      ? []
      : [
          {
            name: `poolFee.${a.symbol}`,
            kind: "amount",
            saferDirection: "none",
            description: `Fee tier of the Uniswap V3 ${a.symbol} pool the vault trades in (3000 = 0.3%)`,
            value: BigInt(a.poolFee),
            rules: rules(100n, 10_000n, "none", 0n, daySeconds),
          } satisfies ParameterSpec,
        ]),
  ]);
}
