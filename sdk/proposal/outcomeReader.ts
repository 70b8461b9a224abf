/**
 * Reads what a proposal's outcome is measured from (outcome.ts does the math): the proposal and what the vault did
 * since its execution from the subgraph; share prices, the modules' LTV and hedge ratio, the feeds' prices and the
 * start points of the replays from the chain; and the impact report its description cites, reproduced from the chain
 * at the cited block (or given, when its hash is the cited one). Node (the CLI, the web app's server): the report is
 * reproduced in this process.
 */
import { formatUnits, type Address, type Hex, type PublicClient } from "viem";
import {
  aggregatorV3Abi,
  collateralManagerAbi,
  hedgeModuleAbi,
  portfolioVaultAbi,
  parameterRegistryAbi,
} from "../abis/contracts.ts";
import { parameterKey } from "../../parameters/parameterKey.ts";
import { graphqlRequest } from "../graphql.ts";
import { readStartPoint } from "../../sim/chain.ts";
import { readPriceHistory } from "../../sim/history.ts";
import { runBacktest, type BacktestRun } from "../../sim/backtest.ts";
import { predictAtHorizon } from "../../sim/horizon.ts";
import { verifyReport, type ImpactReport } from "../../sim/report.ts";
import { readStackProposal, type Stack } from "./deployed.ts";
import { decodeOnchainProposal, reportCitationOf } from "./onchain.ts";
import { impactAsSubmitted } from "./review.ts";
import {
  calibrationTable,
  measureOutcome,
  minimumOutcomeDays,
  type CalibrationTable,
  type ProposalOutcomeResult,
  type ReplayNumbers,
  type UnmeasuredOutcome,
} from "./outcome.ts";

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** Where an outcome is read from: the chain (a connected stack) and the subgraph's GraphQL URL. */
export type OutcomeSource = { stack: Stack; graphqlUrl: string; fetch?: Fetch };

/**
 * Cited reports already reproduced, by content hash: a reader uses the one a proposal cites (checked as a given report
 * is) instead of simulating it again, and adds each report it reproduces. A report depends only on the chain at its
 * block, so a server keeps one across requests (bounded as it likes).
 */
export type ReportCache = Map<string, ImpactReport>;

/** What a reader may be given: the cited report at hand, or a cache of reproduced reports. */
export type OutcomeOptions = { report?: ImpactReport; reports?: ReportCache };

/** Thrown when the proposal asked for is not in the subgraph. */
export class UnknownProposalError extends Error {
  override name = "UnknownProposalError";
}

const day = 86_400;

type SubgraphProposal = {
  proposalId: string;
  title: string;
  description: string;
  state: string;
  createdBlockNumber: string;
  stateChanges: { state: string; blockNumber: string; timestamp: string }[];
};

const proposalFields = `proposalId title description state createdBlockNumber
  stateChanges(where: { state: "Executed" }) { state blockNumber timestamp }`;

/** What the vault did between two blocks (after `from`, up to and including `to`), as the subgraph holds it. */
type Activity = {
  rebalances: { id: string }[];
  trades: { amountIn: string; amountOut: string; isSell: boolean; rebalance: { id: string } | null }[];
  hedgeActions: { action: string; amount: string; blockNumber: string; timestamp: string }[];
  feeAccruals: { managementAssets: string; performanceAssets: string }[];
};

const activityQuery = `query ($from: BigInt!, $to: BigInt!) {
  rebalances(first: 1000, where: { blockNumber_gt: $from, blockNumber_lte: $to }) { id }
  trades(first: 1000, where: { blockNumber_gt: $from, blockNumber_lte: $to }) { amountIn amountOut isSell rebalance { id } }
  hedgeActions(first: 1000, where: { blockNumber_gt: $from, blockNumber_lte: $to }) { action amount blockNumber timestamp }
  feeAccruals(first: 1000, where: { blockNumber_gt: $from, blockNumber_lte: $to }) { managementAssets performanceAssets }
}`;

/** The hedge actions that trade (sell the shorted asset, or buy it back); a release repays in kind. */
const tradingHedgeActions = new Set(["Increase", "Decrease", "Deleverage"]);

