/**
 * `npm run bench:graphql`: the query API under a crowd, on PGlite and on PostgreSQL.
 *
 * Starts a Hardhat node, deploys the stack and plays `--days` (90) of the market scenario. Then for each database the
 * indexer (as `npm start` runs it) indexes the chain and serves GraphQL, and `--clients` (50, then 200) clients send
 * the example queries for analysts (docs/queries/) and the dashboard's query back to back for `--seconds` (30) each, while a probe asks
 * `GET /health` every 100 ms (a shed client waits the `Retry-After` it is given) and the chain keeps producing blocks (a TRIM transfer every 200 ms) for the indexer to
 * follow. Prints a table, then one JSON line: per database and crowd, requests/s, p50/p95/p99 (ms), errors, shed
 * requests (503), the slowest answer, the health endpoint's p99, blocks indexed per second under load and the lag at
 * the end; the indexer's RSS before and after; and PostgreSQL's requests/s over PGlite's.
 *
 * PostgreSQL runs when a URL is given (`--database-url`, or TRIMTAB_TEST_DATABASE_URL / DATABASE_URL, as
 * `.ci/postgres.sh` prints one); its `subgraph` schema there is dropped first.
 */
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { ChildProcess } from "node:child_process";
import hre from "hardhat";
import { deployStack } from "../devnet/stack.ts";
import { openDatabase } from "../indexer/store/database.ts";
import { dashboardQuery } from "../web/src/lib/server/dashboard.ts";
import { ensureSubgraphBuilt } from "./codegen/subgraph.ts";
import { startHardhatNode } from "../devnet/hardhatNode.ts";
import { startIndexerProcess } from "../devnet/indexerProcess.ts";
import { playScenario } from "../devnet/scenario.ts";
import { seedVoters } from "../devnet/seedVoters.ts";
import { readExampleQueries } from "./exampleQueries.ts";
import { subgraphUrl } from "../sdk/graphql.ts";

const root = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    days: { type: "string", default: "90" },
    seconds: { type: "string", default: "30" },
    clients: { type: "string", default: "50,200" },
    "database-url": {
      type: "string",
      default: process.env.TRIMTAB_TEST_DATABASE_URL ?? process.env.DATABASE_URL,
    },
    port: { type: "string", default: "18800" },
  },
});
const days = Number(values.days);
const seconds = Number(values.seconds);
const crowds = values.clients.split(",").map(Number);
const port = Number(values.port);
const rpcUrl = `http://127.0.0.1:${port}`;
if (![days, seconds, port, ...crowds].every((n) => Number.isInteger(n) && n > 0)) {
  console.error("--days, --seconds, --port and each of --clients must be positive integers");
  process.exit(2);
}
const children: ChildProcess[] = [];
process.on("exit", () => children.forEach((child) => child.kill("SIGKILL")));

type Sample = { ms: number; outcome: "served" | "shed" | "error" };

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? null : Number(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(1));

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

/** The indexed head `GET /health` reports. */
async function indexedHead(base: string): Promise<number> {
  const health = (await (await fetch(`${base}/health`)).json()) as { indexing: { head: number | null } };
  return health.indexing.head ?? -1;
}

/**
 * One HTTP exchange on a kept-alive connection: the status, the `Retry-After` header and the body. The crowd uses
 * node:http rather than `fetch`, whose client costs several times the CPU per request: on two cores the load
 * generator's CPU is taken from the server it measures.
 */
function exchange(
  agent: Agent,
  url: string,
  body?: string,
): Promise<{ status: number; retryAfter: number; body: string }> {
  return new Promise((resolve, reject) => {
    const sent = request(
      url,
      {
        agent,
        method: body === undefined ? "GET" : "POST",
        headers: body === undefined ? {} : { "content-type": "application/json" },
        timeout: 30_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            retryAfter: Number(response.headers["retry-after"] ?? 0),
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        response.on("error", reject);
      },
    );
    sent.on("timeout", () => sent.destroy(new Error("no answer within 30 s")));
    sent.on("error", reject);
    sent.end(body);
  });
}

