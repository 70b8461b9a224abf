import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * The portfolio vault over a governance core and a market (a devnet's or a real chain's).
 * Parameters: baseToken, baseSymbol, riskTokens, riskSymbols, registry, treasury (the timelock), swapRouter,
 * uniswapFactory, name, symbol. The registry must already hold the assets' `weight.`, `feed.` and `poolFee.`
 * parameters (see parameters/catalog.ts, vaultAssetParameters).
 */
export default buildModule("Vault", (m) => {
  // The vault's registry reader is a linked library (it keeps the vault under the contract size limit).
  const settingsLib = m.library("VaultSettingsLib");
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
    { libraries: { VaultSettingsLib: settingsLib } },
  );
  return { vault, settingsLib };
});
