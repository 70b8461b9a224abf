/**
 * A deployed stack as the proposal tools see it, shared by the CLI and the web app's server: the clients, the
 * addresses, the base asset and the registry snapshot; and from it a proposal's impact simulation request (the
 * chain's start point, the feeds' history, a calibrated market). Browser-safe (the draft page uses it): the dry run,
 * which forks the chain in Node, is dryRunProposal.ts's.
 */
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  erc20Abi,
  type Abi,
  type Address,
  type PublicClient,
  type Transport,
} from "viem";
import { portfolioVaultAbi } from "../abis/contracts.ts";
import { stackAbi } from "./abis.ts";
import { readStartPoint } from "../../sim/chain.ts";
import { readPriceHistory, type PriceHistoryProgress } from "../../sim/history.ts";
import { priceHistoryFromTable, type PriceHistoryTable } from "../../sim/historyFile.ts";
import type { LogScanProgress } from "../logScan.ts";
import { calibrateGbm } from "../../sim/market/calibrate.ts";
import type { StressScenarioName } from "../../sim/market/stress.ts";
import type { PriceHistory } from "../../sim/market/types.ts";
import { modelParameterNames } from "../../sim/model/params.ts";
import { fittedComparisonKinds } from "../../sim/comparisonModels.ts";
import {
  checkDriftChoice,
  defaultDrift,
  defaultMarketModel,
  defaultMaxPaths,
  defaultRiskFreePerYear,
  simulationDefaults,
} from "../../sim/runSettings.ts";
import type { SimulationRequest } from "../../sim/simulate.ts";
import type { CheckResult } from "./check.ts";
import type { ProposalDraft } from "./proposalFile.ts";
import { readRegistrySnapshot } from "./registry.ts";
import { readOnchainProposal, type OnchainProposal } from "./onchain.ts";
import { proposalSeeds } from "./seed.ts";

/** The contracts of a deployment record the proposal tools use. */
export type StackContracts = {
  TrimtabToken?: Address;
  ParameterRegistry?: Address;
  TrimtabGovernor?: Address;
  PortfolioVault?: Address;
  TimelockController?: Address;
  CollateralManager?: Address;
  HedgeModule?: Address;
  ProposalGuard?: Address;
};

export type Stack = Awaited<ReturnType<typeof connectStack>>;

/** What a long read reports as it goes: a log scan's ranges, or the feeds' rounds read for the price history. */
export type StackProgress = ({ kind: "logs" } & LogScanProgress) | ({ kind: "history" } & PriceHistoryProgress);

/** Options of a stack beyond its addresses. */
export type StackOptions = {
  /**
   * Where the chain answers JSON-RPC over HTTP, which a fork for the dry run needs: by default an http transport's own
   * URL.
   */
  rpcUrl?: string;
  /** The block before the deployment (the record's `startBlock`): log scans start there, not at block 0. */
  startBlock?: bigint;
  /** A price history file the user gave (sim/historyFile.ts), to calibrate on instead of the feeds' history. */
  historyFile?: { name: string; table: PriceHistoryTable };
  /** Told of long reads as they go (the CLI prints them on stderr). */
  onProgress?: (progress: StackProgress) => void;
};

/** One line saying how far a long read is, for a terminal. */
export function describeProgress(progress: StackProgress): string {
  if (progress.kind === "logs") {
    const percent = progress.totalBlocks === 0n ? 100n : (progress.scannedBlocks * 100n) / progress.totalBlocks;
    return (
      `scanning ${progress.label} logs: ${progress.scannedBlocks} of ${progress.totalBlocks} blocks ` +
      `(${percent}%), ${progress.logs} found`
    );
  }
  return `reading the ${progress.symbol} feed's rounds (phase ${progress.phaseId}): ${progress.calls} calls (at most ${progress.maxCalls})`;
}

/** Connects to the stack of `contracts` over `transport`; `source` names the record in errors. */
export async function connectStack(
  transport: Transport,
  contracts: StackContracts,
  source: string,
  options: StackOptions = {},
) {
  const rpcUrl = options.rpcUrl ?? httpUrlOf(transport);
  const publicClient = createPublicClient({ transport }) as PublicClient;
  const { ParameterRegistry: registry, TrimtabGovernor: governor, PortfolioVault: vault } = contracts;
  if (!registry || !governor || !vault) throw new Error(`${source}: the record lacks the registry, governor or vault`);
  const base = await publicClient.readContract({
    address: vault,
    abi: portfolioVaultAbi,
    functionName: "asset",
  });
  const [symbol, decimals] = await Promise.all([
    publicClient.readContract({ address: base, abi: erc20Abi, functionName: "symbol" }),
    publicClient.readContract({ address: base, abi: erc20Abi, functionName: "decimals" }),
  ]);
  const readSnapshot = () => readRegistrySnapshot(publicClient, { registry, governor }, { symbol, decimals });
  return {
    contracts,
    source,
    transport,
    publicClient,
    registry,
    governor,
    vault,
    base,
    readSnapshot,
    ...options,
    rpcUrl,
  };
}

/**
 * Proposal `id` as the governor recorded it, its `ProposalCreated` log searched from the stack's start block (in
 * bounded ranges, with progress); `createdAt`, the block it was proposed in when known, spares the search.
 */
