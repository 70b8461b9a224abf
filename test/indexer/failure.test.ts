import path from "node:path";
import hre from "hardhat";
import { beforeAll, describe, expect, it } from "vitest";
import type { PublicClient } from "viem";
import { executableSchema } from "../../indexer/graphql/resolvers.ts";
import { executeQuery } from "../../indexer/graphql/execute.ts";
import { loadSubgraph, withDeployment, type Subgraph } from "../../indexer/manifest.ts";
import { openDatabase, type Sql } from "../../indexer/store/database.ts";
import { databaseStore, type DatabaseStore } from "../../indexer/store/databaseStore.ts";
import { syncOnce } from "../../indexer/sync.ts";
import { graph } from "../../scripts/codegen/subgraph.ts";
import { deployGovernance, type Connection, type Governance } from "../helpers/governance.ts";

const fixture = path.resolve(import.meta.dirname, "..", "fixtures", "failing-subgraph");

describe("a handler that fails", () => {
  let connection: Connection;
  let gov: Governance;
  let client: PublicClient;
  let subgraph: Subgraph;
  let store: DatabaseStore;
  let sql: Sql;
  const logs: string[] = [];
  const mappingLogs: string[] = [];

  beforeAll(async () => {
    // A subgraph whose mapping aborts on a transfer of 13 wei, built with graph-cli like the real one.
    await graph(["codegen", "subgraph.yaml", "--output-dir", "generated"], fixture);
    await graph(["build", "subgraph.yaml", "--output-dir", "build"], fixture);
    connection = await hre.network.create();
    gov = await deployGovernance(connection);
    client = (await connection.viem.getPublicClient()) as unknown as PublicClient;
    subgraph = withDeployment(await loadSubgraph(path.join(fixture, "build")), {
      network: "hardhat",
      startBlock: 0,
      contracts: { TrimtabToken: gov.token.address },
    });
    sql = await openDatabase({});
    store = await databaseStore(sql, subgraph.schema);
  });

  const sync = () =>
    syncOnce({
      client,
      subgraph,
      store,
      log: (m) => logs.push(m),
      mappingLog: (level, m) => mappingLogs.push(`${level} ${m}`),
    });

  it("marks the deployment failed with the mapping's error, commits nothing of its block, and stops", async () => {
    expect((await sync()).failed).toBeUndefined();
    const before = await store.latest("TransferSeen");
    const [, alice] = await connection.viem.getWalletClients();

    // Two transfers in one block: the first is fine, the second aborts.
    await client.request({ method: "evm_setAutomine" as never, params: [false] as never });
    await gov.token.write.transfer([alice!.account.address, 5n]);
    await gov.token.write.transfer([alice!.account.address, 13n]);
    await client.request({ method: "evm_mine" as never, params: [] as never });
    await client.request({ method: "evm_setAutomine" as never, params: [true] as never });
    const failingBlock = await client.getBlockNumber();

    const result = await sync();
    expect(result.failed).toMatch(
      /^TrimtabToken\.handleTransfer failed at block \d+ \(log 1, transaction 0x[0-9a-f]{64}\): Mapping aborted at .*, with message: unlucky transfer of 13 wei$/,
    );
    const status = await store.status();
    expect(status).toMatchObject({ failed: true, errorBlock: failingBlock, head: { number: failingBlock - 1n } });
    expect(status.error).toBe(result.failed);
    expect(await store.latest("TransferSeen")).toEqual(before);
    expect(logs.some((l) => l.includes("unlucky transfer of 13 wei"))).toBe(true);
    // The failing run's own log lines are kept: the mapping logged the transfer before it aborted.
    expect(mappingLogs).toContain("3 transfer of 13");

    // Later blocks are not indexed: the deployment stays failed.
    await gov.token.write.transfer([alice!.account.address, 7n]);
    expect((await sync()).failed).toBe(result.failed);
    expect((await store.status()).head?.number).toBe(failingBlock - 1n);
  });

  it("reports the failure in _meta, and refuses other queries unless subgraphError: allow", async () => {
    const api = {
      schema: executableSchema(subgraph.schema, store.namespace),
      sql,
      store,
      name: "t",
      deployment: "QmFail",
    };
    const meta = (await executeQuery(api, { query: "{ _meta { hasIndexingErrors } }" })) as { data: unknown };
    expect(meta.data).toEqual({ _meta: { hasIndexingErrors: true } });
    const denied = (await executeQuery(api, { query: "{ transferSeens { id } }" })) as {
      errors: { message: string }[];
    };
    expect(denied.errors[0]!.message).toBe("indexing_error");
    const allowed = (await executeQuery(api, { query: "{ transferSeens(subgraphError: allow) { value } }" })) as {
      data: { transferSeens: { value: string }[] };
    };
    expect(allowed.data.transferSeens.map((t) => t.value)).not.toContain("13");
  });
});
