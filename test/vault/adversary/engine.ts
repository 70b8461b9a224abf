/**
 * The adversarial stateful suite's engine (issue 13): on a vault invested at its targets, with its collateral
 * manager and hedge at work, several actors — depositors, traders, the feeds, keepers, the guardian, governance and
 * a full exit — act in a random order (seeded), and after every step every invariant is checked (see `Invariant`):
 * in-kind exits, NAV, round trips, fees, rebalance slippage, LTVs, EIP-4626 views, named errors only. Violations are
 * returned, never thrown, so that a test can assert there are none and a script can count them.
 *
 * Governance also repoints `module.collateral` and `module.hedge` between two instances of each (or to none), while
 * they hold positions: the keeper then manages either instance. The chain is an L2's: an uptime feed reports its
 * sequencer, which goes down and comes back.
 */
import { maxUint256, parseUnits, type Abi, type AbiItem } from "viem";
import { parameterKey } from "../../../parameters/index.ts";
import { createRandom } from "../../../sim/random.ts";
import { uniswapV3FactoryAbi } from "../../../sdk/abis/uniswap.ts";
import type { Connection } from "../../helpers/governance.ts";
import { deployInvestedVault } from "../../helpers/vault.ts";
import { pickAction } from "./actors.ts";
import { checkInvariants } from "./invariants.ts";
import {
  Invariant,
  violation,
  type AdversaryStack,
  type Context,
  type Finding,
  type KnownViolation,
} from "./context.ts";

export { Invariant, type Finding, type KnownViolation } from "./context.ts";

export type SequenceReport = {
  violations: Finding[];
  /** Refusals by action and error: actions that legitimately failed, with a named error. */
  refused: Map<string, number>;
  /** Steps played (fewer than asked when a known violation or an engine failure stopped the sequence). */
  played: number;
  /** The stack as the sequence left it (to look further into a finding). */
  stack: AdversaryStack;
};

export type AdversaryReport = {
  sequences: number;
  steps: number;
  violations: Finding[];
  refused: Map<string, number>;
};

const fixtures = new WeakMap<Connection, () => Promise<AdversaryStack>>();

/** The deployed stack, once per connection (loadFixture restores its snapshot for every sequence). */
function fixtureFor(connection: Connection): () => Promise<AdversaryStack> {
  let fixture = fixtures.get(connection);
  if (fixture) return fixture;
  fixture = async function adversaryFixture(): Promise<AdversaryStack> {
    const v = await deployInvestedVault(connection);
    const { alice, bob, carol, dave, eve } = v.accounts;
    const publicClient = await connection.viem.getPublicClient();
    const wait = async (hash: Promise<`0x${string}`>) => publicClient.waitForTransactionReceipt({ hash: await hash });
    // Depositors (alice, bob, carol) and the newcomer (dave) get deep pockets; depositors hold risk tokens to donate.
    for (const who of [alice, bob, carol, dave]) {
      await wait(v.usdc.write.mint([who.account.address, parseUnits("20000000", 6)]));
      await wait(v.usdc.write.approve([v.vault.address, maxUint256], { account: who.account }));
      await wait(v.weth.write.mint([who.account.address, parseUnits("1000", 18)]));
      await wait(v.wbtc.write.mint([who.account.address, parseUnits("50", 8)]));
    }
    // The trader (eve, also the keeper) can push any pool either way.
    const router = v.devnet.record.uniswap.swapRouter;
    for (const [token, amount] of [
      [v.usdc, parseUnits("1000000000", 6)],
      [v.weth, parseUnits("100000", 18)],
      [v.wbtc, parseUnits("10000", 8)],
    ] as const) {
      await wait(token.write.mint([eve.account.address, amount]));
      await wait(token.write.approve([router, maxUint256], { account: eve.account }));
    }
    // The modules at work: collateral posted and borrowed against, the hedge's short open, pools realigned.
    for (let i = 0; i < 2; i++) await wait(v.collateralManager.write.manage({ account: eve.account }));
    await wait(v.hedgeModule.write.manage({ account: eve.account }));
    await v.setPrices();

    const { uniswap, morpho } = v.devnet.record;
    const pool = (symbol: "WETH" | "WBTC") =>
      publicClient.readContract({
        address: uniswap.factory,
        abi: uniswapV3FactoryAbi,
        functionName: "getPool",
        args: [v.devnet.record.tokens[symbol].address, v.usdc.address, uniswap.poolFee],
      });
    const oracle = await connection.viem.getContractAt("ChainlinkMorphoOracle", morpho.oracles.WETH_USDC);
    // A second collateral manager and hedge on the same markets, for governance to repoint the registry to.
    const marketOf = async (id: `0x${string}`) => {
      const m = await (await connection.viem.getContractAt("Morpho", morpho.morpho)).read.idToMarketParams([id]);
      return { loanToken: m[0], collateralToken: m[1], oracle: m[2], irm: m[3], lltv: m[4] };
    };
    const spareManager = await connection.viem.deployContract("CollateralManager", [
      v.vault.address,
      morpho.morpho,
      await marketOf(await v.collateralManager.read.marketId()),
      "WETH",
      "USDC",
      uniswap.swapRouter,
      uniswap.factory,
    ]);
    const spareHedge = await connection.viem.deployContract("HedgeModule", [
      v.vault.address,
      morpho.morpho,
      await marketOf(await v.hedgeModule.read.marketId()),
      uniswap.swapRouter,
      uniswap.factory,
      "WETH",
      "USDC",
    ]);
    // An L2's sequencer uptime feed, up for longer than the grace period: the actors take it down and back.
    const sequencer = await connection.viem.deployContract("SettableAggregator", [
      v.accounts.deployer.account.address,
      0,
      "L2 Sequencer Uptime Status Feed",
      0n,
    ]);
    await wait(
      v.registry.write.setParameters(
        [[{ key: parameterKey("oracle.sequencerFeed"), value: BigInt(sequencer.address) }]],
        { account: v.timelock.address },
      ),
    );
    await connection.networkHelpers.time.increase(2 * 3_600);
    await v.setPrices();
    const errors = new Map<string, AbiItem>();
    for (const abi of [v.vault.abi, v.registry.abi, v.collateralManager.abi, v.hedgeModule.abi, oracle.abi] as Abi[]) {
      for (const item of abi) if (item.type === "error") errors.set(item.name, item);
    }
    return {
      ...v,
      pools: { WETH: await pool("WETH"), WBTC: await pool("WBTC") },
      tokens: { USDC: v.usdc, WETH: v.weth, WBTC: v.wbtc },
      errorAbi: [...errors.values()],
      lltvBps: BigInt(morpho.lltv) / 10n ** 14n,
      sequencer,
      modules: {
        collateral: [v.collateralManager, spareManager] as const,
        hedge: [v.hedgeModule, spareHedge] as const,
      },
    };
  };
  fixtures.set(connection, fixture);
  return fixture;
}

