import { publicClient } from "../lib/server/chain.ts";
import { metaFields, querySubgraph, type Meta } from "../lib/server/subgraph.ts";
import { serverConfig, readDeployment } from "../lib/server/config.ts";
import type { PageServerLoad } from "./$types";

type Token = { symbol: string; decimals: number };
type Dashboard = {
  vaults: {
    id: string;
    name: string;
    decimals: number;
    inputToken: Token;
    totalAssets: string;
    pricePerShare: string;
    peakPricePerShare: string;
    drawdown: string;
    outputTokenSupply: string;
    cumulativeManagementFees: string;
    cumulativePerformanceFees: string;
    rebalanceCount: number;
    lastRebalanceTimestamp: string | null;
    holdings: {
      token: Token;
      balance: string;
      valueInBase: string;
      weightBps: number;
      targetBps: number;
      driftBps: number;
    }[];
  }[];
  vaultDailySnapshots: {
    periodStart: string;
    totalAssets: string;
    pricePerShare: string;
    managementFees: string;
    performanceFees: string;
  }[];
  collateralPositions: { collateral: string; debt: string; ltvBps: number; updatedTimestamp: string }[];
  hedgePositions: {
    collateral: string;
    short: string;
    exposure: string;
    netDelta: string;
    hedgeRatioBps: number;
    updatedTimestamp: string;
  }[];
  rebalances: {
    id: string;
    timestamp: string;
    navBefore: string;
    navAfter: string;
    navChange: string;
    tradeCount: number;
    trades: {
      tokenIn: Token;
      tokenOut: Token;
      amountIn: string;
      amountOut: string;
      slippageBps: string;
      isSell: boolean;
    }[];
  }[];
  parameters: { name: string; value: string }[];
  _meta: Meta;
};

const query = `{
  vaults(first: 1) {
    id name decimals inputToken { symbol decimals }
    totalAssets pricePerShare peakPricePerShare drawdown outputTokenSupply
    cumulativeManagementFees cumulativePerformanceFees rebalanceCount lastRebalanceTimestamp
    holdings(orderBy: targetBps, orderDirection: desc) { token { symbol decimals } balance valueInBase weightBps targetBps driftBps }
  }
  vaultDailySnapshots(first: 1000, orderBy: periodStart) { periodStart totalAssets pricePerShare managementFees performanceFees }
  collateralPositions(first: 1) { collateral debt ltvBps updatedTimestamp }
  hedgePositions(first: 1) { collateral short exposure netDelta hedgeRatioBps updatedTimestamp }
  rebalances(first: 8, orderBy: timestamp, orderDirection: desc) {
    id timestamp navBefore navAfter navChange tradeCount
    trades { tokenIn { symbol decimals } tokenOut { symbol decimals } amountIn amountOut slippageBps isSell }
  }
  parameters(where: { name_in: ["rebalance.bandBps", "collateral.targetLtvBps", "collateral.maxLtvBps", "hedge.ratioBps", "hedge.bandBps", "fees.managementBps", "fees.performanceBps"] }) { name value }
  ${metaFields}
}`;

export const load: PageServerLoad = async () => {
  const [data, head, deployment] = await Promise.all([
    querySubgraph<Dashboard>(query),
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
