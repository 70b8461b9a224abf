import { connect } from "node:net";
import path from "node:path";
import type { Server } from "node:http";
import hre from "hardhat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, print } from "graphql";
import { formatUnits, parseUnits, type PublicClient } from "viem";
import { executableSchema } from "../../indexer/graphql/resolvers.ts";
import {
  defaultQueryLimits,
  queryComplexity,
  queryLimitsFromEnv,
  selectionDepth,
  textNesting,
  withoutRepeatedSelections,
  type QueryLimits,
} from "../../indexer/graphql/limits.ts";
import { executeQuery, type QueryApi } from "../../indexer/graphql/execute.ts";
import { startQueryServer } from "../../indexer/graphql/server.ts";
import { loadSubgraph, withDeployment } from "../../indexer/manifest.ts";
import { openDatabase } from "../../indexer/store/database.ts";
import { databaseStore } from "../../indexer/store/databaseStore.ts";
import { syncOnce } from "../../indexer/sync.ts";
import { subgraphDir } from "../../scripts/codegen/subgraph.ts";
import type { Connection } from "../helpers/governance.ts";
import { deployVault, rebalanceUntilSettled, type VaultStack } from "../helpers/vault.ts";

type Result = { data?: Record<string, unknown>; errors?: { message: string; locations?: unknown }[] };
const lower = (a: string) => a.toLowerCase();

