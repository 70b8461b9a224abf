/** What a deployment leaves behind, deployments/<network>.json: types only, for every reader (scripts, the web app). */
import type { Address } from "viem";

/** What `deployments/<network>.json` holds: where each contract lives on that network. */
export type DeploymentRecord = {
  network: string;
  chainId: number;
  /** The block before the first deployment transaction: indexers start here. */
  startBlock: number;
  deployedAt: string;
  contracts: {
    TrimtabToken: Address;
    TimelockController: Address;
    TrimtabGovernor: Address;
    ParameterRegistry: Address;
    PortfolioVault?: Address;
    CollateralManager?: Address;
    HedgeModule?: Address;
  };
  /** On local chains only: the stand-in tokens, feeds, Uniswap V3 and Morpho Blue deployments. */
  devnet?: DevnetRecord;
};

/** Addresses of the devnet's protocols, as recorded in deployments/<network>.json under `devnet`. */
export type DevnetRecord = {
  tokens: Record<"USDC" | "WETH" | "WBTC", { address: Address; decimals: number; feed: Address }>;
  uniswap: { factory: Address; swapRouter: Address; positionManager: Address; poolFee: number };
  morpho: {
    morpho: Address;
    irm: Address;
    lltv: string;
    oracles: { WETH_USDC: Address; WBTC_USDC: Address; USDC_WETH: Address; USDC_WBTC: Address };
  };
};
