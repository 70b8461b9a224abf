/**
 * `npm start`: the whole local stack on one machine.
 *
 * Starts a Hardhat node on 127.0.0.1:8545 (unless one already serves a Trimtab deployment there), deploys the
 * governance core with Ignition, hands the dev accounts voting tokens, writes deployments/localhost.json, prints
 * what runs where and keeps the chain running until Ctrl-C. A second `npm start` while the stack runs only
 * prints the summary and exits.
 *
 * Then it plays a seeded market scenario (prices, arbitrage, deposits and withdrawals, keepers, a governance
 * proposal end to end), and starts the local indexer on the subgraph (GraphQL on 127.0.0.1:8000), which catches up
 * with the scenario before the stack is reported ready and then follows the chain.
 *
 * Last it serves the web app (SvelteKit, built when stale) on 127.0.0.1:3000.
 *
 * Options: --port <n> (default 8545), --deployments-dir <dir> (default deployments/), --days <n> of scenario
 * (default 180; 0 skips it), --seed <n> (default 1), --graphql-port <n> (default 8000), --web-port <n>
 * (default 3000).
 */
import type { ChildProcess } from "node:child_process";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import hre from "hardhat";
import { createPublicClient, http } from "viem";
import { defaultDeploymentsDir, findDeploymentRecord, type DeploymentRecord } from "../sdk/deployment.ts";
import { deployStack } from "./stack.ts";
import { chainIdAt, startHardhatNode } from "./hardhatNode.ts";
import { startIndexerProcess } from "./indexerProcess.ts";
import { openProposal } from "./openProposal.ts";
import { startWebProcess } from "./webProcess.ts";
import { parseScenarioOptions, playScenario } from "./scenario.ts";
import { seedVoters } from "./seedVoters.ts";
import { subgraphUrl } from "../sdk/graphql.ts";

const root = path.resolve(import.meta.dirname, "..");
const { values: options } = parseArgs({
  options: {
    port: { type: "string", default: "8545" },
    "deployments-dir": { type: "string", default: defaultDeploymentsDir },
    days: { type: "string", default: "180" },
    seed: { type: "string", default: "1" },
    "graphql-port": { type: "string", default: "8000" },
    "web-port": { type: "string", default: "3000" },
  },
});
let scenario: ReturnType<typeof parseScenarioOptions>;
try {
  scenario = parseScenarioOptions(options);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const port = Number(options.port);
if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
  console.error(`--port must be a TCP port number, got "${options.port}"`);
  process.exit(2);
}
const graphqlPort = Number(options["graphql-port"]);
if (!Number.isInteger(graphqlPort) || graphqlPort <= 0 || graphqlPort > 65_535 || graphqlPort === port) {
  console.error(`--graphql-port must be a TCP port number other than --port, got "${options["graphql-port"]}"`);
  process.exit(2);
}
const webPort = Number(options["web-port"]);
if (!Number.isInteger(webPort) || webPort <= 0 || webPort > 65_535 || webPort === port || webPort === graphqlPort) {
  console.error(
    `--web-port must be a TCP port number other than --port and --graphql-port, got "${options["web-port"]}"`,
  );
  process.exit(2);
}
const webUrl = `http://127.0.0.1:${webPort}`;
const graphqlUrl = subgraphUrl(`http://127.0.0.1:${graphqlPort}`);
const deploymentsDir = path.resolve(options["deployments-dir"]);
const rpcUrl = `http://127.0.0.1:${port}`;
const network = "localhost";
const publicClient = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) });

const chainId = () => chainIdAt(rpcUrl);

async function isDeployed(record: DeploymentRecord | undefined): Promise<boolean> {
  if (!record || record.chainId !== (await chainId())) return false;
  const code = await publicClient.getCode({ address: record.contracts.TrimtabGovernor }).catch(() => undefined);
  return code !== undefined && code !== "0x";
}

function printSummary(record: DeploymentRecord, file: string) {
  const lines = [
    "",
    "Trimtab local stack",
    `  chain        ${rpcUrl} (chain id ${record.chainId}, Hardhat node)`,
    `  deployments  ${path.relative(root, file) || file}`,
    ...Object.entries(record.contracts).map(([name, address]) => `  ${name.padEnd(19)}${address}`),
    ...(record.devnet
      ? [
          `  Uniswap V3         router ${record.devnet.uniswap.swapRouter}`,
          `  Morpho Blue        ${record.devnet.morpho.morpho}`,
          ...Object.entries(record.devnet.tokens).map(
            ([symbol, t]) => `  ${symbol.padEnd(19)}${t.address} (feed ${t.feed})`,
          ),
        ]
      : []),
    "",
    `  GraphQL      ${graphqlUrl} (local indexer of subgraph/)`,
    `  Web app      ${webUrl}`,
    "",
    "  Dev accounts 1-4 hold delegated TRIM and can propose and vote; account 1 is the guardian.",
  ];
  console.log(lines.join("\n"));
}

/** Starts the local indexer on a fresh data directory and waits until it has indexed `head`. */
async function startIndexer(deploymentFile: string, head: bigint): Promise<ChildProcess> {
  const dataDir = path.join(root, ".trimtab", "indexer", `localhost-${port}`);
  await rm(dataDir, { recursive: true, force: true }); // a new chain: the previous index no longer applies
  const logFile = path.join(root, ".trimtab", `indexer-${graphqlPort}.log`);
  return startIndexerProcess({ rpcUrl, deploymentFile, dataDir, port: graphqlPort, logFile }, head, 600_000);
}

