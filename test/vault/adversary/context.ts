import {
  BaseError,
  ContractFunctionRevertedError,
  parseEventLogs,
  type Abi,
  type Address,
  type Hash,
  type Hex,
  type TransactionReceipt,
} from "viem";
import type { Random } from "../../../sim/random.ts";
import type { Connection } from "../../helpers/governance.ts";
import { revertName } from "../../helpers/revert.ts";
import type { VaultStack } from "../../helpers/vault.ts";

/** The invariants the suite checks after every step, by name (a violation names one of them). */
export const Invariant = {
  namedErrors: "actions fail only with named errors",
  exitInKind: "every holder can exit in kind",
  nav: "NAV equals the positions at oracle prices",
  roundTrip: "no actor's round trip gains",
  fees: "fees bounded",
  ltv: "LTV within its maximum",
  slippage: "rebalance trades within the slippage bound",
  erc4626: "EIP-4626 views",
  cashExitOpen: "cash exits open while every feed answers within its bounds and its exit's staleness",
} as const;

/** One broken promise, with what replays it. */
export type Finding = { seed: number; step: number; action: string; invariant: string; detail: string };

/**
 * A case the committed run leaves out because it is a real, reported violation waiting for a contract fix: the
 * sequence `seed` is stopped before `step` runs. Each entry names the violation it stands for.
 */
export type KnownViolation = { seed: number; step: number; invariant: string; reason: string };

export type Symbol = "USDC" | "WETH" | "WBTC";
export const symbols: readonly Symbol[] = ["USDC", "WETH", "WBTC"];
export const riskSymbols = ["WETH", "WBTC"] as const;
export const decimalsOf: Record<Symbol, number> = { USDC: 6, WETH: 18, WBTC: 8 };

/** The deployed stack the adversaries play on, with what the fixture adds (pools, the newcomer, the errors). */
export type AdversaryStack = VaultStack & {
  pools: Record<(typeof riskSymbols)[number], Address>;
  tokens: Record<Symbol, VaultStack["usdc"]>;
  /** Every custom error the vault, its modules, the registry and the lending oracle can revert with. */
  errorAbi: Abi;
  lltvBps: bigint;
  /** The L2 sequencer uptime feed the registry names (`oracle.sequencerFeed`): answer 0 up, 1 down. */
  sequencer: VaultStack["feeds"]["USDC"];
  /** Each module kind's two instances (the stack's first), between which governance repoints the registry. */
  modules: {
    collateral: readonly [VaultStack["collateralManager"], VaultStack["collateralManager"]];
    hedge: readonly [VaultStack["hedgeModule"], VaultStack["hedgeModule"]];
  };
};

/** What one sequence carries from step to step. */
export type Context = {
  connection: Connection;
  v: AdversaryStack;
  random: Random;
  seed: number;
  step: number;
  action: string;
  /** The market's "true" prices (8 decimals), which the feeds post when they work and the pools follow. */
  truth: Record<Symbol, bigint>;
  /** The trader's last push, to swap back. */
  lastPush?: { tokenIn: Address; tokenOut: Address; received: bigint };
  violations: Finding[];
  refused: Map<string, number>;
};

export const BPS = 10_000n;
export const YEAR = 31_536_000n;
/** Transactions carry their own gas limit: each was simulated just before, so no estimate is needed. */
export const GAS = 12_000_000n;

export function violation(ctx: Context, invariant: string, detail: string): void {
  ctx.violations.push({ seed: ctx.seed, step: ctx.step, action: ctx.action, invariant, detail });
}

/** A revert's decoded arguments, when it has any (for a violation's detail). */
export function revertArgs(error: unknown): string {
  if (!(error instanceof BaseError)) return "";
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  const args = reverted instanceof ContractFunctionRevertedError ? reverted.data?.args : undefined;
  return args && args.length > 0 ? `(${args.map(String).join(", ")})` : "";
}

