/**
 * `trimtab proposal outcome` on the devnet: the scenario's proposal (cites its impact report, executed on day 39)
 * measured days after its execution, every number checked against one computed here another way: the share prices
 * read block by block, the vault's activity filtered from the subgraph's full lists, the report reproduced by
 * `proposal simulate <id>`, its paths stepped cycle by cycle on a fresh kernel, and the replays run on prices read
 * from the feeds with the old parameters from the subgraph's `ParameterChange`s.
 */
import { type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createPublicClient, formatUnits, http } from "viem";
import {
  aggregatorV3Abi,
  collateralManagerAbi,
  hedgeModuleAbi,
  parameterRegistryAbi,
  portfolioVaultAbi,
} from "../../sdk/abis/contracts.ts";
import type { DeploymentRecord } from "../../sdk/deployment.ts";
import { graphqlRequest, subgraphUrl } from "../../sdk/graphql.ts";
import type { ProposalOutcome, ProposalOutcomeResult } from "../../sdk/proposal/outcome.ts";
import type { CalibrationTable } from "../../sdk/proposal/outcome.ts";
import { startStackProcess } from "../../devnet/startProcess.ts";
import { parameterKey } from "../../parameters/index.ts";
import { readStartPoint } from "../../sim/chain.ts";
import { runBacktest } from "../../sim/backtest.ts";
import { createPathGenerator } from "../../sim/market/paths.ts";
import { accumulatorLayout as A, createStrategy } from "../../sim/model/strategy.ts";
import { modelParameterNames, paramsFromRegistry } from "../../sim/model/params.ts";
import { createRandom } from "../../sim/random.ts";
import { verifyReport, type ImpactReport } from "../../sim/report.ts";
import { trimtab } from "../helpers/trimtab.ts";

const root = path.resolve(import.meta.dirname, "..", "..");
const node = path.join(root, "node_modules", ".bin", "node");
const port = 18_590;
const graphqlPort = 18_020;
const webPort = 13_020;
const day = 86_400;

