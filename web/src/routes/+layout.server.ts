import { serverConfig, readDeployment } from "#lib/server/config.ts";
import type { LayoutServerLoad } from "./$types";

/** What every page (and the browser's wallet) needs to know of the deployment. */
export const load: LayoutServerLoad = async () => {
  const deployment = await readDeployment(serverConfig());
  return {
    network: { name: deployment.network, chainId: deployment.chainId },
    contracts: deployment.contracts,
  };
};
