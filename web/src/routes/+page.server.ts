import { publicClient } from "#lib/server/chain.ts";
import { dashboardQuery, type Dashboard } from "#lib/server/dashboard.ts";
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
  return {
    ...data,
    parameters: Object.fromEntries(data.parameters.map((p) => [p.name, Number(p.value)])),
    head: { number: Number(head.number), timestamp: Number(head.timestamp) },
    lltvBps: lltv ? Number(BigInt(lltv) / 10n ** 14n) : undefined,
  };
};
