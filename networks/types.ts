/**
 * The address book of one network: every external contract Trimtab's deployment needs there (tokens, Chainlink
 * feeds, the L2 sequencer feed, Uniswap V3, Morpho Blue and its markets), each entry naming where it is published.
 * Real networks' books are written by hand (networks/mainnet.ts, base.ts, arbitrum.ts); the devnet's is built from
 * its deployment record (networks/devnet.ts). validateAddressBook (networks/validate.ts) checks either kind.
 */
import type { Address, Hex } from "viem";

/** Where an entry is published: a URL or a repository path (`owner/repo/path`), never empty. */
export type Source = { source: string };

/** The interface a Uniswap V3 swap router exposes; they differ in `exactInputSingle`'s struct. */
export type SwapRouterInterface =
  /** v3-periphery's SwapRouter: ExactInputSingleParams has a `deadline` field. */
  | "SwapRouter"
  /** swap-router-contracts' SwapRouter02: ExactInputSingleParams has no `deadline` (use `multicall(deadline, …)`). */
  | "SwapRouter02";

/** A Chainlink-style USD price feed proxy (AggregatorV3Interface). */
export type FeedEntry = Source & {
  address: Address;
  /** The pair the feed answers, as its provider names it ("ETH / USD"); may differ from the asset (WBTC → BTC / USD). */
  pair: string;
  decimals: number;
  /** The longest time between two answers, as the provider publishes it. Required on live networks. */
  heartbeatSec?: number;
  /** The price move that triggers an answer, in bps, when the provider publishes it. */
  deviationBps?: number;
};

/** A token the vault holds, with the feed that prices it in USD. */
export type AssetEntry = Source & {
  symbol: string;
  address: Address;
  decimals: number;
  feed: FeedEntry;
};

/** Chainlink's L2 sequencer uptime feed (answer 0 = up, 1 = down) and the grace period to wait after it comes back. */
export type SequencerUptimeFeedEntry = Source & { address: Address; gracePeriodSec: number };

export type ContractEntry = Source & { address: Address };

/** A Uniswap V3 pool the vault trades a risk asset through: the pair (by symbol), its fee tier and its address. */
export type PoolEntry = Source & {
  /** Symbols of the pool's two tokens, as in the book's assets (order free). */
  tokens: readonly [string, string];
  /** Fee tier in hundredths of a bp (500 = 0.05%). */
  fee: number;
  address: Address;
};

/** A Morpho Blue market to borrow the base asset against a risk asset. */
export type MorphoMarketEntry = Source & {
  /** The risk asset's symbol used as collateral. */
  collateral: string;
  /** keccak256(abi.encode(loanToken, collateralToken, oracle, irm, lltv)). Required on live networks. */
  id?: Hex;
  loanToken: Address;
  collateralToken: Address;
  oracle: Address;
  irm: Address;
  /** Liquidation LTV as a wad (1e18 = 100%), as a decimal string. */
  lltv: string;
};

/**
 * Which interest rate model a Morpho Blue market uses: Morpho's AdaptiveCurveIrm (morpho-org/morpho-blue-irm, the
 * IRM of every market on the live networks) or Morpho Blue's IrmMock (the devnet's: the yearly rate is utilization).
 */
export type IrmKind = "adaptiveCurve" | "irmMock";

/** What kind of network a book describes: what the validator requires of it follows from this. */
export type NetworkKind =
  /** A live L1: every entry, heartbeats, QuoterV2, the pool init code hash and market ids. */
  | "l1"
  /** A live L2: as an L1, and the sequencer uptime feed. */
  | "l2"
  /** A local devnet: what the devnet deploys; no QuoterV2 or sequencer feed. */
  | "devnet";

export type AddressBook = {
  chainId: number;
  /** The network's name, as in deployments/<name>.json and hardhat.config.ts. */
  name: string;
  kind: NetworkKind;
  /** The asset the vault is denominated in and borrows (USDC). */
  baseAsset: AssetEntry;
  /** The assets the vault invests in (ETH, BTC). */
  riskAssets: readonly AssetEntry[];
  /** Live L2s only. */
  sequencerUptimeFeed?: SequencerUptimeFeedEntry;
  uniswap: {
    factory: ContractEntry;
    swapRouter: ContractEntry & { interface: SwapRouterInterface };
    /** Required on live networks; the devnet deploys none. */
    quoterV2?: ContractEntry;
    positionManager: ContractEntry;
    /** keccak256 of UniswapV3Pool's creation code: pool addresses follow from it (CREATE2). */
    poolInitCodeHash?: Source & { hash: Hex };
    /** One pool per risk asset, against the base asset. */
    pools: readonly PoolEntry[];
  };
  morpho: {
    morpho: ContractEntry;
    /** The interest rate model every market uses, and which it is (the simulator models each kind's rate). */
    irm: ContractEntry & { kind: IrmKind };
    /** One market per risk asset: the base asset lent against it. */
    markets: readonly MorphoMarketEntry[];
  };
};

/** One thing wrong with a book: the field's path (`riskAssets[0].feed.address`) and what is wrong. */
export type AddressBookProblem = { path: string; message: string };

/**
 * What validateAddressBook finds: `errors` make the book unusable (or incomplete); `warnings` are facts the deployment
 * must handle (e.g. a swap router whose interface the vault does not call).
 */
export type AddressBookReport = { errors: AddressBookProblem[]; warnings: AddressBookProblem[] };