/** The last block at or before `seconds`, between blocks `low` (at or before it) and `high`. */
async function blockAtOrBefore(client: PublicClient, seconds: number, low: bigint, high: bigint): Promise<bigint> {
  const timeOf = async (blockNumber: bigint) => Number((await client.getBlock({ blockNumber })).timestamp);
  if ((await timeOf(high)) <= seconds) return high;
  while (high - low > 1n) {
    const middle = (low + high) / 2n;
    if ((await timeOf(middle)) <= seconds) low = middle;
    else high = middle;
  }
  return low;
}

/** The feeds' price of asset `index` in the base asset (index 0) at `blockNumber`, as the vault reads them. */
async function priceInBase(
  client: PublicClient,
  registry: Address,
  symbols: readonly string[],
  index: number,
  blockNumber: bigint,
): Promise<number> {
  const usd = async (symbol: string) => {
    const feed = await client.readContract({
      address: registry,
      abi: parameterRegistryAbi,
      functionName: "getAddress",
      args: [parameterKey(`feed.${symbol}`)],
      blockNumber,
    });
    const [decimals, round] = await Promise.all([
      client.readContract({ address: feed, abi: aggregatorV3Abi, functionName: "decimals", blockNumber }),
      client.readContract({ address: feed, abi: aggregatorV3Abi, functionName: "latestRoundData", blockNumber }),
    ]);
    return Number(formatUnits(round[1], decimals));
  };
  return (await usd(symbols[index]!)) / (await usd(symbols[0]!));
}

const unmeasured = (
  p: Pick<SubgraphProposal, "proposalId" | "title">,
  reason: UnmeasuredOutcome["reason"],
  message: string,
): UnmeasuredOutcome => ({ status: "unmeasured", proposalId: p.proposalId, title: p.title, reason, message });

/**
 * Proposal `proposalId`'s outcome since its execution against its cited impact report (see outcome.ts), or why it
 * has none: not executed, no report cited, fewer than `minimumOutcomeDays` whole days since execution, a report that
 * does not reproduce, or one the horizon cannot be read from. Throws `UnknownProposalError` when the subgraph does not
 * know the proposal. `options.report`: the cited report, when at hand (checked against the cited hash), saves its
 * simulation; so does `options.reports`, a {@link ReportCache}.
 */
export async function readProposalOutcome(
  source: OutcomeSource,
  proposalId: bigint,
  options: OutcomeOptions = {},
): Promise<ProposalOutcomeResult> {
  const { stack, graphqlUrl } = source;
  const fetchFn = source.fetch ?? fetch;
  const { proposals } = await graphqlRequest<{ proposals: SubgraphProposal[] }>(
    fetchFn,
    graphqlUrl,
    `query ($id: BigInt!) { proposals(where: { proposalId: $id }) { ${proposalFields} } }`,
    { id: proposalId.toString() },
  );
  const proposal = proposals[0];
  if (!proposal) throw new UnknownProposalError(`proposal ${proposalId} is not in the subgraph at ${graphqlUrl}`);
  return outcomeOf(source, proposal, fetchFn, options);
}

