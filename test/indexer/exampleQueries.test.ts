import path from "node:path";
import hre from "hardhat";
import { beforeAll, describe, expect, it } from "vitest";
import { parseUnits, type PublicClient } from "viem";
import { executableSchema } from "../../indexer/graphql/resolvers.ts";
import { executeQuery, type QueryApi } from "../../indexer/graphql/execute.ts";
import { loadSubgraph, withDeployment } from "../../indexer/manifest.ts";
import { openDatabase } from "../../indexer/store/database.ts";
import { databaseStore } from "../../indexer/store/databaseStore.ts";
import { syncOnce } from "../../indexer/sync.ts";
import { subgraphDir } from "../../scripts/codegen/subgraph.ts";
import { readExampleQueries } from "../../scripts/exampleQueries.ts";
import { deployVault, rebalanceUntilSettled } from "../helpers/vault.ts";

describe("the example queries of docs/queries/", () => {
  let api: QueryApi;

  beforeAll(async () => {
    const connection = await hre.network.create();
    const v = await deployVault(connection);
    const client = (await connection.viem.getPublicClient()) as unknown as PublicClient;
    await v.vault.write.deposit([parseUnits("100000", 6), v.accounts.alice.account.address], {
      account: v.accounts.alice.account,
    });
    await rebalanceUntilSettled(connection, v);
    await v.collateralManager.write.manage({ account: v.accounts.eve.account });
    const subgraph = withDeployment(await loadSubgraph(path.join(subgraphDir, "build", "default")), v.record);
    const sql = await openDatabase({});
    const store = await databaseStore(sql, subgraph.schema);
    await syncOnce({ client, subgraph, store });
    api = { schema: executableSchema(subgraph.schema, store.namespace), sql, store, name: "trimtab", deployment: "Qm" };
  });

  it("are a dozen or more, and each runs without errors and finds data", async () => {
    const examples = await readExampleQueries();
    expect(examples.length).toBeGreaterThanOrEqual(12);
    for (const { name, query } of examples) {
      const result = (await executeQuery(api, { query })) as { data?: Record<string, unknown>; errors?: unknown };
      expect(result.errors, name).toBeUndefined();
      const found = Object.entries(result.data!).filter(([, value]) =>
        Array.isArray(value) ? value.length > 0 : value,
      );
      expect(found.length, `${name} found nothing`).toBeGreaterThan(0);
    }
  });
});