export function readStackProposal(stack: Stack, id: bigint, createdAt?: bigint): Promise<OnchainProposal> {
  const { onProgress } = stack;
  return readOnchainProposal(stack.publicClient, stack.governor, id, createdAt, {
    ...(stack.startBlock === undefined ? {} : { fromBlock: stack.startBlock }),
    ...(onProgress ? { onProgress: (progress) => onProgress({ kind: "logs", ...progress }) } : {}),
  });
}

/** The URL of an http transport (viem's `http(url)`), else undefined. */
function httpUrlOf(transport: Transport): string | undefined {
  const { config, value } = transport({});
  return config.type === "http" && typeof value?.url === "string" ? value.url : undefined;
}

/** Daily feed prices the market calibration needs (30 returns). */
export const minimumHistoryDays = 31;

/**
 * The market and start point a simulation of this chain starts from (no proposal in it yet): at the latest block, or
 * at `blockNumber` (to reproduce a report made then).
 */
export async function simulationBase(
  stack: Stack,
  options: { blockNumber?: bigint } = {},
): Promise<Omit<SimulationRequest, "changes"> & { history: PriceHistory }> {
  const start = await readStartPoint(stack.publicClient, stack.vault, options);
  const { onProgress, historyFile } = stack;
  const history = historyFile
    ? priceHistoryFromTable(historyFile.table, start.setup.symbols, historyFile.name)
    : await readPriceHistory(stack.publicClient, stack.registry, start.setup.symbols, {
        ...options,
        ...(onProgress ? { onProgress: (progress) => onProgress({ kind: "history", ...progress }) } : {}),
      });
  if (history.pricesUsd.length < minimumHistoryDays)
    throw new Error(
      historyFile
        ? `${historyFile.name} holds ${history.pricesUsd.length} daily prices; calibrating the market needs ` +
            `${minimumHistoryDays}`
        : `the feeds' history holds ${history.pricesUsd.length} daily prices; calibrating the market needs ` +
            `${minimumHistoryDays} (play a longer scenario: npm start -- --days 60, or give one: --history <file>)`,
    );
  return { start, history, market: calibrateGbm(history, { baseSymbol: start.setup.symbols[0] }) };
}

/**
 * The impact simulation of a checked proposal: its modelled changes on `base`, with the proposal's own simulation
 * settings (the drift zero unless it says otherwise) and the sensitivity of its headline differences to the drift;
 * and the changed parameters the model does not cover. The seed, and the second seed of the rerun beside it, are
 * derived from the proposal's changes and calls (sdk/proposal/seed.ts): a `simulation.seed` in the file is ignored.
 *
 * By default the report also carries the second kind of uncertainty, the comparison under each market model
 * (`uncertainty`: the calibrated GBM, the history's block bootstrap, and a Student-t, a GARCH(1,1) and the 3-regime
 * model fitted to the history, those the history is too short for left out with the reason; sim/comparisonModels.ts
 * fits them where the simulation runs, the web's Worker included). `simulation.maxPaths` turns the adaptive path
 * count on, up to that cap (`defaultMaxPaths` is the one we suggest).
 *
 * Throws, naming the setting, when the proposal sets the drift of an asset the vault does not hold
 * (`simulation.drift.<SYMBOL>`), or a fitted `simulation.marketModel` on a base without a history.
 */
export function impactRequest(
  base: Omit<SimulationRequest, "changes">,
  proposal: ProposalDraft,
  checked: CheckResult,
): { request: SimulationRequest; notSimulated: string[] } {
  const modelled = new Set(modelParameterNames(base.start.setup.symbols));
  const changes = Object.fromEntries(checked.changes.filter((c) => modelled.has(c.name)).map((c) => [c.name, c.after]));
  const settings = proposal.simulation;
  const drift = settings.drift ?? defaultDrift;
  try {
    checkDriftChoice(drift, base.start.setup.symbols);
  } catch (error) {
    throw new Error(`simulation.${(error as Error).message}`);
  }
  const marketModel = settings.marketModel ?? defaultMarketModel;
  if (marketModel !== "gbm" && !base.history)
    throw new Error(`simulation.marketModel: "${marketModel}" is fitted to the feeds' history, and there is none`);
  const notSimulated = checked.changes.filter((c) => !modelled.has(c.name)).map((c) => c.name);
  const paths = settings.paths ?? simulationDefaults.paths;
  const { seed, rerunSeed } = proposalSeeds({ changes: checked.changes, calls: proposal.calls });
  return {
    request: {
      ...base,
      changes,
      notModelled: notSimulated,
      paths,
      steps: settings.steps ?? simulationDefaults.steps,
      seed,
      rerunSeed,
      stress: (settings.stress ?? []) as StressScenarioName[],
      drift,
      riskFreePerYear: settings.riskFree ?? defaultRiskFreePerYear,
      sensitivity: {},
      uncertainty: {
        fitted: [...fittedComparisonKinds],
        ...(settings.uncertaintyPaths === undefined ? {} : { paths: settings.uncertaintyPaths }),
      },
      ...(settings.maxPaths === undefined ? {} : { adaptive: { maxPaths: settings.maxPaths } }),
      ...(marketModel === "gbm" ? {} : { marketModel }),
      ...(settings.poolGap && settings.poolGap.kind !== "aligned" ? { poolGap: settings.poolGap } : {}),
    },
    notSimulated,
  };
}