/** Plays one random sequence of `steps` steps from the fixture, checking every invariant after each. */
export async function runSequence(
  connection: Connection,
  seed: number,
  steps: number,
  knownViolations: readonly KnownViolation[] = [],
  trace?: (line: string) => void,
): Promise<SequenceReport> {
  const v = await connection.networkHelpers.loadFixture(fixtureFor(connection));
  const answers = await Promise.all([v.feeds.USDC, v.feeds.WETH, v.feeds.WBTC].map((f) => f.read.latestRoundData()));
  const ctx: Context = {
    connection,
    v,
    random: createRandom(seed),
    seed,
    step: 0,
    action: "",
    truth: { USDC: answers[0]![1], WETH: answers[1]![1], WBTC: answers[2]![1] },
    violations: [],
    refused: new Map(),
  };
  let step = 0;
  for (; step < steps; step++) {
    if (knownViolations.some((k) => k.seed === seed && k.step === step)) break;
    ctx.step = step;
    const action = pickAction(ctx);
    ctx.action = action.name;
    trace?.(`seed ${seed}, step ${step}: ${action.name}`);
    try {
      await action.run(ctx);
      ctx.action = `${action.name} (invariants after)`;
      await checkInvariants(ctx);
      ctx.action = action.name;
    } catch (error) {
      // Something failed outside any simulation (a transfer, a feed's post, a read): the sequence cannot go on.
      violation(
        ctx,
        Invariant.namedErrors,
        `threw: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
      );
      step++;
      break;
    }
  }
  return { violations: ctx.violations, refused: ctx.refused, played: step, stack: v };
}

/**
 * Plays `sequences` sequences of `steps` steps, seeds `seed`, `seed + 1`, …; `onSequence` hears of each as it ends.
 */
export async function runAdversary(
  connection: Connection,
  options: {
    seed: number;
    sequences: number;
    steps: number;
    knownViolations?: readonly KnownViolation[];
    /** Hears of every step before it runs (to replay a seed). */
    trace?: (line: string) => void;
    onSequence?: (seed: number, report: SequenceReport) => void;
  },
): Promise<AdversaryReport> {
  const report: AdversaryReport = {
    sequences: options.sequences,
    steps: options.steps,
    violations: [],
    refused: new Map(),
  };
  for (let i = 0; i < options.sequences; i++) {
    const seed = options.seed + i;
    const sequence = await runSequence(connection, seed, options.steps, options.knownViolations, options.trace);
    report.violations.push(...sequence.violations);
    for (const [k, n] of sequence.refused) report.refused.set(k, (report.refused.get(k) ?? 0) + n);
    options.onSequence?.(seed, sequence);
  }
  return report;
}

/** A finding on one line: seed, step, action, invariant and detail. */
export function formatFinding(f: Finding): string {
  return `seed ${f.seed}, step ${f.step}, ${f.action} — ${f.invariant}: ${f.detail}`;
}
