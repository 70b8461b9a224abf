/** What the dashboard (the home page) reads from the subgraph; `npm run bench:graphql` sends it too. */
import { metaFields, type Meta } from "./subgraph.ts";

type Token = { symbol: string; decimals: number };
export type Dashboard = {
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
      token: Token & { id: string };
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

/** The dashboard's one query: the vault, its history, positions, recent rebalances and parameters. */
export const dashboardQuery = `{
  vaults(first: 1) {
    id name decimals inputToken { symbol decimals }
    totalAssets pricePerShare peakPricePerShare drawdown outputTokenSupply
    cumulativeManagementFees cumulativePerformanceFees rebalanceCount lastRebalanceTimestamp
    holdings(orderBy: targetBps, orderDirection: desc) { token { id symbol decimals } balance valueInBase weightBps targetBps driftBps }
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