/** `clients` clients sending `queries` back to back for `seconds`, a health probe beside them. */
async function crowd(base: string, queries: string[], clients: number, chainHead: () => Promise<number>) {
  const url = subgraphUrl(base);
  const agent = new Agent({ keepAlive: true, maxSockets: clients + 1 });
  const samples: Sample[] = [];
  const health: number[] = [];
  const until = performance.now() + seconds * 1000;
  const headBefore = await indexedHead(base);
  const client = async (k: number) => {
    for (let i = k; performance.now() < until; i++) {
      const query = queries[i % queries.length]!;
      const started = performance.now();
      let outcome: Sample["outcome"] = "error";
      let retryAfterSec = 0;
      try {
        const response = await exchange(agent, url, JSON.stringify({ query }));
        const body = JSON.parse(response.body) as { errors?: unknown };
        retryAfterSec = response.retryAfter;
        if (response.status === 503) outcome = "shed";
        else if (response.status === 200 && !body.errors) outcome = "served";
      } catch {
        outcome = "error";
      }
      samples.push({ ms: performance.now() - started, outcome });
      // A client told to come back later does (the `Retry-After` a shed request carries).
      if (outcome === "shed") await new Promise((resolve) => setTimeout(resolve, retryAfterSec * 1000));
    }
  };
  const probe = async () => {
    while (performance.now() < until) {
      const started = performance.now();
      await exchange(agent, `${base}/health`);
      health.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  await Promise.all([...Array.from({ length: clients }, (_, k) => client(k)), probe()]);
  agent.destroy();
  const headAfter = await indexedHead(base);
  const served = samples
    .filter((s) => s.outcome === "served")
    .map((s) => s.ms)
    .sort((a, b) => a - b);
  const all = samples.map((s) => s.ms).sort((a, b) => a - b);
  health.sort((a, b) => a - b);
  return {
    clients,
    requestsPerSec: Math.round(served.length / seconds),
    p50Ms: percentile(served, 0.5),
    p95Ms: percentile(served, 0.95),
    p99Ms: percentile(served, 0.99),
    errors: samples.filter((s) => s.outcome === "error").length,
    shed: samples.filter((s) => s.outcome === "shed").length,
    slowestAnswerMs: Math.round(all.at(-1) ?? 0),
    healthP99Ms: percentile(health, 0.99),
    indexedBlocksPerSec: Number(((headAfter - headBefore) / seconds).toFixed(1)),
    lagBlocks: (await chainHead()) - headAfter,
  };
}

async function main() {
  await mkdir(path.join(root, ".trimtab"), { recursive: true });
  await ensureSubgraphBuilt();
  children.push(await startHardhatNode(port, path.join(root, ".trimtab", `bench-graphql-node-${port}.log`)));
  const connection = await hre.network.create({ network: "localhost", override: { url: rpcUrl } });
  const client = await connection.viem.getPublicClient();
  const wallets = await connection.viem.getWalletClients();
  const deploymentsDir = await mkdtemp(path.join(tmpdir(), "trimtab-bench-graphql-"));
  const deploymentId = `bench-graphql-${port}`;
  await rm(path.join(root, "ignition", "deployments", deploymentId), { recursive: true, force: true });
  const now = Number((await client.getBlock()).timestamp);
  const stack = await deployStack(connection, {
    network: "localhost",
    deploymentsDir,
    deploymentId,
    governance: {
      proposalGuardian: wallets[1]!.account.address,
      registryGuardian: wallets[1]!.account.address,
      registryGuardianExpiresAt: BigInt(now + 365 * 86_400),
    },
  });
  await seedVoters(connection, stack.token);
  console.log(`Playing ${days} days of market…`);
  await playScenario(connection, stack.record, { days, seed: 1 });
  const deploymentFile = path.join(deploymentsDir, "localhost.json");
  const queries = [...(await readExampleQueries()).map((example) => example.query), dashboardQuery];

  // The chain goes on while the crowd queries: a TRIM transfer between delegates every 200 ms, a block each.
  let producing = true;
  const senders = wallets.slice(1, 5);
  const production = (async () => {
    for (let i = 0; producing; i++) {
      const from = senders[i % senders.length]!;
      const to = senders[(i + 1) % senders.length]!;
      await stack.token.write.transfer([to.account.address, 1n], { account: from.account });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  const chainHead = async () => Number(await client.getBlockNumber());

  const databaseUrl = values["database-url"];
  const backends = [
    { name: "pglite", databaseUrl: undefined },
    ...(databaseUrl ? [{ name: "postgres", databaseUrl }] : []),
  ];
  const results: Record<string, object> = {};
  const rps: Record<string, number> = {};
  for (const backend of backends) {
    const graphqlPort = port + 1;
    const base = `http://127.0.0.1:${graphqlPort}`;
    const dataDir = await mkdtemp(path.join(tmpdir(), "trimtab-bench-graphql-db-"));
    if (backend.databaseUrl) {
      const sql = await openDatabase({ url: backend.databaseUrl });
      await sql.query("drop schema if exists subgraph cascade");
      await sql.close();
    }
    console.log(`Indexing into ${backend.name}…`);
    const indexer = await startIndexerProcess(
      {
        rpcUrl,
        deploymentFile,
        dataDir,
        ...(backend.databaseUrl ? { databaseUrl: backend.databaseUrl } : {}),
        port: graphqlPort,
        logFile: path.join(root, ".trimtab", `bench-graphql-${backend.name}.log`),
      },
      BigInt(await chainHead()),
      600_000,
    );
    children.push(indexer);
    // The chain went on while the indexer caught up: the crowd comes once it follows the head, not while it catches up.
    while ((await indexedHead(base)) < (await chainHead()) - 2)
      await new Promise((resolve) => setTimeout(resolve, 200));
    const rssBeforeMB = await rssMb(indexer.pid!);
    const runs = [];
    for (const clients of crowds) {
      console.log(`  ${clients} clients for ${seconds} s…`);
      runs.push(await crowd(base, queries, clients, chainHead));
    }
    const rssAfterMB = await rssMb(indexer.pid!);
    indexer.kill("SIGTERM");
    await new Promise((resolve) => indexer.once("exit", resolve));
    await rm(dataDir, { recursive: true, force: true });
    results[backend.name] = { rssBeforeMB, rssAfterMB, runs };
    rps[backend.name] = runs[0]!.requestsPerSec;
    console.table(runs);
    console.log(`  ${backend.name}: RSS ${rssBeforeMB} MB before, ${rssAfterMB} MB after`);
  }
  producing = false;
  await production;
  const summary = {
    queries: queries.length,
    seconds,
    ...results,
    postgresOverPgliteRps: rps.postgres ? Number((rps.postgres / rps.pglite!).toFixed(2)) : null,
  };
  console.log(JSON.stringify(summary));
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