describe("trimtab proposal outcome on the devnet", () => {
  const children: ChildProcess[] = [];
  afterAll(() => children.forEach((child) => child.kill("SIGTERM")));

  it("measures the scenario's executed proposal against its cited report: each number as the chain, the subgraph and the model give it", async () => {
    const deploymentsDir = await mkdtemp(path.join(tmpdir(), "trimtab-outcome-"));
    // 52 days: executed on day 39, then 13 days and the open proposal's voting delay: 14 whole days since, with
    // rebalances, trades and hedge actions in them.
    const stack = startStackProcess(node, root, [
      ...["--port", String(port), "--graphql-port", String(graphqlPort), "--web-port", String(webPort)],
      ...["--deployments-dir", deploymentsDir, "--days", "52"],
    ]);
    children.push(stack.child);
    await stack.ready;
    const deployment = path.join(deploymentsDir, "localhost.json");
    const record = JSON.parse(await readFile(deployment, "utf8")) as DeploymentRecord;
    const rpc = `http://127.0.0.1:${port}`;
    const graphqlUrl = subgraphUrl(`http://127.0.0.1:${graphqlPort}`);
    const client = createPublicClient({ transport: http(rpc) });
    const query = <T>(text: string) => graphqlRequest<T>(fetch, graphqlUrl, text);
    const cli = (...args: string[]) =>
      trimtab("proposal", "outcome", ...args, "--rpc", rpc, "--deployment", deployment, "--graphql", graphqlUrl);

    // The scenario's proposal, as the subgraph has it: executed, citing its report.
    const { proposals } = await query<{
      proposals: {
        proposalId: string;
        title: string;
        description: string;
        state: string;
        stateChanges: { state: string; blockNumber: string; timestamp: string }[];
        parameterChanges: { name: string; oldValue: string; newValue: string }[];
      }[];
    }>(
      `{ proposals { proposalId title description state stateChanges { state blockNumber timestamp }
         parameterChanges { name oldValue newValue } } }`,
    );
    const proposal = proposals.find((p) => p.title === "Tighter band, larger trades")!;
    expect(proposal.state).toBe("Executed");
    const [, citedHash, citedBlock] = /Impact report: (0x[0-9a-f]{64}) \(block (\d+)\)/.exec(proposal.description)!;
    const executed = proposal.stateChanges.find((c) => c.state === "Executed")!;
    const executionBlock = BigInt(executed.blockNumber);
    const executionSeconds = Number(executed.timestamp);

    const printed = await cli(proposal.proposalId, "--out", path.join(deploymentsDir, "outcome.json"));
    expect(printed.code, printed.output).toBe(0);
    const outcome = JSON.parse(
      await readFile(path.join(deploymentsDir, "outcome.json"), "utf8"),
    ) as ProposalOutcomeResult as ProposalOutcome;
    expect(outcome.status).toBe("measured");
    expect(outcome.report).toMatchObject({ hash: citedHash, blockNumber: citedBlock, paths: 2_000, steps: 365 });
    expect(outcome.execution).toEqual({ blockNumber: executed.blockNumber, timestampSeconds: executionSeconds });

    // Whole days since execution, and each day's last block, found by walking every block.
    const head = await client.getBlock();
    const days = Math.floor((Number(head.timestamp) - executionSeconds) / day);
    expect(days).toBe(14);
    expect(outcome.horizon.days).toBe(days);
    const times: { number: bigint; seconds: number }[] = [];
    for (let n = executionBlock; n <= head.number; n++)
      times.push({ number: n, seconds: Number((await client.getBlock({ blockNumber: n })).timestamp) });
    const dayBlocks = Array.from(
      { length: days + 1 },
      (_, k) => times.filter((b) => b.seconds <= executionSeconds + k * day).at(-1)!.number,
    );
    const horizonBlock = dayBlocks[days]!;

    // The report, reproduced by `proposal simulate <id>` (executed: its impact as submitted), is the cited one.
    const simulated = await trimtab(
      "proposal",
      "simulate",
      proposal.proposalId,
      "--json",
      "--rpc",
      rpc,
      "--deployment",
      deployment,
    );
    const report = (JSON.parse(simulated.output) as { impact: ImpactReport }).impact;
    expect(report.contentHash).toBe(citedHash);
    expect(verifyReport(report)).toBe(true);

    // The share price day by day against the report's bands over its start NAV.
    const vaultAddress = record.contracts.PortfolioVault!;
    const vault = { address: vaultAddress, abi: portfolioVaultAbi } as const;
    const prices: number[] = [];
    for (const blockNumber of dayBlocks)
      prices.push(Number(await client.readContract({ ...vault, functionName: "sharePriceWad", blockNumber })) / 1e18);
    const rows = report.results.bands.proposed.map((row) => row.map((v) => v / report.results.startNav));
    let [inside50, inside90] = [0, 0];
    for (let k = 1; k <= days; k++) {
      const growth = prices[k]! / prices[0]!;
      const [p5, p25, , p75, p95] = rows[k]!;
      if (growth >= p25! && growth <= p75!) inside50++;
      if (growth >= p5! && growth <= p95!) inside90++;
      expect(outcome.sharePrice.path[k]!.realized).toBeCloseTo(growth, 12);
      expect(outcome.sharePrice.path[k]!.bands).toEqual(rows[k]);
    }
    expect(outcome.sharePrice.coverage).toEqual({
      days,
      inside50,
      inside90,
      share50: inside50 / days,
      share90: inside90 / days,
    });
    expect(printed.output).toContain(`Days inside p25–p75: ${inside50} of ${days}`);
    // The vault's NAV beside it, each day (with the deposits and withdrawals the bands leave out).
    for (const [k, blockNumber] of dayBlocks.entries())
      expect(outcome.sharePrice.path[k]!.navBase).toBe(
        Number(formatUnits(await client.readContract({ ...vault, functionName: "totalAssets", blockNumber }), 6)),
      );

    // What the vault did after the execution block, up to the horizon's: the subgraph's full lists, filtered here.
    const activity = await query<{
      rebalances: { blockNumber: string }[];
      trades: {
        blockNumber: string;
        amountIn: string;
        amountOut: string;
        isSell: boolean;
        rebalance: { id: string } | null;
      }[];
      hedgeActions: { blockNumber: string; action: string; amount: string }[];
      feeAccruals: { blockNumber: string; managementAssets: string; performanceAssets: string }[];
    }>(
      `{ rebalances(first: 1000) { blockNumber }
         trades(first: 1000) { blockNumber amountIn amountOut isSell rebalance { id } }
         hedgeActions(first: 1000) { blockNumber action amount }
         feeAccruals(first: 1000) { blockNumber managementAssets performanceAssets } }`,
    );
    const within = (e: { blockNumber: string }) =>
      BigInt(e.blockNumber) > executionBlock && BigInt(e.blockNumber) <= horizonBlock;
    const usdc = (wei: string) => Number(formatUnits(BigInt(wei), 6));
    const navAtExecution = usdc(
      String(await client.readContract({ ...vault, functionName: "totalAssets", blockNumber: executionBlock })),
    );
    const feedUsd = async (symbol: "USDC" | "WETH" | "WBTC", blockNumber: bigint) =>
      Number(
        (
          await client.readContract({
            address: record.devnet!.tokens[symbol].feed,
            abi: aggregatorV3Abi,
            functionName: "latestRoundData",
            blockNumber,
          })
        )[1],
      ) / 1e8;
    const hedgeIndex = report.inputs.setup.hedge!.assetIndex;
    const hedgeSymbol = report.inputs.setup.symbols[hedgeIndex] as "WETH" | "WBTC";
    let hedgeTraded = 0;
    for (const a of activity.hedgeActions.filter(within))
      if (a.action !== "Release")
        hedgeTraded +=
          (Number(formatUnits(BigInt(a.amount), report.inputs.setup.decimals[hedgeIndex]!)) *
            (await feedUsd(hedgeSymbol, BigInt(a.blockNumber)))) /
          (await feedUsd("USDC", BigInt(a.blockNumber)));
    const rebalanceTraded = activity.trades
      .filter((t) => within(t) && t.rebalance)
      .reduce((sum, t) => sum + usdc(t.isSell ? t.amountOut : t.amountIn), 0);
    const fees = activity.feeAccruals
      .filter(within)
      .reduce((sum, f) => sum + usdc(f.managementAssets) + usdc(f.performanceAssets), 0);
    const ltv =
      Number(
        await client.readContract({
          address: record.contracts.CollateralManager!,
          abi: collateralManagerAbi,
          functionName: "ltvBps",
          blockNumber: horizonBlock,
        }),
      ) / 10_000;
    const [, , , ratioBps] = await client.readContract({
      address: record.contracts.HedgeModule!,
      abi: hedgeModuleAbi,
      functionName: "netDelta",
      blockNumber: horizonBlock,
    });
    const realized = outcome.counterfactual.realized;
    // The window has activity to measure: rebalances (the deposits' cash invested) and fees.
    expect(activity.rebalances.filter(within).length).toBeGreaterThan(0);
    expect(rebalanceTraded).toBeGreaterThan(0);
    expect(fees).toBeGreaterThan(0);
    expect(realized.rebalances).toBe(activity.rebalances.filter(within).length);
    expect(realized.turnover).toBeCloseTo((rebalanceTraded + hedgeTraded) / navAtExecution, 12);
    expect(realized.fees).toBeCloseTo(fees / navAtExecution, 12);
    expect(realized.ltv).toBe(ltv);
    expect(realized.hedgeRatio).toBe(Number(ratioBps) / 10_000);
    expect(realized.growth).toBeCloseTo(prices[days]! / prices[0]!, 12);

    // The report's paths for `days` steps, stepped cycle by cycle on a fresh kernel per path: the predicted sample
    // each realized value is ranked in.
    const { model, inputs } = report;
    const generate = createPathGenerator(model.market, [], {
      steps: model.steps,
      stepSeconds: model.stepSeconds,
      initialPricesUsd: inputs.pricesUsd,
    });
    const random = createRandom(report.seed);
    const assets = inputs.setup.symbols.length;
    const usd = new Float64Array((model.steps + 1) * assets);
    usd.set(inputs.pricesUsd);
    const sample = { rebalances: [] as number[], growth: [] as number[] };
    for (let p = 0; p < model.paths; p++) {
      generate(random, usd, 0);
      const kernel = createStrategy(inputs.setup, inputs.params.proposed, { liquidations: true });
      const vector = kernel.encode(inputs.state, new Float64Array(kernel.stateSize));
      const acc = new Float64Array(A.size);
      kernel.resetAccumulators(acc);
      const navs = new Float64Array(days + 1);
      const sharePrices = new Float64Array(days + 1);
      kernel.record(vector, usd, 0, inputs.state.timeSeconds, navs, sharePrices, 0);
      for (let k = 1; k <= days; k++) {
        const seconds = inputs.state.timeSeconds + k * model.stepSeconds;
        kernel.step(vector, usd, k * assets, seconds, acc);
        kernel.record(vector, usd, k * assets, seconds, navs, sharePrices, k);
      }
      sample.rebalances.push(acc[A.rebalances]!);
      sample.growth.push(sharePrices[days]! / sharePrices[0]!);
    }
    const rank = (value: number, values: number[]) =>
      values.reduce((n, v) => n + (v < value ? 1 : v === value ? 0.5 : 0), 0) / values.length;
    const rebalances = outcome.metrics.find((m) => m.metric === "rebalances")!;
    expect(rebalances.realized).toBe(realized.rebalances);
    expect(rebalances.percentileRank).toBeCloseTo(rank(realized.rebalances, sample.rebalances), 12);
    expect(outcome.sharePrice.percentileRank).toBeCloseTo(rank(realized.growth, sample.growth), 12);
    expect(outcome.metrics.map((m) => m.metric)).toEqual(["rebalances", "turnover", "fees", "ltv", "hedgeRatio"]);

    // Without the proposal: the feeds' prices at each day's block replayed from the vault just after execution,
    // with the parameters the subgraph says the proposal replaced.
    const after = await readStartPoint(client, vaultAddress, { blockNumber: executionBlock });
    const names = modelParameterNames(after.setup.symbols);
    const values = Object.fromEntries(
      await Promise.all(
        names.map(async (name) => [
          name,
          await client.readContract({
            address: record.contracts.ParameterRegistry,
            abi: parameterRegistryAbi,
            functionName: "valueOf",
            args: [parameterKey(name)],
            blockNumber: executionBlock,
          }),
        ]),
      ),
    ) as Record<string, bigint>;
    expect(proposal.parameterChanges.map((c) => [c.name, c.oldValue, c.newValue]).sort()).toEqual([
      ["rebalance.bandBps", "500", "400"],
      ["rebalance.maxTradeBps", "1000", "1500"],
    ]);
    const old = {
      ...values,
      ...Object.fromEntries(proposal.parameterChanges.map((c) => [c.name, BigInt(c.oldValue)])),
    };
    const history = {
      symbols: after.setup.symbols,
      timestamps: dayBlocks.map((_, k) => executionSeconds + k * day),
      pricesUsd: await Promise.all(
        dayBlocks.map((b) => Promise.all((["USDC", "WETH", "WBTC"] as const).map((s) => feedUsd(s, b)))),
      ),
    };
    const replay = runBacktest({
      setup: after.setup,
      state: after.state,
      pricesUsd: after.pricesUsd,
      params: {
        current: paramsFromRegistry(old, after.setup.symbols),
        proposed: paramsFromRegistry(values, after.setup.symbols),
      },
      history,
    });
    for (const [shown, run] of [
      [outcome.counterfactual.withoutProposal, replay.current],
      [outcome.counterfactual.withProposal, replay.proposed],
    ] as const) {
      expect(shown.growth).toBeCloseTo(run.sharePrice[days]! / run.sharePrice[0]!, 12);
      expect(shown.rebalances).toBe(run.metrics.rebalances);
      expect(shown.turnover).toBeCloseTo(run.metrics.turnover, 12);
      expect(shown.fees).toBeCloseTo(run.metrics.feesBase / run.nav[0]!, 12);
    }

    // The calibration table: this proposal's days, and the hedge's enabling proposal left out (no report cited).
    const all = await cli("all", "--json");
    expect(all.code, all.output).toBe(0);
    const { table } = JSON.parse(all.output) as { table: CalibrationTable };
    expect(table.days).toEqual({ count: days, inside50, inside90, share50: inside50 / days, share90: inside90 / days });
    expect(table.rows.map((r) => r.proposalId)).toEqual([proposal.proposalId]);
    expect(table.unmeasured.map((u) => u.reason)).toEqual(["no-cited-report"]);

    // The report given instead of reproduced: the same outcome; one whose content was changed is refused.
    const reportFile = path.join(deploymentsDir, "report.json");
    await writeFile(reportFile, simulated.output);
    const given = await cli(proposal.proposalId, "--report", reportFile, "--json");
    expect(given.code, given.output).toBe(0);
    expect(JSON.parse(given.output)).toEqual(outcome);
    await writeFile(reportFile, JSON.stringify({ ...report, seed: report.seed + 1 }));
    const altered = await cli(proposal.proposalId, "--report", reportFile);
    expect(altered.code).toBe(1);
    expect(altered.output).toContain(
      `the report given (${citedHash}) is not the one proposal ${proposal.proposalId} cites`,
    );

    // Bad input: an open proposal, an unknown id, not an id.
    const open = proposals.find((p) => p.state === "Active")!;
    const notExecuted = await cli(open.proposalId);
    expect(notExecuted.code).toBe(1);
    expect(notExecuted.output).toContain(`proposal ${open.proposalId} is Active, not executed`);
    const unknown = await cli("42");
    expect(unknown).toEqual({ code: 2, output: `proposal 42 is not in the subgraph at ${graphqlUrl}\n` });
    expect((await cli("latest")).output).toContain('a proposal id is a decimal number (or "all"); got "latest"');
  });
});
