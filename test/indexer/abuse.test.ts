/**
 * The query API under abuse: the indexer as `npm start` runs it (its own process, following a Hardhat node), sent
 * the requests that used to crash or freeze it. Each is refused or answered within a second, the process answers a
 * normal query throughout, and its memory comes back after.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { request as httpRequest } from "node:http";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { getIntrospectionQuery } from "graphql";
import hre from "hardhat";
import { parseUnits } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeDeploymentRecord } from "../../sdk/deployment.ts";
import { indexerNodeOptions } from "../../indexer/nodeOptions.ts";
import { startHardhatNode } from "../../devnet/hardhatNode.ts";
import { deployVault, rebalanceUntilSettled } from "../helpers/vault.ts";
import { subgraphUrl } from "../../sdk/graphql.ts";

const root = path.resolve(import.meta.dirname, "..", "..");
const node = path.join(root, "node_modules", ".bin", "node");
const chainPort = 18_548;
const graphqlPort = 18_004;
const base = `http://127.0.0.1:${graphqlPort}`;
const url = subgraphUrl(base);

type Answer = { status: number; body: { data?: Record<string, unknown>; errors?: { message: string }[] } };

/** POSTs `body` (a string or a stream) with `headers`: the status and the JSON answer, even if the server hung up. */
function post(body: string | Readable, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers: { "content-type": "application/json", ...headers } });
    req.on("response", (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(text) as Answer["body"] }));
    });
    // A server that answered and closed may cut the upload short: the answer has arrived by then.
    req.on("error", (error) => setTimeout(() => reject(error), 1_000));
    if (typeof body === "string") req.end(body);
    else body.pipe(req);
  });
}
const query = (q: string, variables?: unknown) => post(JSON.stringify({ query: q, variables }));

/** A request padded with `megabytes` of spaces, streamed. */
const spaces = (megabytes: number) => {
  const chunk = Buffer.alloc(65_536, " ");
  const chunks = Math.ceil((megabytes * 1_048_576) / chunk.length);
  return Readable.from(
    (function* () {
      yield Buffer.from('{"query": "{ vaults { id } }"');
      for (let i = 0; i < chunks; i++) yield chunk;
      yield Buffer.from("}");
    })(),
  );
};

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

