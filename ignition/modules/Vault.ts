import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * The portfolio vault over a governance core and a market (a devnet's or a real chain's).
 * Parameters: baseToken, baseSymbol, riskTokens, riskSymbols, registry, treasury (the timelock), swapRouter,
 * uniswapFactory, name, symbol. The registry must already hold the assets' `weight.`, `feed.` and `poolFee.`
 * parameters (see parameters/catalog.ts, vaultAssetParameters).
 */
export default buildModule("Vault", (m) => {
  // The vault's registry reader, its views' prices, its rebalance plan and its exit plan are linked libraries (they
  // keep the vault under the contract size limit).
  const settingsLib = m.library("VaultSettingsLib");
  const viewPricesLib = m.library("ViewPricesLib");
  const rebalancePlanLib = m.library("RebalancePlanLib");
  const exitPlanLib = m.library("ExitPlanLib");
  const vault = m.contract(
    "PortfolioVault",
    [
      m.getParameter<string>("baseToken"),
      m.getParameter("baseSymbol", "USDC"),
      m.getParameter<string[]>("riskTokens"),
      m.getParameter("riskSymbols", ["WETH", "WBTC"]),
      m.getParameter<string>("registry"),
      m.getParameter<string>("treasury"),
      m.getParameter<string>("swapRouter"),
      m.getParameter<string>("uniswapFactory"),
      m.getParameter("name", "Trimtab Portfolio"),
      m.getParameter("symbol", "tPORT"),
    ],
    {
      libraries: {
        VaultSettingsLib: settingsLib,
        ViewPricesLib: viewPricesLib,
        RebalancePlanLib: rebalancePlanLib,
        ExitPlanLib: exitPlanLib,
      },
    },
  );
  return { vault, settingsLib, viewPricesLib, rebalancePlanLib, exitPlanLib };
});
