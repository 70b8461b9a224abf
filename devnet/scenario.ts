import type { ChainType, NetworkConnection } from "hardhat/types/network";
import { custom, formatUnits, maxUint256, parseUnits, type Hex } from "viem";
import type { DeploymentRecord } from "../sdk/deployment.ts";
import { parameterKey } from "../parameters/index.ts";
import { castVote, execute, propose, queue } from "../sdk/governance/actions.ts";
import { VoteSupport } from "../sdk/governance/enums.ts";
import { action, proposalArgs, type ProposalArgs } from "../sdk/proposalArgs.ts";
import { connectStack } from "../sdk/proposal/deployed.ts";
import { decodeOnchainProposal } from "../sdk/proposal/onchain.ts";
import { proposalDescription } from "../sdk/proposal/actions.ts";
import { impactAsSubmitted } from "../sdk/proposal/review.ts";
import { createRandom } from "../sim/random.ts";
import { keeperCycle } from "../sdk/keeper.ts";
import { alignPool } from "./alignPool.ts";
import { postFeedAnswer, upgradeDevnetFeed } from "./feeds.ts";
import { scenarioMarket } from "./constants.ts";

export type ScenarioOptions = {
  /** Simulated days, one block of actions a day. */
  days: number;
  /** Seed of the price path and of the depositors' behaviour. */
  seed: number;
  log?: (line: string) => void;
};

const day = 86_400;
/**
 * The scenario's governance proposal, and on which days it moves through its life: proposed once the feeds hold the
 * month of daily prices its impact report is calibrated on (`minimumHistoryDays`), executed on day 39.
 */
export const proposalDays = { propose: 30, vote: 32, queue: 36, execute: 39 } as const;
/** The feeds the scenario moves to a new aggregator (a new phase) mid-way, as Chainlink upgrades its feeds. */
export const upgradedFeeds = ["WETH", "WBTC"] as const;

/** The day of a `days`-day scenario on which {@link upgradedFeeds} move to new aggregators: day 45, or mid-way. */
export function feedUpgradeDay(days: number): number {
  return Math.max(1, Math.min(45, Math.floor(days / 2)));
}

/**
 * Plays a seeded market on a running devnet: each day moves the feeds along a correlated geometric Brownian
 * motion (posted to each feed proxy's current aggregator; on {@link feedUpgradeDay} the ETH and BTC proxies move to
 * new aggregators, a new phase each), arbitrages the pools to them, lets depositors (dev accounts 5-8) deposit and redeem, runs the keeper
 * (account 9) when a rebalance, a collateral or a hedge action is due, and takes one governance proposal through its whole life (propose, vote,
 * queue, execute) that tightens the rebalance band and raises the trade cap. Returns a summary.
 */