describe("the query API under abuse (the indexer's own process, over HTTP)", () => {
  const children: ChildProcess[] = [];
  let indexer: ChildProcess;
  let output = "";
  afterAll(() => children.forEach((child) => child.kill("SIGKILL")));

  beforeAll(async () => {
    const logDir = await mkdtemp(path.join(tmpdir(), "trimtab-abuse-"));
    children.push(await startHardhatNode(chainPort, path.join(logDir, "node.log")));
    const connection = await hre.network.create({
      network: "localhost",
      override: { url: `http://127.0.0.1:${chainPort}` },
    });
    const deploymentId = `abuse-${chainPort}`;
    await rm(path.join(root, "ignition", "deployments", deploymentId), { recursive: true, force: true });
    const v = await deployVault(connection, { deploymentId });
    for (const who of [v.accounts.alice, v.accounts.bob, v.accounts.eve]) {
      await v.vault.write.deposit([parseUnits("20000", 6), who.account.address], { account: who.account });
    }
    await rebalanceUntilSettled(connection, v);
    const head = Number(await (await connection.viem.getPublicClient()).getBlockNumber());
    const deployment = await writeDeploymentRecord(v.record, logDir);
    indexer = spawn(
      node,
      [
        ...indexerNodeOptions,
        "indexer/cli.ts",
        ...["--rpc", `http://127.0.0.1:${chainPort}`, "--deployment", deployment],
        ...["--data-dir", path.join(logDir, "db"), "--port", String(graphqlPort)],
      ],
      { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
    );
    children.push(indexer);
    indexer.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    indexer.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    for (;;) {
      if (indexer.exitCode !== null) throw new Error(`the indexer exited:\n${output}`);
      const health = await fetch(`${base}/health`)
        .then((r) => r.json() as Promise<{ indexing: { head: number | null } }>)
        .catch(() => undefined);
      if ((health?.indexing.head ?? -1) >= head) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 240_000);

  /**
   * Sends `abuse` while a normal query runs every 50 ms beside it: the abuse is answered within a second, and so is
   * every normal query meanwhile.
   */
  async function whileAnswering(abuse: () => Promise<Answer>): Promise<Answer> {
    let stop = false;
    const normal: { ms: number; ok: boolean }[] = [];
    const beside = (async () => {
      while (!stop) {
        const started = performance.now();
        const answer = await query("{ _meta { block { number } } }").catch(() => undefined);
        normal.push({ ms: performance.now() - started, ok: answer?.status === 200 && !answer.body.errors });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const started = performance.now();
    const answer = await abuse();
    const elapsedMs = performance.now() - started;
    stop = true;
    await beside;
    expect(elapsedMs, "the abusive request's answer time").toBeLessThan(1_000);
    expect(normal.length).toBeGreaterThan(0);
    expect(
      normal.every((n) => n.ok && n.ms < 1_000),
      JSON.stringify(normal),
    ).toBe(true);
    expect(indexer.exitCode).toBeNull();
    return answer;
  }

  const refusedWith = (answer: Answer, status: number, message: RegExp) => {
    expect(answer.status).toBe(status);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors?.[0]?.message).toMatch(message);
  };

  it("refuses each abusive query, answers the rest, stays up throughout, and its memory comes back", async () => {
    await query("{ vaults { id } }"); // warm
    const baselineMb = await rssMb(indexer.pid!);
    const nest = (levels: number) =>
      `{ ${"vaults(first: 1) { vault { ".repeat(levels / 2)}id${" } }".repeat(levels / 2)} }`;

    // Nesting 2,000 and 10,000 levels deep.
    refusedWith(await whileAnswering(() => query(nest(2_000))), 200, /depth that exceeds the limit of 255/);
    refusedWith(await whileAnswering(() => query(nest(10_000))), 200, /depth that exceeds the limit of 255/);
    // first: 1000 nested three levels: a billion entities potentially.
    const wide =
      "{ deposits(first: 1000) { vault { deposits(first: 1000) { vault { deposits(first: 1000) { id } } } } } }";
    refusedWith(await whileAnswering(() => query(wide)), 200, /GRAPH_GRAPHQL_MAX_COMPLEXITY/);
    // The same field 10,000 times, then a whole megabyte of it; 10,000 aliases.
    refusedWith(
      await whileAnswering(() => query(`{ vaults { ${"id ".repeat(10_000)}} }`)),
      200,
      /TRIMTAB_GRAPHQL_MAX_FIELDS/,
    );
    const megabyte = `{ vaults { ${"id ".repeat(349_000)}} }`;
    refusedWith(await whileAnswering(() => query(megabyte)), 200, /^query has more than 50000 tokens/);
    const aliases = `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: vaults { id }`).join(" ")} }`;
    refusedWith(await whileAnswering(() => query(aliases)), 200, /TRIMTAB_GRAPHQL_MAX_FIELDS/);
    // Under the field limit, 499 repeats of one selection are answered as one.
    const repeats = await whileAnswering(() => query(`{ ${"vaults { id } ".repeat(499)}}`));
    expect(repeats.body).toEqual((await query("{ vaults { id } }")).body);

    // Bodies of 1 MB and 100 MB: refused at the limit, the rest not read.
    refusedWith(await whileAnswering(() => post(spaces(1))), 413, /TRIMTAB_GRAPHQL_MAX_BODY_BYTES/);
    refusedWith(await whileAnswering(() => post(spaces(100))), 413, /TRIMTAB_GRAPHQL_MAX_BODY_BYTES/);

    // A client's mistakes: bad variables, bad JSON, a body that is no request, other content types, other methods.
    refusedWith(
      await whileAnswering(() => post(JSON.stringify({ query: "{ vaults { id } }", variables: "nope" }))),
      400,
      /`variables`/,
    );
    const wrongType = await whileAnswering(() => query("query($n: Int) { vaults(first: $n) { id } }", { n: "many" }));
    refusedWith(wrongType, 200, /\$n/);
    refusedWith(await whileAnswering(() => post('{"query": ')), 400, /not valid JSON/);
    refusedWith(await whileAnswering(() => post("[1, 2]")), 400, /JSON object with a `query`/);
    const form = await whileAnswering(() =>
      post("--x\r\ncontent-disposition: form-data; name=query\r\n\r\n{ vaults { id } }\r\n--x--", {
        "content-type": "multipart/form-data; boundary=x",
      }),
    );
    refusedWith(form, 400, /sent as multipart\/form-data/);
    const xml = await whileAnswering(() => post("<query/>", { "content-type": "application/xml" }));
    refusedWith(xml, 400, /sent as application\/xml/);
    const put = await whileAnswering(async () => {
      const response = await fetch(url, { method: "PUT", body: "{}" });
      return { status: response.status, body: (await response.json()) as Answer["body"] };
    });
    refusedWith(put, 405, /use POST or GET/);
    const badGet = await whileAnswering(async () => {
      const response = await fetch(`${url}?query=${encodeURIComponent("{ vaults { id } }")}&variables=%7B`);
      return { status: response.status, body: (await response.json()) as Answer["body"] };
    });
    refusedWith(badGet, 400, /`variables` parameter is not valid JSON/);

    // Introspection, as GraphiQL sends it, is answered.
    const introspection = await whileAnswering(() => query(getIntrospectionQuery()));
    expect(introspection.status).toBe(200);
    expect(introspection.body.errors).toBeUndefined();
    expect(introspection.body.data).toHaveProperty("__schema.queryType.name", "Query");

    // Memory comes back: within 64 MB of where it started, a few seconds after the last request.
    let afterMb = await rssMb(indexer.pid!);
    for (let i = 0; i < 20 && afterMb > baselineMb + 64; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      afterMb = await rssMb(indexer.pid!);
    }
    expect(afterMb, `RSS ${baselineMb.toFixed(0)} MB before, ${afterMb.toFixed(0)} MB after`).toBeLessThan(
      baselineMb + 64,
    );
    expect(indexer.exitCode).toBeNull();
  }, 120_000);
});
