/**
 * `npm run bench:indexer`: the local indexer's throughput, memory and query latency on a devnet scenario.
 *
 * Starts a Hardhat node, deploys the stack, plays the 180-day market scenario, then adds activity (TRIM transfers
 * between delegates and vault deposits, many per block) until the chain holds at least `--events` (100,000)
 * events the subgraph handles. Then, in a child process, the indexer indexes the whole chain into a fresh PGlite
 * directory (`--once`: events per second, peak RSS of that process); then it serves GraphQL and the dashboard
 * queries (the examples for analysts, docs/queries/) run `--rounds` times each: p50 and p95 latency. Prints a table, then one
 * JSON line: {"events","eventsPerSecond","peakRssMB","graphqlP50Ms","graphqlP95Ms",...}. `--cpu-prof <dir>` writes a CPU
 * profile of the indexing run there; `--chain-only` builds the chain and leaves it running, to index it by hand.
 */
import { execFile, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import hre from "hardhat";
import { maxUint256, parseUnits, type Hash } from "viem";
import { deployStack } from "../devnet/stack.ts";
import { startHardhatNode } from "../devnet/hardhatNode.ts";
import { startIndexerProcess } from "../devnet/indexerProcess.ts";
import { playScenario } from "../devnet/scenario.ts";
import { seedVoters } from "../devnet/seedVoters.ts";
import { ensureSubgraphBuilt } from "./codegen/subgraph.ts";
import { readExampleQueries } from "./exampleQueries.ts";
import { loadSubgraph, withDeployment } from "../indexer/manifest.ts";
import { indexerNodeOptions } from "../indexer/nodeOptions.ts";
import { graphqlRequest, subgraphUrl } from "../sdk/graphql.ts";

const root = path.resolve(import.meta.dirname, "..");
const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    events: { type: "string", default: "100000" },
    rounds: { type: "string", default: "30" },
    port: { type: "string", default: "18700" },
    "cpu-prof": { type: "string" },
    "chain-only": { type: "boolean", default: false },
  },
});
const targetEvents = Number(values.events);
const rounds = Number(values.rounds);
const port = Number(values.port);
const rpcUrl = `http://127.0.0.1:${port}`;
const children: ChildProcess[] = [];
const stopAll = () => children.forEach((child) => child.kill("SIGTERM"));
process.on("exit", stopAll);