export async function playScenario<ChainTypeT extends ChainType | string>(
  connection: NetworkConnection<ChainTypeT>,
  record: DeploymentRecord,
  options: ScenarioOptions,
) {
  if (!Number.isInteger(options.days) || options.days < 1) throw new Error(`days must be a positive whole number`);
  const log = options.log ?? (() => {});
  const devnet = record.devnet;
  const vaultAddress = record.contracts.PortfolioVault;
  if (!devnet || !vaultAddress) throw new Error("the scenario needs a devnet deployment with a vault");
  const { viem, networkHelpers } = connection;
  const publicClient = await viem.getPublicClient();
  const wallets = await viem.getWalletClients();
  const [operator, ...others] = wallets;
  const voters = others.slice(0, 4);
  const depositors = others.slice(4, 8);
  const keeper = others[8];
  if (!operator || voters.length < 4 || depositors.length < 4 || !keeper)
    throw new Error("the scenario needs 10 accounts");

  const wait = async (hash: Promise<Hex>) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
    if (receipt.status !== "success") throw new Error(`transaction ${receipt.transactionHash} reverted`);
    return receipt;
  };
  const vault = await viem.getContractAt("PortfolioVault", vaultAddress);
  const usdc = await viem.getContractAt("DevnetToken", devnet.tokens.USDC.address);
  const governor = await viem.getContractAt("TrimtabGovernor", record.contracts.TrimtabGovernor);
  const registry = await viem.getContractAt("ParameterRegistry", record.contracts.ParameterRegistry);
  const feeds = {
    USDC: await viem.getContractAt("DevnetFeedProxy", devnet.tokens.USDC.feed),
    WETH: await viem.getContractAt("DevnetFeedProxy", devnet.tokens.WETH.feed),
    WBTC: await viem.getContractAt("DevnetFeedProxy", devnet.tokens.WBTC.feed),
  };
  const writer = { publicClient, walletClient: operator };
  const upgradeDay = feedUpgradeDay(options.days);
  for (const d of depositors) {
    await wait(usdc.write.mint([d.account.address, parseUnits("5000000", 6)]));
    await wait(usdc.write.approve([vaultAddress, maxUint256], { account: d.account }));
  }

  const random = createRandom(options.seed);
  const prices = {
    WETH: Number((await feeds.WETH.read.latestRoundData())[1]) / 1e8,
    WBTC: Number((await feeds.WBTC.read.latestRoundData())[1]) / 1e8,
  };
  const dt = 1 / 365;
  const proposalActions = [
    action(registry, "setParameters", [
      [
        { key: parameterKey("rebalance.bandBps"), value: 400n },
        { key: parameterKey("rebalance.maxTradeBps"), value: 1_500n },
      ],
    ]),
  ];
  const proposalBody =
    "# Tighter band, larger trades\n\nRebalance at 4% drift instead of 5%, in trades of up to 15% of NAV.";
  /** Its arguments once proposed (the description cites the impact report made then). */
  let proposal: ProposalArgs | undefined;
  let proposalId: bigint | undefined;
  const counts = { rebalances: 0, collateralActions: 0, hedgeActions: 0, deposits: 0, redemptions: 0, inKind: 0 };
  const manager = record.contracts.CollateralManager
    ? await viem.getContractAt("CollateralManager", record.contracts.CollateralManager)
    : undefined;
  const hedge = record.contracts.HedgeModule
    ? await viem.getContractAt("HedgeModule", record.contracts.HedgeModule)
    : undefined;

  for (let d = 1; d <= options.days; d++) {
    await networkHelpers.time.increase(day);
    // Correlated daily log-returns: z2 = ρ z1 + sqrt(1 - ρ²) ε.
    const z1 = random.normal();
    const z2 = scenarioMarket.correlation * z1 + Math.sqrt(1 - scenarioMarket.correlation ** 2) * random.normal();
    for (const [symbol, z] of [
      ["WETH", z1],
      ["WBTC", z2],
    ] as const) {
      const { sigma, mu } = scenarioMarket[symbol];
      prices[symbol] *= Math.exp((mu - sigma ** 2 / 2) * dt + sigma * Math.sqrt(dt) * z);
    }
    const usdcPrice = 1 + 0.0005 * (random.next() * 2 - 1);
    if (d === upgradeDay) {
      // As Chainlink does now and then: the ETH and BTC proxies move to new aggregators (a new phase each).
      for (const symbol of upgradedFeeds) {
        const { phaseId } = await upgradeDevnetFeed(connection, feeds[symbol].address);
        log(`  day ${d}: the ${symbol} feed moved to a new aggregator (phase ${phaseId})`);
      }
    }
    await postFeedAnswer(writer, feeds.USDC.address, BigInt(Math.round(usdcPrice * 1e8)));
    await postFeedAnswer(writer, feeds.WETH.address, BigInt(Math.round(prices.WETH * 1e8)));
    await postFeedAnswer(writer, feeds.WBTC.address, BigInt(Math.round(prices.WBTC * 1e8)));
    await alignPool(connection, devnet, "WETH");
    await alignPool(connection, devnet, "WBTC");

    const depositor = depositors[random.int(0, depositors.length - 1)]!;
    if (random.next() < 0.5) {
      const room = await vault.read.maxDeposit([depositor.account.address]);
      const amount = parseUnits(String(random.int(10_000, 200_000)), 6);
      if (amount <= room) {
        await wait(vault.write.deposit([amount, depositor.account.address], { account: depositor.account }));
        counts.deposits++;
      }
    }
    if (random.next() < 0.2) {
      const shares = await vault.read.balanceOf([depositor.account.address]);
      const part = (shares * BigInt(random.int(5, 30))) / 100n;
      if (part > 0n) {
        // Every 15th day the depositor takes their share in kind; otherwise in cash, unless the pools are too thin
        // for the unwind within the slippage bound, where they fall back to in kind as a user would.
        const args = [part, depositor.account.address, depositor.account.address] as const;
        const inCash =
          d % 15 !== 0 &&
          (await vault.simulate.redeem(args, { account: depositor.account.address }).then(
            () => true,
            () => false,
          ));
        await wait(
          inCash
            ? vault.write.redeem(args, { account: depositor.account })
            : vault.write.redeemInKind(args, { account: depositor.account }),
        );
        if (inCash) counts.redemptions++;
        else counts.inKind++;
      }
    }

    // The keeper acts on what is due: a rebalance that fills, collateral actions while one is planned (up to three),
    // one hedge action a day (a large one fills over several days, as arbitrageurs realign the pool).
    await keeperCycle(
      { vault: vault.address, collateralManager: manager?.address, hedgeModule: hedge?.address },
      async (step) => {
        if (step === "rebalance") {
          const [due] = await vault.read.rebalancePlan();
          // A due rebalance that could fill nothing (its pools at the slippage bound) reverts: the keeper tries tomorrow.
          const fills =
            due &&
            (await vault.simulate.rebalance({ account: keeper.account.address }).then(
              () => true,
              (error: unknown) => {
                if (String(error).includes("VaultRebalanceNoFill")) return false;
                throw error;
              },
            ));
          if (fills) {
            await wait(vault.write.rebalance({ account: keeper.account }));
            counts.rebalances++;
          }
          return { executed: Boolean(fills), outcome: undefined };
        }
        const module = step === "collateral" ? manager! : hedge!;
        if ((await module.read.plan())[0] === 0) return { executed: false, outcome: undefined };
        await wait(
          step === "collateral"
            ? manager!.write.manage({ account: keeper.account })
            : hedge!.write.manage({ account: keeper.account }),
        );
        counts[step === "collateral" ? "collateralActions" : "hedgeActions"]++;
        return { executed: true, outcome: undefined };
      },
    );

    proposalId = await stepProposal(d, proposalId);
    if (d % 30 === 0 || d === options.days) {
      const nav = await vault.read.totalAssets();
      const price = await vault.read.sharePriceWad();
      log(
        `  day ${String(d).padStart(3)}  ETH $${prices.WETH.toFixed(0)}  BTC $${prices.WBTC.toFixed(0)}  ` +
          `NAV $${Number(formatUnits(nav, 6)).toFixed(0)}  share price ${Number(formatUnits(price, 18)).toFixed(4)}`,
      );
    }
  }
  return { ...counts, proposalId, finalPrices: prices };

  async function stepProposal(d: number, id: bigint | undefined): Promise<bigint | undefined> {
    const [proposer, ...others] = voters as [(typeof voters)[number], ...typeof voters];
    const as = (walletClient: typeof proposer) => ({ publicClient, walletClient });
    const on = { governor: governor.address };
    if (d === proposalDays.propose) {
      const description = await citedDescription();
      proposal = proposalArgs(proposalActions, description);
      const { proposalId: proposed } = await propose(as(proposer), { ...on, actions: proposalActions, description });
      log(`  day ${d}: proposal "Tighter band, larger trades" submitted, citing its impact report`);
      return proposed;
    }
    if (id === undefined || proposal === undefined) return id;
    if (d === proposalDays.vote) {
      const ballots = [
        [proposer, VoteSupport.For, "Less drift"],
        [others[0]!, VoteSupport.For, undefined],
        [others[1]!, VoteSupport.Abstain, "No view"],
        [others[2]!, VoteSupport.Against, "More trading costs"],
      ] as const;
      for (const [voter, support, reason] of ballots)
        await castVote(as(voter), { ...on, proposalId: id, support, reason });
    }
    if (d === proposalDays.queue) {
      await queue(as(keeper!), { ...on, proposal });
      log(`  day ${d}: proposal queued in the timelock`);
    }
    if (d === proposalDays.execute) {
      await execute(as(keeper!), { ...on, proposal });
      log(`  day ${d}: proposal executed: rebalance.bandBps 500 -> 400, rebalance.maxTradeBps 1000 -> 1500`);
    }
    return id;
  }

  /**
   * The proposal's description citing its impact report, made as a delegate's would be (the SDK's simulation from
   * the chain as it is, the seed derived from the calls, the default settings) and as `trimtab proposal simulate
   * <id>` reproduces it from the cited block.
   */
  async function citedDescription(): Promise<string> {
    const stack = await connectStack(custom(connection.provider), record.contracts, "the devnet's record");
    const blockNumber = await publicClient.getBlockNumber();
    const draft = decodeOnchainProposal(
      {
        ...proposalArgs(proposalActions, proposalBody),
        id: 0n,
        proposer: voters[0]!.account.address,
        voteStart: 0n,
        voteEnd: 0n,
        createdBlockNumber: blockNumber + 1n,
      },
      stack.registry,
      await stack.readSnapshot(),
      stack.contracts,
    );
    const { impact } = await impactAsSubmitted(
      stack,
      { name: "the scenario's proposal", proposal: draft },
      blockNumber,
    );
    // The simulation held the event loop for seconds, long enough for the node to close idle keep-alive sockets:
    // one turn of the loop lets their close be seen, so that the next request (not retried) opens a fresh one.
    await new Promise((resolve) => setImmediate(resolve));
    return proposalDescription(draft, impact.contentHash, blockNumber);
  }
}

/** Parses `--days` and `--seed` values; errors name the option. */
export function parseScenarioOptions(values: { days?: string; seed?: string }): Omit<ScenarioOptions, "log"> {
  const days = Number(values.days ?? "180");
  const seed = Number(values.seed ?? "1");
  if (!Number.isInteger(days) || days < 0)
    throw new Error(`--days must be a whole number of days, got "${values.days}"`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got "${values.seed}"`);
  return { days, seed };
}