/** The Solidity stack trace Hardhat attaches to a revert, where it has one (innermost frames first, up to four). */
export function solidityTrace(error: unknown): string {
  let text = "";
  for (let e: unknown = error; e instanceof Error; e = e.cause) text += `${e.message}\n${e.stack ?? ""}\n`;
  const frames = [
    ...new Set(
      text
        .split("\n")
        .filter((l) => /\.sol:\d+/.test(l))
        .map((l) => l.trim()),
    ),
  ];
  return frames.length > 0 ? ` [${frames.slice(0, 4).join("; ")}]` : "";
}

/** Errors an action may legitimately fail with, by action. */
const oracle = ["VaultOracleStale", "VaultOracleInvalid", "VaultOracleBelowMinAnswer", "VaultOracleAboveMaxAnswer"];
/** What an action other than a cash exit may also fail with on an L2: a cash exit never waits for the sequencer. */
const sequencer = ["VaultSequencerDown", "VaultSequencerGracePeriod"];
export const expected = {
  // Entries price at the pools too: one further than the deviation bound from its feed refuses them.
  deposit: [...oracle, ...sequencer, "VaultDepositsPaused", "VaultDepositCapExceeded", "VaultPoolPriceDeviates"],
  // A cash exit sells within its slippage bound, all or nothing: a pool pushed past it refuses the sale (the
  // redeemer can take their part in kind instead).
  cashExit: [
    ...oracle,
    "VaultZeroShares",
    "VaultExceededMaxRedeem",
    "VaultWithdrawShortfall",
    "Error(Too little received)",
  ],
  inKind: ["VaultZeroShares", "VaultExceededMaxRedeem"],
  rebalance: [
    ...oracle,
    ...sequencer,
    "VaultRebalancePaused",
    "VaultRebalanceTooSoon",
    "VaultRebalanceNotDue",
    "VaultRebalanceNoFill",
    "VaultPoolPriceDeviates",
  ],
  // A module the registry names while the one it replaced still unwinds cannot draw on the vault yet.
  collateral: [
    ...oracle,
    ...sequencer,
    "CollateralNothingDue",
    "OracleInvalidAnswer",
    "Error(insufficient liquidity)",
    "VaultNotModule",
  ],
  hedge: [
    ...oracle,
    ...sequencer,
    "HedgeNothingDue",
    "VaultNotModule",
    "OracleInvalidAnswer",
    "VaultPoolPriceDeviates",
    "Error(insufficient liquidity)",
  ],
  accrue: [...oracle, ...sequencer],
  tighten: [
    "ParameterNotDeRisking",
    "ParameterStepTooLarge",
    "ParameterUpdatedTooSoon",
    "ParameterBelowMin",
    "ParameterAboveMax",
    "ParameterUnchanged",
    "RegistryGuardianExpired",
  ],
  govern: [
    "ParameterAlreadyUpdated",
    "ParameterStepTooLarge",
    "ParameterUpdatedTooSoon",
    "ParameterBelowMin",
    "ParameterAboveMax",
    "ParameterUnchanged",
  ],
  trade: [] as string[],
} as const;

/** How a transaction's fee accrual is checked: against NAV before it (entries and exits accrue first), after it
 * (a module's manage() accrues last), or not at all. */
export type FeeTiming = "before" | "after" | "none";

type FeeState = { supply: bigint; lastAccrual: bigint; highWaterMark: bigint; nav: bigint; managementBps: bigint };

async function feeState(ctx: Context): Promise<FeeState> {
  const { vault, registry } = ctx.v;
  const [supply, lastAccrual, highWaterMark, nav, managementBps] = await Promise.all([
    vault.read.totalSupply(),
    vault.read.lastFeeAccrualAt(),
    vault.read.highWaterMarkWad(),
    vault.read.totalAssets(),
    registry.read.valueOf([managementKey]),
  ]);
  return { supply, lastAccrual: BigInt(lastAccrual), highWaterMark, nav, managementBps };
}
const managementKey = `0x${Buffer.from("fees.managementBps").toString("hex").padEnd(64, "0")}` as Hex;