async function outcomeOf(
  { stack, graphqlUrl }: OutcomeSource,
  proposal: SubgraphProposal,
  fetchFn: Fetch,
  options: OutcomeOptions,
): Promise<ProposalOutcomeResult> {
  const id = proposal.proposalId;
  const executed = proposal.stateChanges.find((c) => c.state === "Executed");
  if (proposal.state !== "Executed" || !executed)
    return unmeasured(
      proposal,
      "not-executed",
      `proposal ${id} is ${proposal.state}, not executed: its outcome is measured from its execution`,
    );
  const cited = reportCitationOf(proposal.description);
  if (!cited)
    return unmeasured(
      proposal,
      "no-cited-report",
      `proposal ${id}'s description cites no impact report ("Impact report: 0x… (block N)"): there is no prediction to measure against`,
    );
  const client = stack.publicClient;
  const executionBlock = BigInt(executed.blockNumber);
  const executionSeconds = Number(executed.timestamp);
  const head = await client.getBlock();
  const days = Math.floor((Number(head.timestamp) - executionSeconds) / day);
  if (days < minimumOutcomeDays)
    return unmeasured(
      proposal,
      "too-few-days",
      `proposal ${id} was executed ${days} whole day${days === 1 ? "" : "s"} ago; an outcome needs ${minimumOutcomeDays}`,
    );

  // The cited report: given (or reproduced before) and matching, or reproduced from the chain at the cited block.
  const createdBlock = BigInt(proposal.createdBlockNumber);
  const reportBlock = cited.blockNumber ?? createdBlock - 1n;
  let report = options.report ?? options.reports?.get(cited.hash);
  if (report && (report.contentHash !== cited.hash || !verifyReport(report)))
    return unmeasured(
      proposal,
      "report-not-reproduced",
      `the report given (${report.contentHash}) is not the one proposal ${id} cites (${cited.hash}), or its hash does not match its content`,
    );
  if (!report) {
    const onchain = await readStackProposal(stack, BigInt(id), createdBlock);
    const draft = decodeOnchainProposal(onchain, stack.registry, await stack.readSnapshot(), stack.contracts);
    report = (await impactAsSubmitted(stack, { name: `proposal ${id}`, proposal: draft }, reportBlock)).impact;
    if (report.contentHash !== cited.hash)
      return unmeasured(
        proposal,
        "report-not-reproduced",
        `proposal ${id} cites impact report ${cited.hash} of block ${reportBlock}, but the simulation from that block ` +
          `gives ${report.contentHash} (another engine version, or a report made with other settings)`,
      );
    options.reports?.set(report.contentHash, report);
  }
  let predicted;
  try {
    predicted = predictAtHorizon(report, days);
  } catch (error) {
    return unmeasured(proposal, "unsupported", `proposal ${id}: ${(error as Error).message}`);
  }

  // Each whole day since execution: its last block, the share price then.
  const blocks: bigint[] = [executionBlock];
  for (let k = 1; k <= days; k++)
    blocks.push(await blockAtOrBefore(client, executionSeconds + k * day, blocks[k - 1]!, head.number));
  const vaultRead = { address: stack.vault, abi: portfolioVaultAbi } as const;
  const sharePrices = await Promise.all(
    blocks.map(async (blockNumber) =>
      Number(formatUnits(await client.readContract({ ...vaultRead, functionName: "sharePriceWad", blockNumber }), 18)),
    ),
  );
  const horizonBlock = blocks[days]!;

  // The replays start from the vault just after execution, with the parameters then and the block before.
  const after = await readStartPoint(client, stack.vault, { blockNumber: executionBlock });
  const before = await readStartPoint(client, stack.vault, { blockNumber: executionBlock - 1n });
  const { setup } = after;
  const baseDecimals = setup.decimals[0]!;
  const navs = await Promise.all(
    blocks.map(async (blockNumber) =>
      Number(
        formatUnits(
          await client.readContract({ ...vaultRead, functionName: "totalAssets", blockNumber }),
          baseDecimals,
        ),
      ),
    ),
  );
  const navAtExecution = navs[0]!;
  const history = await readPriceHistory(client, stack.registry, setup.symbols, {
    fromSeconds: executionSeconds,
    stepSeconds: day,
    blockNumber: head.number,
  });
  const rows = days + 1;
  const realizedHistory = {
    symbols: history.symbols,
    timestamps: history.timestamps.slice(0, rows),
    pricesUsd: history.pricesUsd.slice(0, rows),
  };
  const replay = runBacktest({
    setup,
    state: after.state,
    pricesUsd: after.pricesUsd,
    params: { current: before.params, proposed: after.params },
    history: realizedHistory,
  });
  const replayNumbers = (run: BacktestRun): ReplayNumbers => ({
    growth: run.sharePrice[days]! / run.sharePrice[0]!,
    rebalances: run.metrics.rebalances,
    turnover: run.metrics.turnover,
    fees: run.metrics.feesBase / run.nav[0]!,
  });

  // What the vault did: rebalances, their trades and the hedge's (valued at the day's price), fees.
  const activity = await graphqlRequest<Activity>(fetchFn, graphqlUrl, activityQuery, {
    from: executionBlock.toString(),
    to: horizonBlock.toString(),
  });
  const base = (wei: string) => Number(formatUnits(BigInt(wei), baseDecimals));
  const rebalanceTraded = activity.trades
    .filter((t) => t.rebalance !== null)
    .reduce((sum, t) => sum + base(t.isSell ? t.amountOut : t.amountIn), 0);
  const hedged = setup.hedge?.assetIndex;
  let hedgeTraded = 0;
  if (hedged !== undefined)
    for (const a of activity.hedgeActions.filter((a) => tradingHedgeActions.has(a.action))) {
      const amount = Number(formatUnits(BigInt(a.amount), setup.decimals[hedged]!));
      hedgeTraded += amount * (await priceInBase(client, stack.registry, setup.symbols, hedged, BigInt(a.blockNumber)));
    }
  const fees = activity.feeAccruals.reduce((sum, f) => sum + base(f.managementAssets) + base(f.performanceAssets), 0);
  const moduleAt = async (name: "module.collateral" | "module.hedge") => {
    const address = await client.readContract({
      address: stack.registry,
      abi: parameterRegistryAbi,
      functionName: "getAddress",
      args: [parameterKey(name)],
      blockNumber: horizonBlock,
    });
    return /^0x0{40}$/.test(address) ? undefined : address;
  };
  // The modules at the horizon, as their own getters give them (in bps).
  const atHorizon = { blockNumber: horizonBlock } as const;
  const collateralManager = setup.collateral ? await moduleAt("module.collateral") : undefined;
  const hedgeModule = setup.hedge ? await moduleAt("module.hedge") : undefined;
  const ltvBps = collateralManager
    ? await client.readContract({
        address: collateralManager,
        abi: collateralManagerAbi,
        functionName: "ltvBps",
        ...atHorizon,
      })
    : undefined;
  const delta = hedgeModule
    ? await client.readContract({ address: hedgeModule, abi: hedgeModuleAbi, functionName: "netDelta", ...atHorizon })
    : undefined;
  const ltv = ltvBps === undefined ? null : Number(ltvBps) / 10_000;
  const hedgeRatio = delta === undefined ? null : Number(delta[3]) / 10_000;

  return measureOutcome({
    proposalId: id,
    title: proposal.title,
    report: {
      hash: report.contentHash as Hex,
      blockNumber: reportBlock.toString(),
      startSeconds: report.inputs.state.timeSeconds,
      paths: report.model.paths,
      steps: report.model.steps,
      stepSeconds: report.model.stepSeconds,
      startNav: report.results.startNav,
      proposedBands: report.results.bands.proposed,
    },
    execution: { blockNumber: executionBlock.toString(), timestampSeconds: executionSeconds },
    realizedSharePrices: sharePrices,
    realizedNavBase: navs,
    realized: {
      rebalances: activity.rebalances.length,
      turnover: (rebalanceTraded + hedgeTraded) / navAtExecution,
      fees: fees / navAtExecution,
      ltv,
      hedgeRatio,
    },
    predicted,
    replay: { withoutProposal: replayNumbers(replay.current), withProposal: replayNumbers(replay.proposed) },
  });
}