describe("GraphQL query API (graph-node compatible)", () => {
  let connection: Connection;
  let v: VaultStack;
  let client: PublicClient;
  let api: QueryApi;
  let firstDepositBlock: bigint;
  const query = async (q: string, variables?: Record<string, unknown>) =>
    (await executeQuery(api, { query: q, variables })) as Result;
  const data = async (q: string, variables?: Record<string, unknown>) => {
    const result = await query(q, variables);
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    return result.data!;
  };

  beforeAll(async () => {
    connection = await hre.network.create();
    v = await deployVault(connection);
    client = (await connection.viem.getPublicClient()) as unknown as PublicClient;
    const { alice, bob, eve } = v.accounts;
    await v.vault.write.deposit([parseUnits("100000", 6), alice.account.address], { account: alice.account });
    firstDepositBlock = await client.getBlockNumber();
    await v.vault.write.deposit([parseUnits("20000", 6), bob.account.address], { account: bob.account });
    await v.vault.write.deposit([parseUnits("30000", 6), eve.account.address], { account: eve.account });
    await rebalanceUntilSettled(connection, v);
    const subgraph = withDeployment(await loadSubgraph(path.join(subgraphDir, "build", "default")), v.record);
    const sql = await openDatabase({});
    const store = await databaseStore(sql, subgraph.schema);
    await syncOnce({ client, subgraph, store });
    api = {
      schema: executableSchema(subgraph.schema, store.namespace),
      sql,
      store,
      name: "trimtab",
      deployment: "QmTest",
    };
  });

  it("reads an entity by id, with BigInt and BigDecimal as strings and Bytes as hex", async () => {
    const { vault } = await data(
      `{ vault(id: "${v.vault.address}") { id totalAssets pricePerShare inputToken { id symbol decimals } } }`,
    );
    const nav = (await v.vault.getEvents.NavUpdated({ fromBlock: 0n })).at(-1)!.args;
    expect(vault).toEqual({
      id: lower(v.vault.address),
      totalAssets: nav.totalAssets!.toString(),
      pricePerShare: formatUnits(nav.sharePriceWad!, 18),
      inputToken: { id: lower(v.usdc.address), symbol: "USDC", decimals: 6 },
    });
    expect(await data(`{ vault(id: "0x0000000000000000000000000000000000000001") { id } }`)).toEqual({ vault: null });
  });

  it("pages collections with first and skip, ordered by id unless told otherwise", async () => {
    const { deposits } = (await data("{ deposits(first: 100) { id assets } }")) as {
      deposits: { id: string; assets: string }[];
    };
    expect(deposits).toHaveLength(3);
    expect(deposits.map((d) => d.id)).toEqual([...deposits.map((d) => d.id)].sort());
    const page = (await data("{ deposits(first: 1, skip: 1) { id } }")) as { deposits: { id: string }[] };
    expect(page.deposits).toEqual([{ id: deposits[1]!.id }]);
    const byAssets = (await data("{ deposits(orderBy: assets, orderDirection: desc) { assets } }")) as {
      deposits: { assets: string }[];
    };
    expect(byAssets.deposits.map((d) => d.assets)).toEqual(["100000000000", "30000000000", "20000000000"]);
  });

  it("refuses first above 1000 and skip above 5000 with graph-node's messages", async () => {
    expect((await query("{ deposits(first: 1001) { id } }")).errors?.[0]?.message).toBe(
      "The `first` argument must be between 0 and 1000, but is 1001",
    );
    expect((await query("{ deposits(skip: 5001) { id } }")).errors?.[0]?.message).toBe(
      "The `skip` argument must be between 0 and 5000, but is 5001",
    );
  });

  describe("limits (graph-node's environment variables)", () => {
    const within = (limits: Partial<QueryLimits>, q: string, variables?: Record<string, unknown>) =>
      executeQuery(
        { ...api, limits: { ...defaultQueryLimits, ...limits } },
        { query: q, variables },
      ) as Promise<Result>;

    it("refuses a query that may return more entities than GRAPH_GRAPHQL_MAX_COMPLEXITY, counted as graph-node counts", async () => {
      // 1,000 deposits, each with its vault's 1,000 deposits: 1,000 + 1,000 × 1,000.
      const wide = "{ deposits(first: 1000) { vault { deposits(first: 1000) { id } } } }";
      expect(await query(wide)).toEqual({
        errors: [
          {
            message:
              "query potentially returns `1001000` entities or more and thereby exceeds the limit of `1000000` entities " +
              "(GRAPH_GRAPHQL_MAX_COMPLEXITY). Possible solutions are reducing the depth of the query, querying fewer " +
              "relationships or using `first` to return smaller collections",
          },
        ],
      });
      // `first` from a variable counts too; a collection without it counts 100.
      const byVariable = "query($n: Int) { deposits(first: $n) { vault { deposits(first: $n) { id } } } }";
      expect((await query(byVariable, { n: 1000 })).errors?.[0]?.message).toMatch(/`1001000` entities/);
      expect((await within({ maxComplexity: 10_099 }, "{ vaults { deposits { id } } }")).errors?.[0]?.message).toMatch(
        /`10100` entities or more and thereby exceeds the limit of `10099`/,
      );
      expect((await within({ maxComplexity: 10_100 }, "{ vaults { deposits { id } } }")).errors).toBeUndefined();
      // Three levels of 1,000 overflow no counter: refused the same way.
      const deep =
        "{ deposits(first: 1000) { vault { deposits(first: 1000) { vault { deposits(first: 1000) { id } } } } } }";
      expect((await query(deep)).errors?.[0]?.message).toMatch(/^query potentially returns `1001001000` entities/);
    });

    it("refuses more field selections than TRIMTAB_GRAPHQL_MAX_FIELDS, and answers a repeated selection as one", async () => {
      const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: vaults { id }`).join(" ")} }`;
      expect(await query(aliases(501))).toEqual({
        errors: [
          { message: "query has 1002 field selections, more than the limit of 1000 (TRIMTAB_GRAPHQL_MAX_FIELDS)" },
        ],
      });
      // 10,000 aliases stop the parser first: more tokens than 1,000 fields may take (50 each).
      expect((await query(aliases(10_000))).errors?.[0]?.message).toBe(
        "query has more than 50000 tokens, 50 for each of the 1000 fields a query may select (TRIMTAB_GRAPHQL_MAX_FIELDS)",
      );
      expect(Object.keys((await data(aliases(500))) as object)).toHaveLength(500);
      // 499 repeats of one selection (998 fields) are one selection, as GraphQL merges them: validation, which
      // compares every pair of fields sharing a name, then has one pair to compare, not 124,251.
      const repeats = `{ ${"vaults { id } ".repeat(499)}}`;
      expect(print(withoutRepeatedSelections(parse(repeats)))).toBe(print(parse("{ vaults { id } }")));
      expect(await data(repeats)).toEqual(await data("{ vaults { id } }"));
    });

    it("reads first and skip's limits from GRAPH_GRAPHQL_MAX_FIRST and GRAPH_GRAPHQL_MAX_SKIP", async () => {
      expect((await within({ maxFirst: 2 }, "{ deposits(first: 3) { id } }")).errors?.[0]?.message).toBe(
        "The `first` argument must be between 0 and 2, but is 3",
      );
      expect((await within({ maxSkip: 1 }, "{ deposits(skip: 2) { id } }")).errors?.[0]?.message).toBe(
        "The `skip` argument must be between 0 and 1, but is 2",
      );
    });

    it("stops a query whose result grows past GRAPH_GRAPHQL_ERROR_RESULT_SIZE, with no partial data, and warns past GRAPH_GRAPHQL_WARN_RESULT_SIZE", async () => {
      const full = "{ deposits { id assets shares owner } }";
      const size = JSON.stringify(await data(full)).length;
      expect(await within({ errorResultBytes: Math.floor(size / 2) }, full)).toEqual({
        errors: [
          {
            message: `the result is larger than the limit of ${Math.floor(size / 2)} bytes (GRAPH_GRAPHQL_ERROR_RESULT_SIZE)`,
          },
        ],
      });
      expect((await within({ errorResultBytes: 2 * size }, full)).errors).toBeUndefined();
      const warnings: string[] = [];
      const limits = { ...defaultQueryLimits, warnResultBytes: Math.floor(size / 2) };
      await executeQuery({ ...api, limits, warn: (m) => warnings.push(m) }, { query: full });
      await executeQuery({ ...api, limits, warn: (m) => warnings.push(m) }, { query: "{ vaults { id } }" });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/larger than GRAPH_GRAPHQL_WARN_RESULT_SIZE/);
    });

    it("answers a query still running after GRAPH_GRAPHQL_QUERY_TIMEOUT with graph-node's timeout, without waiting for it", async () => {
      // A database that takes 3 s per read.
      const slowSql = {
        ...api.sql,
        query: async <T>(text: string, params?: unknown[]) => {
          await new Promise((resolve) => setTimeout(resolve, 3_000));
          return api.sql.query<T>(text, params);
        },
      };
      const limits = { ...defaultQueryLimits, queryTimeoutSec: 1 };
      const started = performance.now();
      const result = await executeQuery({ ...api, sql: slowSql, limits }, { query: "{ deposits { id } }" });
      const elapsedMs = performance.now() - started;
      expect(result).toEqual({ errors: [{ message: "Query timed out after 1 s (GRAPH_GRAPHQL_QUERY_TIMEOUT)" }] });
      expect(elapsedMs).toBeGreaterThanOrEqual(990);
      expect(elapsedMs).toBeLessThan(2_500);
    });
  });

  it("filters with comparison, list, string and nested operators, and with and/or", async () => {
    const count = async (where: string) =>
      ((await data(`{ deposits(where: ${where}) { id } }`)) as { deposits: unknown[] }).deposits.length;
    expect(await count(`{ assets_gt: "20000000000" }`)).toBe(2);
    expect(await count(`{ assets_gte: "20000000000", assets_lt: "100000000000" }`)).toBe(2);
    expect(await count(`{ assets_in: ["20000000000", "30000000000"] }`)).toBe(2);
    expect(await count(`{ assets_not_in: ["20000000000"] }`)).toBe(2);
    expect(await count(`{ owner: "${v.accounts.bob.account.address}" }`)).toBe(1);
    expect(await count(`{ owner_not: "${v.accounts.bob.account.address}" }`)).toBe(2);
    expect(await count(`{ or: [{ assets: "20000000000" }, { assets: "30000000000" }] }`)).toBe(2);
    expect(await count(`{ and: [{ assets_gt: "1" }, { assets_lt: "25000000000" }] }`)).toBe(1);

    const trades = async (where: string) =>
      (
        (await data(`{ trades(first: 1000, where: ${where}) { tokenIn { symbol } tokenOut { symbol } } }`)) as {
          trades: { tokenIn: { symbol: string }; tokenOut: { symbol: string } }[];
        }
      ).trades;
    const toWeth = await trades(`{ tokenOut_: { symbol: "WETH" } }`);
    expect(toWeth.length).toBeGreaterThan(0);
    expect(toWeth.every((t) => t.tokenOut.symbol === "WETH")).toBe(true);
    expect(
      (await trades(`{ tokenOut_: { symbol_starts_with: "WB" } }`)).every((t) => t.tokenOut.symbol === "WBTC"),
    ).toBe(true);
    const { parameters } = (await data(
      `{ parameters(first: 1000, where: { name_starts_with: "weight." }) { name } }`,
    )) as {
      parameters: { name: string }[];
    };
    expect(parameters.map((p) => p.name).sort()).toEqual(["weight.USDC", "weight.WBTC", "weight.WETH"]);
    expect(await count(`{ owner_contains: "0x" }`)).toBe(3);
    const ends = (await data(
      `{ parameters(where: { name_ends_with_nocase: "bps", name_contains: "fee" }) { name } }`,
    )) as {
      parameters: { name: string }[];
    };
    expect(ends.parameters.map((p) => p.name).sort()).toEqual(["fees.managementBps", "fees.performanceBps"]);
  });

  it("orders by a nested field", async () => {
    const { trades } = (await data(`{ trades(first: 1000, orderBy: tokenOut__symbol) { tokenOut { symbol } } }`)) as {
      trades: { tokenOut: { symbol: string } }[];
    };
    const symbols = trades.map((t) => t.tokenOut.symbol);
    expect(symbols).toEqual([...symbols].sort());
  });

  it("resolves derived fields with their own arguments", async () => {
    const { vault } = (await data(
      `{ vault(id: "${v.vault.address}") { rebalanceCount rebalances(first: 1000) { id trades { id } } deposits(where: { assets_gt: "50000000000" }) { assets } } }`,
    )) as { vault: { rebalanceCount: number; rebalances: { trades: unknown[] }[]; deposits: unknown[] } };
    expect(vault.rebalances).toHaveLength(vault.rebalanceCount);
    expect(vault.rebalances.every((r) => r.trades.length > 0)).toBe(true);
    expect(vault.deposits).toEqual([{ assets: "100000000000" }]);
  });

  it("pages a derived field per parent, read for many parents at once as for each alone", async () => {
    const page =
      'trades(first: 1, skip: 1, orderBy: amountIn, orderDirection: desc, where: { amountIn_gt: "0" }) { id amountIn }';
    const { rebalances } = (await data(`{ rebalances(first: 1000) { id ${page} } }`)) as {
      rebalances: { id: string; trades: unknown[] }[];
    };
    expect(rebalances.length).toBeGreaterThan(1);
    expect(rebalances.some((r) => r.trades.length === 1)).toBe(true);
    for (const { id, trades } of rebalances) {
      const alone = (await data(`{ rebalance(id: "${id}") { ${page} } }`)) as { rebalance: { trades: unknown[] } };
      expect(trades).toEqual(alone.rebalance.trades);
    }
  });

  it("travels in time with block: { number }, and refuses a block not indexed yet", async () => {
    const at = (block: bigint) =>
      data(
        `{ vault(id: "${v.vault.address}", block: { number: ${block} }) { cumulativeDeposits } deposits(block: { number: ${block} }) { id } }`,
      );
    expect(await at(firstDepositBlock)).toEqual({
      vault: { cumulativeDeposits: "100000000000" },
      deposits: [expect.anything()],
    });
    expect(await at(firstDepositBlock - 1n)).toEqual({ vault: null, deposits: [] });
    const head = await client.getBlockNumber();
    expect(
      (await query(`{ vault(id: "${v.vault.address}", block: { number: ${head + 10n} }) { id } }`)).errors?.[0]
        ?.message,
    ).toBe(
      `Failed to decode \`block.number\` value: \`subgraph QmTest has only indexed up to block number ${head} and data for block number ${head + 10n} is therefore not yet available\``,
    );
  });

  it("filters entities changed since a block with _change_block", async () => {
    const { navUpdates: all } = (await data("{ navUpdates(first: 1000) { blockNumber } }")) as {
      navUpdates: { blockNumber: string }[];
    };
    const since = Number(firstDepositBlock) + 1;
    const { navUpdates } = (await data(
      `{ navUpdates(first: 1000, where: { _change_block: { number_gte: ${since} } }) { blockNumber } }`,
    )) as {
      navUpdates: { blockNumber: string }[];
    };
    expect(navUpdates).toHaveLength(all.filter((n) => Number(n.blockNumber) >= since).length);
    expect(navUpdates.length).toBeLessThan(all.length);
  });

  it("reports _meta: the indexed head, the deployment and no indexing errors", async () => {
    const head = await client.getBlock();
    expect(await data("{ _meta { block { number hash } deployment hasIndexingErrors } }")).toEqual({
      _meta: {
        block: { number: Number(head.number), hash: head.hash },
        deployment: "QmTest",
        hasIndexingErrors: false,
      },
    });
  });

  it("answers bad queries with GraphQL errors naming the problem and where it is", async () => {
    const unknownField = await query("{ vaults { nope } }");
    expect(unknownField.data).toBeUndefined();
    expect(unknownField.errors).toEqual([
      { message: 'Cannot query field "nope" on type "Vault".', locations: [{ line: 1, column: 12 }] },
    ]);
    expect((await query("{ deposits(where: { assets_gt: 12.5 }) { id } }")).errors?.[0]?.message).toContain("BigInt");
    expect((await query("{ vaults(orderBy: nope) { id } }")).errors?.[0]?.message).toContain("nope");
  });

  describe("over HTTP", () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      server = await startQueryServer({ ...api, execute: (request) => executeQuery(api, request), port: 0 });
      const address = server.address() as { port: number };
      url = `http://127.0.0.1:${address.port}/subgraphs/name/trimtab`;
    });
    afterAll(() => server.close());

    it("serves POST and GET at /subgraphs/name/<name> and refuses malformed JSON", async () => {
      const post = await fetch(url, { method: "POST", body: JSON.stringify({ query: "{ _meta { deployment } }" }) });
      expect(await post.json()).toEqual({ data: { _meta: { deployment: "QmTest" } } });
      const get = await fetch(`${url}?query=${encodeURIComponent("{ tokens { symbol } }")}`);
      expect(((await get.json()) as { data: { tokens: unknown[] } }).data.tokens).toHaveLength(3);
      const bad = await fetch(url, { method: "POST", body: "{" });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as Result).errors?.[0]?.message).toMatch(/^The request body is not valid JSON/);
      expect((await fetch(url.replace("trimtab", "other"))).status).toBe(404);
    });

    /** POSTs `payload` (an object sent as JSON, or a string sent as is); returns the status and the body. */
    const post = async (payload: object | string) => {
      const response = await fetch(url, {
        method: "POST",
        body: typeof payload === "string" ? payload : JSON.stringify(payload),
      });
      return { status: response.status, body: (await response.json()) as Result };
    };
    const alive = async () =>
      expect((await post({ query: "{ _meta { deployment } }" })).body).toEqual({
        data: { _meta: { deployment: "QmTest" } },
      });
    /** A query nesting `levels` selections, one entity each: vaults { deposits { vault { deposits { … } } } }. */
    const nested = (levels: number) => {
      const names = Array.from({ length: levels }, (_, i) =>
        i === 0 ? "vaults(first: 1)" : i % 2 ? "deposits(first: 1)" : "vault",
      );
      return `{ ${names.join(" { ")} { id }${" }".repeat(levels)}`;
    };

    it("refuses a query deeper than GRAPH_GRAPHQL_MAX_DEPTH (255), 2,000 or 10,000 levels included, and goes on answering", async () => {
      const tooDeep = {
        errors: [{ message: "query has a depth that exceeds the limit of 255 (GRAPH_GRAPHQL_MAX_DEPTH)" }],
      };
      for (const levels of [255, 2_000, 10_000]) {
        const { status, body } = await post({ query: nested(levels) });
        expect(status).toBe(200);
        expect(body).toEqual(tooDeep);
        await alive();
      }
      // At the limit the query runs: 254 nested selections and the id.
      const { body } = await post({ query: nested(254) });
      expect(body.errors).toBeUndefined();
    });

    it("answers a client's mistakes with a 4xx naming it: bad variables, a body that is no query, an oversized body", async () => {
      expect(await post({ query: "{ vaults { id } }", variables: "nope" })).toEqual({
        status: 400,
        body: { errors: [{ message: "The `variables` field must be a JSON object" }] },
      });
      expect((await post({ query: 1 })).status).toBe(400);
      expect(await post('"nope"')).toEqual({
        status: 400,
        body: { errors: [{ message: "The request must be a JSON object with a `query`" }] },
      });
      const large = await post({ query: `{ _meta { deployment } }${" ".repeat(2 * 1_048_576)}` });
      expect(large).toEqual({
        status: 413,
        body: {
          errors: [{ message: "The request body is larger than 1048576 bytes (TRIMTAB_GRAPHQL_MAX_BODY_BYTES)" }],
        },
      });
      await alive();
    });
  });

  it("after refusing an oversized body, keeps the connection for the client's next request, however slow", async () => {
    const server = await startQueryServer({
      ...api,
      limits: { ...defaultQueryLimits, maxBodyBytes: 64 },
      execute: (request) => executeQuery(api, request),
      port: 0,
    });
    const { port } = server.address() as { port: number };
    const socket = connect(port, "127.0.0.1");
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString()));
    const waitFor = async (what: RegExp) => {
      while (!what.test(received)) {
        if (socket.closed) throw new Error(`the server hung up; it had sent: ${received}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const request = (body: string) =>
      `POST /subgraphs/name/trimtab HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`;
    const oversized = JSON.stringify({ query: `{ _meta { deployment } }${" ".repeat(200)}` });
    socket.write(request(oversized) + oversized);
    await waitFor(/HTTP\/1.1 413/);
    // The next request on the same connection sends its body over 6 s, past the time a refused body is drained.
    const next = JSON.stringify({ query: "{ _meta { deployment } }" });
    socket.write(request(next) + next.slice(0, 5));
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    socket.write(next.slice(5));
    await waitFor(/HTTP\/1.1 200[\s\S]*QmTest/);
    socket.destroy();
    server.close();
  }, 20_000);

  it("reads its limits from graph-node's environment variables, and names a bad value", () => {
    expect(queryLimitsFromEnv({})).toEqual(defaultQueryLimits);
    expect(queryLimitsFromEnv({ GRAPH_GRAPHQL_MAX_DEPTH: "40", TRIMTAB_GRAPHQL_MAX_BODY_BYTES: "2048" })).toEqual({
      ...defaultQueryLimits,
      maxDepth: 40,
      maxBodyBytes: 2_048,
    });
    expect(() => queryLimitsFromEnv({ GRAPH_GRAPHQL_MAX_DEPTH: "deep" })).toThrow(
      'GRAPH_GRAPHQL_MAX_DEPTH must be a positive integer, got "deep"',
    );
  });

  it("counts a query's depth and complexity through fragments, and its text's nesting outside strings and comments", () => {
    const document = parse(
      "query { vaults { ...v } } fragment v on Vault { deposits { ...d } } fragment d on Deposit { id }",
    );
    expect(selectionDepth(document)).toBe(3);
    // Complexity through fragments: 100 vaults (no `first`), each with 5 deposits; introspection counts nothing.
    const withFragment = parse(
      "{ __schema { types { fields { name } } } vaults { ...v } } fragment v on Vault { deposits(first: 5) { id } }",
    );
    expect(queryComplexity(withFragment, api.schema)).toBe(100 + 100 * 5);
    expect(textNesting('{ a(where: { name: "{{{{" }) { b } # {{{{\n }')).toBe(2);
  });
});
