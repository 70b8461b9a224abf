import { publicClient } from "#lib/server/chain.ts";
import { readAllocation } from "#lib/server/allocation.ts";
import { dashboardQuery, type Dashboard } from "#lib/server/dashboard.ts";
import { settled } from "#lib/server/settled.ts";
import { querySubgraph } from "#lib/server/subgraph.ts";
import { serverConfig, readDeployment } from "#lib/server/config.ts";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async () => {
  const [data, head, deployment] = await Promise.all([
    querySubgraph<Dashboard>(dashboardQuery),
    publicClient().getBlock(),
    readDeployment(serverConfig()),
  ]);
  const lltv = deployment.devnet?.morpho?.lltv;
  const vault = deployment.contracts.PortfolioVault;
  // The allocation and the rebalance decision as the vault itself sees them now (its views, read at one block).
  const allocation = await settled(
    vault
      ? readAllocation(publicClient(), { vault, collateralManager: deployment.contracts.CollateralManager })
      : Promise.reject(new Error("the deployment has no vault")),
  );
  return {
    ...data,
    allocation: allocation.ok
      ? allocation
      : {
          ok: false as const,
          message: `The vault cannot value its holdings now (${allocation.message.split("\n")[0]}).`,
        },
    parameters: Object.fromEntries(data.parameters.map((p) => [p.name, Number(p.value)])),
    head: { number: Number(head.number), timestamp: Number(head.timestamp) },
    lltvBps: lltv ? Number(BigInt(lltv) / 10n ** 14n) : undefined,
  };
};