async function main() {
  const existing = await findDeploymentRecord(network, deploymentsDir);
  if (await isDeployed(existing)) {
    console.log(`A Trimtab stack is already running on ${rpcUrl}; nothing to do.`);
    printSummary(existing!, path.join(deploymentsDir, `${network}.json`));
    return;
  }
  if ((await chainId()) !== undefined) {
    throw new Error(`${rpcUrl} is taken by a chain without a Trimtab deployment: stop it or use --port`);
  }

  await mkdir(path.join(root, ".trimtab"), { recursive: true });
  const clock = phaseClock();
  clock.start("Compiling the contracts");
  await hre.tasks.getTask("build").run({ quiet: true, noTests: true }); // a fresh clone has no artifacts yet
  const logFile = path.join(root, ".trimtab", `hardhat-node-${port}.log`);
  const node = await startHardhatNode(port, logFile);
  let indexer: ChildProcess | undefined;
  let web: ChildProcess | undefined;
  let stopping = false;
  const stop = () => {
    stopping = true;
    web?.kill("SIGTERM");
    indexer?.kill("SIGTERM");
    node.kill("SIGTERM");
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  try {
    // A new node is a new chain: Ignition's journal of the previous one no longer applies.
    const deploymentId = `localhost-${port}`;
    await rm(path.join(root, "ignition", "deployments", deploymentId), { recursive: true, force: true });

    clock.start("Deploying the devnet, the governance core and the vault");
    const connection = await hre.network.create({ network, override: { url: rpcUrl } });
    const [deployer, guardian] = await connection.viem.getWalletClients();
    if (!deployer || !guardian) throw new Error("the Hardhat node exposes fewer than two accounts");
    const now = Number((await publicClient.getBlock()).timestamp);
    const deployed = await deployStack(connection, {
      network,
      deploymentsDir,
      deploymentId,
      rpcUrl,
      governance: {
        proposalGuardian: guardian.account.address,
        registryGuardian: guardian.account.address,
        registryGuardianExpiresAt: BigInt(now + 365 * 86_400),
      },
    });
    await seedVoters(connection, deployed.token);
    if (scenario.days > 0) {
      clock.start(`Playing ${scenario.days} days of market (seed ${scenario.seed})`);
      const result = await playScenario(connection, deployed.record, { ...scenario, log: console.log });
      console.log(
        `  ${result.rebalances} rebalances, ${result.collateralActions} collateral actions, ` +
          `${result.hedgeActions} hedge actions, ` +
          `${result.deposits} deposits, ${result.redemptions} redemptions, ` +
          `${result.inKind} in-kind redemptions`,
      );
    }
    if (scenario.days >= 31) {
      // Open for a vote when the stack is ready: what the web app's proposal page and the voters need.
      const file = "proposals/examples/reweight.yaml";
      clock.start(`Submitting ${file} for a vote`);
      const id = await openProposal(connection, deployed.record, { file, rpcUrl, deploymentFile: deployed.file! });
      console.log(`  proposal ${id} is open for voting`);
    }
    clock.start("Indexing the chain");
    indexer = await startIndexer(deployed.file!, await publicClient.getBlockNumber());
    clock.start("Starting the web app");
    web = await startWebProcess({
      port: webPort,
      rpcUrl,
      graphqlUrl,
      deploymentFile: deployed.file!,
      logFile: path.join(root, ".trimtab", `web-${webPort}.log`),
    });
    // A server that stops after this point stops the stack: "Ready" is never left standing over a dead server.
    const servers: [string, ChildProcess, string][] = [
      ["the indexer", indexer, `.trimtab/indexer-${graphqlPort}.log`],
      ["the web app", web, `.trimtab/web-${webPort}.log`],
    ];
    for (const [what, child, log] of servers) {
      const exited = () => {
        if (stopping) return;
        console.error(`${what} exited (${child.exitCode ?? child.signalCode}): see ${log}. Stopping the stack.`);
        process.exitCode = 1;
        stop();
      };
      if (child.exitCode !== null || child.signalCode !== null) exited();
      else child.once("exit", exited);
    }
    if (stopping) return;
    printSummary(deployed.record, deployed.file!);
    console.log(`  node log     ${path.relative(root, logFile)}\n\n${clock.summary()}\nReady. Ctrl-C stops the chain.`);
  } catch (error) {
    stop();
    throw error;
  }
  await new Promise<void>((resolve) => node.on("exit", () => resolve()));
  web?.kill("SIGTERM");
  indexer?.kill("SIGTERM");
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

/**
 * The start's phases, each announced as it begins and timed: what a user waits for, and where the time goes
 * (`Ready in 142 s: compiling 3 s, deploying 21 s, …`).
 */
function phaseClock() {
  const began = performance.now();
  const phases: { label: string; startedMs: number }[] = [];
  return {
    start(label: string) {
      const now = performance.now();
      const previous = phases.at(-1);
      if (previous) console.log(`  (${seconds(now - previous.startedMs)} s)`);
      phases.push({ label, startedMs: now });
      console.log(`${label}…`);
    },
    summary(): string {
      const now = performance.now();
      const parts = phases.map((p, i) => {
        const end = phases[i + 1]?.startedMs ?? now;
        return `${p.label.split(" ")[0]!.toLowerCase()} ${seconds(end - p.startedMs)} s`;
      });
      return `Ready in ${seconds(now - began)} s: ${parts.join(", ")}.`;
    },
  };
}

const seconds = (ms: number) => (ms / 1000).toFixed(0);