async function main() {
  await mkdir(path.join(root, ".trimtab"), { recursive: true });
  await ensureSubgraphBuilt();
  children.push(await startHardhatNode(port, path.join(root, ".trimtab", `bench-node-${port}.log`)));
  const deploymentsDir = await mkdtemp(path.join(tmpdir(), "trimtab-bench-"));
  const connection = await hre.network.create({ network: "localhost", override: { url: rpcUrl } });
  const { viem } = connection;
  const client = await viem.getPublicClient();
  const [deployer, guardian] = await viem.getWalletClients();
  const now = Number((await client.getBlock()).timestamp);
  await rm(path.join(root, "ignition", "deployments", `bench-${port}`), { recursive: true, force: true });
  const stack = await deployStack(connection, {
    network: "localhost",
    deploymentsDir,
    deploymentId: `bench-${port}`,
    governance: {
      proposalGuardian: guardian!.account.address,
      registryGuardian: guardian!.account.address,
      registryGuardianExpiresAt: BigInt(now + 365 * 86_400),
    },
  });
  await seedVoters(connection, stack.token);
  console.log("Playing the 180-day scenario…");
  await playScenario(connection, stack.record, { days: 180, seed: 1 });

  // Activity on top: transfers between delegates (Transfer + two DelegateVotesChanged each) and vault deposits
  // (Deposit, FeesAccrued, NavUpdated), many per block.
  const wallets = await viem.getWalletClients();
  const senders = wallets.slice(1, 5);
  const depositors = wallets.slice(10, 16);
  const usdc = await viem.getContractAt("DevnetToken", stack.record.devnet!.tokens.USDC.address);
  for (const depositor of depositors) {
    await usdc.write.mint([depositor.account.address, parseUnits("10000000", 6)]);
    await usdc.write.approve([stack.vault.address, maxUint256], { account: depositor.account });
  }
  // Events the subgraph handles: logs of its data sources' addresses with a handler for their topic.
  const deploymentFile = path.join(deploymentsDir, "localhost.json");
  const subgraph = withDeployment(
    await loadSubgraph(path.join(root, "subgraph", "build", "default")),
    JSON.parse(await readFile(deploymentFile, "utf8")),
  );
  const handled = new Set(
    subgraph.dataSources.flatMap((ds) => ds.eventHandlers.map((h) => `${ds.address.toLowerCase()}:${h.topic0}`)),
  );
  const scenarioLogs = await client.getLogs({
    address: subgraph.dataSources.map((ds) => ds.address),
    fromBlock: 0n,
    toBlock: "latest",
  });
  const isHandled = (l: { address: string; topics: readonly string[] }) =>
    handled.has(`${l.address.toLowerCase()}:${l.topics[0]}`);
  let events = scenarioLogs.filter(isHandled).length;
  console.log(`The scenario emitted ${events} handled events; adding activity up to ${targetEvents}…`);
  await client.request({ method: "evm_setAutomine" as never, params: [false] as never });
  let i = 0;
  while (events < targetEvents) {
    // Sent concurrently (the node assigns each sender's nonces in arrival order), mined together.
    const sends: Promise<Hash>[] = [];
    for (let k = 0; k < 120; k++, i++) {
      const from = senders[i % senders.length]!;
      const to = senders[(i + 1) % senders.length]!;
      const args = [to.account.address, 1n] as const;
      sends.push(stack.token.write.transfer(args, { account: from.account, gas: 120_000n }));
    }
    for (let k = 0; k < 25; k++, i++) {
      const depositor = depositors[i % depositors.length]!;
      const args = [parseUnits("10", 6), depositor.account.address] as const;
      sends.push(stack.vault.write.deposit(args, { account: depositor.account, gas: 400_000n }));
    }
    const hashes = await Promise.all(sends);
    // Mine until every transaction is in (a block holds what fits under its gas limit).
    let pending = hashes;
    while (pending.length) {
      await client.request({ method: "evm_mine" as never, params: [] as never });
      const receipts = await Promise.all(
        pending.map((hash) => client.getTransactionReceipt({ hash }).catch(() => null)),
      );
      if (receipts.some((r) => r && r.status !== "success")) throw new Error("an activity transaction reverted");
      for (const receipt of receipts) {
        events += (receipt?.logs ?? []).filter(isHandled).length;
      }
      pending = pending.filter((_, k) => !receipts[k]);
    }
    if (i % 4_350 < 145) console.log(`  ${events} events`);
  }
  await client.request({ method: "evm_setAutomine" as never, params: [true] as never });
  const head = await client.getBlockNumber();

  if (values["chain-only"]) {
    console.log(`The chain is ready at ${rpcUrl} (deployment ${deploymentFile}); Ctrl-C stops it.`);
    await new Promise(() => {});
  }
  console.log(`Indexing ${head} blocks into a fresh PGlite…`);
  const dataDir = await mkdtemp(path.join(tmpdir(), "trimtab-bench-index-"));
  const { stdout, stderr } = await run(
    process.execPath,
    [
      ...indexerNodeOptions,
      ...(values["cpu-prof"] ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(values["cpu-prof"])] : []),
      path.join(root, "indexer", "cli.ts"),
      "--once",
      "--rpc",
      rpcUrl,
      "--deployment",
      deploymentFile,
      "--data-dir",
      dataDir,
    ],
    { cwd: root, maxBuffer: 256 * 1024 * 1024 },
  );
  process.stderr.write(stderr);
  const summary = JSON.parse(stdout.trim().split("\n").at(-1)!) as {
    events: number;
    seconds: number;
    peakRssMB: number;
    failed: string | null;
  };
  if (summary.failed) throw new Error(`indexing failed: ${summary.failed}`);

  const graphqlPort = port + 1;
  const url = subgraphUrl(`http://127.0.0.1:${graphqlPort}`);
  const server = await startIndexerProcess(
    { rpcUrl, deploymentFile, dataDir, port: graphqlPort, logFile: path.join(root, ".trimtab", "bench-indexer.log") },
    head,
    120_000,
  );
  children.push(server);
  const queries = (await readExampleQueries()).map((example) => example.query);
  const latencies: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const query of queries) {
      const started = performance.now();
      await graphqlRequest(fetch, url, query).catch((error: unknown) => {
        throw new Error(`query failed: ${(error as Error).message}\n${query}`);
      });
      latencies.push(performance.now() - started);
    }
  }
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) =>
    Number(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1));
  const result = {
    events: summary.events,
    eventsPerSecond: Math.round(summary.events / summary.seconds),
    peakRssMB: summary.peakRssMB,
    graphqlP50Ms: percentile(0.5),
    graphqlP95Ms: percentile(0.95),
    blocks: Number(head),
    indexSeconds: summary.seconds,
    queries: latencies.length,
  };
  console.log(
    [
      "",
      `events indexed        ${result.events} (${result.blocks} blocks) in ${result.indexSeconds} s`,
      `events per second     ${result.eventsPerSecond}   (target ≥ 2,000 on PGlite)`,
      `peak RSS (indexer)    ${result.peakRssMB} MB   (target ≤ 512)`,
      `GraphQL p50 / p95     ${result.graphqlP50Ms} / ${result.graphqlP95Ms} ms over ${result.queries} dashboard queries   (p95 target ≤ 50)`,
      "",
    ].join("\n"),
  );
  console.log(JSON.stringify(result));
}

main()
  .then(() => {
    stopAll();
    process.exit(0);
  })
  .catch((error: unknown) => {
    console.error(`bench:indexer failed: ${error instanceof Error ? error.stack : String(error)}`);
    stopAll();
    process.exit(1);
  });