/** The vault's share price in wad for `nav` and `supply`, as the contract computes it (12-decimal shares). */
export function sharePriceWad(nav: bigint, supply: bigint): bigint {
  return ((nav + 1n) * 10n ** 24n) / (supply + 10n ** 6n);
}

/**
 * Management shares minted by one accrual stay within the yearly rate for the time since the last one; performance
 * shares are minted only when the share price after the management fee is above the high-water mark.
 */
async function checkFees(ctx: Context, before: FeeState, receipt: TransactionReceipt, timing: FeeTiming) {
  const accruals = parseEventLogs({ abi: ctx.v.vault.abi, logs: receipt.logs, eventName: "FeesAccrued" });
  if (accruals.length === 0) return;
  const publicClient = await ctx.connection.viem.getPublicClient();
  const [{ timestamp }, navAfter] = await Promise.all([
    publicClient.getBlock({ blockNumber: receipt.blockNumber }),
    timing === "after" ? ctx.v.vault.read.totalAssets() : Promise.resolve(before.nav),
  ]);
  for (const { args } of accruals) {
    const feeTime = before.managementBps * (timestamp - before.lastAccrual);
    const bound = (before.supply * feeTime) / (BPS * YEAR - feeTime);
    if (args.managementShares > bound) {
      violation(ctx, Invariant.fees, `management shares ${args.managementShares} > ${bound} for ${feeTime} bps·s`);
    }
    if (args.performanceShares > 0n) {
      // NAV as the accrual saw it, up to a second of interest on the lending positions: a relative slack of 1e-9.
      const price = sharePriceWad(navAfter, before.supply + args.managementShares);
      if (price * 1_000_000_000n <= before.highWaterMark * 999_999_999n) {
        violation(
          ctx,
          Invariant.fees,
          `performance shares ${args.performanceShares} at a price ${price} not above the mark ${before.highWaterMark}`,
        );
      }
    }
  }
}

/** A call that may revert: simulated first, then sent when the simulation passed. */
export type Attempt = {
  simulate: () => Promise<unknown>;
  write: () => Promise<Hash>;
  expected: readonly string[];
  fees?: FeeTiming;
};

/**
 * Simulates the call; a revert with one of its expected errors counts as refused, any other revert is a violation.
 * Otherwise sends it and checks its fee accruals. Returns the receipt, or undefined when it did not run.
 */
export async function attempt(ctx: Context, a: Attempt): Promise<TransactionReceipt | undefined> {
  const timing = a.fees ?? "none";
  let before: FeeState | undefined;
  try {
    [, before] = await Promise.all([a.simulate(), timing === "none" ? undefined : feeState(ctx)]);
  } catch (error) {
    refuse(ctx, error, a.expected);
    return undefined;
  }
  let receipt: TransactionReceipt;
  try {
    const publicClient = await ctx.connection.viem.getPublicClient();
    receipt = await publicClient.waitForTransactionReceipt({ hash: await a.write() });
  } catch (error) {
    // Simulated at the previous block: a second later the answer may have gone stale.
    refuse(ctx, error, a.expected);
    return undefined;
  }
  if (receipt.status !== "success") {
    violation(ctx, Invariant.namedErrors, `simulated, then reverted on chain without a reason`);
    return undefined;
  }
  if (before) await checkFees(ctx, before, receipt, timing);
  return receipt;
}

/** Records a refusal, or a violation when the revert is not one the action may fail with. */
export function refuse(ctx: Context, error: unknown, allowed: readonly string[]): string {
  const name = revertName(error, ctx.v.errorAbi);
  if (allowed.includes(name)) {
    const key = `${ctx.action}: ${name}`;
    ctx.refused.set(key, (ctx.refused.get(key) ?? 0) + 1);
  } else {
    violation(ctx, Invariant.namedErrors, `reverted with ${name}${revertArgs(error)}${solidityTrace(error)}`);
  }
  return name;
}