/**
 * Every executed proposal's outcome (each measured as {@link readProposalOutcome} does, or why not: one whose reads
 * fail is left out as `unreadable`, with the error) and the calibration table they pool into. `options.reports`: a
 * {@link ReportCache}, used and filled.
 */
export async function readOutcomeCalibration(
  source: OutcomeSource,
  options: { reports?: ReportCache } = {},
): Promise<{ outcomes: ProposalOutcomeResult[]; table: CalibrationTable }> {
  const fetchFn = source.fetch ?? fetch;
  const { proposals } = await graphqlRequest<{ proposals: SubgraphProposal[] }>(
    fetchFn,
    source.graphqlUrl,
    `{ proposals(first: 1000, where: { state: "Executed" }, orderBy: createdBlockNumber) { ${proposalFields} } }`,
  );
  const outcomes: ProposalOutcomeResult[] = [];
  // One proposal that cannot be read (a node without its past blocks, a feed gone) leaves the others measured.
  for (const proposal of proposals)
    outcomes.push(
      await outcomeOf(source, proposal, fetchFn, { reports: options.reports }).catch((error: unknown) =>
        unmeasured(
          proposal,
          "unreadable",
          `proposal ${proposal.proposalId} could not be read: ${error instanceof Error ? error.message : String(error)}`,
        ),
      ),
    );
  return { outcomes, table: calibrationTable(outcomes) };
}
